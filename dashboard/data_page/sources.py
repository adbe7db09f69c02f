"""Where a dataset can come from: each source renders its picker and the summary below it.

What a source draws with (pandas, Plotly, the readers) is imported when it is used:
the first page, which shows no dataset yet, then renders without pandas.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from dashboard.data_page.earlier_uploads import pick_earlier_upload
from dashboard.modality import modality_of
from dashboard.plain_text import md
from dashboard.services import cached_dataset, get_store, load_dataset, remember_dataset
from data.dataset import DatasetError

_READ_UPLOAD = "csv_upload_read"  # session key: (file id, reference or None, notes or error)


def builtin_source() -> None:
    from data.registry import builtin_catalog

    catalog = builtin_catalog()
    labels = {f"{entry.name} · {entry.kind}": entry for entry in catalog}
    label = st.selectbox(
        "Built-in dataset",
        list(labels),
        index=None,
        placeholder="Choose a dataset",
        key="builtin_choice",
    )
    if label is None:
        st.caption(
            "Tables, images and texts that ship with Glassbox: "
            + ", ".join(entry.name for entry in catalog)
            + "."
        )
        return
    entry = labels[label]
    st.caption(entry.description)
    dataset = load_dataset(entry.ref)
    modality_of(dataset.kind).render_summary(dataset)


def csv_table_source() -> None:
    upload = st.file_uploader(
        "CSV file (comma, semicolon, tab or pipe separated)",
        key="csv_upload",
        help="Up to 200 MB. One row per sample; one column will be the target. A bigger "
        "table: put it in a data folder and choose 'A file or folder on this machine'.",
    )
    ref = None
    if upload is not None:
        ref, messages = _read_csv_upload(upload)
        if ref is None:
            st.error(f"Could not read **{md(upload.name)}**: {md(messages[0])}")
            return
        for note in messages:
            st.info(md(note))
    if ref is None:
        earlier = pick_earlier_upload("tabular", "…or a CSV uploaded earlier", key="csv_earlier")
        ref = earlier.ref if earlier else None
    if ref is None:
        st.caption("Upload a file to see a preview, column types and missing values.")
        return
    try:
        dataset = load_dataset(ref)
        modality_of(dataset.kind).render_summary(dataset)
    except DatasetError as error:
        st.error(str(error))


def _read_csv_upload(upload) -> tuple[str | None, list[str]]:
    """(reference, notes), or (None, [why it cannot be read]).

    Read, checked and stored once per upload: every later rerun (any click on the
    page) finds the answer in the session, and the parsed table in the dataset cache.
    """
    seen = st.session_state.get(_READ_UPLOAD)
    if seen is not None and seen[0] == upload.file_id:
        return seen[1], seen[2]
    with st.spinner(
        f"Reading {upload.name} ({upload.size / 1e6:.0f} MB); this happens once per file…",
        show_time=True,
    ):
        answer = _parse_and_store(upload.name, upload.getvalue())
    st.session_state[_READ_UPLOAD] = (upload.file_id, *answer)
    return answer


def _parse_and_store(name: str, raw: bytes) -> tuple[str | None, list[str]]:
    """Keyed by the content hash: bytes already parsed by any session are not parsed again."""
    from data.csv_loader import read_csv_bytes
    from data.dataset_store import content_ref, read_meta, save_upload
    from data.registry import uploaded_table

    workspace = get_store().workspace
    ref = content_ref("tabular", {"source.csv": raw})
    if cached_dataset(ref) is not None:
        try:
            return ref, read_meta(workspace, ref).get("notes", [])
        except DatasetError:
            pass  # its folder was removed meanwhile: store it again
    try:
        result = read_csv_bytes(raw)
    except DatasetError as error:
        return None, [str(error)]
    meta = {"notes": result.notes}
    ref = save_upload(workspace, "tabular", name, {"source.csv": raw}, meta)
    remember_dataset(uploaded_table(ref, name, result.frame, meta, {}))
    return ref, result.notes


def text_source() -> None:
    from dashboard.data_page.text_upload import text_csv_source

    text_csv_source()


def image_source() -> None:
    from dashboard.data_page.image_upload import image_upload_source

    image_upload_source()


def disk_source() -> None:
    from dashboard.data_page.disk_table import disk_table_source

    disk_table_source()


DISK_SOURCE = "A file or folder on this machine"
SOURCES: dict[str, Callable[[], None]] = {
    "Built-in": builtin_source,
    "Upload a CSV table": csv_table_source,
    "Upload a text CSV": text_source,
    "Upload images": image_source,
    DISK_SOURCE: disk_source,
}

"""Where a dataset can come from: each source renders its picker and the summary below it.

What a source draws with (pandas, Plotly, the readers) is imported when it is used:
the first page, which shows no dataset yet, then renders without pandas.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from dashboard.data_page.earlier_uploads import pick_earlier_upload
from dashboard.modality import modality_of
from dashboard.services import get_store, load_dataset
from data.dataset import DatasetError


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
    from data.csv_loader import read_csv_bytes
    from data.dataset_store import save_upload

    store = get_store()
    upload = st.file_uploader(
        "CSV file (comma, semicolon, tab or pipe separated)",
        key="csv_upload",
        help="Up to 200 MB. One row per sample; one column will be the target.",
    )
    ref = None
    if upload is not None:
        raw = upload.getvalue()
        try:
            result = read_csv_bytes(raw)
        except DatasetError as error:
            st.error(f"Could not read **{upload.name}**: {error}")
            return
        for note in result.notes:
            st.info(note)
        ref = save_upload(store.workspace, "tabular", upload.name, {"source.csv": raw})
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


def text_source() -> None:
    from dashboard.data_page.text_upload import text_csv_source

    text_csv_source()


def image_source() -> None:
    from dashboard.data_page.image_upload import image_upload_source

    image_upload_source()


SOURCES: dict[str, Callable[[], None]] = {
    "Built-in": builtin_source,
    "Upload a CSV table": csv_table_source,
    "Upload a text CSV": text_source,
    "Upload images": image_source,
}

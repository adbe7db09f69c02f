"""Where a dataset can come from: each source renders its picker and the summary below it.

What a source draws with (pandas, Plotly, the readers) is imported when it is used:
the first page, which shows no dataset yet, then renders without pandas (~0.5 s).
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from dashboard.services import get_store, load_dataset
from data.dataset import Dataset, DatasetError


def _render(dataset: Dataset) -> None:
    if dataset.kind == "tabular":
        from dashboard.data_page.tabular_summary import render_tabular

        render_tabular(dataset)
    elif dataset.kind == "image":
        from dashboard.data_page.image_summary import render_images

        render_images(dataset)
    else:
        from dashboard.data_page.text_summary import render_text

        render_text(dataset)


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
    _render(load_dataset(entry.ref))


def csv_table_source() -> None:
    from data.csv_loader import read_csv_bytes
    from data.dataset_store import list_uploads, save_upload

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
    earlier = {
        meta["name"] + f" ({r[7:15]})": r
        for r, meta in list_uploads(store.workspace)
        if meta["kind"] == "tabular"
    }
    if ref is None and earlier:
        picked = st.selectbox(
            "…or a CSV uploaded earlier", ["—"] + list(earlier), key="csv_earlier"
        )
        ref = earlier.get(picked)
    if ref is None:
        st.caption("Upload a file to see a preview, column types and missing values.")
        return
    try:
        _render(load_dataset(ref))
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

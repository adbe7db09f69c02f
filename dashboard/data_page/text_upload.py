"""Data-page source for text: upload a CSV of texts and labels, or reopen an earlier one.

The columns are guessed from the values (see `data.text_columns`), then shown as
two pickers so a wrong guess is one click to fix. The file is stored only once it
yields a usable dataset, so the "uploaded earlier" list holds nothing broken.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard.data_page.earlier_uploads import pick_earlier_upload
from dashboard.data_page.text_summary import render_text
from dashboard.plain_text import md
from dashboard.services import get_store
from data.dataset import Dataset, DatasetError


@st.cache_resource(max_entries=4, show_spinner="Reading the CSV…")
def _read(ref: str, _raw: bytes):
    """Parsed once per upload (keyed by content hash); the frame is treated as read-only."""
    from data.csv_loader import read_csv_bytes

    return read_csv_bytes(_raw)


def _pick_columns(frame: pd.DataFrame, ref: str) -> tuple[str, str, bool]:
    """(text column, label column, whether the automatic guess failed and is untouched)."""
    from data.text_columns import detect_text_columns

    columns = [str(c) for c in frame.columns]
    try:
        guess, failed = detect_text_columns(frame), False
    except DatasetError as error:
        st.error(str(error))
        guess, failed = (columns[0], columns[min(1, len(columns) - 1)]), True
    left, right = st.columns(2)
    text_col = left.selectbox(
        "Text column", columns, index=columns.index(guess[0]), key=f"text_col_{ref}"
    )
    label_col = right.selectbox(
        "Label column", columns, index=columns.index(guess[1]), key=f"label_col_{ref}"
    )
    return text_col, label_col, failed and (text_col, label_col) == guess


def _save_once(workspace: Path, ref: str, name: str, raw: bytes) -> None:
    from data.dataset_store import save_upload, upload_dir

    if not (upload_dir(workspace, ref) / "source.csv").exists():
        save_upload(workspace, "text", name, {"source.csv": raw})


EARLIER_KEY = "text_earlier"


def open_upload_as_text(table_ref: str, name: str) -> None:
    """The "Open this file as a text CSV" button's on_click: the same file, stored as a text
    upload, opened in the text source (a callback, so the source radio may still change)."""
    from dashboard.data_page.earlier_uploads import upload_label
    from dashboard.data_page.sources import SOURCES, text_source
    from data.dataset_store import save_upload, upload_dir

    workspace = get_store().workspace
    raw = (upload_dir(workspace, table_ref) / "source.csv").read_bytes()
    text_ref = save_upload(workspace, "text", name, {"source.csv": raw})
    st.session_state["data_source"] = next(
        label for label, source in SOURCES.items() if source is text_source
    )
    st.session_state[EARLIER_KEY] = upload_label(text_ref, name)


def text_csv_source() -> None:
    from data.dataset_store import content_ref, upload_dir

    workspace = get_store().workspace
    upload = st.file_uploader(
        "CSV with a column of texts and a column of labels",
        key="text_csv_upload",
        help="Any language; UTF-8 is best. One row per text. Up to 200 MB.",
    )
    if upload is not None:
        raw, name = upload.getvalue(), upload.name
        ref = content_ref("text", {"source.csv": raw})
    else:
        earlier = pick_earlier_upload("text", "…or a text CSV uploaded earlier", key=EARLIER_KEY)
        if earlier is None:
            st.caption("Upload a CSV to see its labels, sample texts and token lengths.")
            return
        ref, name = earlier.ref, earlier.name
        raw = (upload_dir(workspace, ref) / "source.csv").read_bytes()
    try:
        loaded = _read(ref, raw)
    except DatasetError as error:
        st.error(f"Could not read **{md(name)}**: {md(error)}")
        return
    for note in loaded.notes:
        st.info(note)
    text_col, label_col, untouched_failure = _pick_columns(loaded.frame, ref)
    if untouched_failure:
        return
    from data.text_columns import validate_text_dataset

    try:
        checked = validate_text_dataset(loaded.frame, text_col, label_col)
    except DatasetError as error:
        st.error(str(error))
        return
    for note in checked.notes:
        st.warning(note)
    _save_once(workspace, ref, name, raw)
    options = {"text_column": text_col, "label_column": label_col}
    render_text(Dataset(ref, name, checked.data), options)

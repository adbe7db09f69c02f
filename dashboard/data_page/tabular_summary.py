"""The summary of a table: preview, shape, column types, missing values, target, balance.

What training would do with each column is said here, before any run: the columns
left out and why, and a file whose only content is text is sent to the text upload
(with one click, the same file) instead of failing after training starts.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.chosen_dataset import Choice, offer
from dashboard.figures.classification import class_balance_figure
from dashboard.figures.data_overview import missing_values_figure
from dashboard.plain_text import md, md_list
from data.dataset import Dataset, DatasetError

ROW_PX, MAX_TYPE_ROWS = 35, 20  # the column-types table shows up to 20 columns unscrolled


@st.cache_data(show_spinner=False, max_entries=16)
def _column_types(ref: str, _frame: pd.DataFrame) -> pd.DataFrame:
    """Keyed by the dataset's reference (an upload's is its content hash): hashing a
    million-row frame on every click cost more than the page's own drawing."""
    from data.schema import infer_columns

    return infer_columns(_frame)


def show_types(types: pd.DataFrame) -> None:
    st.markdown("**Columns**")
    st.dataframe(
        types,
        hide_index=True,
        height=ROW_PX * (min(len(types), MAX_TYPE_ROWS) + 1) + 3,
        column_config={
            "missing_fraction": st.column_config.NumberColumn("missing share", format="percent"),
            "example": st.column_config.TextColumn("example", width="large"),
        },
        key="column_types",
    )


def _pick_target(dataset: Dataset, columns: list[str]) -> str:
    from data.target_proposal import propose_target

    default = dataset.data.target
    target = st.selectbox(
        "Target column (what the model predicts)",
        columns,
        index=columns.index(default) if default in columns else len(columns) - 1,
        key=f"target_{dataset.ref}",
    )
    proposal = propose_target(dataset.data.frame)
    if target == default and proposal.column == default:
        st.caption(f"'{md(target)}' is {md(proposal.reason)}.")
    return target


def _left_out(types: pd.DataFrame, target: str) -> tuple[dict[str, str], list[str]]:
    """(left-out column → reason, text columns), the target aside."""
    from data.tabular_prep import left_out_columns

    features = types[types["column"] != target]
    text = features.loc[features["role"] == "text", "column"].tolist()
    return left_out_columns(features), text


def _offer_text_upload(dataset: Dataset, text: list[str], nothing_else: bool) -> None:
    from dashboard.data_page.text_upload import open_upload_as_text

    shown = md_list(text)
    message = (
        f"{shown} {'is' if len(text) == 1 else 'are'} free text, which a table model cannot "
        "read. To model the text, open this file as a text CSV."
    )
    if nothing_else:
        st.error(
            message + " Every other column is left out too, so a table model has nothing "
            "to learn from."
        )
    else:
        st.info(message)
    if dataset.ref.startswith("upload:"):
        st.button(
            "Open this file as a text CSV",
            key="open_as_text",
            on_click=open_upload_as_text,
            args=(dataset.ref, dataset.name),
            icon=":material/article:",
        )


def say_left_out(left_out: dict[str, str]) -> None:
    if left_out:
        st.caption(
            "Left out of training: "
            + "; ".join(f"'{md(column)}' {md(why)}" for column, why in left_out.items())
            + "."
        )


def missing_chart(types: pd.DataFrame, key: str) -> None:
    """Gaps per column, from a column-types table's missing counts and shares."""
    missing = pd.Series(types["missing_fraction"].to_numpy(), index=types["column"])
    counts = pd.Series(types["missing"].to_numpy(), index=types["column"])
    st.plotly_chart(missing_values_figure(missing, counts), key=key)


def render_tabular(dataset: Dataset) -> None:
    from data.schema import check_target

    frame = dataset.data.frame
    rows, cols = frame.shape
    st.markdown(f"**{md(dataset.name)}** — {rows:,} rows × {cols:,} columns")
    st.dataframe(frame.head(50), height=240, key="preview")
    types = _column_types(dataset.ref, frame)
    show_types(types)
    columns = list(frame.columns)
    target = _pick_target(dataset, columns)
    left_out, text = _left_out(types, target)
    nothing_else = len(left_out) == cols - 1
    if text:
        _offer_text_upload(dataset, text, nothing_else)
    elif nothing_else:
        st.error(
            "No column besides the target can be used: "
            + "; ".join(f"'{md(column)}' {md(why)}" for column, why in left_out.items())
            + ". Add columns that describe each row — numbers, categories, yes/no values or "
            "dates — or pick another target."
        )
    if not nothing_else:
        say_left_out(left_out)
    left, right = st.columns(2)
    with left:
        missing_chart(types, key="missing_chart")
    try:
        checked = check_target(frame, target)
    except DatasetError as error:
        st.error(md(error))
        return
    for note in checked.notes:
        st.warning(md(note))
    with right:
        if checked.task == "classification":
            counts = checked.frame[target].astype(str).value_counts()
            st.plotly_chart(class_balance_figure(counts), key="balance_chart")
        else:
            st.info(
                f"'{md(target)}' is numeric with many values: models will be trained for regression."
            )
    if nothing_else:
        return
    offer(Choice(dataset.ref, dataset.name, "tabular", {"target": target}), key="use_dataset")

"""The summary of a table: preview, shape, column types, missing values, target, balance."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.chosen_dataset import Choice, choose
from dashboard.figures.classification import class_balance_figure
from dashboard.figures.data_overview import missing_values_figure
from data.dataset import Dataset, DatasetError


@st.cache_data(show_spinner=False, max_entries=16)
def _column_types(frame: pd.DataFrame) -> pd.DataFrame:
    from data.schema import infer_columns

    return infer_columns(frame)


def render_tabular(dataset: Dataset) -> None:
    from data.schema import check_target

    frame, default_target = dataset.data.frame, dataset.data.target
    rows, cols = frame.shape
    st.markdown(f"**{dataset.name}** — {rows:,} rows × {cols:,} columns")
    st.dataframe(frame.head(50), height=240, key="preview")
    types = _column_types(frame)
    left, right = st.columns(2)
    with left:
        st.markdown("**Columns**")
        st.dataframe(types, hide_index=True, height=260, key="column_types")
    with right:
        missing = pd.Series(types["missing_fraction"].to_numpy(), index=types["column"])
        st.plotly_chart(missing_values_figure(missing), key="missing_chart")
    columns = list(frame.columns)
    target = st.selectbox(
        "Target column (what the model predicts)",
        columns,
        index=columns.index(default_target) if default_target in columns else len(columns) - 1,
        key=f"target_{dataset.ref}",
    )
    try:
        checked = check_target(frame, target)
    except DatasetError as error:
        st.error(str(error))
        return
    for note in checked.notes:
        st.warning(note)
    if checked.task == "classification":
        counts = checked.frame[target].astype(str).value_counts()
        st.plotly_chart(class_balance_figure(counts), key="balance_chart")
    else:
        st.info(f"'{target}' is numeric with many values: models will be trained for regression.")
    st.button(
        "Use this dataset for training",
        type="primary",
        key="use_dataset",
        on_click=choose,
        args=(Choice(dataset.ref, dataset.name, "tabular", {"target": target}),),
    )

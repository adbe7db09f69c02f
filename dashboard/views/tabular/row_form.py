"""One table row as a form: each column the model reads, with the widget its type calls for.

The widgets start from a test row's values; a gap starts empty and stays a gap unless
filled, and is filled at prediction time exactly as training filled gaps.
"""

from __future__ import annotations

import datetime
from typing import Any

import pandas as pd
import streamlit as st

MAX_LEVELS = 500  # categories listed in a column's picker (new ones can be typed)
COLUMNS = 3


@st.cache_data(show_spinner=False, max_entries=8)
def column_roles(run_id: str, _frame: pd.DataFrame) -> dict[str, str]:
    """Column → role (data.schema.infer_columns), once per run."""
    from data.schema import infer_columns

    types = infer_columns(_frame)
    return dict(zip(types["column"], types["role"], strict=True))


def row_inputs(
    frame: pd.DataFrame, columns: list[str], roles: dict[str, str], row: pd.Series, key: str
) -> dict[str, Any]:
    """{column: value} from one widget per column, laid out in COLUMNS columns."""
    values: dict[str, Any] = {}
    layout = st.columns(COLUMNS)
    for index, column in enumerate(columns):
        with layout[index % COLUMNS]:
            values[column] = _input(
                frame[column], roles.get(column, ""), row[column], column, f"{key}_{index}"
            )
    return values


def _input(values: pd.Series, role: str, value: Any, label: str, key: str) -> Any:
    missing = pd.isna(value)
    if role == "numeric":
        return _number(values, None if missing else value, label, key)
    if role == "datetime" and not missing:
        day = pd.to_datetime(str(value), errors="coerce")
        if not pd.isna(day) and day == day.normalize():
            picked = st.date_input(
                label, value=day.date(), key=key, min_value=datetime.date(1, 1, 1)
            )
            return picked.isoformat() if picked else None
    if role in ("boolean", "categorical"):
        return _level(values, None if missing else value, label, key)
    return st.text_input(label, value="" if missing else str(value), key=key) or None


def _number(values: pd.Series, value: Any, label: str, key: str) -> float | int | None:
    number = (
        pd.to_numeric(pd.Series([value]), errors="coerce").iloc[0] if value is not None else None
    )
    if pd.api.types.is_integer_dtype(values) and number is not None and not pd.isna(number):
        return st.number_input(label, value=int(number), step=1, key=key)
    start = None if number is None or pd.isna(number) else float(number)
    return st.number_input(label, value=start, format="%g", key=key, placeholder="(missing)")


def _level(values: pd.Series, value: Any, label: str, key: str) -> Any:
    levels = [level for level in values.dropna().value_counts().index[:MAX_LEVELS]]
    if value is not None and value not in levels:
        levels.append(value)
    return st.selectbox(
        label,
        levels,
        index=None if value is None else levels.index(value),
        key=key,
        accept_new_options=True,
        placeholder="(missing)",
    )

"""What each column of a table is for, and whether a chosen target can be learned at all.

Roles decide preprocessing (data.tabular_prep) and what the page tells people about their
columns, so they are judged on what the values look like, not only on the pandas dtype: a CSV
gives "yes"/"no", dates and identifiers all as plain strings. The expensive checks (date
parsing, hex patterns, string lengths) look at a sample so 100k rows x 50 columns stays fast.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from pandas.api import types

from data.dataset import DatasetError

ColumnRole = Literal[
    "numeric", "categorical", "boolean", "datetime", "text", "id", "constant", "empty"
]
Task = Literal["classification", "regression"]

MAX_CLASSES = 100
# A numeric target with more than this many distinct values, which are also more than
# this share of the rows, is a quantity to predict (regression), not a set of codes.
REGRESSION_MIN_DISTINCT = 20
REGRESSION_MIN_DISTINCT_SHARE = 0.05
MIN_ROWS = 10
SAMPLE_SIZE = 1000
TEXT_MEAN_LENGTH = 30
MANY_LEVELS = 50  # more distinct values than this, on over half the rows: not a category

BOOLEAN_WORDS: dict[str, float] = {
    **dict.fromkeys(("true", "yes", "y", "t", "1", "on"), 1.0),
    **dict.fromkeys(("false", "no", "n", "f", "0", "off"), 0.0),
}
_BOOLEAN_PAIRS = (
    {"true", "false"},
    {"yes", "no"},
    {"y", "n"},
    {"t", "f"},
    {"1", "0"},
    {"on", "off"},
)
_DATE_LIKE = re.compile(
    r"\s*(?:\d{4}[-/.]\d{1,2}(?:[-/.]\d{1,2})?"  # 2021-03-04, 2021/3/4, 2021-03
    r"|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}"  # 04/03/2021, 4.3.21
    r"|\d{1,2}[ -][A-Za-z]{3,9}\.?,?[ -]\d{2,4}"  # 4 Mar 2021, 04-Mar-2021
    r"|[A-Za-z]{3,9}\.?[ -]\d{1,2},?[ -]\d{2,4})"  # March 4, 2021
    r"(?:[ T]\d{1,2}:\d{2}.*)?\s*"  # optional time of day
)
_HEX_ID = re.compile(
    r"\{?[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}\}?|(?:0x)?[0-9a-f]{12,}",
    re.IGNORECASE,
)
_ID_SUFFIX = re.compile(r"(?:^|[\s_.\-#])(?:id|uuid|guid)$|^(?:id|uuid|guid)(?:[\s_.\-#]|$)")
_ID_NAMES = {"index", "idx", "row", "rowid", "row_id", "row id", "unnamed: 0", "#", "no."}
_CAMEL_ID = re.compile(r"[a-z0-9](?:Id|ID)$")


def infer_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per column: column, dtype, role, missing, missing_fraction, n_unique, example."""
    rows = [_describe(frame.iloc[:, i], str(frame.columns[i])) for i in range(frame.shape[1])]
    columns = ["column", "dtype", "role", "missing", "missing_fraction", "n_unique", "example"]
    return pd.DataFrame(rows, columns=columns)


def parse_dates(values: pd.Series) -> pd.Series:
    """Datetimes in UTC, NaT where unparseable.

    The fast path lets pandas infer one format from the first value; exports that mix formats
    (a date here, a date with a time there) then fail on many rows, so fall back to parsing
    each value on its own and keep whichever parse recovered more.
    """
    if types.is_datetime64_any_dtype(values):
        return pd.to_datetime(values, utc=True)
    strings = values.astype(object).where(values.notna(), None)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        parsed = pd.to_datetime(strings, errors="coerce", utc=True)
        if parsed.isna().sum() > strings.isna().sum():
            mixed = pd.to_datetime(strings, errors="coerce", utc=True, format="mixed")
            if mixed.notna().sum() > parsed.notna().sum():
                parsed = mixed
    return parsed


def infer_task(target: pd.Series) -> Task:
    """Many distinct numbers, not just a few codes repeated, means a quantity to predict."""
    values = target.dropna()
    if values.empty or types.is_bool_dtype(values) or not types.is_numeric_dtype(values):
        return "classification"
    n_unique = values.nunique()
    if (
        n_unique > REGRESSION_MIN_DISTINCT
        and n_unique / len(values) > REGRESSION_MIN_DISTINCT_SHARE
    ):
        return "regression"
    return "classification"


@dataclass(frozen=True)
class TargetCheck:
    """The rows that can be trained on, the task to train, and what was dropped on the way."""

    frame: pd.DataFrame
    task: str
    notes: list[str]


def check_target(frame: pd.DataFrame, target: str, task: str | None = None) -> TargetCheck:
    """Refuse targets no model could learn; drop rows that would break a train/test split.

    The returned frame keeps the original index labels, so callers can map kept rows back to
    their positions in the uploaded table.
    """
    if target not in frame.columns:
        shown = ", ".join(map(repr, list(frame.columns)[:30]))
        more = " …" if frame.shape[1] > 30 else ""
        raise DatasetError(
            f"There is no column named {target!r}. Pick the target from the columns of the "
            f"file: {shown}{more}."
        )
    if task not in (None, "classification", "regression"):
        raise DatasetError(f"Unknown task {task!r}; choose 'classification' or 'regression'.")
    notes: list[str] = []
    missing = frame[target].isna()
    if missing.all():
        raise DatasetError(
            f"Target {target!r} has no values at all; choose a column that is filled in."
        )
    if missing.any():
        notes.append(f"Dropped {int(missing.sum())} row(s) with no value in target {target!r}.")
        frame = frame.loc[~missing]
    y = frame[target]
    chosen: str = task or infer_task(y)
    if chosen == "classification" and task is None and _too_many_numeric_classes(y):
        chosen = "regression"
        notes.append(
            f"Target {target!r} holds {y.nunique()} different numbers, more than the "
            f"{MAX_CLASSES} classes a classifier can take, so it is treated as regression."
        )
    if chosen == "regression":
        frame = _regression_rows(frame, target)
    else:
        frame = _classification_rows(frame, target, notes)
    if len(frame) < MIN_ROWS:
        raise DatasetError(
            f"Only {len(frame)} usable row(s) with target {target!r}; at least {MIN_ROWS} are "
            "needed to train and test a model. Add more rows to the file."
        )
    return TargetCheck(frame=frame, task=chosen, notes=notes)


def _too_many_numeric_classes(y: pd.Series) -> bool:
    numeric = types.is_numeric_dtype(y) and not types.is_bool_dtype(y)
    return numeric and y.nunique() > MAX_CLASSES


def _regression_rows(frame: pd.DataFrame, target: str) -> pd.DataFrame:
    y = frame[target]
    values = pd.to_numeric(y, errors="coerce") if not types.is_bool_dtype(y) else y
    values = values.astype("float64")
    bad = values.isna()
    if bad.any():
        examples = ", ".join(map(repr, y[bad].astype(str).unique()[:3]))
        raise DatasetError(
            f"Target {target!r} has values that are not numbers (such as {examples}); "
            "regression needs numbers. Choose classification, or fix those values in the file."
        )
    if values.nunique() < 2:
        raise DatasetError(
            f"Target {target!r} has the same value ({values.iloc[0]:g}) on every row, so there "
            "is nothing to predict; choose a column whose values vary."
        )
    frame = frame.copy(deep=False)  # copy-on-write: only the target column is new
    frame[target] = values
    return frame


def _classification_rows(frame: pd.DataFrame, target: str, notes: list[str]) -> pd.DataFrame:
    counts = frame[target].value_counts()
    if len(counts) == 1:
        raise DatasetError(
            f"Target {target!r} has a single class {counts.index[0]!r}; choose a column with at "
            "least two values."
        )
    if len(counts) > MAX_CLASSES:
        advice = (
            "it holds numbers, so train it as regression instead"
            if _too_many_numeric_classes(frame[target])
            else "choose a column with fewer categories, or group rare ones into 'other' first"
        )
        raise DatasetError(
            f"Target {target!r} has {len(counts)} classes, more than the {MAX_CLASSES} a "
            f"classifier here supports; {advice}."
        )
    singles = counts.index[counts == 1]
    if len(singles):
        shown = ", ".join(map(repr, list(singles)[:10])) + (" …" if len(singles) > 10 else "")
        notes.append(
            f"Dropped {len(singles)} row(s) whose class appears only once in {target!r} "
            f"({shown}): a class needs at least 2 rows to appear in both training and test sets."
        )
        frame = frame.loc[~frame[target].isin(singles)]
        if len(counts) - len(singles) < 2:
            raise DatasetError(
                f"After dropping classes with a single row, target {target!r} has fewer than "
                "two classes left; choose a column where at least two values appear on two or "
                "more rows each."
            )
    return frame


def _describe(series: pd.Series, name: str) -> dict:
    values = series.dropna()
    n_unique = int(values.nunique()) if len(values) else 0
    example = str(values.iloc[0])[:60] if len(values) else ""
    return {
        "column": name,
        "dtype": str(series.dtype),
        "role": _role(values, name, n_unique),
        "missing": int(len(series) - len(values)),
        "missing_fraction": float(1 - len(values) / len(series)) if len(series) else 1.0,
        "n_unique": n_unique,
        "example": example,
    }


def _role(values: pd.Series, name: str, n_unique: int) -> ColumnRole:
    """The role of a column, given its non-missing values."""
    if values.empty:
        return "empty"
    if n_unique <= 1:
        return "constant"
    if _is_boolean(values, n_unique):
        return "boolean"
    if types.is_datetime64_any_dtype(values):
        return "datetime"
    unique_rows = n_unique >= 0.95 * len(values)
    if types.is_numeric_dtype(values):
        if types.is_integer_dtype(values) and unique_rows:
            if _id_name(name) or (n_unique == len(values) and values.is_monotonic_increasing):
                return "id"
        return "numeric"
    if isinstance(values.dtype, pd.CategoricalDtype):
        return "categorical"
    sample = _sample(values).astype(str).str.strip()
    if (
        _share(sample.str.fullmatch(_DATE_LIKE)) >= 0.9
        and _share(parse_dates(sample).notna()) >= 0.9
    ):
        return "datetime"
    if unique_rows and (_id_name(name) or _share(sample.str.fullmatch(_HEX_ID)) >= 0.9):
        return "id"
    if _share(pd.to_numeric(sample, errors="coerce").notna()) >= 0.95:
        return "numeric"  # numbers with a few stray tokens such as '?' or 'n/a '
    if sample.str.len().mean() > TEXT_MEAN_LENGTH and n_unique > 0.5 * len(values):
        return "text"
    if n_unique == len(values) and len(values) >= 20:
        return "id"  # a distinct short string on every row (names, codes): nothing to generalise
    if n_unique > MANY_LEVELS and n_unique > 0.5 * len(values):
        # Thousands of distinct titles in a few thousand rows are not categories: one-hot
        # encoding would learn each title by heart. Several words: text; one token: an id.
        return "text" if sample.str.split().str.len().mean() >= 2 else "id"
    return "categorical"


def _is_boolean(values: pd.Series, n_unique: int) -> bool:
    if types.is_bool_dtype(values):
        return True
    if n_unique > 6:  # 'Yes', 'yes', 'YES', 'No', … are still two values
        return False
    if types.is_numeric_dtype(values):
        return n_unique == 2 and set(values.unique().tolist()) <= {0, 1}
    words = set(values.astype(str).str.strip().str.lower().unique())
    return any(words == pair for pair in _BOOLEAN_PAIRS)


def _id_name(name: str) -> bool:
    low = name.strip().lower()
    return bool(_ID_SUFFIX.search(low)) or low in _ID_NAMES or bool(_CAMEL_ID.search(name))


def _sample(values: pd.Series) -> pd.Series:
    if len(values) <= SAMPLE_SIZE:
        return values
    return values.sample(SAMPLE_SIZE, random_state=0)


def _share(mask: pd.Series) -> float:
    return float(np.mean(mask.to_numpy(dtype=bool, na_value=False))) if len(mask) else 0.0

"""Turn a table's feature columns into the dense float32 matrix a Keras model trains on.

`build_preprocessor` only plans: it returns an unfitted ColumnTransformer so the caller fits
it on the training split alone (fitting on all rows would leak test-set medians, scales and
categories into training). Every step is a module-level function or a stock scikit-learn
estimator, because runs save the fitted transformer with joblib and the UI process loads it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, StandardScaler

from data.dataset import DatasetError
from data.schema import BOOLEAN_WORDS, SAMPLE_SIZE, infer_columns, parse_dates

MAX_CATEGORIES = 50
RARE_FRACTION = 0.01
RARE_MIN_ROWS = 5
OTHER_LEVEL = "(other)"
DATE_PARTS = ("year", "month", "day_of_week", "day_of_year")

_DROP_REASONS = {
    "id": "looks like an identifier (a different value on nearly every row), which a model "
    "could only memorise",
    "constant": "has the same value on every row, so it cannot tell rows apart",
    "empty": "has no values at all",
    "text": "is free text, which a table model cannot read (to model the text, upload the "
    "file as a text CSV on the Data page)",
}


@dataclass(frozen=True)
class PrepPlan:
    """An unfitted transformer, the columns it reads, and what was left out and why."""

    transformer: ColumnTransformer
    feature_columns: list[str]
    dropped: dict[str, str]
    notes: list[str]


def build_preprocessor(frame: pd.DataFrame, target: str, rows: int | None = None) -> PrepPlan:
    """Plan one pipeline per column role; the caller fits it on the training rows only.

    `rows` is the table's row count when `frame` is only a sample of it (a table streamed
    from disk): the rare-level threshold of categories is a share of all rows.
    """
    if target not in frame.columns:
        raise DatasetError(f"There is no column named {target!r}; pick one of the columns.")
    if not all(isinstance(c, str) for c in frame.columns):
        raise DatasetError("Column names must be text; give every column a name in the header.")
    features = frame.drop(columns=[target])
    schema = infer_columns(features)
    by_role = schema.groupby("role")["column"].agg(list).to_dict()
    dropped = left_out_columns(schema)
    transformers, notes = [], []
    if cols := by_role.get("numeric", []):
        transformers.append(("numeric", _numeric_pipeline(), cols))
        notes.append(
            f"{len(cols)} numeric column(s): gaps filled with the training median (adding a "
            "'<column>.missing' flag where training rows had gaps), then standardised."
        )
    if cols := by_role.get("boolean", []):
        transformers.append(("boolean", _boolean_pipeline(), cols))
        notes.append(f"{len(cols)} yes/no column(s) turned into 0/1; gaps get the commonest.")
    if cols := by_role.get("datetime", []):
        hours = [c for c in cols if _has_time_of_day(features[c])]
        transformers.append(("datetime", _datetime_pipeline(hours), cols))
        notes.append(
            f"{len(cols)} date column(s) split into year, month, day of week and day of year"
            + (f" (and hour, for {', '.join(map(repr, hours))})" if hours else "")
            + ", then standardised."
        )
    if cols := by_role.get("categorical", []):
        rare = max(RARE_MIN_ROWS, math.ceil(RARE_FRACTION * (rows or len(frame))))
        transformers.append(("categorical", _categorical_pipeline(rare), cols))
        notes.append(
            f"{len(cols)} categorical column(s) one-hot encoded (at most {MAX_CATEGORIES} "
            f"levels each); levels seen in fewer than {rare} training rows count as "
            f"'{OTHER_LEVEL}', and so do new levels met later, or all zeros if training had "
            "no rare levels."
        )
    if not transformers:
        reasons = "; ".join(f"{col!r} {why}" for col, why in dropped.items()) or "none left"
        raise DatasetError(
            f"No usable feature columns besides the target {target!r} ({reasons}). Add "
            "columns that describe each row — numbers, categories, yes/no values or dates."
        )
    if dropped:
        notes.append(f"Left out {len(dropped)} column(s): {', '.join(map(repr, dropped))}.")
    transformer = ColumnTransformer(
        transformers,
        remainder="drop",
        sparse_threshold=0.0,
        verbose_feature_names_out=readable_feature_name,
    )
    used = [col for _, _, cols in transformers for col in cols]
    feature_columns = [col for col in features.columns if col in used]
    return PrepPlan(transformer, feature_columns, dropped, notes)


def left_out_columns(schema: pd.DataFrame) -> dict[str, str]:
    """Column → why no table model uses it, from `data.schema.infer_columns`' roles."""
    return {
        row.column: _drop_reason(row.role, row.example)
        for row in schema.itertuples()
        if row.role in _DROP_REASONS
    }


def _drop_reason(role: str, example: str) -> str:
    if role == "constant":
        return f"has the same value ({example!r}) on every row, so it cannot tell rows apart"
    return _DROP_REASONS[role]


def _has_time_of_day(values: pd.Series) -> bool:
    present = values.dropna()
    parsed = parse_dates(present.sample(min(len(present), SAMPLE_SIZE), random_state=0))
    return bool(((parsed.dt.hour != 0) | (parsed.dt.minute != 0)).any())


def _numeric_pipeline() -> Pipeline:
    return Pipeline(
        [
            ("to_float", FunctionTransformer(to_float, feature_names_out="one-to-one")),
            (
                "impute",
                SimpleImputer(strategy="median", add_indicator=True, keep_empty_features=True),
            ),
            ("scale", StandardScaler()),
            ("float32", FunctionTransformer(to_float32, feature_names_out="one-to-one")),
        ]
    )


def _boolean_pipeline() -> Pipeline:
    return Pipeline(
        [
            ("to_01", FunctionTransformer(booleans_to_float, feature_names_out="one-to-one")),
            ("impute", SimpleImputer(strategy="most_frequent", keep_empty_features=True)),
            ("float32", FunctionTransformer(to_float32, feature_names_out="one-to-one")),
        ]
    )


def _datetime_pipeline(hour_columns: list[str]) -> Pipeline:
    expand = FunctionTransformer(
        expand_dates, kw_args={"hour_columns": hour_columns}, feature_names_out=date_feature_names
    )
    return Pipeline(
        [
            ("expand", expand),
            ("impute", SimpleImputer(strategy="median", keep_empty_features=True)),
            ("scale", StandardScaler()),
            ("float32", FunctionTransformer(to_float32, feature_names_out="one-to-one")),
        ]
    )


def _categorical_pipeline(rare_rows: int) -> Pipeline:
    encoder = OneHotEncoder(
        handle_unknown="infrequent_if_exist",
        min_frequency=rare_rows,
        max_categories=MAX_CATEGORIES,
        sparse_output=False,
        dtype=np.float32,
        feature_name_combiner=category_feature_name,
    )
    return Pipeline(
        [
            ("to_text", FunctionTransformer(to_text, feature_names_out="one-to-one")),
            ("impute", SimpleImputer(strategy="most_frequent", keep_empty_features=True)),
            ("onehot", encoder),
        ]
    )


def to_float(X: pd.DataFrame) -> np.ndarray:
    """Numbers as float64; stray tokens such as '?' become NaN for the imputer to fill."""
    frame = pd.DataFrame(X)
    columns = [_numbers(frame[c]) for c in frame.columns]
    return np.column_stack([c.to_numpy(dtype=np.float64, na_value=np.nan) for c in columns])


def _numbers(values: pd.Series) -> pd.Series:
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        return values
    return pd.to_numeric(values.astype(object), errors="coerce")


def to_text(X: pd.DataFrame) -> np.ndarray:
    """Every level as str (mixed '1' and 1 would otherwise break sorting), missing as NaN."""
    values = pd.DataFrame(X).to_numpy(dtype=object)
    missing = pd.isna(values)
    text = values.astype(str).astype(object)
    text[missing] = np.nan
    return text


def booleans_to_float(X: pd.DataFrame) -> np.ndarray:
    """yes/true/1/on → 1, no/false/0/off → 0, anything else → NaN."""
    frame = pd.DataFrame(X)
    return np.column_stack([_boolean_column(frame[c]) for c in frame.columns])


def _boolean_column(values: pd.Series) -> np.ndarray:
    if pd.api.types.is_bool_dtype(values):
        return values.to_numpy(dtype=np.float64, na_value=np.nan)
    if pd.api.types.is_numeric_dtype(values):
        numbers = values.to_numpy(dtype=np.float64, na_value=np.nan)
        return np.where(np.isin(numbers, (0.0, 1.0)), numbers, np.nan)
    words = values.astype(object).where(values.notna(), "").astype(str).str.strip().str.lower()
    return words.map(BOOLEAN_WORDS).to_numpy(dtype=np.float64, na_value=np.nan)


def expand_dates(X: pd.DataFrame, hour_columns: list[str] = ()) -> np.ndarray:
    """Calendar parts a model can use; a raw timestamp would be one huge, meaningless number."""
    frame = pd.DataFrame(X)
    parts = []
    for col in frame.columns:
        dates = parse_dates(frame[col]).dt
        parts += [dates.year, dates.month, dates.dayofweek, dates.dayofyear]
        if col in hour_columns:
            parts.append(dates.hour)
    return np.column_stack([p.to_numpy(dtype=np.float64, na_value=np.nan) for p in parts])


def date_feature_names(transformer: FunctionTransformer, input_features: list[str]) -> np.ndarray:
    hours = (transformer.kw_args or {}).get("hour_columns", [])
    names = []
    for col in input_features:
        names += [f"{col}.{part}" for part in DATE_PARTS]
        if col in hours:
            names.append(f"{col}.hour")
    return np.asarray(names, dtype=object)


def to_float32(X: np.ndarray) -> np.ndarray:
    return np.asarray(X, dtype=np.float32)


def category_feature_name(feature: str, category: object) -> str:
    level = OTHER_LEVEL if category == "infrequent_sklearn" else category
    return f"{feature}={level}"


def readable_feature_name(transformer_name: str, feature_name: str) -> str:
    """'missingindicator_age' → 'age.missing'; every other name is already readable."""
    prefix = "missingindicator_"
    if transformer_name == "numeric" and feature_name.startswith(prefix):
        return f"{feature_name[len(prefix) :]}.missing"
    return feature_name

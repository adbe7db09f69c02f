"""Arrow columns as the numbers and texts the preprocessing works on.

Each function gives exactly what the in-memory path's step of the same name in
data.tabular_prep gives for the same values (numbers, yes/no words, calendar parts,
category text); columns of Arrow's own number, boolean and date types take a vectorised
path, anything else falls back to those very functions through pandas. A dictionary-
encoded column (text read from Parquet) is converted once per distinct value.
data.tabular_prep (and with it scikit-learn, a second to import) is imported only by
those fallbacks, so a first look at a table does not wait for it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from data.schema import BOOLEAN_WORDS

_WORDS = pa.array(list(BOOLEAN_WORDS))
_WORD_VALUES = np.asarray(list(BOOLEAN_WORDS.values()) + [np.nan])


def floats(column: pa.Array) -> np.ndarray:
    """float64 with NaN for gaps and for stray tokens such as '?' (tabular_prep.to_float)."""
    kind = column.type
    if pa.types.is_dictionary(kind):
        return _per_value(column, floats)
    if pa.types.is_integer(kind) or pa.types.is_floating(kind) or pa.types.is_decimal(kind):
        return _to_numpy(column.cast(pa.float64()))
    return _prep().to_float(_frame(column))[:, 0]


def booleans(column: pa.Array) -> np.ndarray:
    """1.0 / 0.0 / NaN, as tabular_prep.booleans_to_float."""
    kind = column.type
    if pa.types.is_dictionary(kind):
        return _per_value(column, booleans)
    if pa.types.is_boolean(kind):
        return _to_numpy(column.cast(pa.float64()))
    if pa.types.is_integer(kind) or pa.types.is_floating(kind):
        numbers = _to_numpy(column.cast(pa.float64()))
        return np.where(np.isin(numbers, (0.0, 1.0)), numbers, np.nan)
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        words = pc.utf8_lower(pc.utf8_trim_whitespace(column))
        index = pc.index_in(words, value_set=_WORDS).fill_null(len(_WORDS))
        return _WORD_VALUES[_to_numpy(index).astype(np.int64)]
    return _prep().booleans_to_float(_frame(column))[:, 0]


def date_parts(column: pa.Array, with_hour: bool) -> np.ndarray:
    """year, month, day of week, day of year (and hour) as tabular_prep.expand_dates."""
    original, kind = column, column.type
    if pa.types.is_dictionary(kind):
        return _per_value(column, lambda values: date_parts(values, with_hour))
    if pa.types.is_timestamp(kind) and kind.tz is not None:
        column = column.cast(pa.timestamp(kind.unit))  # the stored instant, read as UTC
        kind = column.type
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        column, kind = _iso_timestamps(column), pa.timestamp("s")
    if column is None or not (pa.types.is_timestamp(kind) or pa.types.is_date(kind)):
        hours = ["value"] if with_hour else []
        return _prep().expand_dates(_frame(original), hour_columns=hours)
    parts = [pc.year(column), pc.month(column), pc.day_of_week(column), pc.day_of_year(column)]
    if with_hour:
        parts.append(pc.hour(column) if pa.types.is_timestamp(kind) else pc.multiply(parts[0], 0))
    return np.column_stack([_to_numpy(p.cast(pa.float64())) for p in parts])


def _iso_timestamps(column: pa.Array) -> pa.Array | None:
    """ISO 8601 text ('2021-03-04', '2021-03-04 10:00:00') parsed by Arrow; None otherwise."""
    try:
        return column.cast(pa.timestamp("s"))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None


def texts(column: pa.Array) -> pa.Array:
    """Category levels as text, gaps as null (tabular_prep.to_text); text stays encoded."""
    if pa.types.is_dictionary(column.type) and pa.types.is_string(column.type.value_type):
        return column
    if pa.types.is_dictionary(column.type):
        column = column.cast(column.type.value_type)
    if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
        return column
    values = _prep().to_text(_frame(column))[:, 0]
    return pa.array([None if v is np.nan else v for v in values], pa.string())


def _prep():
    from data import tabular_prep

    return tabular_prep


def _per_value(column: pa.DictionaryArray, convert) -> np.ndarray:
    """`convert` applied to each distinct value once, then spread over the rows."""
    per_value = np.asarray(convert(column.dictionary), dtype=np.float64)
    if len(per_value) == 0:
        shape = (len(column), *per_value.shape[1:])
        return np.full(shape, np.nan)
    rows = per_value[column.indices.fill_null(0).to_numpy(zero_copy_only=False)]
    rows[np.asarray(column.is_null())] = np.nan
    return rows


def _to_numpy(column: pa.Array) -> np.ndarray:
    return column.to_numpy(zero_copy_only=False).astype(np.float64, copy=False)


def _frame(column: pa.Array) -> pd.DataFrame:
    return pd.DataFrame({"value": column.to_pandas()})


def label_texts(column: pa.Array) -> pa.Array:
    """Values as the text pandas' `astype(str)` gives (class names of the in-memory path)."""
    kind = column.type
    if pa.types.is_dictionary(kind):
        return label_texts(column.cast(kind.value_type))
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        return column
    if pa.types.is_boolean(kind):
        return pc.if_else(column, "True", "False")
    if pa.types.is_integer(kind):
        return column.cast(pa.string())
    text = column.to_pandas().astype(str).to_numpy(dtype=object)
    return pa.array(text, pa.string(), mask=np.asarray(column.is_null()))

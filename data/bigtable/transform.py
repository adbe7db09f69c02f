"""The fitted preprocessing of a big table: a record batch in, float32 features out.

Columns come out in the order, and under the names, of the in-memory ColumnTransformer
(numbers, then their gap flags, yes/no columns, calendar parts, one-hot levels with
'(other)' last), so a model, its feature names and the Explore views cannot tell which
path prepared the rows. It is plain data and numpy, so it pickles with the run.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from data.bigtable import convert
from data.bigtable.stats import Scaled, TableStats
from data.bigtable.target import training_labels
from data.tabular_prep import DATE_PARTS, OTHER_LEVEL


@dataclass(frozen=True)
class TableTransform:
    stats: TableStats

    @property
    def feature_names(self) -> list[str]:
        s = self.stats
        names = [*s.numeric, *(f"{c}.missing" for c in s.indicators), *s.boolean]
        for column in s.datetime:
            names += [f"{column}.{part}" for part in DATE_PARTS]
            names += [f"{column}.hour"] if column in s.hour_columns else []
        for column, vocab in s.categorical.items():
            names += [f"{column}={level}" for level in vocab.levels]
            names += [f"{column}={OTHER_LEVEL}"] if vocab.other else []
        return names

    @property
    def columns(self) -> list[str]:
        """The columns a batch must hold: the features and the target."""
        return [*self.stats.feature_columns, self.stats.target.target]

    def features(self, batch: pa.RecordBatch) -> np.ndarray:
        s = self.stats
        parts: list[np.ndarray] = []
        if s.numeric:
            raw = np.column_stack([convert.floats(batch.column(c)) for c in s.numeric])
            parts.append(_scaled(raw, list(s.numeric.values())))
            gaps = [np.isnan(raw[:, list(s.numeric).index(c)]) for c in s.indicators]
            if gaps:
                parts.append(
                    _scaled(np.column_stack(gaps).astype(np.float64), list(s.indicators.values()))
                )
        for column, fill in s.boolean.items():
            values = convert.booleans(batch.column(column))
            parts.append(np.where(np.isnan(values), fill, values)[:, None])
        for column, scaled in s.datetime.items():
            raw = convert.date_parts(batch.column(column), column in s.hour_columns)
            parts.append(_scaled(raw, scaled))
        for column, vocab in s.categorical.items():
            parts.append(_one_hot(convert.texts(batch.column(column)), vocab))
        if not parts:
            return np.zeros((batch.num_rows, 0), np.float32)
        return np.concatenate(parts, axis=1).astype(np.float32, copy=False)

    def labels(self, batch: pa.RecordBatch) -> tuple[np.ndarray, np.ndarray]:
        """(y, usable): the target as model labels, and which rows have a usable one."""
        return training_labels(batch, self.stats.target)


def _scaled(raw: np.ndarray, params: list[Scaled]) -> np.ndarray:
    fill = np.asarray([p.fill for p in params])
    mean = np.asarray([p.mean for p in params])
    scale = np.asarray([p.scale for p in params])
    return (np.where(np.isnan(raw), fill, raw) - mean) / scale


def _codes(index: pa.Array) -> np.ndarray:
    return index.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)


def _one_hot(texts: pa.Array, vocab) -> np.ndarray:
    width = len(vocab.levels) + int(vocab.other)
    out = np.zeros((len(texts), width), np.float32)
    if width == 0:
        return out
    levels = pa.array(vocab.levels, pa.string())
    fill = vocab.levels.index(vocab.fill) if vocab.fill in vocab.levels else -1
    if pa.types.is_dictionary(texts.type):  # look up each distinct value once
        per_value = _codes(pc.index_in(texts.dictionary, value_set=levels))
        if len(per_value) == 0:  # only gaps (a column missing from this file)
            per_value = np.asarray([fill])
        codes = per_value[texts.indices.fill_null(0).to_numpy(zero_copy_only=False)]
        codes[np.asarray(texts.is_null())] = fill
    else:
        codes = _codes(pc.index_in(texts.fill_null(vocab.fill), value_set=levels))
    rows = np.arange(len(codes))
    known = codes >= 0
    out[rows[known], codes[known]] = 1.0
    if vocab.other:
        out[rows[~known], width - 1] = 1.0
    return out

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
        """float32 features, each block written straight into its columns of the output
        (no float64 copy of the whole width, no concatenation)."""
        s = self.stats
        out = np.empty((batch.num_rows, len(self.feature_names)), np.float32)
        at = 0
        if s.numeric:
            raw = np.column_stack([convert.floats(batch.column(c)) for c in s.numeric])
            at = _put(out, at, _scaled(raw, list(s.numeric.values())))
            gaps = [np.isnan(raw[:, list(s.numeric).index(c)]) for c in s.indicators]
            if gaps:
                flags = np.column_stack(gaps).astype(np.float64)
                at = _put(out, at, _scaled(flags, list(s.indicators.values())))
        for column, fill in s.boolean.items():
            values = convert.booleans(batch.column(column))
            at = _put(out, at, np.where(np.isnan(values), fill, values)[:, None])
        for column, scaled in s.datetime.items():
            raw = convert.date_parts(batch.column(column), column in s.hour_columns)
            at = _put(out, at, _scaled(raw, scaled))
        for column, vocab in s.categorical.items():
            width = len(vocab.levels) + int(vocab.other)
            _one_hot(convert.texts(batch.column(column)), vocab, out[:, at : at + width])
            at += width
        return out

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


def _put(out: np.ndarray, at: int, block: np.ndarray) -> int:
    out[:, at : at + block.shape[1]] = block
    return at + block.shape[1]


def _one_hot(texts: pa.Array, vocab, out: np.ndarray) -> None:
    """Writes the one-hot columns of `texts` into `out` (rows x kept levels [+ other])."""
    out[:] = 0.0
    width = out.shape[1]
    if width == 0:
        return
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
    if vocab.other:
        codes = np.where(codes >= 0, codes, width - 1)
    rows = np.flatnonzero(codes >= 0)
    out[rows, codes[rows]] = 1.0

"""The statistics pass as first written, kept as the oracle for the fast one.

It copies each batch's training rows (batch.filter) and reduces the copy column by column,
with value_counts for the levels: slow, but plainly right. tests/test_bigtable_fast_stats.py
checks that data.bigtable.gather.TrainingPass, which works with masks and dictionary codes,
gives the same statistics.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from data.bigtable import convert
from data.bigtable.gather import Moments, TrainingPass
from data.bigtable.rowkeys import SPLIT_NAMES, TRAIN, assign, batch_units
from data.bigtable.target import training_labels


class ReferenceMoments(Moments):
    def add(self, values: np.ndarray, units: np.ndarray) -> None:
        gaps = np.isnan(values)
        n_b = (len(values) - gaps.sum(axis=0)).astype(np.float64)
        sums = np.nansum(values, axis=0)
        mean_b = np.divide(sums, n_b, out=np.zeros_like(sums), where=n_b > 0)
        deviations = values - mean_b
        deviations[gaps] = 0.0
        m2_b = np.einsum("ij,ij->j", deviations, deviations)
        self.merge(n_b, mean_b, m2_b, len(values))
        self.sample.offer(units, values)


class ReferencePass(TrainingPass):
    def __init__(self, roles, hours, target, split) -> None:
        super().__init__(roles, hours, target, split)
        expected = int(target.usable_rows * (1 - split.test) * (1 - split.validation))
        self.numeric = ReferenceMoments(expected)
        self.dates = {c: ReferenceMoments(expected) for c in self.dates}

    def add(self, batch: pa.RecordBatch) -> None:
        _, usable = _plain_labels(batch, self.target)
        hashed = batch_units(batch, self.rows_seen, self.split)
        splits = assign(hashed, self.split)
        for name, code in SPLIT_NAMES.items():
            self.split_rows[name] += int(((splits == code) & usable).sum())
        train = (splits == TRAIN) & usable
        self.rows_seen += batch.num_rows
        if not train.any():
            return
        start = self.split.test + (1 - self.split.test) * self.split.validation
        units = (hashed[train] - start) / (1 - start)
        batch = batch.filter(pa.array(train))
        if numeric := self.roles.get("numeric"):
            columns = [convert.floats(batch.column(c)) for c in numeric]
            self.numeric.add(np.column_stack(columns), units)
        for column, moments in self.dates.items():
            moments.add(convert.date_parts(batch.column(column), column in self.hours), units)
        for column in self.ones:
            values = convert.booleans(batch.column(column))
            self.ones[column] += int((values == 1).sum())
            self.zeros[column] += int((values == 0).sum())
        for column in self.levels:
            texts = convert.texts(batch.column(column))
            self.gaps[column] += texts.null_count
            pairs = pc.value_counts(texts.drop_null())
            levels = pairs.field("values").to_pylist()
            self._merge_levels(column, levels, pairs.field("counts").to_pylist())


def _plain_labels(batch: pa.RecordBatch, target) -> tuple[np.ndarray, np.ndarray]:
    """Labels without the dictionary shortcut: every row's text looked up."""
    column = batch.column(target.target)
    if target.task == "regression" or not pa.types.is_dictionary(column.type):
        return training_labels(batch, target)
    plain = batch.set_column(
        batch.schema.get_field_index(target.target),
        target.target,
        column.cast(column.type.value_type),
    )
    return training_labels(plain, target)

"""What the statistics pass gathers from each batch of a big table's training rows.

The split hash picks the training rows of a batch; every column is then converted once
on the whole batch (a dictionary-encoded column once per distinct value) and reduced
over those rows with masks, instead of copying the batch's training rows column by
column first. Category levels are counted on a dictionary column's codes (as Parquet
text is read), so the level texts are looked at once per batch, not once per row.
The arithmetic is the one the reference pass in tests/bigtable_reference.py does on a
filtered copy, so both give the same numbers (tested).
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from data.bigtable import convert
from data.bigtable.rowkeys import SPLIT_NAMES, TRAIN, ArrayBottomK, SplitPlan, assign, batch_units
from data.bigtable.target import TargetPlan, training_labels

QUANTILE_SAMPLE = 100_000
MAX_TRACKED_LEVELS = 50_000


class Moments:
    """Count, mean and squared deviations per column, plus a row sample for the median."""

    def __init__(self, expected_rows: int) -> None:
        self.n = self.mean = self.m2 = None
        self.rows = 0
        self.sample = ArrayBottomK(QUANTILE_SAMPLE, expected_rows)

    def add(self, values: np.ndarray, units: np.ndarray) -> None:
        """Merge a batch's values (rows x columns, NaN for gaps; overwritten here)."""
        self.sample.offer(units, values)  # copies the few rows it keeps
        gaps = np.isnan(values)
        values[gaps] = 0.0
        n_b = (len(values) - np.count_nonzero(gaps, axis=0)).astype(np.float64)
        sums = values.sum(axis=0)
        mean_b = np.divide(sums, n_b, out=np.zeros_like(sums), where=n_b > 0)
        values -= mean_b
        values[gaps] = 0.0
        self.merge(n_b, mean_b, np.einsum("ij,ij->j", values, values), len(values))

    def merge(self, n_b: np.ndarray, mean_b: np.ndarray, m2_b: np.ndarray, rows: int) -> None:
        """Chan's parallel update: stable at any row count."""
        if self.n is None:
            self.n, self.mean, self.m2 = n_b, mean_b, m2_b
        else:
            total = self.n + n_b
            delta = mean_b - self.mean
            share = np.divide(n_b, total, out=np.zeros_like(total), where=total > 0)
            self.mean = self.mean + delta * share
            self.m2 = self.m2 + m2_b + delta**2 * self.n * share
            self.n = total
        self.rows += rows

    def medians(self) -> np.ndarray:
        (values,) = self.sample.result()
        found = [np.nanmedian(v) if np.isfinite(v).any() else 0.0 for v in values.T]
        return np.asarray(found, dtype=np.float64)


def training_rows(columns: list[np.ndarray], train: np.ndarray) -> np.ndarray:
    """The training rows of columns, side by side and column-major: each column is one
    contiguous copy, and the per-column sums that follow read contiguous memory."""
    rows = int(np.count_nonzero(train))
    out = np.empty((rows, len(columns)), dtype=np.float64, order="F")
    for index, column in enumerate(columns):
        np.compress(train, column, out=out[:, index])
    return out


class TrainingPass:
    """Counts, moments and level counts of the training rows, batch by batch."""

    def __init__(self, roles, hours, target: TargetPlan, split: SplitPlan) -> None:
        self.roles, self.hours, self.target, self.split = roles, hours, target, split
        expected = int(target.usable_rows * (1 - split.test) * (1 - split.validation))
        self.numeric = Moments(expected)
        self.dates = {c: Moments(expected) for c in roles.get("datetime", [])}
        self.ones = dict.fromkeys(roles.get("boolean", []), 0)
        self.zeros = dict.fromkeys(roles.get("boolean", []), 0)
        self.levels: dict[str, dict[str, int]] = {c: {} for c in roles.get("categorical", [])}
        self.gaps = dict.fromkeys(roles.get("categorical", []), 0)
        self.rows_seen = 0
        self.split_rows = dict.fromkeys(SPLIT_NAMES, 0)

    def add(self, batch: pa.RecordBatch) -> None:
        train, units = self._training(batch)
        if train is None:
            return
        if numeric := self.roles.get("numeric"):
            values = [convert.floats(batch.column(c)) for c in numeric]
            self.numeric.add(training_rows(values, train), units)
        for column, moments in self.dates.items():
            parts = convert.date_parts(batch.column(column), column in self.hours)
            moments.add(training_rows(list(parts.T), train), units)
        for column in self.ones:
            values = convert.booleans(batch.column(column))
            self.ones[column] += int(np.count_nonzero((values == 1) & train))
            self.zeros[column] += int(np.count_nonzero((values == 0) & train))
        for column in self.levels:
            self._count_levels(column, convert.texts(batch.column(column)), train)

    def _training(self, batch: pa.RecordBatch) -> tuple[np.ndarray | None, np.ndarray]:
        """Which rows train, and their hashes stretched to a fresh uniform number."""
        _, usable = training_labels(batch, self.target)
        hashed = batch_units(batch, self.rows_seen, self.split)
        splits = assign(hashed, self.split)
        for name, code in SPLIT_NAMES.items():
            self.split_rows[name] += int(np.count_nonzero((splits == code) & usable))
        train = (splits == TRAIN) & usable
        self.rows_seen += batch.num_rows
        if not train.any():
            return None, hashed
        # The quantile sample keeps the training rows of smallest split hash: given that a
        # row is for training, its hash is uniform on [start, 1), so stretched to [0, 1) it
        # is a fresh uniform number per row, and hashing every row a second time is saved.
        start = self.split.test + (1 - self.split.test) * self.split.validation
        return train, (hashed[train] - start) / (1 - start)

    def _count_levels(self, column: str, texts: pa.Array, train: np.ndarray) -> None:
        if pa.types.is_dictionary(texts.type) and texts.dictionary.null_count == 0:
            width = len(texts.dictionary)
            codes = texts.indices.fill_null(width).to_numpy(zero_copy_only=False)
            per_code = np.bincount(codes[train], minlength=width + 1)
            self.gaps[column] += int(per_code[width])
            seen = np.flatnonzero(per_code[:width])
            levels = texts.dictionary.take(pa.array(seen)).to_pylist()
            self._merge_levels(column, levels, per_code[seen].tolist())
            return
        texts = texts.filter(pa.array(train))
        self.gaps[column] += texts.null_count
        pairs = pc.value_counts(texts.drop_null())
        levels = pairs.field("values").to_pylist()
        self._merge_levels(column, levels, pairs.field("counts").to_pylist())

    def _merge_levels(self, column: str, levels: list[str], counts: list[int]) -> None:
        """Rows per level; past MAX_TRACKED_LEVELS the rarest half goes (far below any
        level the encoder keeps)."""
        found = self.levels[column]
        for level, n in zip(levels, counts, strict=True):
            found[level] = found.get(level, 0) + n
        if len(found) > MAX_TRACKED_LEVELS:
            kept = sorted(found.items(), key=lambda item: -item[1])[: MAX_TRACKED_LEVELS // 2]
            self.levels[column] = dict(kept)

"""Which split a row belongs to, and fixed random samples, without shuffling the file.

A row's split comes from a hash of its key (its row number, or a key column the person
chose) and the seed, so every pass over the file agrees on it, any pass can start anywhere,
and the same seed gives the same split next week. pandas' `hash_array` is vectorised and
the same in every process (Python's own `hash` is salted per process); it ignores its key
for numbers, so the seed is mixed in by hashing the key's hash XOR a word made from the seed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa

TRAIN, VALIDATION, TEST = 0, 1, 2
SPLIT_NAMES = {"train": TRAIN, "validation": VALIDATION, "test": TEST}
_UNIT = 2.0**-53


@dataclass(frozen=True)
class SplitPlan:
    """Shares of the rows: `test` of all rows, `validation` of the rows left for training."""

    test: float = 0.2
    validation: float = 0.2
    seed: int = 0
    key_column: str | None = None  # None: the row number in file order

    def __post_init__(self) -> None:
        if not 0 < self.test < 1 or not 0 <= self.validation < 1:
            raise ValueError("test must be in (0, 1) and validation in [0, 1)")


def unit_hash(keys: np.ndarray | pa.Array, seed: int) -> np.ndarray:
    """A uniform number in [0, 1) per key, the same for the same key and seed."""
    if isinstance(keys, pa.ChunkedArray | pa.Array):
        keys = keys.to_numpy(zero_copy_only=False)
    if keys.dtype == object:
        keys = np.asarray([str(k) for k in keys], dtype=object)
    hashed = pd.util.hash_array(keys, categorize=False)
    hashed = pd.util.hash_array(hashed ^ _seed_word(seed), categorize=False)
    return (hashed >> np.uint64(11)).astype(np.float64) * _UNIT


def assign(unit: np.ndarray, plan: SplitPlan) -> np.ndarray:
    """TRAIN, VALIDATION or TEST for each row's hash."""
    validation_end = plan.test + (1 - plan.test) * plan.validation
    return np.where(unit < plan.test, TEST, np.where(unit < validation_end, VALIDATION, TRAIN))


def batch_units(batch: pa.RecordBatch, first_row: int, plan: SplitPlan) -> np.ndarray:
    """The split hash of each row of a batch that starts at row `first_row` of the table."""
    if plan.key_column is None:
        return unit_hash(
            np.arange(first_row, first_row + batch.num_rows, dtype=np.int64), plan.seed
        )
    return unit_hash(batch.column(plan.key_column), plan.seed)


def _seed_word(seed: int) -> np.uint64:
    word = pd.util.hash_array(np.asarray([int(seed)], dtype=np.int64))[0]
    return np.uint64(word) ^ np.uint64(0x9E3779B97F4A7C15)


class BottomK:
    """The k rows with the smallest sample hash: a uniform random sample of fixed size.

    Which rows are kept does not depend on batch sizes or on how many rows come, and the
    memory used stays at about 2 × k rows.
    """

    def __init__(self, k: int) -> None:
        self.k = k
        self.units: list[np.ndarray] = []
        self.tables: list[pa.Table] = []
        self.held = 0
        self.threshold = np.inf

    def offer(self, batch: pa.RecordBatch | pa.Table, units: np.ndarray) -> None:
        keep = units < self.threshold
        if not keep.any():
            return
        self.units.append(units[keep])
        self.tables.append(
            pa.Table.from_batches([batch]) if isinstance(batch, pa.RecordBatch) else batch
        )
        if not keep.all():
            self.tables[-1] = self.tables[-1].filter(pa.array(keep))
        self.held += int(keep.sum())
        if self.held > 2 * self.k:
            self._trim()

    def result(self) -> tuple[pa.Table | None, np.ndarray]:
        """The kept rows in the order they came (file order), and their hashes."""
        self._trim()
        if not self.tables:
            return None, np.empty(0)
        return self.tables[0], self.units[0]

    def _trim(self) -> None:
        if not self.tables:
            return
        units = np.concatenate(self.units)
        table = pa.concat_tables(self.tables, promote_options="permissive")
        if len(units) > self.k:
            cut = np.partition(units, self.k - 1)[self.k - 1]
            keep = units <= cut
            table, units = table.filter(pa.array(keep)), units[keep]
            self.threshold = cut
        self.units, self.tables, self.held = [units], [table.combine_chunks()], len(units)


class ArrayBottomK:
    """BottomK for rows of numpy arrays (values, labels, row numbers) of equal length.

    Given the number of rows to come (`expected`), rows whose hash is well above k/expected
    are turned away at once instead of being copied and trimmed later; if fewer rows come,
    the sample is smaller, and still uniform.
    """

    def __init__(self, k: int, expected: int | None = None) -> None:
        self.k = k
        self.units: list[np.ndarray] = []
        self.parts: list[tuple[np.ndarray, ...]] = []
        self.held = 0
        self.threshold = min(1.0, 1.5 * k / expected + 0.001) if expected else np.inf

    def offer(self, units: np.ndarray, *arrays: np.ndarray) -> None:
        keep = units < self.threshold
        if not keep.any():
            return
        self.units.append(units[keep])
        self.parts.append(tuple(a[keep] for a in arrays))
        self.held += int(keep.sum())
        if self.held > 2 * self.k:
            self._trim()

    def result(self) -> tuple[np.ndarray, ...] | None:
        """The kept arrays in the order they came, or None if nothing was offered."""
        self._trim()
        return self.parts[0] if self.parts else None

    def _trim(self) -> None:
        if not self.parts:
            return
        units = np.concatenate(self.units)
        arrays = tuple(np.concatenate(column) for column in zip(*self.parts, strict=True))
        if len(units) > self.k:
            cut = np.partition(units, self.k - 1)[self.k - 1]
            keep = units <= cut
            units, arrays, self.threshold = units[keep], tuple(a[keep] for a in arrays), cut
        self.units, self.parts, self.held = [units], [arrays], len(units)

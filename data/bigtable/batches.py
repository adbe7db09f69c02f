"""A big table's rows of one split as model-ready numpy arrays, with bounded memory.

Training shuffles within windows of `shuffle_window` rows: each window is permuted with a
generator seeded by (seed, epoch), so epochs see different orders, the same seed gives the
same batches, and memory holds one window, not the table. A table that fits in one window
is shuffled as a whole, as the in-memory path does. A Parquet table's row groups are also
read in a random order per epoch, several side by side, so a table sorted by a column
(partitions by class, an export by date) still gives mixed windows. A CSV is read from the
Parquet copy its profile pass wrote, so the same holds for it.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from data.bigtable.prefetch import read_ahead
from data.bigtable.preview import reading_source
from data.bigtable.reader import BadLines, TableReader
from data.bigtable.rowkeys import SPLIT_NAMES, ArrayBottomK, unit_hash
from data.bigtable.sources import TableSource
from data.bigtable.stats import split_of
from data.bigtable.transform import TableTransform

SHUFFLE_WINDOW = 65_536
INTERLEAVE = 4  # row groups read side by side in a shuffled epoch (each one's rows in memory)
_SAMPLE_SEED = 32_452_843


@dataclass(frozen=True)
class Chunk:
    """Rows of one split from one record batch: features, labels, row numbers in the table."""

    x: np.ndarray
    y: np.ndarray
    rows: np.ndarray


def split_chunks(
    source: TableSource,
    transform: TableTransform,
    split: str,
    bad_lines: BadLines = "fail",
    order: np.random.Generator | None = None,
) -> Iterator[Chunk]:
    """Every usable row of `split` ('train', 'validation' or 'test'): in file order, or,
    given `order`, a Parquet table's row groups in random order, INTERLEAVE at a time."""
    wanted = SPLIT_NAMES[split]
    plan = transform.stats.split
    columns = transform.columns
    if plan.key_column and plan.key_column not in columns:
        columns = [*columns, plan.key_column]
    stats = transform.stats
    read = TableReader(reading_source(source, stats.copy), bad_lines, stats.schema)
    for first, batch in _numbered(read, columns, order):
        y, usable = transform.labels(batch)
        keep = usable & (split_of(batch, first, plan) == wanted)
        rows = np.flatnonzero(keep) + first
        if len(rows):
            yield Chunk(transform.features(batch.filter(keep)), y[keep], rows)


def _numbered(
    read: TableReader, columns: list[str], order: np.random.Generator | None
) -> Iterator[tuple[int, pa.RecordBatch]]:
    """(row number of the first row, batch). Data is often sorted (Spark partitions by a
    key, exports by date or class), and a window shuffle can't mix what lies gigabytes
    apart; reading random row groups side by side can (a CSV is read in order)."""
    if order is None or read.source.format != "parquet":
        first = 0
        for batch in read.batches(columns):
            yield first, batch
            first += batch.num_rows
        return
    groups = read.row_groups()
    waiting = deque(groups[i] for i in order.permutation(len(groups)))
    active: deque = deque()
    while waiting or active:
        while waiting and len(active) < INTERLEAVE:
            group = waiting.popleft()
            active.append([group.first_row, read.row_group_batches(group, columns)])
        entry = active.popleft()
        batch = next(entry[1], None)
        if batch is not None:
            yield entry[0], batch
            entry[0] += batch.num_rows
            active.append(entry)


def split_sample(
    source: TableSource,
    transform: TableTransform,
    rows: int,
    split: str = "train",
    bad_lines: BadLines = "fail",
) -> Chunk:
    """A fixed random sample of a split's rows (those with the smallest hash of their row
    number), in file order: what a model that can't stream (a scikit-learn baseline without
    partial_fit) trains on, with a note saying how many of how many rows."""
    sampler = ArrayBottomK(rows, transform.stats.split_rows.get(split))
    for chunk in split_chunks(source, transform, split, bad_lines):
        sampler.offer(unit_hash(chunk.rows, _SAMPLE_SEED), chunk.x, chunk.y, chunk.rows)
    found = sampler.result()
    if found is None:
        return Chunk(
            np.empty((0, len(transform.feature_names)), np.float32),
            np.empty(0),
            np.empty(0, np.int64),
        )
    return Chunk(*found)


def ordered_windows(
    source: TableSource,
    transform: TableTransform,
    batch_size: int,
    epoch: int = 0,
    split: str = "train",
    shuffle_window: int = SHUFFLE_WINDOW,
    bad_lines: BadLines = "fail",
    shuffle: bool = True,
) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Windows of about `shuffle_window` rows as (x, y, order): the rows as read and the
    order to take them in; x[order] is the window, a multiple of `batch_size` rows (except
    the last), so cutting each gives ceil(rows / batch_size) batches in all. A trainer that
    gathers batches by index, as tf.data does, copies each row once, into its batch."""
    rng = np.random.default_rng([transform.stats.split.seed, epoch]) if shuffle else None
    held_x: list[np.ndarray] = []
    held_y: list[np.ndarray] = []
    held = 0
    # The reading thread draws the row groups' order from `rng` before its first chunk,
    # and this thread draws only after receiving one, so the draws keep their order (and
    # a seed gives the batches it gave when the reading was not done ahead).
    # one chunk waits (its features may be wide), one is being made, one is being used
    for chunk in read_ahead(split_chunks(source, transform, split, bad_lines, rng), depth=1):
        held_x.append(chunk.x)
        held_y.append(chunk.y)
        held += len(chunk.y)
        if held >= shuffle_window:
            x, y, order = _joined(held_x, held_y, rng)
            full = len(y) - len(y) % batch_size
            yield x, y, order[:full]
            rest = order[full:]  # too few for a batch: carried into the next window
            held_x, held_y, held = [x[rest]], [y[rest]], len(rest)
    if held:
        yield _joined(held_x, held_y, rng)


def training_batches(
    source: TableSource,
    transform: TableTransform,
    batch_size: int,
    epoch: int = 0,
    split: str = "train",
    shuffle_window: int = SHUFFLE_WINDOW,
    bad_lines: BadLines = "fail",
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """(x, y) batches of `batch_size` rows (the last may be smaller), shuffled by window."""
    for x, y, order in ordered_windows(
        source, transform, batch_size, epoch, split, shuffle_window, bad_lines
    ):
        yield from _cut(x[order], y[order], batch_size)


def _joined(xs: list[np.ndarray], ys: list[np.ndarray], rng: np.random.Generator | None):
    x = xs[0] if len(xs) == 1 else np.concatenate(xs)
    y = ys[0] if len(ys) == 1 else np.concatenate(ys)
    order = rng.permutation(len(y)) if rng is not None else np.arange(len(y))
    return x, y, order


def _cut(x: np.ndarray, y: np.ndarray, size: int) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    for start in range(0, len(y), size):
        yield x[start : start + size], y[start : start + size]

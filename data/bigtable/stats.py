"""Preprocessing statistics of a big table's training rows, in one streaming pass.

The columns' roles, the columns left out and the notes come from the in-memory planner
(data.tabular_prep.build_preprocessor) run on the profile's random sample, so a streamed
table is judged by exactly the rules an uploaded one is. The pass then gathers, over the
training rows only (test rows never inform preprocessing):

- numbers and calendar parts: count, mean and spread, merged batch by batch (Chan's
  parallel update, stable at any row count); the median that fills gaps is taken from a
  uniform sample of QUANTILE_SAMPLE training rows, so it is approximate on larger tables
  (rank error about 0.2 %) and exact on smaller ones;
- yes/no columns: how many of each, for the commonest value that fills gaps;
- categories: rows per level (exact while a column has at most MAX_TRACKED_LEVELS
  levels; beyond that the rarest are pruned, which only touches levels far below the
  rare-level threshold), from which the kept levels and the '(other)' bucket follow the
  one-hot encoder's own rules.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from data.bigtable import convert
from data.bigtable.preview import TableProfile, reading_source
from data.bigtable.reader import BadLines, TableReader
from data.bigtable.rowkeys import (
    SPLIT_NAMES,
    TRAIN,
    ArrayBottomK,
    SplitPlan,
    assign,
    batch_units,
)
from data.bigtable.sources import TableSource
from data.bigtable.target import TargetPlan, plan_target
from data.tabular_prep import build_preprocessor

QUANTILE_SAMPLE = 100_000
MAX_TRACKED_LEVELS = 50_000
Progress = Callable[[float], None]


@dataclass(frozen=True)
class Scaled:
    """One output feature: gaps become `fill`, then (value - mean) / scale."""

    fill: float
    mean: float
    scale: float


@dataclass(frozen=True)
class Vocabulary:
    """Kept levels (sorted), whether rarer levels share an '(other)' column, the gap filler."""

    levels: list[str]
    other: bool
    fill: str


@dataclass(frozen=True)
class TableStats:
    """Everything the fitted transformer needs, plus what a run's notes should say."""

    target: TargetPlan
    split: SplitPlan
    schema: pa.Schema  # the column types every pass reads the table with
    copy: str | None  # the CSV's Parquet copy that passes read instead, if there is one
    roles: dict[str, list[str]]  # numeric, boolean, datetime, categorical -> columns
    numeric: dict[str, Scaled]
    indicators: dict[str, Scaled]  # '<column>.missing' for numbers with gaps in training
    boolean: dict[str, float]
    datetime: dict[str, list[Scaled]]
    hour_columns: list[str]
    categorical: dict[str, Vocabulary]
    dropped: dict[str, str]
    split_rows: dict[str, int]  # usable rows per split: train, validation, test
    notes: list[str] = field(default_factory=list)

    @property
    def train_rows(self) -> int:
        return self.split_rows["train"]

    @property
    def feature_columns(self) -> list[str]:
        return [
            c
            for role in ("numeric", "boolean", "datetime", "categorical")
            for c in self.roles.get(role, [])
        ]


def table_stats(
    source: TableSource,
    profile: TableProfile,
    target: str,
    split: SplitPlan,
    task: str | None = None,
    bad_lines: BadLines = "fail",
    progress: Progress | None = None,
) -> TableStats:
    """Plan on the sample, then one pass over the training rows."""
    target_plan = plan_target(profile, target, task)
    sample = profile.sample.to_pandas()
    sample = sample.loc[sample[target].notna()]
    plan = build_preprocessor(sample, target, rows=target_plan.usable_rows)
    roles = {name: list(cols) for name, _, cols in plan.transformer.transformers}
    pipelines = {name: pipeline for name, pipeline, _ in plan.transformer.transformers}
    hours, rare = [], 0
    if "datetime" in pipelines:
        hours = list(pipelines["datetime"].named_steps["expand"].kw_args["hour_columns"])
    if "categorical" in pipelines:
        rare = pipelines["categorical"].named_steps["onehot"].min_frequency
    gathered = _Pass(roles, hours, target_plan, split)
    reader = TableReader(reading_source(source, profile.copy), bad_lines, profile.schema)
    columns = [*plan.feature_columns, target]
    if split.key_column and split.key_column not in columns:
        columns.append(split.key_column)
    on_bytes = (lambda done, total: progress(done / max(total, 1))) if progress else None
    for batch in reader.batches(columns, progress=on_bytes):
        gathered.add(batch)
    return TableStats(
        target=target_plan,
        split=split,
        schema=profile.schema,
        copy=profile.copy,
        roles=roles,
        numeric=gathered.numeric.scaled(roles.get("numeric", [])),
        indicators=gathered.numeric.indicators(roles.get("numeric", [])),
        boolean=gathered.boolean_fills(),
        datetime=gathered.date_parts(),
        hour_columns=hours,
        categorical=gathered.vocabularies(rare),
        dropped=plan.dropped,
        split_rows=gathered.split_rows,
        notes=[
            *profile.notes(),
            *target_plan.notes,
            *plan.notes,
            *_median_note(gathered, roles),
            _split_note(split),
        ],
    )


def _median_note(gathered: _Pass, roles: dict[str, list[str]]) -> list[str]:
    if gathered.split_rows["train"] <= QUANTILE_SAMPLE or not (
        roles.get("numeric") or roles.get("datetime")
    ):
        return []
    return [
        f"The medians that fill gaps come from a random sample of {QUANTILE_SAMPLE:,} of the "
        f"{gathered.split_rows['train']:,} training rows, so they are approximate."
    ]


def training_labels(batch: pa.RecordBatch, target: TargetPlan) -> tuple[np.ndarray, np.ndarray]:
    """(y, usable): class indices into class_names (or float targets) and which rows have one."""
    column = batch.column(target.target)
    if target.task == "regression":
        y = convert.floats(column)
        return y.astype(np.float32), ~np.isnan(y)
    index = pc.index_in(convert.label_texts(column), value_set=pa.array(target.class_names))
    usable = np.asarray(index.is_valid())
    return index.fill_null(0).to_numpy(zero_copy_only=False).astype(np.int32), usable


def split_of(batch: pa.RecordBatch, first_row: int, split: SplitPlan) -> np.ndarray:
    return assign(batch_units(batch, first_row, split), split)


def _split_note(split: SplitPlan) -> str:
    key = f"column {split.key_column!r}" if split.key_column else "row number"
    return (
        f"Rows go to training, validation and test by a hash of their {key} with seed "
        f"{split.seed} ({split.test:.0%} test; {split.validation:.0%} of the rest for "
        "validation), so the file is never shuffled; the split is not stratified by class."
    )


class _Moments:
    """Count, mean and squared deviations per column, plus a row sample for the median."""

    def __init__(self, expected_rows: int) -> None:
        self.n = self.mean = self.m2 = None
        self.rows = 0
        self.sample = ArrayBottomK(QUANTILE_SAMPLE, expected_rows)

    def add(self, values: np.ndarray, units: np.ndarray) -> None:
        gaps = np.isnan(values)
        n_b = (len(values) - gaps.sum(axis=0)).astype(np.float64)
        sums = np.nansum(values, axis=0)
        mean_b = np.divide(sums, n_b, out=np.zeros_like(sums), where=n_b > 0)
        deviations = values - mean_b
        deviations[gaps] = 0.0
        m2_b = np.einsum("ij,ij->j", deviations, deviations)
        if self.n is None:
            self.n, self.mean, self.m2 = n_b, mean_b, m2_b
        else:
            total = self.n + n_b
            delta = mean_b - self.mean
            share = np.divide(n_b, total, out=np.zeros_like(total), where=total > 0)
            self.mean = self.mean + delta * share
            self.m2 = self.m2 + m2_b + delta**2 * self.n * share
            self.n = total
        self.rows += len(values)
        self.sample.offer(units, values)

    def medians(self) -> np.ndarray:
        (values,) = self.sample.result()
        found = [np.nanmedian(v) if np.isfinite(v).any() else 0.0 for v in values.T]
        return np.asarray(found, dtype=np.float64)

    def scaled(self, columns: list[str]) -> dict[str, Scaled]:
        """Mean and spread after the gaps are filled with the median, as the scaler sees them."""
        if not columns:
            return {}
        if self.n is None:  # no training rows reached this column
            return {c: Scaled(0.0, 0.0, 1.0) for c in columns}
        fills = self.medians()
        n, rows = self.n, max(self.rows, 1)
        gaps = rows - n
        mean = (n * self.mean + gaps * fills) / rows
        var = (self.m2 + n * (self.mean - mean) ** 2 + gaps * (fills - mean) ** 2) / rows
        return {
            c: Scaled(float(f), float(m), _scale(v))
            for c, f, m, v in zip(columns, fills, mean, var, strict=True)
        }

    def indicators(self, columns: list[str]) -> dict[str, Scaled]:
        found = {}
        for column, n in zip(columns, self.n if self.n is not None else [], strict=False):
            share = 1 - n / max(self.rows, 1)
            if share > 0:
                found[column] = Scaled(0.0, float(share), _scale(share * (1 - share)))
        return found


def _stacked(columns: list[np.ndarray]) -> np.ndarray:
    """Columns side by side, column-major: each is one contiguous copy, and the per-column
    sums that follow read contiguous memory (np.column_stack's row-major result cost more
    than all of the statistics)."""
    out = np.empty((len(columns[0]), len(columns)), dtype=np.float64, order="F")
    for index, column in enumerate(columns):
        out[:, index] = column
    return out


def _scale(variance: float) -> float:
    """StandardScaler's scale: the standard deviation, or 1 where it is (nearly) zero."""
    std = float(np.sqrt(max(variance, 0.0)))
    return std if std > 10 * np.finfo(np.float64).eps * max(1.0, std) else 1.0


class _Pass:
    """What the pass gathers from each batch of training rows."""

    def __init__(self, roles, hours, target: TargetPlan, split: SplitPlan) -> None:
        self.roles, self.hours, self.target, self.split = roles, hours, target, split
        expected = int(target.usable_rows * (1 - split.test) * (1 - split.validation))
        self.numeric = _Moments(expected)
        self.dates = {c: _Moments(expected) for c in roles.get("datetime", [])}
        self.ones = dict.fromkeys(roles.get("boolean", []), 0)
        self.zeros = dict.fromkeys(roles.get("boolean", []), 0)
        self.levels: dict[str, dict[str, int]] = {c: {} for c in roles.get("categorical", [])}
        self.gaps = dict.fromkeys(roles.get("categorical", []), 0)
        self.rows_seen = 0
        self.split_rows = dict.fromkeys(SPLIT_NAMES, 0)

    def add(self, batch: pa.RecordBatch) -> None:
        _, usable = training_labels(batch, self.target)
        hashed = batch_units(batch, self.rows_seen, self.split)
        splits = assign(hashed, self.split)
        for name, code in SPLIT_NAMES.items():
            self.split_rows[name] += int(((splits == code) & usable).sum())
        train = (splits == TRAIN) & usable
        self.rows_seen += batch.num_rows
        if not train.any():
            return
        # The quantile sample keeps the training rows of smallest split hash: given that a
        # row is for training, its hash is uniform on [start, 1), so stretched to [0, 1) it
        # is a fresh uniform number per row, and hashing every row a second time is saved.
        start = self.split.test + (1 - self.split.test) * self.split.validation
        units = (hashed[train] - start) / (1 - start)
        batch = batch.filter(pa.array(train))
        if numeric := self.roles.get("numeric"):
            self.numeric.add(_stacked([convert.floats(batch.column(c)) for c in numeric]), units)
        for column, moments in self.dates.items():
            moments.add(convert.date_parts(batch.column(column), column in self.hours), units)
        for column in self.ones:
            values = convert.booleans(batch.column(column))
            self.ones[column] += int((values == 1).sum())
            self.zeros[column] += int((values == 0).sum())
        for column, counts in self.levels.items():
            self._count_levels(column, counts, convert.texts(batch.column(column)))

    def _count_levels(self, column: str, counts: dict[str, int], texts: pa.Array) -> None:
        self.gaps[column] += texts.null_count
        pairs = pc.value_counts(texts.drop_null())
        for level, n in zip(
            pairs.field("values").to_pylist(), pairs.field("counts").to_pylist(), strict=True
        ):
            counts[level] = counts.get(level, 0) + n
        if len(counts) > MAX_TRACKED_LEVELS:
            kept = sorted(counts.items(), key=lambda item: -item[1])[: MAX_TRACKED_LEVELS // 2]
            self.levels[column] = dict(kept)

    def boolean_fills(self) -> dict[str, float]:
        return {c: 1.0 if self.ones[c] > self.zeros[c] else 0.0 for c in self.ones}

    def date_parts(self) -> dict[str, list[Scaled]]:
        found = {}
        for column, moments in self.dates.items():
            names = [str(i) for i in range(5 if column in self.hours else 4)]
            found[column] = list(moments.scaled(names).values())
        return found

    def vocabularies(self, rare: int) -> dict[str, Vocabulary]:
        from data.tabular_prep import MAX_CATEGORIES

        return {
            c: _vocabulary(self.levels[c], self.gaps[c], rare, MAX_CATEGORIES) for c in self.levels
        }


def _vocabulary(counts: dict[str, int], gaps: int, rare: int, max_levels: int) -> Vocabulary:
    """The one-hot encoder's choice of levels, after gaps were filled with the commonest."""
    if not counts:
        return Vocabulary([], False, "missing_value")
    top = max(counts.values())
    fill = min(level for level, n in counts.items() if n == top)
    counts = {**counts, fill: counts[fill] + gaps}
    levels = sorted(counts)
    n = np.asarray([counts[level] for level in levels])
    infrequent = n < rare
    if max_levels < len(n) - infrequent.sum() + 1:
        infrequent[np.argsort(n, kind="mergesort")[: -(max_levels - 1)]] = True
    kept = [level for level, rare_level in zip(levels, infrequent, strict=True) if not rare_level]
    return Vocabulary(kept, bool(infrequent.any()), fill)

"""Preprocessing statistics of a big table's training rows, in one streaming pass.

The columns' roles, the columns left out and the notes come from the in-memory planner
(data.tabular_prep.build_preprocessor) run on the profile's random sample, so a streamed
table is judged by exactly the rules an uploaded one is. The pass then gathers, over the
training rows only (test rows never inform preprocessing):

- numbers and calendar parts: count, mean and spread, merged batch by batch (Chan's
  parallel update, stable at any row count); the median that fills gaps is taken from a
  uniform sample of gather.QUANTILE_SAMPLE training rows, so it is approximate on larger tables
  (rank error about 0.2 %) and exact on smaller ones;
- yes/no columns: how many of each, for the commonest value that fills gaps;
- categories: rows per level (exact while a column has at most gather.MAX_TRACKED_LEVELS
  levels; beyond that the rarest are pruned, which only touches levels far below the
  rare-level threshold), from which the kept levels and the '(other)' bucket follow the
  one-hot encoder's own rules.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from data.bigtable.gather import Moments, TrainingPass
from data.bigtable.preview import TableProfile, reading_source
from data.bigtable.reader import BadLines, TableReader
from data.bigtable.rowkeys import SplitPlan, assign, batch_units
from data.bigtable.sources import TableSource
from data.bigtable.target import TargetPlan, plan_target
from data.tabular_prep import build_preprocessor

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
    gathered = TrainingPass(roles, hours, target_plan, split)
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
        numeric=_scaled(gathered.numeric, roles.get("numeric", [])),
        indicators=_indicators(gathered.numeric, roles.get("numeric", [])),
        boolean=_boolean_fills(gathered),
        datetime=_date_parts(gathered),
        hour_columns=hours,
        categorical=_vocabularies(gathered, rare),
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


def _median_note(gathered: TrainingPass, roles: dict[str, list[str]]) -> list[str]:
    sample = gathered.numeric.sample.k
    if gathered.split_rows["train"] <= sample or not (
        roles.get("numeric") or roles.get("datetime")
    ):
        return []
    return [
        f"The medians that fill gaps come from a random sample of {sample:,} of the "
        f"{gathered.split_rows['train']:,} training rows, so they are approximate."
    ]


def split_of(batch: pa.RecordBatch, first_row: int, split: SplitPlan) -> np.ndarray:
    return assign(batch_units(batch, first_row, split), split)


def _split_note(split: SplitPlan) -> str:
    key = f"column {split.key_column!r}" if split.key_column else "row number"
    return (
        f"Rows go to training, validation and test by a hash of their {key} with seed "
        f"{split.seed} ({split.test:.0%} test; {split.validation:.0%} of the rest for "
        "validation), so the file is never shuffled; the split is not stratified by class."
    )


def _scaled(moments: Moments, columns: list[str]) -> dict[str, Scaled]:
    """Mean and spread after the gaps are filled with the median, as the scaler sees them."""
    if not columns:
        return {}
    if moments.n is None:  # no training rows reached this column
        return {c: Scaled(0.0, 0.0, 1.0) for c in columns}
    fills = moments.medians()
    n, rows = moments.n, max(moments.rows, 1)
    gaps = rows - n
    mean = (n * moments.mean + gaps * fills) / rows
    var = (moments.m2 + n * (moments.mean - mean) ** 2 + gaps * (fills - mean) ** 2) / rows
    return {
        c: Scaled(float(f), float(m), _scale(v))
        for c, f, m, v in zip(columns, fills, mean, var, strict=True)
    }


def _indicators(moments: Moments, columns: list[str]) -> dict[str, Scaled]:
    found = {}
    for column, n in zip(columns, moments.n if moments.n is not None else [], strict=False):
        share = 1 - n / max(moments.rows, 1)
        if share > 0:
            found[column] = Scaled(0.0, float(share), _scale(share * (1 - share)))
    return found


def _boolean_fills(gathered: TrainingPass) -> dict[str, float]:
    return {c: 1.0 if gathered.ones[c] > gathered.zeros[c] else 0.0 for c in gathered.ones}


def _date_parts(gathered: TrainingPass) -> dict[str, list[Scaled]]:
    found = {}
    for column, moments in gathered.dates.items():
        names = [str(i) for i in range(5 if column in gathered.hours else 4)]
        found[column] = list(_scaled(moments, names).values())
    return found


def _vocabularies(gathered: TrainingPass, rare: int) -> dict[str, Vocabulary]:
    from data.tabular_prep import MAX_CATEGORIES

    return {
        c: _vocabulary(gathered.levels[c], gathered.gaps[c], rare, MAX_CATEGORIES)
        for c in gathered.levels
    }


def _scale(variance: float) -> float:
    """StandardScaler's scale: the standard deviation, or 1 where it is (nearly) zero."""
    std = float(np.sqrt(max(variance, 0.0)))
    return std if std > 10 * np.finfo(np.float64).eps * max(1.0, std) else 1.0


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

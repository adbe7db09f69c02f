"""Whether a big table's target can be learned, judged from the profile's counts.

The same rules as data.schema.check_target, which needs the whole column in memory: a
target with gaps loses those rows, a class seen once is dropped, too many classes or a
single value is refused. Here the counts come from the profile's full pass and the task
guess from its random sample.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from data.bigtable import convert
from data.bigtable.preview import TableProfile
from data.dataset import DatasetError
from data.schema import MAX_CLASSES, MIN_ROWS, infer_task


@dataclass(frozen=True)
class TargetPlan:
    """The task, the classes kept (sorted, as the in-memory path sorts them), the rows used."""

    target: str
    task: str
    class_names: list[str]
    usable_rows: int
    notes: list[str]


def plan_target(profile: TableProfile, target: str, task: str | None = None) -> TargetPlan:
    if target not in profile.schema.names:
        shown = ", ".join(map(repr, profile.schema.names[:30]))
        raise DatasetError(
            f"There is no column named {target!r}. Pick the target from the columns of the "
            f"table: {shown}."
        )
    if task not in (None, "classification", "regression"):
        raise DatasetError(f"Unknown task {task!r}; choose 'classification' or 'regression'.")
    if target in profile.missing_columns:
        files = profile.missing_columns[target]
        raise DatasetError(
            f"The target {target!r} is missing from {len(files)} of the table's files (such as "
            f"{files[0]!r}), so their rows have nothing to learn from. Choose another target, "
            "or move those files out of the folder."
        )
    notes: list[str] = []
    missing = profile.missing[target]
    if missing >= profile.rows:
        raise DatasetError(
            f"Target {target!r} has no values at all; choose a column that is filled in."
        )
    if missing:
        notes.append(f"Dropped {missing:,} row(s) with no value in target {target!r}.")
    counts = profile.value_counts.get(target)
    kind = profile.schema.field(target).type
    numeric = pa.types.is_integer(kind) or pa.types.is_floating(kind)
    sample = profile.sample.column(target).to_pandas()
    chosen = task or infer_task(sample)
    if chosen == "classification" and task is None and numeric and counts is None:
        chosen = "regression"
        notes.append(
            f"Target {target!r} holds more than {MAX_CLASSES} different numbers, more than a "
            "classifier can take, so it is treated as regression."
        )
    usable = profile.rows - missing
    if chosen == "regression":
        _check_regression(target, numeric, counts)
        return TargetPlan(target, chosen, [], _at_least(usable, target), notes)
    if counts is None or len(counts) > MAX_CLASSES:
        raise DatasetError(
            f"Target {target!r} has more than {MAX_CLASSES} classes, more than a classifier "
            "here supports; choose a column with fewer categories, or train it as regression "
            "if it holds numbers."
        )
    if len(counts) == 1:
        raise DatasetError(
            f"Target {target!r} has a single class {next(iter(counts))!r}; choose a column with "
            "at least two values."
        )
    singles = sorted(level for level, n in counts.items() if n == 1)
    if singles:
        notes.append(
            f"Dropped {len(singles)} row(s) whose class appears only once in {target!r} "
            f"({', '.join(map(repr, singles[:10]))}): a class needs at least 2 rows to appear "
            "in both training and test sets."
        )
    kept = sorted(level for level in counts if level not in singles)
    if len(kept) < 2:
        raise DatasetError(
            f"After dropping classes with a single row, target {target!r} has fewer than two "
            "classes left; choose a column where at least two values appear on two or more "
            "rows each."
        )
    return TargetPlan(target, chosen, kept, _at_least(usable - len(singles), target), notes)


def _check_regression(target: str, numeric: bool, counts: dict[str, int] | None) -> None:
    if not numeric:
        raise DatasetError(
            f"Target {target!r} has values that are not numbers; regression needs numbers. "
            "Choose classification, or fix those values in the file."
        )
    if counts is not None and len(counts) < 2:
        raise DatasetError(
            f"Target {target!r} has the same value on every row, so there is nothing to "
            "predict; choose a column whose values vary."
        )


def _at_least(rows: int, target: str) -> int:
    if rows < MIN_ROWS:
        raise DatasetError(
            f"Only {rows} usable row(s) with target {target!r}; at least {MIN_ROWS} are needed "
            "to train and test a model. Add more rows to the file."
        )
    return rows


def training_labels(batch: pa.RecordBatch, target: TargetPlan) -> tuple[np.ndarray, np.ndarray]:
    """(y, usable): class indices into class_names (or float targets) and which rows have one."""
    column = batch.column(target.target)
    if target.task == "regression":
        y = convert.floats(column)
        return y.astype(np.float32), ~np.isnan(y)
    classes = pa.array(target.class_names, pa.string())
    if pa.types.is_dictionary(column.type) and column.dictionary.null_count == 0:
        # each distinct label looked up once; nulls get the extra code past the dictionary
        width = len(column.dictionary)
        per_value = pc.index_in(convert.label_texts(column.dictionary), value_set=classes)
        per_value = np.append(per_value.fill_null(-1).to_numpy(zero_copy_only=False), -1)
        index = per_value[column.indices.fill_null(width).to_numpy(zero_copy_only=False)]
        usable = index >= 0
        return np.where(usable, index, 0).astype(np.int32), usable
    index = pc.index_in(convert.label_texts(column), value_set=classes)
    usable = np.asarray(index.is_valid())
    return index.fill_null(0).to_numpy(zero_copy_only=False).astype(np.int32), usable

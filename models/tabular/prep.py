"""Turning a table into model-ready arrays, shared by the Keras and scikit-learn trainers.

The preprocessor is fitted on the training rows only and saved with the run, so
the Explore page and any later prediction transform rows exactly as training did.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.compose import ColumnTransformer

from data.dataset import TabularData
from data.schema import check_target
from data.splits import split_rows
from data.tabular_prep import build_preprocessor
from models.outcome import Task


@dataclass
class PreparedTable:
    task: Task
    class_names: list[str]
    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    test_index: np.ndarray  # row positions in the dataset as loaded
    feature_names: list[str]
    preprocessor: ColumnTransformer
    notes: list[str]


def prepare_table(
    data: TabularData,
    test_size: float,
    seed: int,
    task: str | None,
    fold: tuple[int, int] | None = None,
) -> PreparedTable:
    """`fold` = (index, k) tests on that cross-validation fold instead of a hold-out; either
    way the preprocessor sees the training rows only."""
    checked = check_target(data.frame, data.target, task)
    frame = checked.frame
    positions = np.flatnonzero(data.frame.index.isin(frame.index))
    raw_target = frame[data.target]
    if checked.task == "classification":
        labels = raw_target.astype(str).to_numpy()
        class_names = sorted(set(labels))
        y = np.searchsorted(class_names, labels).astype(np.int32)
    else:
        class_names, y = [], raw_target.astype(float).to_numpy(np.float32)
    train, test = split_rows(
        y if checked.task == "classification" else np.zeros(len(y)), test_size, seed, fold
    )
    plan = build_preprocessor(frame, data.target)
    features = frame[plan.feature_columns]
    x_train = plan.transformer.fit_transform(features.iloc[train]).astype(np.float32)
    x_test = plan.transformer.transform(features.iloc[test]).astype(np.float32)
    return PreparedTable(
        task=checked.task,
        class_names=class_names,
        x_train=x_train,
        y_train=y[train],
        x_test=x_test,
        y_test=y[test],
        test_index=positions[test],
        feature_names=[str(name) for name in plan.transformer.get_feature_names_out()],
        preprocessor=plan.transformer,
        notes=[*checked.notes, *plan.notes],
    )


def save_preprocessor(table: PreparedTable, run_dir: Path) -> None:
    from models.skops_io import save

    save(table.preprocessor, run_dir / "preprocessor.skops")

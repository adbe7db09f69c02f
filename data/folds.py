"""k-fold splits for cross-validation: every row is tested exactly once, in one of k folds.

Stratified for classes (each fold keeps the class shares), shuffled with the run's seed,
so fold i of a group is the same rows whenever it is trained again. A fold is a
train/test split like any other: the trainers fit their preprocessing on its training
rows only (data.splits.split_rows chooses between a hold-out split and a fold).
"""

from __future__ import annotations

import numpy as np

from data.dataset import Data, DatasetError

MIN_FOLDS, MAX_FOLDS = 3, 10


def check_folds(labels: np.ndarray | None, k: int, n_rows: int) -> None:
    """Refuse a k no split can honour; `labels` are class names (None for regression).

    Stratified folds need every class in every fold, so no class may have fewer rows than k.
    """
    if not MIN_FOLDS <= int(k) <= MAX_FOLDS:
        raise DatasetError(f"Choose between {MIN_FOLDS} and {MAX_FOLDS} folds (got {k}).")
    if n_rows < 2 * k:
        raise DatasetError(
            f"{k} folds need at least {2 * k} rows; this dataset has {n_rows}. Choose fewer folds."
        )
    if labels is None:
        return
    names, counts = np.unique(np.asarray(labels).astype(str), return_counts=True)
    smallest = int(np.argmin(counts))
    if counts[smallest] < k:
        fewer = (
            f"choose at most {counts[smallest]} folds, or drop or merge that class"
            if counts[smallest] >= MIN_FOLDS
            else "drop or merge that class (cross-validation needs at least "
            f"{MIN_FOLDS} rows of every class)"
        )
        raise DatasetError(
            f"Class '{names[smallest]}' has only {counts[smallest]} row(s), fewer than the "
            f"{k} folds, and every fold must hold each class: {fewer}."
        )


def fold_indices(
    labels: np.ndarray, k: int, fold: int, seed: int, stratify: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """(training rows, test rows) of fold `fold` of `k`, each sorted."""
    from sklearn.model_selection import KFold, StratifiedKFold

    if not 0 <= fold < k:
        raise ValueError(f"fold {fold} is not one of the {k} folds")
    labels = np.asarray(labels)
    check_folds(labels if stratify else None, k, len(labels))
    splitter = (
        StratifiedKFold(k, shuffle=True, random_state=seed)
        if stratify
        else KFold(k, shuffle=True, random_state=seed)
    )
    train, test = list(splitter.split(np.zeros(len(labels)), labels))[fold]
    return np.sort(train), np.sort(test)


def class_labels(data: Data, task: str | None = None) -> np.ndarray | None:
    """The labels folds are stratified by: class names of each row, None for a regression
    table (whose folds are plain shuffles)."""
    if data.kind != "tabular":
        return np.asarray(data.labels).astype(str)
    from data.schema import check_target

    checked = check_target(data.frame, data.target, task)
    if checked.task == "regression":
        return None
    return checked.frame[data.target].astype(str).to_numpy()


def row_count(data: Data) -> int:
    if getattr(data, "streamed", False):
        raise DatasetError(
            "Cross-validation needs a table loaded in memory; a table read from disk is split "
            "by a hash of its rows. Train it with a test split instead."
        )
    return len(data.frame) if data.kind == "tabular" else len(data.labels)

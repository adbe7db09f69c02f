"""Train/test splits that are the same for the same labels and seed."""

from __future__ import annotations

import numpy as np
from sklearn.model_selection import train_test_split


def split_indices(
    labels: np.ndarray, test_size: float, seed: int, stratify: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """Stratified when every class can appear on both sides; plain shuffle otherwise."""
    index = np.arange(len(labels))
    strata = None
    if stratify:
        _, counts = np.unique(labels, return_counts=True)
        n_test = int(np.ceil(test_size * len(labels)))
        if counts.min() >= 2 and n_test >= len(counts) and len(labels) - n_test >= len(counts):
            strata = labels
    train, test = train_test_split(index, test_size=test_size, random_state=seed, stratify=strata)
    return np.sort(train), np.sort(test)


def split_rows(
    labels: np.ndarray,
    test_size: float,
    seed: int,
    fold: tuple[int, int] | None = None,
    stratify: bool = True,
) -> tuple[np.ndarray, np.ndarray]:
    """A run's (training rows, test rows): fold (index, k) of a cross-validation when it is
    one, else the hold-out split of `test_size`."""
    if fold is None:
        return split_indices(labels, test_size, seed, stratify)
    from data.folds import fold_indices

    index, k = fold
    return fold_indices(labels, k, index, seed, stratify)

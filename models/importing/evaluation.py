"""What the Keras and scikit-learn evaluations of an imported model share: the test rows a
trained run would pick, class probabilities read from a model's outputs, and the note
for a model without a feature layer."""

from __future__ import annotations

import numpy as np

from data.dataset import Data
from data.splits import split_indices
from models.importing.pairing import Pairing


def _labels(data: Data, pairing: Pairing) -> tuple[np.ndarray, np.ndarray]:
    """(targets in the model's output order, the same rows' sorted-name codes for splitting)."""
    labels = np.asarray(data.labels).astype(str)
    codes = np.searchsorted(sorted(set(labels.tolist())), labels)
    position = {name: i for i, name in enumerate(pairing.class_order)}
    return np.asarray([position[name] for name in labels], np.int32), codes


def split(data: Data, pairing: Pairing, test_size: float, seed: int):
    """Test rows as a trained run of this dataset, seed and test share would pick them."""
    if pairing.task == "regression":
        y = data.labels.astype(np.float32)
        _, test = split_indices(np.zeros(len(y)), test_size, seed)
        return y, test
    y, codes = _labels(data, pairing)
    _, test = split_indices(codes, test_size, seed)
    return y, test


def probabilities(scores: np.ndarray, notes: list[str]) -> np.ndarray:
    """Class probabilities from a model's outputs: as they are, or softmaxed from logits,
    or [1 − p, p] from one sigmoid output."""
    scores = np.asarray(scores, np.float64)
    if scores.ndim == 1 or scores.shape[1] == 1:
        p = np.clip(scores.reshape(-1), 0.0, 1.0)
        notes.append("The model's one output was read as the probability of the second class.")
        return np.stack([1 - p, p], axis=1).astype(np.float32)
    sums = scores.sum(axis=1)
    if scores.min() >= 0 and np.allclose(sums, 1.0, atol=1e-3):
        return scores.astype(np.float32)
    notes.append("The model's outputs do not sum to 1, so they were read as logits (softmaxed).")
    shifted = np.exp(scores - scores.max(axis=1, keepdims=True))
    return (shifted / shifted.sum(axis=1, keepdims=True)).astype(np.float32)


def no_features_note(reason: str) -> str:
    return (
        f"The model has no layer usable as features for the embedding view ({reason}); the "
        "embedding view shows the inputs themselves."
    )

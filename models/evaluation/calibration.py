"""Are the probabilities honest? Reliability per bin and the expected calibration error.

Binary tasks bin the positive class's probability against how often rows are positive;
multi-class tasks bin the top probability (the confidence) against how often the top
class is right. ECE is the row-weighted mean gap between the two over the bins.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

BINS = 10


@dataclass(frozen=True)
class Reliability:
    """Per non-empty bin: its edges, the mean predicted probability, the observed frequency
    and the row count; `ece` over all rows; `what` names what was binned."""

    lower: np.ndarray
    upper: np.ndarray
    predicted: np.ndarray
    observed: np.ndarray
    count: np.ndarray
    ece: float
    what: str


def reliability(
    y_true: np.ndarray,
    proba: np.ndarray,
    class_names: list[str],
    bins: int = BINS,
) -> Reliability:
    y_true = np.asarray(y_true, dtype=int)
    proba = np.asarray(proba, dtype=np.float64)
    if proba.shape[1] == 2:
        predicted, hit = proba[:, 1], y_true == 1
        what = f"probability of '{class_names[1]}'"
    else:
        predicted, hit = proba.max(axis=1), proba.argmax(axis=1) == y_true
        what = "confidence (top probability)"
    edges = np.linspace(0.0, 1.0, bins + 1)
    # bin i holds (edge i, edge i+1]; a probability of exactly 0 goes in the first bin
    which = np.clip(np.searchsorted(edges, predicted, side="left") - 1, 0, bins - 1)
    count = np.bincount(which, minlength=bins)
    mean_predicted = np.bincount(which, weights=predicted, minlength=bins)
    observed = np.bincount(which, weights=hit.astype(float), minlength=bins)
    filled = count > 0
    mean_predicted = mean_predicted[filled] / count[filled]
    observed = observed[filled] / count[filled]
    weights = count[filled] / max(len(y_true), 1)
    ece = float(np.sum(weights * np.abs(observed - mean_predicted)))
    return Reliability(
        edges[:-1][filled],
        edges[1:][filled],
        mean_predicted,
        observed,
        count[filled],
        ece,
        what,
    )

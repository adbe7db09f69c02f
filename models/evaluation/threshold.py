"""A binary classifier at any decision threshold: its confusion, precision, recall and F1.

A row is called positive when its positive-class probability is at least the
threshold, the rule scikit-learn's roc_curve and precision_recall_curve use, so the
point this puts on a curve is the curve's own point at that threshold.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

DEFAULT = 0.5


@dataclass(frozen=True)
class AtThreshold:
    threshold: float
    confusion: np.ndarray  # rows true (negative, positive), columns predicted
    precision: float
    recall: float  # = true-positive rate
    f1: float
    false_positive_rate: float


def at_threshold(y_true: np.ndarray, score: np.ndarray, threshold: float) -> AtThreshold:
    """`y_true` is 1 for the positive class; precision is 1 when nothing is called positive
    (as on the curve's end), recall and F1 are 0 when there are no positives."""
    truth = np.asarray(y_true).astype(bool)
    called = np.asarray(score) >= threshold
    tp = int(np.sum(truth & called))
    fp = int(np.sum(~truth & called))
    fn = int(np.sum(truth & ~called))
    tn = int(np.sum(~truth & ~called))
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    fpr = fp / (fp + tn) if fp + tn else 0.0
    return AtThreshold(threshold, np.array([[tn, fp], [fn, tp]]), precision, recall, f1, fpr)


def best_f1_threshold(y_true: np.ndarray, score: np.ndarray) -> float:
    """The threshold with the highest F1 among the scores themselves (every distinct score
    is a place the decision can change); the lowest such threshold on a tie."""
    truth = np.asarray(y_true).astype(bool)
    score = np.asarray(score, dtype=np.float64)
    order = np.argsort(-score, kind="stable")
    ranked, hits = score[order], truth[order]
    tp = np.cumsum(hits)
    called = np.arange(1, len(ranked) + 1)
    last_of_value = np.append(ranked[1:] != ranked[:-1], True)  # thresholds between ties
    tp, called, candidates = tp[last_of_value], called[last_of_value], ranked[last_of_value]
    positives = max(int(truth.sum()), 1)
    f1 = 2 * tp / (called + positives)
    return float(candidates[int(np.argmax(f1))])

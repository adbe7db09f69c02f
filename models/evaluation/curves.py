"""ROC and precision-recall curves, one-vs-rest per class, with micro and macro averages.

Computed from the saved test probabilities, so any classifier that saved them (Keras or
scikit-learn, built-in data or an upload) gets the same curves. A curve keeps the
threshold of each of its points: the charts show it on hover, and the threshold
explorer moves along it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from sklearn import metrics as skm

MICRO, MACRO = "micro-average", "macro-average"
GRID = np.linspace(0.0, 1.0, 201)  # where averaged curves are sampled
MAX_POINTS = 2000  # a curve of 100,000 test rows is drawn from this many of its points


@dataclass(frozen=True)
class Curve:
    """x/y of one curve (ROC: false/true positive rate; PR: recall/precision), the threshold
    at each point (NaN where a point is an average and has none) and the area under it."""

    label: str
    x: np.ndarray
    y: np.ndarray
    thresholds: np.ndarray
    area: float


def single_class(y_true: np.ndarray, class_names: list[str]) -> str | None:
    """The message when the test split holds one class only (no curve is defined), else None."""
    present = np.unique(np.asarray(y_true, dtype=int))
    if len(present) >= 2:
        return None
    only = class_names[int(present[0])] if len(present) else "none"
    return (
        f"ROC and precision-recall are undefined here: every test row is of class '{only}', "
        "so there are no negatives to tell apart. Train with a larger test split, or on data "
        "with more than one class in it."
    )


def positive_scores(proba: np.ndarray, positive: int) -> np.ndarray:
    return np.asarray(proba, dtype=np.float64)[:, positive]


def binary(n_classes: int) -> bool:
    return n_classes == 2


def _thin(curve: Curve) -> Curve:
    """At most MAX_POINTS points, always keeping both ends."""
    n = len(curve.x)
    if n <= MAX_POINTS:
        return curve
    keep = np.unique(np.linspace(0, n - 1, MAX_POINTS).round().astype(int))
    return Curve(curve.label, curve.x[keep], curve.y[keep], curve.thresholds[keep], curve.area)


def _present(y_true: np.ndarray, n_classes: int) -> list[int]:
    """Classes with positives and negatives in the test split: the ones a curve exists for."""
    counts = np.bincount(np.asarray(y_true, dtype=int), minlength=n_classes)
    return [c for c in range(n_classes) if 0 < counts[c] < len(y_true)]


def _one_roc(label: str, truth: np.ndarray, score: np.ndarray) -> Curve:
    fpr, tpr, thresholds = skm.roc_curve(truth, score)
    return Curve(label, fpr, tpr, thresholds, float(skm.auc(fpr, tpr)))


def _one_pr(label: str, truth: np.ndarray, score: np.ndarray) -> Curve:
    precision, recall, thresholds = skm.precision_recall_curve(truth, score)
    # sklearn's last point (recall 0, precision 1) has no threshold
    thresholds = np.append(thresholds, np.nan)
    order = np.argsort(recall, kind="stable")
    area = float(skm.average_precision_score(truth, score))
    return Curve(label, recall[order], precision[order], thresholds[order], area)


def _one_vs_rest(
    one: Callable[[str, np.ndarray, np.ndarray], Curve],
    macro: Callable[[list[Curve]], Curve],
    y_true: np.ndarray,
    proba: np.ndarray,
    class_names: list[str],
) -> list[Curve]:
    y_true = np.asarray(y_true, dtype=int)
    if single_class(y_true, class_names):
        return []
    if binary(len(class_names)):
        return [_thin(one(class_names[1], y_true == 1, positive_scores(proba, 1)))]
    per_class = [
        one(class_names[c], y_true == c, positive_scores(proba, c))
        for c in _present(y_true, len(class_names))
    ]
    onehot = np.eye(len(class_names), dtype=bool)[y_true]
    micro = one(MICRO, onehot.ravel(), np.asarray(proba, dtype=np.float64).ravel())
    return [_thin(c) for c in per_class] + [_thin(micro), macro(per_class)]


def roc_curves(y_true: np.ndarray, proba: np.ndarray, class_names: list[str]) -> list[Curve]:
    """Binary: the curve of the second class (the positive one). Multi-class: one per class
    present, then the micro average (every row × class pooled) and the macro average (the
    mean of the class curves on a common false-positive grid)."""
    return _one_vs_rest(_one_roc, macro_roc, y_true, proba, class_names)


def macro_roc(curves: list[Curve], label: str = MACRO) -> Curve:
    """The mean true-positive rate of `curves` on a common false-positive grid; its area is
    the mean of theirs (as scikit-learn's macro AUC), not the area of the mean curve."""
    tpr = np.mean([np.interp(GRID, c.x, c.y) for c in curves], axis=0)
    tpr[0] = 0.0
    area = float(np.mean([c.area for c in curves]))
    return Curve(label, GRID.copy(), tpr, np.full(len(GRID), np.nan), area)


def _macro_pr(curves: list[Curve]) -> Curve:
    """Precision interpolated as the best precision at this recall or more (the usual
    envelope), averaged over classes on a common recall grid; area the mean AP."""
    envelopes = [np.maximum.accumulate(c.y[::-1])[::-1] for c in curves]
    pairs = zip(curves, envelopes, strict=True)
    precision = np.mean([np.interp(GRID, c.x, e) for c, e in pairs], axis=0)
    area = float(np.mean([c.area for c in curves]))
    return Curve(MACRO, GRID.copy(), precision, np.full(len(GRID), np.nan), area)


def pr_curves(y_true: np.ndarray, proba: np.ndarray, class_names: list[str]) -> list[Curve]:
    """As `roc_curves`, for precision against recall; areas are average precision."""
    return _one_vs_rest(_one_pr, _macro_pr, y_true, proba, class_names)


def ranking_scores(y_true: np.ndarray, proba: np.ndarray) -> dict[str, float]:
    """ROC-AUC and average precision: of the positive (second) class for two classes, the
    mean over classes present one-vs-rest otherwise. Empty when the test split has one class."""
    y_true = np.asarray(y_true, dtype=int)
    n_classes = proba.shape[1]
    present = _present(y_true, n_classes)
    if not present:
        return {}
    chosen = [1] if binary(n_classes) else present
    aucs = [skm.roc_auc_score(y_true == c, positive_scores(proba, c)) for c in chosen]
    aps = [skm.average_precision_score(y_true == c, positive_scores(proba, c)) for c in chosen]
    return {"roc_auc": float(np.mean(aucs)), "average_precision": float(np.mean(aps))}


def area_table(roc: list[Curve], pr: list[Curve]) -> list[dict[str, float | str]]:
    """One row per curve label: its ROC-AUC and average precision (the metrics table)."""
    ap = {curve.label: curve.area for curve in pr}
    return [
        {"curve": curve.label, "ROC-AUC": curve.area, "average precision": ap.get(curve.label)}
        for curve in roc
    ]


def binary_pair(truth: np.ndarray, score: np.ndarray, label: str) -> tuple[Curve, Curve]:
    """The ROC and precision-recall curves of one class against the rest (the threshold
    explorer's, for whichever class it calls positive)."""
    truth = np.asarray(truth).astype(bool)
    score = np.asarray(score, dtype=np.float64)
    return _thin(_one_roc(label, truth, score)), _thin(_one_pr(label, truth, score))

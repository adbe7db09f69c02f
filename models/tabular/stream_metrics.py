"""Test metrics added up batch by batch, so evaluating a table of any size keeps no rows.

Accuracy, the confusion matrix and the error sums are exact. ROC and precision-recall
curves come from per-class histograms of the predicted probability in SCORE_BINS equal
bins, i.e. thresholds at multiples of 1/SCORE_BINS: the area under the curve is then
within about 1/SCORE_BINS of the exact one.
"""

from __future__ import annotations

import numpy as np

SCORE_BINS = 1000


class ClassificationTally:
    def __init__(self, n_classes: int) -> None:
        self.confusion = np.zeros((n_classes, n_classes), np.int64)
        self.positives = np.zeros((n_classes, SCORE_BINS), np.int64)
        self.negatives = np.zeros((n_classes, SCORE_BINS), np.int64)
        self.log_loss_sum = 0.0

    def add(self, y_true: np.ndarray, proba: np.ndarray) -> None:
        k = self.confusion.shape[0]
        y_true = np.asarray(y_true, np.int64)
        predicted = proba.argmax(axis=1)
        np.add.at(self.confusion, (y_true, predicted), 1)
        bins = np.clip((proba * SCORE_BINS).astype(np.int64), 0, SCORE_BINS - 1)
        for cls in range(k):
            is_cls = y_true == cls
            self.positives[cls] += np.bincount(bins[is_cls, cls], minlength=SCORE_BINS)
            self.negatives[cls] += np.bincount(bins[~is_cls, cls], minlength=SCORE_BINS)
        picked = proba[np.arange(len(y_true)), y_true]
        self.log_loss_sum -= float(np.log(np.clip(picked, 1e-15, 1.0)).sum())

    @property
    def rows(self) -> int:
        return int(self.confusion.sum())

    @property
    def accuracy(self) -> float:
        return float(np.trace(self.confusion) / max(self.rows, 1))

    @property
    def log_loss(self) -> float:
        return self.log_loss_sum / max(self.rows, 1)

    def roc(self, cls: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(false positive rate, true positive rate, threshold), thresholds falling."""
        tp, fp = self._at_or_above(cls)
        thresholds = np.arange(SCORE_BINS, -1, -1) / SCORE_BINS
        return fp / max(fp[-1], 1), tp / max(tp[-1], 1), thresholds

    def precision_recall(self, cls: int) -> tuple[np.ndarray, np.ndarray]:
        tp, fp = self._at_or_above(cls)
        precision = np.divide(tp, tp + fp, out=np.ones(len(tp)), where=(tp + fp) > 0)
        return precision, tp / max(tp[-1], 1)

    def auc(self, cls: int) -> float:
        fpr, tpr, _ = self.roc(cls)
        return float(np.trapezoid(tpr, fpr))

    def _at_or_above(self, cls: int) -> tuple[np.ndarray, np.ndarray]:
        """Counts with a score at or above each threshold, from 'none' to 'all'."""
        tp = np.concatenate([[0], np.cumsum(self.positives[cls][::-1])])
        fp = np.concatenate([[0], np.cumsum(self.negatives[cls][::-1])])
        return tp.astype(np.float64), fp.astype(np.float64)


class RegressionTally:
    def __init__(self) -> None:
        self.n = 0
        self.squared = self.absolute = self.y_sum = self.y_squared = 0.0

    def add(self, y_true: np.ndarray, predicted: np.ndarray) -> None:
        y = np.asarray(y_true, np.float64)
        error = np.asarray(predicted, np.float64).ravel() - y
        self.n += len(y)
        self.squared += float((error**2).sum())
        self.absolute += float(np.abs(error).sum())
        self.y_sum += float(y.sum())
        self.y_squared += float((y**2).sum())

    @property
    def rows(self) -> int:
        return self.n

    @property
    def mse(self) -> float:
        return self.squared / max(self.n, 1)

    @property
    def mae(self) -> float:
        return self.absolute / max(self.n, 1)

    @property
    def r2(self) -> float:
        spread = self.y_squared - self.y_sum**2 / max(self.n, 1)
        return 1 - self.squared / spread if spread > 0 else 0.0


def tally_summary(tally: ClassificationTally | RegressionTally) -> dict[str, float]:
    """The headline metrics over every counted row, under models.metrics.summary's keys."""
    if isinstance(tally, RegressionTally):
        return {"r2": tally.r2, "mae": tally.mae, "rmse": float(np.sqrt(tally.mse))}
    return {
        "accuracy": tally.accuracy,
        "macro_f1": macro_f1(tally.confusion),
        "log_loss": tally.log_loss,
    }


def per_class(confusion: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(precision, recall, F1, support) per class from a true × predicted count matrix,
    0 where a ratio has no rows (as scikit-learn's zero_division=0)."""
    confusion = np.asarray(confusion, np.float64)
    hits, support, predicted = np.diag(confusion), confusion.sum(axis=1), confusion.sum(axis=0)
    precision = np.divide(hits, predicted, out=np.zeros_like(hits), where=predicted > 0)
    recall = np.divide(hits, support, out=np.zeros_like(hits), where=support > 0)
    both = precision + recall
    f1 = np.divide(2 * precision * recall, both, out=np.zeros_like(hits), where=both > 0)
    return precision, recall, f1, support.astype(np.int64)


def macro_f1(confusion: np.ndarray) -> float:
    """Mean F1 over the classes that occur as truth or prediction (scikit-learn's macro)."""
    confusion = np.asarray(confusion)
    present = (confusion.sum(axis=0) + confusion.sum(axis=1)) > 0
    return float(per_class(confusion)[2][present].mean()) if present.any() else 0.0


def baseline_from_counts(counts: np.ndarray) -> dict[str, float]:
    """models.metrics.baseline_summary from the test rows' class counts alone: always the
    commonest class, with the classes' shares as probabilities."""
    counts = np.asarray(counts, np.float64)
    shares = np.clip(counts / max(counts.sum(), 1), 1e-7, 1)
    shares /= shares.sum()
    top = int(np.argmax(counts))
    confusion = np.zeros((len(counts), len(counts)))
    confusion[:, top] = counts
    present = counts > 0
    log_loss = -float((counts[present] * np.log(shares[present])).sum() / max(counts.sum(), 1))
    return {
        "accuracy": float(counts[top] / max(counts.sum(), 1)),
        "macro_f1": macro_f1(confusion),
        "log_loss": log_loss,
    }

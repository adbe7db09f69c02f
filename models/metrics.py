"""Numbers computed from test-set predictions; the figures only draw them."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn import metrics as skm


def confusion(y_true: np.ndarray, y_pred: np.ndarray, n_classes: int) -> np.ndarray:
    return skm.confusion_matrix(y_true, y_pred, labels=np.arange(n_classes))


def per_class_report(
    y_true: np.ndarray, y_pred: np.ndarray, class_names: list[str]
) -> pd.DataFrame:
    precision, recall, f1, support = skm.precision_recall_fscore_support(
        y_true, y_pred, labels=np.arange(len(class_names)), zero_division=0
    )
    return pd.DataFrame(
        {"precision": precision, "recall": recall, "f1": f1, "support": support},
        index=pd.Index(class_names, name="class"),
    )


def summary(
    task: str, y_true: np.ndarray, y_pred: np.ndarray, proba: np.ndarray | None
) -> dict[str, float]:
    """The headline metrics of a run, as plain floats for the store."""
    if task == "regression":
        return {
            "r2": float(skm.r2_score(y_true, y_pred)),
            "mae": float(skm.mean_absolute_error(y_true, y_pred)),
            "rmse": float(np.sqrt(skm.mean_squared_error(y_true, y_pred))),
        }
    out = {
        "accuracy": float(skm.accuracy_score(y_true, y_pred)),
        "macro_f1": float(skm.f1_score(y_true, y_pred, average="macro", zero_division=0)),
    }
    if proba is not None:
        out["log_loss"] = float(
            skm.log_loss(y_true, np.clip(proba, 1e-7, 1), labels=np.arange(proba.shape[1]))
        )
        from models.evaluation.curves import ranking_scores

        out.update(ranking_scores(y_true, proba))  # none when the test split has one class
    return out


def headline(task: str) -> str:
    return "r2" if task == "regression" else "accuracy"


def baseline_summary(task: str, y_true: np.ndarray, n_classes: int = 0) -> dict[str, float]:
    """The headline metrics of a model that ignores its input, on the same test rows: always
    the commonest class (with the classes' shares as its probabilities), or always the mean.

    What a model has to beat to have learned anything; the same keys as `summary`.
    """
    y_true = np.asarray(y_true)
    if task == "regression":
        return summary(task, y_true, np.full(len(y_true), float(np.mean(y_true))), None)
    counts = np.bincount(y_true.astype(int), minlength=max(n_classes, int(y_true.max()) + 1))
    shares = np.clip(counts / counts.sum(), 1e-7, 1)  # no zero for a class absent from the test
    shares /= shares.sum()
    constant = np.full(len(y_true), int(np.argmax(counts)))
    return summary(task, y_true, constant, np.tile(shares, (len(y_true), 1)))

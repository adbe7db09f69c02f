"""A cross-validation's folds together: each metric as mean ± std, and the mean ROC curve.

The spread over folds is what tells a real difference between two models from the luck
of one split; the standard deviation is the sample one (ddof=1) over the folds scored.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from models.evaluation.curves import GRID, Curve, macro_roc


def metric_spread(fold_metrics: Sequence[Mapping[str, float | None]]) -> list[dict[str, object]]:
    """One row per metric any fold recorded: mean, std (None while one fold has it) and the
    folds' own values (None for a fold without it), in the order the metrics first appear."""
    names = list(dict.fromkeys(name for metrics in fold_metrics for name in metrics))
    rows = []
    for name in names:
        values = [metrics.get(name) for metrics in fold_metrics]
        scored = np.array([v for v in values if v is not None], dtype=float)
        if not len(scored):
            continue
        std = float(np.std(scored, ddof=1)) if len(scored) > 1 else None  # none from one fold
        rows.append({"metric": name, "mean": float(scored.mean()), "std": std, "folds": values})
    return rows


def mean_roc(fold_curves: Sequence[Curve]) -> tuple[Curve, np.ndarray]:
    """The folds' mean ROC curve (area: the mean of the folds' AUCs) and the std of the true
    positive rate at each point of its grid, for a band around it."""
    mean = macro_roc(list(fold_curves), label="mean over folds")
    spread = np.std([np.interp(GRID, c.x, c.y) for c in fold_curves], axis=0)
    return mean, spread


def fold_roc(
    y_true: np.ndarray, proba: np.ndarray, class_names: list[str], label: str
) -> Curve | None:
    """One fold's ROC: the positive class's for two classes, else the macro average over
    classes; None when the fold's test rows hold a single class."""
    from models.evaluation.curves import roc_curves

    curves = roc_curves(y_true, proba, class_names)
    if not curves:
        return None
    chosen = curves[-1]  # binary: the only one; multi-class: the macro average
    return Curve(label, chosen.x, chosen.y, chosen.thresholds, chosen.area)

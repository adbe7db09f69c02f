"""The charts a first Explore tab draws, made once from tiny made-up data.

Plotly looks up the validators of a trace type and its properties the first time a
figure uses them: a confusion matrix's first heatmap took over 2 s on the busy
benchmark machine, the next one a fifth of that. The app draws these in the
background after its first page (dashboard.services.preload_modules), so the first
Explore a person opens, of any run, finds Plotly ready.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard.figures.classification import confusion_matrix_figure, per_class_metrics_figure
from dashboard.figures.regression import predicted_vs_actual_figure, residuals_figure
from dashboard.figures.training import training_curves


def practice_figures() -> list[go.Figure]:
    """One of each chart the first tabs show: curves, confusion, per-class, regression."""
    names = ["a", "b"]
    report = pd.DataFrame(
        {"precision": [1.0, 0.5], "recall": [0.5, 1.0], "f1": [0.67, 0.67], "support": [2, 1]},
        index=names,
    )
    history = pd.DataFrame(
        {"epoch": [1, 2], "loss": [1.0, 0.5], "val_loss": [1.1, 0.6], "accuracy": [0.5, 0.8],
         "val_accuracy": [0.4, 0.7]}
    )  # fmt: skip
    y = np.array([0.0, 1.0, 2.0])
    return [
        training_curves(history),
        confusion_matrix_figure(np.array([[2, 0], [1, 1]]), names, False),
        per_class_metrics_figure(report),
        predicted_vs_actual_figure(y, y + 0.1),
        residuals_figure(y, y + 0.1),
    ]

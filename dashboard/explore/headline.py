"""The run's overall test metrics at the top of Explore, each beside a baseline that ignores
the input (always the commonest class, or always the mean): a model that barely beats it
has learned little, whatever the number looks like on its own."""

from __future__ import annotations

import streamlit as st

from dashboard.explore.context import ExploreContext
from dashboard.figures.comparison import lower_is_better
from dashboard.plain_text import md

LABELS = {
    "accuracy": "Accuracy",
    "macro_f1": "Macro F1",
    "log_loss": "Log-loss",
    "r2": "R²",
    "mae": "MAE",
    "roc_auc": "ROC-AUC",
    "average_precision": "Avg precision",
    "rmse": "RMSE",
}


def render_headline(ctx: ExploreContext) -> None:
    from models.tabular.stream_results import exact_scores

    results = ctx.results
    if results is None or not len(results.y_true):
        return
    scores, baseline = exact_scores(results)
    columns = st.columns(len(scores))
    for column, (name, value) in zip(columns, scores.items(), strict=True):
        base = baseline[name]
        column.metric(
            LABELS.get(name, name),
            _three(value),
            delta=f"{value - base:+.3f} vs baseline {_three(base)}",
            delta_color="inverse" if lower_is_better(name) else "normal",
            help="On the test rows. The baseline ignores the input.",
        )
    if ctx.classification:
        commonest = results.class_names[int(baseline_class(results.y_true))]
        st.caption(
            f"Baseline: always predicting the commonest test class, '{md(commonest)}', with the "
            "classes' shares as probabilities."
        )
    else:
        st.caption("Baseline: always predicting the mean of the test values.")


def _three(value: float) -> str:
    """Three decimals, and no '-0.000' for a rounding error below zero."""
    return f"{round(value, 3) + 0.0:.3f}"


def baseline_class(y_true) -> int:
    import numpy as np

    return int(np.bincount(np.asarray(y_true, dtype=int)).argmax())

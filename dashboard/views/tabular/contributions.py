"""Tables: what drove one test row's prediction, column by column (Shapley values)."""

from __future__ import annotations

import numpy as np
import streamlit as st

from dashboard.explore.context import ExploreContext
from dashboard.views.base import View
from dashboard.views.tabular.panels import show_row_contributions
from models.capabilities import FEATURES


def default_row(ctx: ExploreContext) -> int:
    """The first wrong prediction, or the largest error: the row people ask about first."""
    results = ctx.results
    if ctx.classification:
        wrong = np.flatnonzero(~results.correct)
        return int(wrong[0]) if len(wrong) else 0
    return int(np.argmax(np.abs(results.y_true - results.y_pred)))


def render(ctx: ExploreContext) -> None:
    results, run_id = ctx.results, ctx.run.id
    test_row = st.number_input(
        f"Test row (0 to {len(results.y_true) - 1}; it starts on the first wrong prediction)",
        min_value=0,
        max_value=len(results.y_true) - 1,
        value=default_row(ctx),
        step=1,
        key=f"contrib_row_{run_id}",
    )
    shown = ctx.sample_table(np.array([int(test_row)]))
    st.dataframe(shown, hide_index=True, key="contrib_row_table")
    values = ctx.sample_values(results.test_index[[int(test_row)]]).iloc[0].to_dict()
    outputs = results.class_names if ctx.classification else ["prediction"]
    show_row_contributions(run_id, values, outputs, key=f"contrib_{run_id}")


VIEW = View(
    "Row contributions",
    render,
    needs=frozenset({FEATURES}),
    modality="tabular",
    needs_samples=True,
)

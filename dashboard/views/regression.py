"""Regression runs: predicted vs actual, and residuals."""

import streamlit as st

from dashboard.explore.context import ExploreContext
from dashboard.figures.regression import predicted_vs_actual_figure, residuals_figure
from dashboard.views.base import View


def render(ctx: ExploreContext) -> None:
    results = ctx.results
    left, right = st.columns(2)
    left.plotly_chart(predicted_vs_actual_figure(results.y_true, results.y_pred), key="pred_actual")
    right.plotly_chart(residuals_figure(results.y_true, results.y_pred), key="residuals")
    errors = abs(results.y_true - results.y_pred)
    worst = errors.argsort()[::-1][:50]
    st.markdown("**Largest errors on the test set**")
    st.dataframe(ctx.sample_table(worst), hide_index=True, key="worst_rows")


VIEW = View("Predictions", render, task="regression")

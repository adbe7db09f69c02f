"""Are the probabilities honest? The reliability diagram and the expected calibration error."""

from __future__ import annotations

import streamlit as st

from dashboard.explore.context import ExploreContext
from dashboard.figures.evaluation import reliability_figure
from dashboard.views.base import View
from models.capabilities import PROBABILITIES


def render(ctx: ExploreContext) -> None:
    from models.evaluation.calibration import reliability

    results = ctx.results
    bins = st.select_slider("Bins", [5, 10, 15, 20], value=10, key="calibration_bins")
    found = reliability(results.y_true, results.proba, results.class_names, bins)
    st.plotly_chart(reliability_figure(found), key="reliability_chart")
    st.metric(
        "Expected calibration error",
        f"{found.ece:.3f}",
        help="The mean gap between predicted and observed, weighted by rows per bin; 0 is "
        "perfectly calibrated.",
    )
    st.caption(
        f"Binned: the {found.what}. Points below the diagonal are over-confident (the model "
        "says more than it gets right), above it under-confident. Bins with few rows are noisy."
    )
    st.dataframe(
        {
            "bin": [f"{lo:.2f}–{hi:.2f}" for lo, hi in zip(found.lower, found.upper, strict=True)],
            "mean predicted": found.predicted.round(3),
            "observed": found.observed.round(3),
            "rows": found.count,
        },
        hide_index=True,
        key="reliability_table",
    )


VIEW = View("Calibration", render, needs=frozenset({PROBABILITIES}), task="classification")

"""Training curves: loss and accuracy per epoch, train vs validation."""

import streamlit as st

from dashboard.explore.context import ExploreContext
from dashboard.figures.training import training_curves

TITLE = "Training curves"


def applies(ctx: ExploreContext) -> bool:
    return len(ctx.history) > 0


def render(ctx: ExploreContext) -> None:
    st.plotly_chart(training_curves(ctx.history), key="explore_curves")

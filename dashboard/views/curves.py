"""Training curves: loss and accuracy per epoch, train vs validation."""

import streamlit as st

from dashboard.explore.context import ExploreContext
from dashboard.figures.training import training_curves
from dashboard.views.base import View
from models.capabilities import CURVES


def render(ctx: ExploreContext) -> None:
    st.plotly_chart(training_curves(ctx.history), key="explore_curves")


VIEW = View("Training curves", render, needs=frozenset({CURVES}))

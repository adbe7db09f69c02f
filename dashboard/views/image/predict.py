"""Image runs: what the model predicts for one image, from the test set or uploaded now."""

from __future__ import annotations

import streamlit as st

from dashboard.explore.context import ExploreContext
from dashboard.figures.classification import class_probabilities_figure
from dashboard.modality.image_picker import show_picked
from dashboard.plain_text import md
from dashboard.views.base import View
from dashboard.views.image.probing import predict_image
from models.capabilities import PREDICT_ONE


def render(ctx: ExploreContext) -> None:
    picked = ctx.modality.pick_sample(ctx, "predict")
    if picked is None:
        return
    names = ctx.results.class_names
    proba = predict_image(ctx, picked)
    left, right = st.columns([1, 2])
    with left:
        show_picked(picked)
        if picked.test_row is not None:
            true = int(ctx.results.y_true[picked.test_row])
            verdict = "✓ right" if int(proba.argmax()) == true else "✗ wrong"
            st.markdown(f"True class **{md(names[true])}** — the model is {verdict}.")
    with right:
        st.plotly_chart(
            class_probabilities_figure(proba, names), key=f"image_predict_proba_{ctx.run.id}"
        )


VIEW = View(
    "Predict an image",
    render,
    needs=frozenset({PREDICT_ONE}),
    task="classification",
    modality="image",
)

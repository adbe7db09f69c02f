"""Image runs: what the model predicts for one image, from the test set or uploaded now."""

from __future__ import annotations

import streamlit as st

from dashboard.explore.context import ExploreContext
from dashboard.figures.classification import class_probabilities_figure
from dashboard.views.image.picker import pick_image, show_picked
from dashboard.views.image.run_model import architecture, predict

TITLE = "Predict an image"


def applies(ctx: ExploreContext) -> bool:
    return architecture(ctx) in ("cnn", "vit", "pixel_logreg")


def render(ctx: ExploreContext) -> None:
    picked = pick_image(ctx, "predict")
    if picked is None:
        return
    names = ctx.results.class_names
    proba = predict(ctx, picked.image, picked.test_row)
    left, right = st.columns([1, 2])
    with left:
        show_picked(picked)
        if picked.test_row is not None:
            true = int(ctx.results.y_true[picked.test_row])
            verdict = "✓ right" if int(proba.argmax()) == true else "✗ wrong"
            st.markdown(f"True class **{names[true]}** — the model is {verdict}.")
    with right:
        st.plotly_chart(
            class_probabilities_figure(proba, names), key=f"image_predict_proba_{ctx.run.id}"
        )

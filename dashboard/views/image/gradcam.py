"""Runs with a last convolution: Grad-CAM, which parts of the image drove a class's score."""

from __future__ import annotations

import streamlit as st

from dashboard.explore.context import ExploreContext
from dashboard.figures.images import heatmap_overlay_figure
from dashboard.modality.image_picker import show_picked
from dashboard.plain_text import md
from dashboard.views.base import View
from dashboard.views.image.probing import cnn_probe
from models.capabilities import GRADCAM

PREDICTED = "the predicted class"


def render(ctx: ExploreContext) -> None:
    probe = cnn_probe(ctx)
    st.caption(
        "Grad-CAM weighs the last conv block's maps by how much each raises the class score, "
        "so bright regions are the ones the model used as evidence for that class."
    )
    picked = ctx.modality.pick_sample(ctx, "gradcam")
    if picked is None:
        return
    names = ctx.results.class_names
    left, right = st.columns(2)
    target = left.selectbox("Explain", [PREDICTED, *names], key=f"image_cam_class_{ctx.run.id}")
    alpha = right.slider(
        "Overlay opacity", 0.0, 1.0, 0.5, 0.05, key=f"image_cam_alpha_{ctx.run.id}"
    )
    result = probe.inspect(picked.value, None if target == PREDICTED else names.index(target))
    explained = names[result.cam_class]
    predicted = names[int(result.proba.argmax())]
    image_col, cam_col = st.columns([1, 2])
    with image_col:
        show_picked(picked)
        st.markdown(f"Predicted **{md(predicted)}** ({result.proba.max():.0%})")
    with cam_col:
        height, width = result.cam.shape
        title = f"Grad-CAM for '{explained}' (p = {result.proba[result.cam_class]:.0%})"
        st.plotly_chart(
            heatmap_overlay_figure(picked.value, result.cam, alpha, title),
            key=f"image_gradcam_{ctx.run.id}",
        )
        st.caption(
            f"From the {height}×{width} map of {md(probe.map_layers[-1])}, scaled to the image."
        )


VIEW = View("Grad-CAM", render, needs=frozenset({GRADCAM}), task="classification", modality="image")

"""Runs whose gradients reach the token embeddings (e.g. an RNN): which tokens of a test text
push the prediction towards a class, and which away."""

from __future__ import annotations

import streamlit as st

from dashboard.explore.context import ExploreContext
from dashboard.views.base import View
from dashboard.views.text.panels import show_saliency, show_truth
from models.capabilities import TOKEN_SALIENCY


def render(ctx: ExploreContext) -> None:
    st.caption(
        "Saliency is the gradient of the class score with respect to each token's embedding, "
        "times the embedding, summed: a first-order estimate of how much the score rests on it."
    )
    picked = ctx.modality.pick_sample(ctx, "sal")
    if picked is None:
        return
    show_truth(ctx, picked.test_row)
    show_saliency(ctx, picked.value, f"sal_{ctx.run.id}")


VIEW = View(
    "Token saliency",
    render,
    needs=frozenset({TOKEN_SALIENCY}),
    task="classification",
    modality="text",
    needs_samples=True,
)

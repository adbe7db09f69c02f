"""Runs with self-attention over tokens: token × token attention per layer and head,
for a chosen test text."""

from __future__ import annotations

import streamlit as st

from dashboard.explore.context import ExploreContext
from dashboard.explore.loaders import keras_model, run_tokenizer
from dashboard.views.base import View
from dashboard.views.text.panels import show_attention, show_truth
from models.capabilities import TOKEN_ATTENTION


def render(ctx: ExploreContext) -> None:
    from models.text.probes import attention_maps

    st.caption(
        "Each row is a query token, each column the token it attends to; rows sum to 1. "
        "The model classifies from the [CLS] position, so its row shows what the decision read."
    )
    picked = ctx.modality.pick_sample(ctx, "att")
    if picked is None:
        return
    show_truth(ctx, picked.test_row)
    maps = attention_maps(keras_model(str(ctx.run_dir)), run_tokenizer(ctx), picked.value)
    show_attention(maps, f"att_{ctx.run.id}")


VIEW = View(
    "Attention",
    render,
    needs=frozenset({TOKEN_ATTENTION}),
    task="classification",
    modality="text",
    needs_samples=True,
)

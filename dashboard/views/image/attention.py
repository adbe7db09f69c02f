"""Runs with self-attention over image patches (a ViT): attention rollout over the image,
and where one patch looks in each layer and head."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from dashboard.explore.context import ExploreContext
from dashboard.figures.images import heatmap_overlay_figure, image_grid_figure
from dashboard.modality.image_picker import show_picked
from dashboard.plain_text import md
from dashboard.views.base import View
from dashboard.views.image.probing import vit_probe
from models.capabilities import IMAGE_ATTENTION

MEAN = "mean of heads"


def _to_pixels(heat: np.ndarray, image: np.ndarray) -> np.ndarray:
    """Patch-level values as image-sized blocks, so a patch shows as the square it is."""
    rows, cols = heat.shape
    return np.kron(heat, np.ones((image.shape[0] // rows, image.shape[1] // cols)))


def _outline(figure: go.Figure, row: int, col: int, patch: int) -> go.Figure:
    figure.add_shape(
        type="rect",
        x0=col * patch - 0.5,
        x1=(col + 1) * patch - 0.5,
        y0=row * patch - 0.5,
        y1=(row + 1) * patch - 0.5,
        line={"color": "white", "width": 3},
    )
    return figure


def _rollout(ctx: ExploreContext, image: np.ndarray, result) -> None:
    from models.image.probes import rollout_map

    heat = _to_pixels(rollout_map(result.rollout, result.grid), image)
    st.plotly_chart(
        heatmap_overlay_figure(image, heat, 0.5, "Attention rollout (all layers)"),
        key=f"image_rollout_{ctx.run.id}",
    )
    st.caption(
        "Rollout multiplies the layers' head-averaged attention (plus the skip connections), "
        "so bright patches are the ones whose content reaches the output most."
    )


def _from_patch(ctx: ExploreContext, image: np.ndarray, result) -> None:
    from models.image.probes import patch_attention

    layers, heads = result.attention.shape[:2]
    rows, cols = result.grid
    patch = image.shape[0] // rows
    run = ctx.run.id
    pick = st.columns(4)
    layer = pick[0].selectbox(
        "Layer",
        range(layers),
        format_func=lambda i: f"encoder {i + 1}",
        key=f"image_att_layer_{run}",
    )
    head = pick[1].selectbox("Head", [MEAN, *range(heads)], key=f"image_att_head_{run}")
    row = pick[2].slider("Patch row", 0, rows - 1, rows // 2, key=f"image_att_row_{run}")
    col = pick[3].slider("Patch column", 0, cols - 1, cols // 2, key=f"image_att_col_{run}")
    query = row * cols + col
    chosen = None if head == MEAN else int(head)
    heat = patch_attention(result.attention, result.grid, layer, chosen, query)
    which = MEAN if chosen is None else f"head {chosen}"
    title = f"Where patch ({row}, {col}) looks — encoder {layer + 1}, {which}"
    figure = heatmap_overlay_figure(image, _to_pixels(heat, image), 0.55, title)
    st.plotly_chart(_outline(figure, row, col, patch), key=f"image_att_patch_{run}")
    per_head = np.stack(
        [patch_attention(result.attention, result.grid, layer, h, query) for h in range(heads)]
    )
    st.markdown(f"**Every head of encoder {layer + 1}**, same patch")
    titles = [f"head {h}" for h in range(heads)]
    figure = image_grid_figure(per_head, titles, cols=min(heads, 8), colorscale="Viridis")
    st.plotly_chart(figure, key=f"image_att_heads_{run}")


def render(ctx: ExploreContext) -> None:
    probe = vit_probe(ctx)
    picked = ctx.modality.pick_sample(ctx, "attention")
    if picked is None:
        return
    result = probe.inspect(picked.value)
    names = ctx.results.class_names
    image_col, rollout_col = st.columns([1, 2])
    with image_col:
        show_picked(picked)
        st.markdown(
            f"Predicted **{md(names[int(result.proba.argmax())])}** ({result.proba.max():.0%})"
        )
        rows, cols = result.grid
        st.caption(f"{rows}×{cols} patches of {picked.value.shape[0] // rows} px")
    with rollout_col:
        _rollout(ctx, picked.value, result)
    st.markdown("**Attention from one patch**")
    _from_patch(ctx, picked.value, result)


VIEW = View(
    "Attention (ViT)",
    render,
    needs=frozenset({IMAGE_ATTENTION}),
    task="classification",
    modality="image",
)

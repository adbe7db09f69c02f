"""Runs with 2-D convolutions: the first layer's filters, and every conv block's
activation maps for one image."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from dashboard.explore.context import ExploreContext
from dashboard.explore.loaders import keras_model
from dashboard.figures.images import image_grid_figure
from dashboard.modality.image_picker import show_picked
from dashboard.views.base import View
from dashboard.views.image.probing import cnn_probe
from models.capabilities import CONV_MAPS

DEFAULT_CHANNELS = 16


# Figures are cached per run (and image): every tab renders on every click on the
# Explore page, and a grid of 16–64 small heatmaps takes Plotly a few hundred ms to build.
@st.cache_resource(max_entries=8, show_spinner=False)
def _kernels_figure(run_dir: str, _model) -> tuple[go.Figure, str]:
    from models.image.probes import first_conv_kernels

    tiles = first_conv_kernels(_model)
    size = "×".join(map(str, tiles.shape[1:3]))
    titles = [f"#{i}" for i in range(len(tiles))]
    return image_grid_figure(tiles, titles, cols=16), f"{len(tiles)} kernels of {size} px"


@st.cache_resource(max_entries=32, show_spinner=False)
def _maps_figure(run_dir: str, activation: np.ndarray, count: int) -> go.Figure:
    from models.image.probes import top_channels

    channels = top_channels(activation, count)
    means = activation.reshape(-1, activation.shape[-1]).mean(axis=0)
    titles = [f"#{c} · {means[c]:.2f}" for c in channels]
    tiles = np.moveaxis(activation[..., channels], -1, 0)
    return image_grid_figure(tiles, titles, cols=8, colorscale="Viridis")


def _kernels(ctx: ExploreContext) -> None:
    figure, what = _kernels_figure(str(ctx.run_dir), keras_model(str(ctx.run_dir)))
    st.markdown(f"**First-layer filters** — {what}")
    st.caption(
        "What the first conv layer looks for: colour kernels are stretched to full contrast, "
        "grey ones are coloured by their own weight range."
    )
    st.plotly_chart(figure, key=f"image_kernels_{ctx.run.id}")


def _layer_label(maps: dict[str, np.ndarray]):
    order = list(maps)

    def label(name: str) -> str:
        height, width, channels = maps[name].shape
        return f"block {order.index(name) + 1} ({name}: {height}×{width}, {channels} channels)"

    return label


def render(ctx: ExploreContext) -> None:
    probe = cnn_probe(ctx)
    _kernels(ctx)
    st.markdown("**Activation maps** — what each conv block responds to in one image")
    picked = ctx.modality.pick_sample(ctx, "filters")
    if picked is None:
        return
    maps = probe.inspect(picked.value).maps
    left, middle = st.columns(2)
    layer = left.selectbox(
        "Layer", list(maps), format_func=_layer_label(maps), key=f"image_map_layer_{ctx.run.id}"
    )
    activation = maps[layer]
    most = activation.shape[-1]
    count = middle.slider(
        "Channels to show (most active first; titled channel · mean activation)",
        1,
        most,
        min(DEFAULT_CHANNELS, most),
        key=f"image_map_count_{ctx.run.id}",
    )
    image_col, maps_col = st.columns([1, 4])
    with image_col:
        show_picked(picked, 140)
    with maps_col:
        figure = _maps_figure(str(ctx.run_dir), activation, count)
        st.plotly_chart(figure, key=f"image_maps_{ctx.run.id}")


VIEW = View("Filters & activations", render, needs=frozenset({CONV_MAPS}), modality="image")

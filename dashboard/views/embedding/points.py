"""The explorer's scatter: which points, what their hover says, and the figure, built once.

Building hover text for 100k points takes about a second, so a figure is made
once per (run, layer, settings, colour, highlight) and kept for the server's
life; reruns that change nothing else (a selection, a widget further down) reuse it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard.explore.context import ExploreContext
from dashboard.figures.embedding import embedding_figure
from dashboard.views.embedding.colour import colour_values

MAX_POINTS = 100_000
# Hover text is most of a big figure's size (~1 MB per column at 100k points) and is
# serialised on every rerun, so big maps carry fewer columns.
HOVER_COLUMNS_BY_POINTS = ((20_000, 12), (MAX_POINTS, 6))


def shown_rows(n_test: int, cap: int = MAX_POINTS, seed: int = 0) -> np.ndarray:
    """Test rows to draw: all of them, or a fixed random `cap` of a bigger test set."""
    if n_test <= cap:
        return np.arange(n_test)
    return np.sort(np.random.default_rng(seed).choice(n_test, size=cap, replace=False))


def hover_frame(ctx: ExploreContext, rows: np.ndarray) -> pd.DataFrame:
    """What a point's hover shows: its verdict, then the row's values or its text.

    Pictures (for images) are added by the run's modality adapter once the figure is built.
    """
    table = ctx.sample_table(rows).drop(columns=["test row"])
    return table.iloc[:, : hover_columns(len(rows))]


def hover_columns(n_points: int) -> int:
    """How many hover fields each point carries: fewer for big maps."""
    return next((cols for limit, cols in HOVER_COLUMNS_BY_POINTS if n_points <= limit), 6)


@st.cache_resource(max_entries=6, show_spinner=False)
def _cached_figure(
    key: tuple, _ctx: ExploreContext, _coords: np.ndarray, _highlight: np.ndarray | None
) -> go.Figure:
    colour_option = key[-1]
    rows = shown_rows(len(_coords))
    colour, colour_name = colour_values(_ctx, colour_option, rows)
    fig = embedding_figure(
        _coords[rows],
        colour,
        colour_name,
        hover=hover_frame(_ctx, rows),
        point_ids=rows,
        highlight=None if _highlight is None else _highlight[rows],
    )
    return _ctx.modality.with_hover_pictures(fig, _ctx)


def explorer_figure(
    ctx: ExploreContext,
    coords: np.ndarray,
    cache_key: tuple,
    colour_option: str,
    highlight: np.ndarray | None,
) -> go.Figure:
    """The scatter of `coords` (one row per test sample); `highlight` is a mask over test rows.

    `cache_key` must name everything that changes coords or the highlight
    (run, finish time, layer, settings key, highlight label).
    """
    return _cached_figure((*cache_key, colour_option), ctx, coords, highlight)

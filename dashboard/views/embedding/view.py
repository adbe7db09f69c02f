"""The embedding explorer: a UMAP of a layer's learned features, linked to the samples.

Up to 100k test points in WebGL, coloured by the model's verdicts or any data
column, in 2-D or 3-D; a box or lasso lists the samples (with a CSV), a
confusion-matrix cell lights up its points, and runs that kept feature
snapshots show the feature space moving over training.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

import dashboard.views.confusion_links as links
from dashboard.explore.context import ExploreContext
from dashboard.plain_text import md
from dashboard.views.base import View
from dashboard.views.embedding.colour import colour_options
from models.capabilities import FEATURES

NEIGHBOURS = [5, 10, 15, 30, 50]
MIN_DISTS = [0.0, 0.05, 0.1, 0.25, 0.5, 0.8]


def chart_key(run_id: str, layer: str, settings_key: str) -> str:
    """The scatter's widget key: its selection belongs to one map of one layer."""
    return f"emb_chart_{run_id}_{layer}_{settings_key}"


def _settings(run_id: str, dims: int):
    """UMAP's knobs, tucked away: the defaults are what the service precomputes."""
    from models.embedding.compute import EmbeddingSettings

    with st.expander("UMAP settings"):
        left, middle, right = st.columns(3)
        neighbours = left.select_slider(
            "Neighbours", NEIGHBOURS, value=15, key=f"emb_neighbours_{run_id}"
        )
        min_dist = middle.select_slider(
            "Minimum distance", MIN_DISTS, value=0.1, key=f"emb_min_dist_{run_id}"
        )
        metric = right.radio(
            "Metric", ["euclidean", "cosine"], horizontal=True, key=f"emb_metric_{run_id}"
        )
    return EmbeddingSettings(
        n_components=dims, n_neighbors=neighbours, min_dist=min_dist, metric=metric
    )


def _highlight_label(ctx: ExploreContext) -> str:
    if not ctx.classification:
        return links.NOTHING
    cells = list(links.confusion_cells(ctx.results))
    key = links.highlight_key(ctx.run.id)
    options = [links.NOTHING, *cells]
    if st.session_state.get(key) not in options:
        st.session_state[key] = links.NOTHING
    return st.selectbox(
        "Highlight (linked with the confusion matrix)",
        options,
        key=key,
        on_change=links.highlight_changed,
        args=(ctx.run.id, cells),
    )


QUICK_NOTE = (
    "Quick map: UMAP's neighbour graph laid out with plain numpy, drawn while UMAP's code is "
    "compiled for its first use after start-up. The UMAP map replaces it by itself."
)
UMAP_NOTE = "Drawn by UMAP ({neighbours} neighbours, minimum distance {min_dist}, {metric})."


def _coords(ctx: ExploreContext, layer: str, settings) -> tuple[np.ndarray | None, str]:
    """Cached UMAP coordinates, else a quick map while UMAP is on its way, else None after
    asking the service (progress is shown meanwhile); and which of the two it is."""
    from dashboard.views.embedding.requests import request_and_wait
    from models.embedding.cache import cached_embedding, cached_quick

    method = "umap"
    coords = cached_embedding(ctx.run_dir, layer, settings)
    if coords is None:
        quick = cached_quick(ctx.run_dir, layer, settings)
        request_and_wait(
            ctx.run.id,
            layer,
            settings,
            f"UMAP of '{layer}'",
            quick_from=None if quick is not None else ctx.run_dir,
        )
        coords, method = quick, "quick"
    if coords is None:
        return None, method
    if len(coords) != len(ctx.results.y_true):
        st.warning(
            f"Layer '{md(layer)}' has {len(coords):,} saved points but the run has "
            f"{len(ctx.results.y_true):,} test samples, so they cannot be matched. "
            "Pick another layer, or train the run again."
        )
        return None, method
    return coords, method


def _map(ctx: ExploreContext, layer: str, colour: str, settings, highlight: str) -> None:
    """The scatter, and below it whatever a box, lasso or click picked on it."""
    from dashboard.views.embedding.points import MAX_POINTS, explorer_figure
    from dashboard.views.embedding.selection import render_selection, selected_rows

    coords, method = _coords(ctx, layer, settings)
    if coords is None:
        return
    n_test = len(coords)
    mask = links.highlight_mask(ctx.results, highlight, np.arange(n_test))
    cache_key = (str(ctx.run_dir), ctx.run.finished, layer, settings.key(), method, highlight)
    if method == "quick":
        st.caption(QUICK_NOTE)
    else:
        st.caption(
            UMAP_NOTE.format(
                neighbours=settings.n_neighbors, min_dist=settings.min_dist, metric=settings.metric
            )
        )
    event = st.plotly_chart(
        explorer_figure(ctx, coords, cache_key, colour, mask),
        on_select="rerun",
        selection_mode=("points", "box", "lasso"),
        key=chart_key(ctx.run.id, layer, settings.key()),
    )
    if n_test > MAX_POINTS:
        st.caption(f"Showing a fixed random {MAX_POINTS:,} of {n_test:,} test samples.")
    if mask is not None:
        st.caption(f"{int(mask.sum()):,} points in '{md(highlight)}' are drawn bold.")
    rows = selected_rows(event)
    if len(rows):
        render_selection(ctx, rows, key="emb_selection")
    else:
        hint = (
            "Drag a box or lasso"
            if settings.n_components == 2
            else "Click a point (3-D has no box)"
        )
        st.caption(f"{hint} to list those samples, with a CSV to download.")


def render(ctx: ExploreContext) -> None:
    from dashboard.views.embedding.frames import render_frames

    run_id = ctx.run.id
    if not ctx.results.feature_layers:
        st.info("This run saved no layer's features, so there is nothing to map.")
        return
    if ctx.results.meta.get("no_feature_layer"):
        st.info(
            "This model has no layer usable as features (its output reads the input directly, "
            "or it is a single estimator), so the map shows the inputs themselves."
        )
    left, middle, right = st.columns([2, 2, 1])
    layer = left.selectbox("Layer", ctx.results.feature_layers, key=f"emb_layer_{run_id}")
    colour = middle.selectbox("Colour by", colour_options(ctx), key=f"emb_colour_{run_id}")
    dims = right.radio("Dimensions", [2, 3], horizontal=True, key=f"emb_dims_{run_id}")
    settings = _settings(run_id, dims)
    _map(ctx, layer, colour, settings, _highlight_label(ctx))
    render_frames(ctx)


VIEW = View("Embedding (UMAP)", render, needs=frozenset({FEATURES}))

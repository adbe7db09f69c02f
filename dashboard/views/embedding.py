"""UMAP of a layer's learned features for the test set, linked to the samples."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from dashboard.explore_context import ExploreContext
from dashboard.figures.embedding import embedding_figure
from dashboard.sample_display import show_samples

TITLE = "Embedding (UMAP)"


def applies(ctx: ExploreContext) -> bool:
    return ctx.results is not None and bool(ctx.results.feature_layers)


def _colour(ctx: ExploreContext, by: str) -> tuple[np.ndarray, str]:
    results = ctx.results
    if results.task == "regression":
        values = {
            "true value": results.y_true,
            "predicted value": results.y_pred,
            "absolute error": np.abs(results.y_true - results.y_pred),
        }
        return values[by], by
    names = np.asarray(results.class_names, dtype=object)
    if by == "true label":
        return names[results.y_true], by
    if by == "predicted label":
        return names[results.y_pred], by
    if by == "confidence" and results.proba is not None:
        return results.proba.max(axis=1), by
    return np.where(results.correct, "correct", "wrong"), "correct vs wrong"


def _colour_options(ctx: ExploreContext) -> list[str]:
    if ctx.results.task == "regression":
        return ["true value", "predicted value", "absolute error"]
    options = ["true label", "predicted label", "correct vs wrong"]
    return options + (["confidence"] if ctx.results.proba is not None else [])


def _hover(ctx: ExploreContext) -> pd.DataFrame:
    rows = np.arange(len(ctx.results.y_true))
    table = ctx.sample_table(rows).drop(columns=["test row"])
    return table.iloc[:, :12]


@st.fragment(run_every=1.0)
def _wait(ctx: ExploreContext, layer: str, settings) -> None:
    """Polls the warm embedding service; reruns the page once the embedding is ready."""
    from dashboard.services import get_store
    from models.embedding_queue import EmbeddingQueue

    request = EmbeddingQueue(get_store()).get(ctx.run.id, layer, settings)
    if request is None or request.status == "done":
        st.rerun()
    if request.status == "failed":
        st.info(f"No embedding for layer '{layer}': {request.error}")
        return
    stage = request.stage or (
        "waiting for the embedding service" if request.status == "queued" else ""
    )
    st.progress(request.progress, text=f"Computing UMAP of '{layer}'… {stage}")


def render(ctx: ExploreContext) -> None:
    from dashboard.services import get_manager, get_store
    from models.embedding import EmbeddingSettings
    from models.embedding_cache import cached_embedding
    from models.embedding_queue import EmbeddingQueue

    layers = ctx.results.feature_layers
    left, middle, right = st.columns(3)
    layer = left.selectbox("Layer", layers, key=f"emb_layer_{ctx.run.id}")
    by = middle.selectbox("Colour by", _colour_options(ctx), key=f"emb_colour_{ctx.run.id}")
    dims = right.radio("Dimensions", [2, 3], horizontal=True, key=f"emb_dims_{ctx.run.id}")
    settings = EmbeddingSettings(n_components=dims)
    coords = cached_embedding(ctx.run_dir, layer, settings)
    if coords is None:
        get_manager()  # the manager owns the embedding service; make sure it runs
        request = EmbeddingQueue(get_store()).request(ctx.run.id, layer, settings)
        if request.status == "failed":
            st.info(f"No embedding for layer '{layer}': {request.error}")
        else:
            _wait(ctx, layer, settings)
        return
    colour, colour_name = _colour(ctx, by)
    event = st.plotly_chart(
        embedding_figure(coords, colour, colour_name, hover=_hover(ctx)),
        on_select="rerun",
        selection_mode=("box", "lasso"),
        key=f"embedding_{ctx.run.id}_{layer}_{dims}",
    )
    points = (event or {}).get("selection", {}).get("points", []) if event else []
    picked = {int(p["customdata"][0]) for p in points if p.get("customdata") is not None}
    rows = np.array(sorted(picked), dtype=int)
    if len(rows):
        st.markdown(f"**{len(rows):,} selected samples**")
        show_samples(ctx, rows, key="embedding_selection")
    else:
        st.caption("Drag a box or lasso over points to list those samples.")

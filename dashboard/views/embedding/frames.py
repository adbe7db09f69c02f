"""The feature space over training: the snapshot sample's map, one aligned frame per epoch."""

from __future__ import annotations

import numpy as np
import streamlit as st

from dashboard.explore.context import ExploreContext
from models.capabilities import SNAPSHOTS
from models.embedding.compute import EmbeddingSettings

FRAME_SETTINGS = EmbeddingSettings()  # 2-D, the defaults: what the service precomputes


def missing_frames_note(ctx: ExploreContext) -> str | None:
    """What to say when a run recorded no snapshots: how to get them, if its model can keep them."""
    from models.snapshots import PARAM

    if SNAPSHOTS not in ctx.capabilities:
        return None
    return (
        "This run kept no feature snapshots. Train with 'Feature snapshots' "
        f"(`{PARAM}`) set, e.g. to 6, to watch classes pull apart epoch by epoch."
    )


def frame_colours(ctx: ExploreContext, labels: np.ndarray) -> tuple[np.ndarray, str]:
    """The snapshot sample's labels as class names (or values, for regression)."""
    if ctx.classification:
        names = np.asarray(ctx.results.class_names, dtype=object)
        return names[np.asarray(labels, dtype=int)], "true label"
    return np.asarray(labels, dtype=float), "true value"


def render_frames(ctx: ExploreContext) -> None:
    """Frames with an epoch slider and play button once computed; progress until then."""
    from dashboard.figures.embedding import embedding_frames_figure
    from dashboard.views.embedding.requests import request_and_wait
    from models.embedding.cache import cached_frames, snapshot_request_layer
    from models.snapshots import snapshot_layers

    layers = snapshot_layers(ctx.run_dir)  # what the run recorded, whatever its capabilities say
    note = None if layers else missing_frames_note(ctx)
    if not layers and not note:
        return
    st.subheader("Feature space over training")
    if note:
        st.caption(note)
        return
    layer = layers[0]
    if len(layers) > 1:
        layer = st.selectbox("Snapshot layer", layers, key=f"emb_frames_layer_{ctx.run.id}")
    frames = cached_frames(ctx.run_dir, layer, FRAME_SETTINGS)
    if frames is None:
        if ctx.run.active:
            st.caption("The frames are computed once the run has finished.")
            return
        request_and_wait(
            ctx.run.id, snapshot_request_layer(layer), FRAME_SETTINGS, "feature-space frames"
        )
        return
    colour, colour_name = frame_colours(ctx, frames.labels)
    n_points = frames.coords.shape[1]
    st.caption(
        f"{n_points:,} fixed training samples through layer '{layer}', at epochs "
        f"{', '.join(map(str, frames.epochs))} (0 = untrained). Each frame starts from the next "
        "one's layout and is aligned to it, so a point's moves are the model's, not UMAP's."
    )
    st.plotly_chart(
        embedding_frames_figure(list(frames.coords), frames.epochs, colour, colour_name),
        key=f"emb_frames_{ctx.run.id}_{layer}",
    )

"""What the image views ask of a run: its architecture, its model, its probes, a prediction.

The architecture comes from meta.json, so deciding which tabs to show never
imports TensorFlow; the model and probes are loaded only when a tab renders.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from dashboard.explore.context import ExploreContext


def architecture(ctx: ExploreContext) -> str | None:
    """The run's architecture ("cnn", "vit", "pixel_logreg") if it is an image run with a model."""
    if ctx.results is None or (ctx.dataset is not None and ctx.dataset.kind != "image"):
        return None
    meta = ctx.results.meta
    model_file = meta.get("model_file", "")
    if not model_file or not (ctx.run_dir / model_file).exists():
        return None
    return meta.get("architecture")


def keras_model(ctx: ExploreContext):
    from dashboard.explore.loaders import keras_model as cached

    return cached(str(ctx.run_dir))


@st.cache_resource(max_entries=4, show_spinner="Loading the model…")
def _sklearn_model(run_dir: str):
    from pathlib import Path

    from models.model_io import load_sklearn

    return load_sklearn(Path(run_dir))


def cnn_probe(ctx: ExploreContext):
    from models.image.probes import cnn_probe as probe

    return probe(keras_model(ctx))


def vit_probe(ctx: ExploreContext):
    from models.image.probes import vit_probe as probe

    return probe(keras_model(ctx))


def predict(ctx: ExploreContext, image: np.ndarray, test_row: int | None) -> np.ndarray:
    """Class probabilities: the stored test-set prediction, or the model run on a new image."""
    if test_row is not None and ctx.results.proba is not None:
        return ctx.results.proba[test_row]
    if architecture(ctx) == "pixel_logreg":
        from models.image.baselines import predict_proba

        factor = int(ctx.results.meta.get("pool_factor", 1))
        return predict_proba(_sklearn_model(str(ctx.run_dir)), image[None], factor)[0]
    from models.image.probes import predict_proba

    return predict_proba(keras_model(ctx), image[None])[0]

"""What the image views ask of a run's saved model: a CNN or ViT probe, and a prediction.

Which image views show is decided by the run's capabilities, so nothing here runs
before a tab renders; the model is loaded (and TensorFlow imported) on first use.
"""

from __future__ import annotations

import numpy as np

from dashboard.explore.context import ExploreContext
from dashboard.explore.loaders import keras_model, saved_model
from dashboard.modality import PickedSample


def cnn_probe(ctx: ExploreContext):
    """Activation maps and Grad-CAM of a model with 2-D convolutions."""
    from models.image.probes import cnn_probe as probe

    return probe(keras_model(str(ctx.run_dir)))


def vit_probe(ctx: ExploreContext):
    """Attention maps and rollout of a model with self-attention over patches."""
    from models.image.probes import vit_probe as probe

    return probe(keras_model(str(ctx.run_dir)))


def predict_image(ctx: ExploreContext, picked: PickedSample) -> np.ndarray:
    """Class probabilities: the stored test-set prediction, or the saved model run on the image."""
    if picked.test_row is not None and ctx.results.proba is not None:
        return ctx.results.proba[picked.test_row]
    batch = picked.value[None]
    if ctx.keras_model_file:
        from models.image.probes import predict_proba

        return predict_proba(saved_model(ctx), batch)[0]
    from models.image.baselines import predict_proba

    factor = int(ctx.results.meta.get("pool_factor", 1))
    return predict_proba(saved_model(ctx), batch, factor)[0]

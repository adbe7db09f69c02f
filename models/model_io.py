"""Loading a run's saved model for probes, with Keras safe mode on.

Custom layers register themselves with keras.saving when their module is imported.
Every Keras kind's builder module imports the layers it builds with, so `load_keras`
imports the builder modules the registry lists before it deserialises: a new
kind's layers are found without a list here to keep up to date.
"""

from __future__ import annotations

import importlib
from pathlib import Path


def custom_layer_modules() -> list[str]:
    """The builder modules of every Keras kind: importing them registers their layers."""
    from models.registry import MODEL_KINDS

    kinds = MODEL_KINDS.values()
    return sorted({kind.builder.partition(":")[0] for kind in kinds if kind.framework == "keras"})


def load_keras(run_dir: Path):
    """The run's model.keras, loaded with safe_mode=True (no arbitrary code from the file)."""
    import keras

    for module in custom_layer_modules():
        importlib.import_module(module)
    return keras.saving.load_model(Path(run_dir) / "model.keras", safe_mode=True, compile=False)


def load_sklearn(run_dir: Path):
    """The run's model.skops (trusted types only), or model.joblib of a run saved before skops."""
    from models.skops_io import load_run_object

    return load_run_object(run_dir, "model")

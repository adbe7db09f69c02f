"""Loading a run's saved model for probes, with Keras safe mode on.

Custom layers register themselves with keras.saving when their module is imported;
`load_keras` imports every module that defines one before it deserialises.
"""

from __future__ import annotations

from pathlib import Path

CUSTOM_LAYER_MODULES: list[str] = [
    "models.text.layers",
    "models.image.vit_layers",
]  # appended by their modules' owners


def load_keras(run_dir: Path):
    """The run's model.keras, loaded with safe_mode=True (no arbitrary code from the file)."""
    import importlib

    import keras

    for module in CUSTOM_LAYER_MODULES:
        importlib.import_module(module)
    return keras.saving.load_model(Path(run_dir) / "model.keras", safe_mode=True, compile=False)


def load_sklearn(run_dir: Path):
    import joblib

    return joblib.load(Path(run_dir) / "model.joblib")

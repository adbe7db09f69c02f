"""Every model kind a person can train, with the modality it fits and its defaults.

Trainers are named by import path and loaded only when a run starts, so listing
models in the UI never imports TensorFlow.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from data.dataset import Kind

KERAS_DEFAULTS: dict[str, Any] = {
    "epochs": 20,
    "batch_size": 32,
    "learning_rate": 1e-3,
    "validation_split": 0.2,
    "dropout": 0.1,
    # Keep the feature space of a fixed training sample at this many epochs (0 = off;
    # a list names the epochs). See models/snapshots.py.
    "feature_snapshots": 0,
}


@dataclass(frozen=True)
class ModelKind:
    key: str
    label: str
    modality: Kind
    framework: Literal["keras", "sklearn"]
    trainer: str  # "module:function"
    defaults: dict[str, Any] = field(default_factory=dict)
    description: str = ""

    def load_trainer(self) -> Callable:
        module, function = self.trainer.split(":")
        return getattr(importlib.import_module(module), function)

    def params(self, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
        return {**self.defaults, **(overrides or {})}


MODEL_KINDS: dict[str, ModelKind] = {}


def register(kind: ModelKind) -> ModelKind:
    MODEL_KINDS[kind.key] = kind
    return kind


def get_kind(key: str) -> ModelKind:
    if key not in MODEL_KINDS:
        raise ValueError(f"unknown model {key!r}; choose one of: {', '.join(MODEL_KINDS)}")
    return MODEL_KINDS[key]


def kinds_for(modality: Kind) -> list[ModelKind]:
    return [kind for kind in MODEL_KINDS.values() if kind.modality == modality]


register(
    ModelKind(
        "mlp",
        "Keras MLP",
        "tabular",
        "keras",
        "models.tabular_keras:train",
        {**KERAS_DEFAULTS, "hidden_layers": 2, "hidden_units": 64},
        "Dense layers with ReLU and dropout; the penultimate layer feeds the UMAP view.",
    )
)
register(
    ModelKind(
        "logreg",
        "Logistic / ridge regression",
        "tabular",
        "sklearn",
        "models.tabular_sklearn:train",
        {"C": 1.0},
        "A linear baseline: logistic regression for classes, ridge for numbers.",
    )
)
register(
    ModelKind(
        "random_forest",
        "Random forest",
        "tabular",
        "sklearn",
        "models.tabular_sklearn:train",
        {"n_estimators": 200, "max_depth": 0},
        "Bagged decision trees (max_depth 0 = unlimited).",
    )
)
register(
    ModelKind(
        "hist_gb",
        "Histogram gradient boosting",
        "tabular",
        "sklearn",
        "models.tabular_sklearn:train",
        {"max_iter": 200, "learning_rate": 0.1},
        "scikit-learn's LightGBM-style boosting; strong on tables.",
    )
)


def model_label(key: str) -> str:
    """The display name of a model kind; the raw key for kinds no longer registered."""
    return MODEL_KINDS[key].label if key in MODEL_KINDS else key


# Image and text kinds live beside their trainers and register themselves here.
from models import kinds_image, kinds_text  # noqa: E402, F401

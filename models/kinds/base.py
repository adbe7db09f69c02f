"""What a model kind is: its name, the data it fits, how it is built and trained, its defaults.

Builders and trainers are named by import path and loaded only when a run starts, so
listing models in the UI never imports TensorFlow.
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

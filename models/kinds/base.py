"""What a model kind is: its name, the data it fits, how it is built and trained, its defaults.

A kind names its builder and its trainer by import path ("module:function"); they
are imported only when a run starts, so listing kinds in the UI never imports
TensorFlow. The kind owns its defaults (merged once, in `params`) and declares
the capabilities every model it builds has (models.capabilities); the worker adds
what a finished run shows on top.

Adding a kind is one module in this package with a `KINDS` list (see
models/registry.py); its builder may live in the same module, with Keras or
scikit-learn imported inside the builder. Custom Keras layers a builder uses must
be imported at the top of the builder's module: loading a saved model imports the
builder modules of all Keras kinds to register them (models/model_io.py).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from data.dataset import Kind
from models import capabilities
from models.request import TrainRequest, call_builder
from models.spec import RunSpec

KERAS_DEFAULTS: dict[str, Any] = {
    "epochs": 20,
    "batch_size": 32,
    "learning_rate": 1e-3,
    "validation_split": 0.2,
    "dropout": 0.1,
    # Keep the feature space of a fixed training sample at this many epochs (0 = off;
    # a list names the epochs). See models/snapshots.py.
    "feature_snapshots": 0,
    # Stop when the validation loss has not improved for this many epochs, keeping the best
    # epoch's weights (0 = off). See models/keras_training.py.
    "early_stopping_patience": 0,
    # Weight each class by its rarity in the loss, for imbalanced targets.
    "balance_classes": False,
}


def _load(path: str) -> Callable[..., Any]:
    module, _, function = path.partition(":")
    return getattr(importlib.import_module(module), function)


@dataclass(frozen=True)
class ModelKind:
    """One trainable model kind.

    builder: "module:function" building the model; positional arguments are what the
        data decides (shapes, classes, task, seed), keyword-only ones are
        hyperparameters, each with its default in `defaults`.
    trainer: "module:function" called as trainer(data, request, ctx) -> TrainOutcome.
    capabilities: what every model of this kind can show (checked names).
    settings: fixed choices of the kind that are not hyperparameters (not shown on
        the Train page), e.g. {"add_cls": True} for a text model reading a [CLS] token.
    listed: offered on the Train page (and by `python -m models.train --model`).
    """

    key: str
    label: str
    modality: Kind
    framework: Literal["keras", "sklearn"]
    trainer: str
    builder: str
    defaults: Mapping[str, Any] = field(default_factory=dict)
    capabilities: frozenset[str] = frozenset()
    settings: Mapping[str, Any] = field(default_factory=dict)
    description: str = ""
    # False for kinds a person cannot train (a loaded model's "imported" runs): they are
    # kept off the Train page's list but run, show and compare like any other kind.
    listed: bool = True

    def __post_init__(self) -> None:
        object.__setattr__(self, "capabilities", capabilities.check(self.capabilities))
        for path in (self.trainer, self.builder):
            if path.count(":") != 1:
                raise ValueError(f"{self.key}: {path!r} is not 'module:function'")

    def load_trainer(self) -> Callable[..., Any]:
        return _load(self.trainer)

    def load_builder(self) -> Callable[..., Any]:
        return _load(self.builder)

    def params(self, overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """The defaults overlaid with a run's own values: the one place defaults are merged."""
        return {**self.defaults, **(overrides or {})}

    def request(self, spec: RunSpec) -> TrainRequest:
        """What the trainer gets for this run: merged params and the loaded builder."""
        return TrainRequest(spec, self.params(spec.params), self.load_builder(), self.settings)

    def build(self, *inputs: Any, **overrides: Any) -> Any:
        """A model of this kind for data of these sizes: defaults, then overrides."""
        return call_builder(self.load_builder(), inputs, self.params(overrides))

"""Every model kind a person can train, looked up by key or by the data it fits.

Kinds are declared in the modules of models/kinds/, each with a `KINDS` list, and
found here with pkgutil: adding a kind is adding a module there (plus its test),
and nothing imports back into this module. A modality's own module (tabular.py,
image.py, text.py) comes first, so its kinds lead the Train page's list; further
modules follow in name order. Only declarations are imported: builders and
trainers load when a run starts, so this never imports TensorFlow.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import get_args

from data.dataset import Kind
from models import kinds
from models.kinds.base import KERAS_DEFAULTS, ModelKind

__all__ = ["KERAS_DEFAULTS", "MODEL_KINDS", "ModelKind", "get_kind", "kinds_for", "model_label"]


def _kind_modules() -> list[str]:
    names = [info.name for info in pkgutil.iter_modules(kinds.__path__) if info.name != "base"]
    modalities = list(get_args(Kind))
    first = {name: rank for rank, name in enumerate(modalities)}
    return sorted(names, key=lambda name: (first.get(name, len(first)), name))


def _collect() -> dict[str, ModelKind]:
    found: dict[str, ModelKind] = {}
    for name in _kind_modules():
        for kind in importlib.import_module(f"{kinds.__name__}.{name}").KINDS:
            if kind.key in found:
                raise ValueError(f"model kind {kind.key!r} is declared twice (in {name})")
            found[kind.key] = kind
    return found


MODEL_KINDS: dict[str, ModelKind] = _collect()


def get_kind(key: str) -> ModelKind:
    if key not in MODEL_KINDS:
        raise ValueError(f"unknown model {key!r}; choose one of: {', '.join(MODEL_KINDS)}")
    return MODEL_KINDS[key]


def kinds_for(modality: Kind) -> list[ModelKind]:
    """The kinds a person can train on this modality (imported kinds are not listed)."""
    return [kind for kind in MODEL_KINDS.values() if kind.modality == modality and kind.listed]


def model_label(key: str) -> str:
    """The display name of a model kind; the raw key for kinds no longer registered."""
    return MODEL_KINDS[key].label if key in MODEL_KINDS else key

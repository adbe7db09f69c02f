"""Every model kind a person can train, looked up by key or by the data it fits.

The kinds themselves live in models/kinds/, one module per modality; this module
only collects them, so nothing imports back.
"""

from __future__ import annotations

from data.dataset import Kind
from models.kinds import image, tabular, text
from models.kinds.base import KERAS_DEFAULTS, ModelKind

__all__ = ["KERAS_DEFAULTS", "MODEL_KINDS", "ModelKind", "get_kind", "kinds_for", "model_label"]

MODEL_KINDS: dict[str, ModelKind] = {
    kind.key: kind for module in (tabular, image, text) for kind in module.KINDS
}


def get_kind(key: str) -> ModelKind:
    if key not in MODEL_KINDS:
        raise ValueError(f"unknown model {key!r}; choose one of: {', '.join(MODEL_KINDS)}")
    return MODEL_KINDS[key]


def kinds_for(modality: Kind) -> list[ModelKind]:
    return [kind for kind in MODEL_KINDS.values() if kind.modality == modality]


def model_label(key: str) -> str:
    """The display name of a model kind; the raw key for kinds no longer registered."""
    return MODEL_KINDS[key].label if key in MODEL_KINDS else key

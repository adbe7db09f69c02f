"""Opening a person's scikit-learn model: .skops only, every type checked before loading."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from models import skops_io
from models.importing import ImportRefused


def load_skops_file(path: Path) -> Any:
    """The estimator or pipeline in `path`; refuses pickles and untrusted types, naming them."""
    path = Path(path)
    try:
        model = skops_io.load(path)
    except skops_io.UntrustedFile as error:
        raise ImportRefused(str(error)) from error
    if not hasattr(model, "predict"):
        raise ImportRefused(
            f"'{path.name}' holds a {type(model).__name__}, which makes no predictions. Save the "
            "fitted estimator or Pipeline (the object you call .predict on) with skops."
        )
    return model


def refuse_by_suffix(name: str) -> None:
    """Refuse pickle and joblib files by their name, before reading a byte of them."""
    if name.lower().endswith(skops_io.PICKLE_SUFFIXES):
        raise ImportRefused(skops_io.refusal_for_non_skops(Path(name)))

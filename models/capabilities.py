"""What a run can show: named capabilities, declared by model kinds or found in a model.

A run's capabilities are written into its meta.json by the worker. The Explore page
reads them and shows exactly the views whose needs they meet, so no view has to know
which model kinds exist: a new kind, or a model a person loads, gets every view its
structure allows.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

CURVES = "curves"  # per-epoch metrics were logged
FEATURES = "features"  # per-layer features of the test samples, for the embedding view
SNAPSHOTS = "snapshots"  # features of a fixed training sample at several epochs
PROBABILITIES = "probabilities"  # class probabilities for every test sample
PREDICT_ONE = "predict_one"  # the saved model predicts a new sample of its modality
CONV_MAPS = "conv_maps"  # 2-D convolutions: filters and activation maps
GRADCAM = "gradcam"  # a last convolution whose gradients explain a class
IMAGE_ATTENTION = "image_attention"  # self-attention over image patches
TOKEN_ATTENTION = "token_attention"  # self-attention over text tokens
TOKEN_SALIENCY = "token_saliency"  # gradients reach a token embedding (e.g. an RNN)
TABLE_ATTENTION = "table_attention"  # self-attention over a table's columns ([CLS] + one each)

ALL = frozenset(
    {
        CURVES,
        FEATURES,
        SNAPSHOTS,
        PROBABILITIES,
        PREDICT_ONE,
        CONV_MAPS,
        GRADCAM,
        IMAGE_ATTENTION,
        TOKEN_ATTENTION,
        TOKEN_SALIENCY,
        TABLE_ATTENTION,
    }
)


def check(names: Iterable[str]) -> frozenset[str]:
    """The names as a set, refusing any that is not a known capability (a typo hides a view)."""
    chosen = frozenset(names)
    unknown = chosen - ALL
    if unknown:
        raise ValueError(f"unknown capabilities: {', '.join(sorted(unknown))}")
    return chosen


# Runs saved before capabilities were recorded: what their meta.json says instead.
_LEGACY_ARCHITECTURES = {
    "cnn": {CONV_MAPS, GRADCAM, PREDICT_ONE},
    "vit": {IMAGE_ATTENTION, PREDICT_ONE},
    "pixel_logreg": {PREDICT_ONE},
}
_LEGACY_TEXT_MODELS = {
    "transformer": {TOKEN_ATTENTION, PREDICT_ONE},
    "rnn": {TOKEN_SALIENCY, PREDICT_ONE},
    "tfidf_logreg": {PREDICT_ONE},
}


def of_run(meta: Mapping[str, Any], model_key: str = "") -> frozenset[str]:
    """A finished run's capabilities, from its meta.json.

    Runs written before capabilities existed get them from the architecture their
    meta names, so an old workspace keeps its views.
    """
    if "capabilities" in meta:
        return check(meta["capabilities"])
    found: set[str] = set()
    if meta.get("feature_layers"):
        found.add(FEATURES)
    if meta.get("task") == "classification":
        found.add(PROBABILITIES)
    found |= _LEGACY_ARCHITECTURES.get(meta.get("architecture", ""), set())
    if "tokenizer_mode" in meta:
        found |= _LEGACY_TEXT_MODELS.get(model_key, set())
    return frozenset(found)

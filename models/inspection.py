"""What any Keras model can show, found from its structure rather than its layer names.

`inspect_keras(model)` walks the layer graph and answers with capabilities
(models.capabilities) and the layer details the probes need, as JSON for meta.json:

- 2-D convolutions → CONV_MAPS (each conv's map is read after the batch norm and
  activation that follow it) and GRADCAM on the last map, when a Dense layer
  makes the class scores;
- MultiHeadAttention anywhere, also inside custom encoder blocks → IMAGE_ATTENTION
  when the model reads an image and the attended sequence is a grid of patches,
  TOKEN_ATTENTION when it reads token ids, TABLE_ATTENTION when it reads a row of
  numbers (a table's columns as tokens); one forward pass of a blank input shows
  the sequence the attention runs over;
- token ids (or raw strings through a TextVectorization layer) → an Embedding → a
  chain of layers → the output (an RNN, 1-D convolutions…) → TOKEN_SALIENCY:
  gradients reach the embedded tokens;
- the layer feeding the output, through dropout → FEATURES; a softmax output →
  PROBABILITIES; every model predicts one sample → PREDICT_ONE.

The trainers record what they find here for their own kinds, and a model a
person brings along can be inspected the same way. Keras is imported inside the
functions, never when this module is imported.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from models import capabilities as caps

_ELEMENTWISE = ("BatchNormalization", "Activation", "ReLU", "LeakyReLU", "ELU", "PReLU")
_SEQUENCE_LENGTH = 8  # tokens in the blank input when a model accepts any length


@dataclass(frozen=True)
class Inspection:
    """What a model can show, and where: layer names and shapes for its probes."""

    capabilities: frozenset[str]
    details: dict[str, Any] = field(default_factory=dict)  # JSON-ready, for meta.json


def _keras():
    import keras

    return keras


def parents(layer) -> list:
    """The layers (or operations) whose outputs this layer reads as its inputs, in its
    first use; masks and other keyword tensors are not inputs."""
    nodes = getattr(layer, "_inbound_nodes", [])
    if not nodes:
        return []
    tensors = _keras().tree.flatten(nodes[0].arguments.args)
    return [t._keras_history[0] for t in tensors if getattr(t, "_keras_history", None)]


def single_parent(layer):
    """The one layer this layer reads, or None when it reads several (or none)."""
    found = parents(layer)
    return found[0] if len(found) == 1 else None


def _named(layer, *class_names: str) -> bool:
    return type(layer).__name__ in class_names


def _layers(model) -> list:
    keras = _keras()
    return [layer for layer in model.layers if not isinstance(layer, keras.layers.InputLayer)]


def _softmax(layer) -> bool:
    if _named(layer, "Softmax"):
        return True
    activation = getattr(layer, "activation", None)
    return getattr(activation, "__name__", "") == "softmax"


def output_layer(model):
    """The layer making the class scores: the last one, or the Dense before a softmax layer."""
    layer = model.outputs[0]._keras_history[0]
    if _named(layer, "Softmax", "Activation") and _softmax(layer):
        before = single_parent(layer)
        if before is not None and _named(before, "Dense"):
            return before
    return layer


def feature_layer(model) -> str | None:
    """The layer that feeds the output layer, looking through dropout; None for none."""
    keras = _keras()
    layer = single_parent(output_layer(model))
    while layer is not None and _named(layer, "Dropout", "SpatialDropout1D", "SpatialDropout2D"):
        layer = single_parent(layer)
    if layer is None or not isinstance(layer, keras.layers.Layer):
        return None
    return None if isinstance(layer, keras.layers.InputLayer) else layer.name


def chain_between(start, end) -> list | None:
    """The layers strictly between `start` and `end` when `end` reads `start` through
    one chain of single-input layers; None when it does not."""
    keras = _keras()
    path = []
    layer = single_parent(end)
    while layer is not start:
        if layer is None or not isinstance(layer, keras.layers.Layer):
            return None
        if isinstance(layer, keras.layers.InputLayer):
            return None
        path.append(layer)
        layer = single_parent(layer)
    return path[::-1]


def attention_layers(layer) -> list:
    """Every MultiHeadAttention in the layer or model, however deep."""
    keras = _keras()
    inner = layer._flatten_layers(include_self=True, recursive=True)
    return [each for each in inner if isinstance(each, keras.layers.MultiHeadAttention)]


def attention_blocks(model) -> list[str]:
    """Top-level layers that are or hold a MultiHeadAttention (encoder blocks)."""
    return [layer.name for layer in _layers(model) if attention_layers(layer)]


@contextlib.contextmanager
def capture_attention(model) -> Iterator[list]:
    """Collects the attention weights (batch, heads, queries, keys) of every
    MultiHeadAttention the model runs while inside the block, in call order.

    Works for attention wired in any way, because it listens inside the attention
    layer itself; the weights are the softmax before dropout. (A layer built with
    flash attention cannot hand its weights out; Keras says so when it is run.)
    """
    found: list = []
    layers = attention_layers(model)
    for layer in layers:
        original = layer._compute_attention

        def listening(
            query,
            key,
            value,
            attention_mask=None,
            training=None,
            return_attention_scores=False,  # taken so it is not passed twice: always True
            _original=original,
            **kwargs,
        ):
            output, scores = _original(query, key, value, attention_mask, training, True, **kwargs)
            found.append(scores)
            return output, scores

        layer._compute_attention = listening
    try:
        yield found
    finally:
        for layer in layers:
            del layer._compute_attention


def _input_kind(model) -> str:
    if len(model.inputs) != 1:
        return ""
    tensor = model.inputs[0]
    if "string" in str(tensor.dtype):
        return "text"  # raw strings, tokenised inside the model (TextVectorization)
    integer = "int" in str(tensor.dtype)
    if len(tensor.shape) == 4 and not integer:
        return "image"
    if len(tensor.shape) == 2:
        return "tokens" if integer else "table"
    return ""


def _blank_input(model, kind: str) -> np.ndarray:
    shape = [1, *(dim or _SEQUENCE_LENGTH for dim in model.inputs[0].shape[1:])]
    return np.ones(shape, np.int32) if kind == "tokens" else np.zeros(shape, np.float32)


def _patch_grid(image_shape: tuple[int, ...], tokens: int) -> tuple[int, int] | None:
    height, width = image_shape[:2]
    for patch in range(1, min(height, width) + 1):
        if height % patch == 0 and width % patch == 0:
            if (height // patch) * (width // patch) == tokens:
                return height // patch, width // patch
    return None


def _conv_maps(model) -> tuple[list[str], list[str]]:
    """Each 2-D convolution and the layer its map is read at (after its norm/activation)."""
    keras = _keras()
    layers = _layers(model)
    children: dict[int, list] = {}
    for layer in layers:
        for parent in parents(layer):
            children.setdefault(id(parent), []).append(layer)
    convs, maps = [], []
    for layer in layers:
        if not isinstance(layer, keras.layers.Conv2D) or len(layer.output.shape) != 4:
            continue
        end = layer
        while len(children.get(id(end), [])) == 1 and _named(children[id(end)][0], *_ELEMENTWISE):
            end = children[id(end)][0]
        convs.append(layer.name)
        maps.append(end.name)
    return convs, maps


def _attention(model, kind: str, found: set[str], details: dict[str, Any]) -> None:
    if kind not in ("image", "tokens", "table") or not attention_layers(model):
        return
    with capture_attention(model) as scores:
        model(_blank_input(model, kind), training=False)
    if not scores:
        return
    queries, keys = (int(n) for n in scores[0].shape[-2:])
    details["encoder_blocks"] = attention_blocks(model)
    if kind == "tokens":
        found.add(caps.TOKEN_ATTENTION)
        return
    if kind == "table":
        found.add(caps.TABLE_ATTENTION)
        return
    grid = _patch_grid(details["image_shape"], queries) if queries == keys else None
    if grid is not None:
        found.add(caps.IMAGE_ATTENTION)
        details["grid"] = list(grid)
        details["patch_size"] = details["image_shape"][0] // grid[0]


def _saliency(model, head, found: set[str], details: dict[str, Any]) -> None:
    keras = _keras()
    if not _named(head, "Dense"):
        return
    for layer in _layers(model):
        if not isinstance(layer, keras.layers.Embedding):
            continue
        reads = single_parent(layer)
        if not _named(reads, "InputLayer", "TextVectorization"):
            continue
        chain = chain_between(layer, head)
        if chain is not None and not any(attention_layers(each) for each in chain):
            found.add(caps.TOKEN_SALIENCY)
            details["embedding_layer"] = layer.name
            if _named(reads, "TextVectorization"):
                details["vectorizer_layer"] = reads.name  # its vocabulary names the ids
        return


def inspect_keras(model) -> Inspection:
    """The capabilities of any Keras model and the layer details its probes need."""
    found = {caps.PREDICT_ONE}
    head = output_layer(model)
    details: dict[str, Any] = {
        "input_shape": [None if d is None else int(d) for d in model.inputs[0].shape[1:]],
        "output_layer": head.name,
    }
    features = feature_layer(model)
    if features is not None:
        found.add(caps.FEATURES)
        details["feature_layer"] = features
    if _softmax(head) or _softmax(model.outputs[0]._keras_history[0]):
        found.add(caps.PROBABILITIES)
    kind = _input_kind(model)
    if kind == "image":
        details["image_shape"] = details["input_shape"]
        convs, maps = _conv_maps(model)
        if convs:
            found.add(caps.CONV_MAPS)
            details["conv_layers"], details["map_layers"] = convs, maps
            if _named(head, "Dense"):
                found.add(caps.GRADCAM)
                details["gradcam_layer"] = maps[-1]
    if kind in ("tokens", "text"):
        _saliency(model, head, found, details)
    _attention(model, kind, found, details)
    return Inspection(caps.check(found), details)

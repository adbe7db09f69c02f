"""Looking inside a Keras image model: kernels, activation maps, Grad-CAM and attention.

The probes find their layers with models.inspection, by structure: any Keras model
with 2-D convolutions gets maps and Grad-CAM, any with self-attention over a grid
of patches gets attention, whatever its layers are called. A probe is built once
per loaded model (sub-models wired, one tf.function traced and warmed) and cached,
so probing a new image costs one small forward/backward pass. Images go in as
uint8 (H, W, C), exactly as the dataset holds them: the models rescale inside
themselves (a model that expects other input gets exactly what it is given).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from models import capabilities as caps
from models.inspection import capture_attention, inspect_keras

ROLLOUT_RESIDUAL = 0.5  # weight of the skip connection when rolling attention out


@dataclass(frozen=True)
class CnnInspection:
    proba: np.ndarray  # (n_classes,)
    maps: dict[str, np.ndarray]  # map layer → (H, W, C) activations, in layer order
    cam: np.ndarray  # (h, w) Grad-CAM on the last conv block, in [0, 1]
    cam_class: int  # the class the Grad-CAM explains


@dataclass(frozen=True)
class VitInspection:
    proba: np.ndarray  # (n_classes,)
    attention: np.ndarray  # (layers, heads, patches, patches); rows = queries, sum to 1
    grid: tuple[int, int]  # patches per column and per row of the image

    @property
    def rollout(self) -> np.ndarray:
        return attention_rollout(self.attention)


def _batch(image: np.ndarray):
    import tensorflow as tf

    image = np.asarray(image)
    if image.ndim == 2:
        image = image[..., None]
    return tf.convert_to_tensor(image[None].astype(np.float32))


class CnnProbe:
    """Activation maps of every conv block and Grad-CAM, from one traced function."""

    def __init__(self, model) -> None:
        import keras
        import tensorflow as tf

        found = inspect_keras(model)
        if caps.GRADCAM not in found.capabilities:
            raise ValueError(
                "this model has no 2-D convolutions under a dense classifier to probe; "
                "train a convolutional (CNN) run"
            )
        details = found.details
        self.model = model
        self.map_layers: list[str] = details["map_layers"]
        self.conv_layers: list[str] = details["conv_layers"]
        self.image_shape = tuple(details["image_shape"])
        head = model.get_layer(details["output_layer"])
        outputs = [model.get_layer(name).output for name in self.map_layers] + [head.input]
        self._probe = keras.Model(model.inputs, outputs)
        self._kernel, self._bias = head.kernel, head.bias
        signature = [
            tf.TensorSpec((1, *self.image_shape), tf.float32),
            tf.TensorSpec((), tf.int32),
        ]
        self._run = tf.function(self._forward, input_signature=signature)
        self.inspect(np.zeros(self.image_shape, dtype=np.uint8))  # trace now, not on first use

    def _forward(self, x, class_index):
        import tensorflow as tf

        with tf.GradientTape() as tape:
            *maps, hidden = self._probe(x, training=False)
            tape.watch(maps[-1])
            logits = tf.matmul(hidden, self._kernel) + self._bias
            chosen = tf.where(
                class_index < 0, tf.argmax(logits[0], output_type=tf.int32), class_index
            )
            # Grad-CAM explains the class score before softmax, as in Selvaraju et al.
            score = logits[0, chosen]
        grads = tape.gradient(score, maps[-1])
        weights = tf.reduce_mean(grads, axis=(1, 2))  # one weight per channel
        cam = tf.nn.relu(tf.reduce_sum(maps[-1][0] * weights[0], axis=-1))
        peak = tf.reduce_max(cam)
        cam = tf.where(peak > 0, cam / tf.maximum(peak, 1e-12), tf.zeros_like(cam))
        return [m[0] for m in maps], tf.nn.softmax(logits[0]), cam, chosen

    def inspect(self, image: np.ndarray, class_index: int | None = None) -> CnnInspection:
        """Prediction, every block's activations, and Grad-CAM for the predicted or a given class."""
        wanted = -1 if class_index is None else int(class_index)
        maps, proba, cam, chosen = self._run(_batch(image), np.int32(wanted))
        return CnnInspection(
            proba=proba.numpy(),
            maps={name: m.numpy() for name, m in zip(self.map_layers, maps, strict=True)},
            cam=np.clip(cam.numpy(), 0.0, 1.0),
            cam_class=int(chosen.numpy()),
        )


class VitProbe:
    """The model run once per image while every attention layer's weights are collected."""

    def __init__(self, model) -> None:
        import tensorflow as tf

        found = inspect_keras(model)
        if caps.IMAGE_ATTENTION not in found.capabilities:
            raise ValueError(
                "this model has no self-attention over image patches to read; "
                "train a Vision Transformer (ViT) run"
            )
        self.model = model
        self.grid: tuple[int, int] = tuple(found.details["grid"])
        self.image_shape = tuple(found.details["image_shape"])
        signature = [tf.TensorSpec((1, *self.image_shape), tf.float32)]
        self._run = tf.function(self._forward, input_signature=signature)
        self.inspect(np.zeros(self.image_shape, dtype=np.uint8))

    def _forward(self, x):
        import tensorflow as tf

        with capture_attention(self.model) as scores:
            proba = self.model(x, training=False)
        return proba[0], tf.stack([attention[0] for attention in scores])

    def inspect(self, image: np.ndarray) -> VitInspection:
        proba, attention = self._run(_batch(image))
        return VitInspection(proba.numpy(), attention.numpy().astype(np.float64), self.grid)


@functools.lru_cache(maxsize=8)
def cnn_probe(model) -> CnnProbe:
    """One probe per loaded model object; the dashboard's model cache keeps the object stable."""
    return CnnProbe(model)


@functools.lru_cache(maxsize=8)
def vit_probe(model) -> VitProbe:
    return VitProbe(model)


def first_conv_kernels(model) -> np.ndarray:
    """The first conv layer's kernels as pictures: (n, kh, kw) for grey input, (n, kh, kw, 3)
    uint8 for colour input (each kernel stretched to 0..255 so its pattern shows)."""
    found = inspect_keras(model)
    if caps.CONV_MAPS not in found.capabilities:
        raise ValueError("this model has no 2-D convolutions; conv kernels come from CNN runs")
    first = model.get_layer(found.details["conv_layers"][0])
    kernel = np.asarray(first.kernel)  # (kh, kw, in, out)
    tiles = np.moveaxis(kernel, -1, 0)  # (out, kh, kw, in)
    if tiles.shape[-1] != 3:
        return tiles.mean(axis=-1)
    low = tiles.min(axis=(1, 2, 3), keepdims=True)
    span = np.maximum(tiles.max(axis=(1, 2, 3), keepdims=True) - low, 1e-12)
    return np.rint((tiles - low) / span * 255).astype(np.uint8)


def top_channels(activation: np.ndarray, k: int = 16) -> np.ndarray:
    """Channel indices of an (H, W, C) activation, most active (by mean) first."""
    means = np.asarray(activation).reshape(-1, activation.shape[-1]).mean(axis=0)
    return np.argsort(-means, kind="stable")[: max(1, int(k))]


def attention_rollout(attention: np.ndarray, residual: float = ROLLOUT_RESIDUAL) -> np.ndarray:
    """How much each input patch flows into each output token through all layers.

    Abnar & Zuidema (2020): average the heads, add the skip connection as the
    identity, renormalise rows, and multiply the layers together. Every factor is
    row-stochastic, so every row of the result sums to 1.
    """
    attention = np.asarray(attention, dtype=np.float64)
    if attention.ndim != 4 or attention.shape[-1] != attention.shape[-2]:
        raise ValueError(f"attention must be (layers, heads, n, n), not {attention.shape}")
    n = attention.shape[-1]
    rollout = np.eye(n)
    for layer in attention.mean(axis=1):
        mixed = residual * np.eye(n) + (1 - residual) * layer
        mixed /= mixed.sum(axis=-1, keepdims=True)
        rollout = mixed @ rollout
    return rollout


def rollout_map(rollout: np.ndarray, grid: tuple[int, int]) -> np.ndarray:
    """The rollout as an image-shaped (rows, cols) map in [0, 1].

    The head sees the mean over all tokens, so a patch's importance is its
    average column value: how much of it reaches the tokens the head averages.
    """
    weights = np.asarray(rollout).mean(axis=0).reshape(grid)
    return _unit(weights)


def patch_attention(
    attention: np.ndarray, grid: tuple[int, int], layer: int, head: int | None, patch: int
) -> np.ndarray:
    """Where one patch (as the query) looks, in one layer: one head, or the heads' mean."""
    per_layer = np.asarray(attention)[layer]
    row = per_layer.mean(axis=0)[patch] if head is None else per_layer[head, patch]
    return _unit(row.reshape(grid))


def _unit(values: np.ndarray) -> np.ndarray:
    values = np.asarray(values, dtype=np.float64)
    low, high = float(values.min()), float(values.max())
    return (values - low) / (high - low) if high > low else np.zeros_like(values)


def predict_proba(model, images: np.ndarray, batch_size: int = 256) -> np.ndarray:
    """Class probabilities for uint8 images (N, H, W, C) from a Keras image model."""
    batch = np.asarray(images, dtype=np.float32)
    return np.asarray(model.predict(batch, batch_size=batch_size, verbose=0), dtype=np.float32)

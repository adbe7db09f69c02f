"""The image CNN and the small Vision Transformer (builders), and the trainer of any
Keras image kind.

Every model takes raw 0..255 pixels and rescales inside itself, so the probes and
an image uploaded on the Explore page go through exactly what training saw. The
trainer never asks which kind it trains: the kind's builder makes the model, and
models.inspection finds its conv maps, attention blocks and feature layer, which
go into meta.json so a view can tell what a run has without importing TensorFlow.
"""

from __future__ import annotations

from typing import Any

import keras
import numpy as np
from keras import layers

from data.dataset import ImageData
from models import keras_training as keras_common
from models.image.prep import PreparedImages, pool_factor, pooled_pixels, prepare_images
from models.image.vit_layers import EncoderBlock, PatchEmbedding
from models.inspection import inspect_keras, single_parent
from models.outcome import TrainContext, TrainOutcome
from models.request import TrainRequest

INPUT_FEATURE_DIMS = 1024  # "input" pixels for UMAP are block-averaged down to this
MIN_POOLED_SIDE = 4  # never max-pool a feature map below this many pixels a side


def _augmentation(x, augment: bool, flip: bool):
    """Random shifts and small turns, and flips, while training if asked; identity otherwise.

    Flips are off by default: a mirrored 3 or "b" is a different symbol, and a
    person who uploads photos of things that look the same mirrored can switch
    them on.
    """
    if flip:
        x = layers.RandomFlip("horizontal", name="aug_flip")(x)
    if augment:
        x = layers.RandomRotation(0.04, fill_mode="nearest", name="aug_rotate")(x)
        x = layers.RandomTranslation(0.1, 0.1, fill_mode="nearest", name="aug_shift")(x)
    return x


def _head(x, n_classes: int, units: int, dropout: float):
    """The penultimate layer is always named "features": the default UMAP layer."""
    x = layers.Dense(int(units), activation="relu", name="features")(x)
    if dropout > 0:
        x = layers.Dropout(float(dropout), name="head_dropout")(x)
    return layers.Dense(n_classes, activation="softmax", name="output")(x)


def build_cnn(
    image_shape: tuple[int, int, int],
    n_classes: int,
    *,
    conv_blocks: int,
    filters: int,
    dense_units: int,
    batch_norm: bool,
    dropout: float,
    augment: bool,
    flip: bool,
    learning_rate: float,
) -> keras.Model:
    """Blocks of conv ("same" padding) → batch norm → ReLU → max-pool, then global pooling.

    Each image is first standardised per channel (zero mean, unit spread over its
    pixels), so a shape reads the same on a dark or a light background of any
    colour; the ViT does the same.

    Filters double each block. A block pools only while the map stays at least
    MIN_POOLED_SIDE pixels a side, so 8×8 digits keep a 4×4 map for Grad-CAM
    while 64×64 photos are pooled down as usual.
    """
    if int(conv_blocks) < 1:
        raise ValueError("conv_blocks must be at least 1")
    inputs = keras.Input(shape=image_shape, name="image")
    x = layers.Rescaling(1.0 / 255, name="rescale")(inputs)
    x = layers.LayerNormalization(axis=[1, 2], center=False, scale=False, name="standardize")(x)
    x = _augmentation(x, augment, flip)
    side = min(image_shape[:2])
    for block in range(1, int(conv_blocks) + 1):
        width = int(filters) * 2 ** (block - 1)
        x = layers.Conv2D(width, 3, padding="same", use_bias=not batch_norm, name=f"conv_{block}")(
            x
        )
        if batch_norm:
            x = layers.BatchNormalization(momentum=0.9, name=f"bn_{block}")(x)
        x = layers.Activation("relu", name=f"relu_{block}")(x)
        if side // 2 >= MIN_POOLED_SIDE:
            x = layers.MaxPooling2D(2, name=f"pool_{block}")(x)
            side //= 2
    x = layers.GlobalAveragePooling2D(name="gap")(x)
    outputs = _head(x, n_classes, dense_units, dropout)
    return keras_common.compile_classifier(keras.Model(inputs, outputs, name="cnn"), learning_rate)


def resolve_patch_size(image_shape: tuple[int, int, int], requested: int = 0) -> int:
    """0 picks a patch giving about an 8×8 grid (2 px for 8 px digits → 4×4, 4 px for 32 px)."""
    height, width = image_shape[:2]
    side = min(height, width)
    if requested:
        requested = int(requested)
        if height % requested or width % requested:
            fits = [p for p in range(1, side + 1) if height % p == 0 and width % p == 0]
            raise ValueError(
                f"patch size {requested} does not divide the {height}×{width} images; "
                f"use one of {', '.join(map(str, fits))} (or 0 to choose automatically)"
            )
        return requested
    wanted = 2 if side <= 16 else side // 8
    return max(p for p in range(1, wanted + 1) if height % p == 0 and width % p == 0)


def build_vit(
    image_shape: tuple[int, int, int],
    n_classes: int,
    *,
    patch_size: int,
    embed_dim: int,
    depth: int,
    num_heads: int,
    mlp_dim: int,
    dropout: float,
    augment: bool,
    flip: bool,
    learning_rate: float,
) -> keras.Model:
    """Patch embedding + position → pre-norm encoder blocks → mean over tokens → head.

    Mean pooling instead of a class token: on a few thousand images it trains
    more reliably, and the rollout of the attention then reads as "how much each
    patch feeds the average the head sees".
    """
    if int(num_heads) < 1 or int(num_heads) > int(embed_dim):
        raise ValueError(f"num_heads must be between 1 and embed_dim ({embed_dim})")
    if int(depth) < 1:
        raise ValueError("depth must be at least 1 encoder block")
    patch = resolve_patch_size(image_shape, patch_size)
    inputs = keras.Input(shape=image_shape, name="image")
    x = layers.Rescaling(1.0 / 255, name="rescale")(inputs)
    x = layers.LayerNormalization(axis=[1, 2], center=False, scale=False, name="standardize")(x)
    x = _augmentation(x, augment, flip)
    x = PatchEmbedding(patch, int(embed_dim), name="patch_embed")(x)
    for block in range(1, int(depth) + 1):
        block_layer = EncoderBlock(
            int(embed_dim), int(num_heads), int(mlp_dim), float(dropout), name=f"encoder_{block}"
        )
        x = block_layer(x)
    x = layers.LayerNormalization(epsilon=1e-6, name="encoder_norm")(x)
    x = layers.GlobalAveragePooling1D(name="token_pool")(x)
    outputs = _head(x, n_classes, int(embed_dim), dropout)
    return keras_common.compile_classifier(keras.Model(inputs, outputs, name="vit"), learning_rate)


def _feature_outputs(model: keras.Model, details: dict[str, Any]) -> dict[str, Any]:
    """The layers the embedding view offers, the default first.

    The feature layer, the pooled layer feeding it, then every conv map or encoder
    block but the last, averaged over space or tokens rather than flattened, so
    each layer costs at most a few hundred numbers per image.
    """
    named: dict[str, Any] = {}
    if "feature_layer" in details:
        feature = model.get_layer(details["feature_layer"])
        named[feature.name] = feature.output
        before = single_parent(feature)
        if isinstance(before, layers.Layer) and len(before.output.shape) == 2:
            named.setdefault(before.name, before.output)
    for name in details.get("map_layers", [])[-2::-1]:
        pooled = layers.GlobalAveragePooling2D(name=f"{name}_avg")
        named[f"{name}_pooled"] = pooled(model.get_layer(name).output)
    for name in details.get("encoder_blocks", [])[-2::-1]:
        pooled = layers.GlobalAveragePooling1D(name=f"{name}_avg")
        named[f"{name}_pooled"] = pooled(model.get_layer(name).output)
    return named


def predict_with_features(
    model: keras.Model, x: np.ndarray, details: dict[str, Any], batch_size: int = 256
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Class probabilities and the embedding view's layers, in one pass over the images."""
    named = _feature_outputs(model, details)
    probe = keras.Model(model.inputs, [model.output, *named.values()])
    outputs = probe.predict(x, batch_size=batch_size, verbose=0)
    features = {
        name: np.asarray(out, dtype=np.float32).reshape(len(x), -1)
        for name, out in zip(named, outputs[1:], strict=True)
    }
    features["input"] = pooled_pixels(x, pool_factor(x.shape[1:], INPUT_FEATURE_DIMS))
    return np.asarray(outputs[0], dtype=np.float32), features


def _notes(prepared: PreparedImages, details: dict[str, Any]) -> list[str]:
    notes = []
    height, width, channels = prepared.image_shape
    factor = pool_factor(prepared.image_shape, INPUT_FEATURE_DIMS)
    if factor > 1:
        notes.append(
            f"The 'input' layer of the embedding view shows pixels averaged over {factor}×{factor} "
            f"blocks ({height}×{width}×{channels} → "
            f"{-(-height // factor)}×{-(-width // factor)}×{channels}) to keep it small."
        )
    if "grid" in details:
        patch, (rows, cols) = details["patch_size"], details["grid"]
        notes.append(
            f"Attention runs over {patch}×{patch} px patches: "
            f"a {rows}×{cols} grid of {rows * cols} tokens."
        )
    return notes


def train(data: ImageData, request: TrainRequest, ctx: TrainContext) -> TrainOutcome:
    """Any Keras image kind: the kind's builder makes the model, inspection says what it shows."""
    keras_common.seed_everything(request.seed)
    ctx.set_phase("preprocessing")
    prepared = prepare_images(data, request.spec.test_size, request.seed, request.spec.fold_plan)
    model = request.build(prepared.image_shape, len(prepared.class_names))
    details = inspect_keras(model).details
    ctx.notes.extend(_notes(prepared, details))
    fitted = keras_common.fit_request(model, prepared.x_train, prepared.y_train, request, ctx)
    ctx.set_phase("evaluating")
    model.save(ctx.run_dir / "model.keras")
    proba, features = predict_with_features(model, prepared.x_test, details)
    return TrainOutcome(
        task="classification",
        class_names=prepared.class_names,
        test_index=prepared.test_index,
        y_true=prepared.y_test,
        y_pred=proba.argmax(axis=1),
        proba=proba,
        features=features,
        model_file="model.keras",
        extra=details,
        **fitted.outcome_fields(),
    )

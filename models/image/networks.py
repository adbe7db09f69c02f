"""The image CNN and the small Vision Transformer, and the trainer both share.

Every model takes raw 0..255 pixels and rescales inside itself, so the probes and
an image uploaded on the Explore page go through exactly what training saw.
Layers carry fixed names ("conv_2", "relu_2", "encoder_3", "features", "output")
because the probes and views find them by name; meta.json lists them, so a view
can tell what a run has without importing TensorFlow.
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
from models.outcome import TrainContext, TrainOutcome
from models.spec import RunSpec

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


def _compile(model: keras.Model, learning_rate: float) -> keras.Model:
    model.compile(
        optimizer=keras.optimizers.Adam(float(learning_rate)),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model


def build_cnn(
    image_shape: tuple[int, int, int],
    n_classes: int,
    conv_blocks: int = 3,
    filters: int = 32,
    dense_units: int = 128,
    batch_norm: bool = True,
    dropout: float = 0.3,
    augment: bool = False,
    flip: bool = False,
    learning_rate: float = 1e-3,
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
    return _compile(keras.Model(inputs, outputs, name="cnn"), learning_rate)


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
    patch_size: int = 0,
    embed_dim: int = 64,
    depth: int = 4,
    num_heads: int = 4,
    mlp_dim: int = 128,
    dropout: float = 0.1,
    augment: bool = False,
    flip: bool = False,
    learning_rate: float = 1e-3,
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
    return _compile(keras.Model(inputs, outputs, name="vit"), learning_rate)


def architecture(model: keras.Model) -> dict[str, Any]:
    """What the views need to know about a model, as JSON for meta.json."""
    shape = [int(v) for v in model.inputs[0].shape[1:]]
    names = [layer.name for layer in model.layers]
    if "patch_embed" in names:
        embed = model.get_layer("patch_embed")
        return {
            "architecture": "vit",
            "image_shape": shape,
            "patch_size": embed.patch_size,
            "grid": list(embed.grid),
            "encoder_blocks": [n for n in names if n.startswith("encoder_") and n[8:].isdigit()],
        }
    conv = [n for n in names if n.startswith("conv_")]
    return {
        "architecture": "cnn",
        "image_shape": shape,
        "conv_layers": conv,
        "map_layers": [f"relu_{n[5:]}" for n in conv],
    }


def predict_with_features(
    model: keras.Model, x: np.ndarray, batch_size: int = 256
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Class probabilities and the UMAP feature layers, in one pass over the test images.

    Feature maps are averaged over space (conv) or tokens (ViT) rather than
    flattened, so each layer costs at most a few hundred numbers per image.
    """
    arch = architecture(model)
    named = {"features": model.get_layer("features").output}
    if arch["architecture"] == "cnn":
        named["gap"] = model.get_layer("gap").output
        for name in arch["map_layers"][-2::-1]:
            pooled = layers.GlobalAveragePooling2D(name=f"{name}_avg")
            named[f"{name}_pooled"] = pooled(model.get_layer(name).output)
    else:
        named["token_pool"] = model.get_layer("token_pool").output
        for name in arch["encoder_blocks"][-2::-1]:
            pooled = layers.GlobalAveragePooling1D(name=f"{name}_avg")
            named[f"{name}_pooled"] = pooled(model.get_layer(name).output)
    probe = keras.Model(model.inputs, [model.output, *named.values()])
    outputs = probe.predict(x, batch_size=batch_size, verbose=0)
    features = {
        name: np.asarray(out, dtype=np.float32).reshape(len(x), -1)
        for name, out in zip(named, outputs[1:], strict=True)
    }
    features["input"] = pooled_pixels(x, pool_factor(x.shape[1:], INPUT_FEATURE_DIMS))
    return np.asarray(outputs[0], dtype=np.float32), features


def build_for(spec: RunSpec, image_shape: tuple[int, int, int], n_classes: int) -> keras.Model:
    common = {
        "dropout": float(spec.param("dropout", 0.3)),
        "augment": bool(spec.param("augment", False)),
        "flip": bool(spec.param("flip", False)),
        "learning_rate": float(spec.param("learning_rate", 1e-3)),
    }
    if spec.model == "vit":
        return build_vit(
            image_shape,
            n_classes,
            patch_size=int(spec.param("patch_size", 0)),
            embed_dim=int(spec.param("embed_dim", 64)),
            depth=int(spec.param("depth", 4)),
            num_heads=int(spec.param("num_heads", 4)),
            mlp_dim=int(spec.param("mlp_dim", 128)),
            **common,
        )
    return build_cnn(
        image_shape,
        n_classes,
        conv_blocks=int(spec.param("conv_blocks", 3)),
        filters=int(spec.param("filters", 32)),
        dense_units=int(spec.param("dense_units", 128)),
        batch_norm=bool(spec.param("batch_norm", True)),
        **common,
    )


def _notes(prepared: PreparedImages, spec: RunSpec, model: keras.Model) -> list[str]:
    notes = []
    height, width, channels = prepared.image_shape
    factor = pool_factor(prepared.image_shape, INPUT_FEATURE_DIMS)
    if factor > 1:
        notes.append(
            f"The 'input' layer of the embedding view shows pixels averaged over {factor}×{factor} "
            f"blocks ({height}×{width}×{channels} → "
            f"{-(-height // factor)}×{-(-width // factor)}×{channels}) to keep it small."
        )
    if spec.model == "vit":
        embed = model.get_layer("patch_embed")
        notes.append(
            f"ViT patches are {embed.patch_size}×{embed.patch_size} px: "
            f"a {embed.grid[0]}×{embed.grid[1]} grid of {embed.grid[0] * embed.grid[1]} tokens."
        )
    return notes


def train(data: ImageData, spec: RunSpec, ctx: TrainContext) -> TrainOutcome:
    keras_common.seed_everything(spec.seed)
    ctx.set_phase("preprocessing")
    prepared = prepare_images(data, spec.test_size, spec.seed)
    model = build_for(spec, prepared.image_shape, len(prepared.class_names))
    ctx.notes.extend(_notes(prepared, spec, model))
    x_fit, y_fit, validation = keras_common.validation_split(
        prepared.x_train,
        prepared.y_train,
        float(spec.param("validation_split", 0.1)),
        spec.seed,
        True,
    )
    ctx.set_phase("training")
    callback, seconds = keras_common.fit(
        model,
        x_fit,
        y_fit,
        validation,
        int(spec.param("epochs", 20)),
        int(spec.param("batch_size", 32)),
        ctx,
    )
    ctx.set_phase("evaluating")
    model.save(ctx.run_dir / "model.keras")
    proba, features = predict_with_features(model, prepared.x_test)
    return TrainOutcome(
        task="classification",
        class_names=prepared.class_names,
        test_index=prepared.test_index,
        y_true=prepared.y_test,
        y_pred=proba.argmax(axis=1),
        proba=proba,
        features=features,
        model_file="model.keras",
        fit_seconds=seconds,
        train_samples=len(x_fit),
        epochs_run=callback.epochs_done,
        cancelled=callback.cancelled,
        extra=architecture(model),
    )

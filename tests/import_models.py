"""Small models made the way a person makes them in a notebook, outside Glassbox, for the
import tests: each builder fits briefly and saves into the folder it is given."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def digits_cnn(folder: Path, unit_pixels: bool = True, epochs: int = 5) -> Path:
    """A CNN for scikit-learn's 8×8 digits, reading pixels scaled to 0–1 (as notebooks do)."""
    import keras
    from sklearn.datasets import load_digits

    digits = load_digits()
    x = (digits.images[..., None] / 16.0).astype("float32")
    if not unit_pixels:
        x = x * 255.0
    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [
            keras.Input((8, 8, 1)),
            keras.layers.Conv2D(16, 3, padding="same", activation="relu"),
            keras.layers.Flatten(),
            keras.layers.Dense(32, activation="relu", name="hidden"),
            keras.layers.Dense(10, activation="softmax"),
        ]
    )
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x, digits.target, epochs=epochs, batch_size=64, verbose=0)
    path = Path(folder) / "digits_cnn.keras"
    model.save(path)
    return path


def image_model(folder: Path, shape: tuple[int, int, int], outputs: int, name: str) -> Path:
    """An untrained CNN for images of `shape` with `outputs` classes (for shape checks)."""
    import keras

    model = keras.Sequential(
        [
            keras.Input(shape),
            keras.layers.Conv2D(4, 3, activation="relu"),
            keras.layers.GlobalAveragePooling2D(),
            keras.layers.Dense(outputs, activation="softmax"),
        ]
    )
    path = Path(folder) / name
    model.save(path)
    return path


def table_model(folder: Path, inputs: int, outputs: int, name: str = "table.keras") -> Path:
    import keras

    model = keras.Sequential(
        [
            keras.Input((inputs,)),
            keras.layers.Dense(8, activation="relu", name="hidden"),
            keras.layers.Dense(outputs, activation="softmax"),
        ]
    )
    path = Path(folder) / name
    model.save(path)
    return path


def text_model(folder: Path, texts: list[str], labels: np.ndarray, classes: int) -> Path:
    """A text classifier that reads raw strings: TextVectorization → Embedding → pooling."""
    import keras

    vectorize = keras.layers.TextVectorization(
        max_tokens=2000, output_sequence_length=20, split="character"
    )
    vectorize.adapt(list(texts))
    inputs = keras.Input((1,), dtype="string")
    x = keras.layers.Reshape(())(inputs)
    x = vectorize(x)
    x = keras.layers.Embedding(2000, 16)(x)
    x = keras.layers.GlobalAveragePooling1D()(x)
    x = keras.layers.Dense(16, activation="relu", name="sentence")(x)
    outputs = keras.layers.Dense(classes, activation="softmax")(x)
    model = keras.Model(inputs, outputs)
    model.compile("adam", "sparse_categorical_crossentropy")
    import tensorflow as tf

    model.fit(tf.constant(list(texts))[:, None], labels, epochs=1, verbose=0)
    path = Path(folder) / "text.keras"
    model.save(path)
    return path


def lambda_model(folder: Path) -> Path:
    import keras

    inputs = keras.Input((4,))
    x = keras.layers.Lambda(lambda t: t * 2.0, name="doubling")(inputs)
    model = keras.Model(inputs, keras.layers.Dense(2, activation="softmax")(x))
    path = Path(folder) / "lambda.keras"
    model.save(path)
    return path


def custom_layer_model(folder: Path) -> Path:
    import keras

    @keras.saving.register_keras_serializable(package="notebook")
    class Doubling(keras.layers.Layer):
        def call(self, inputs):
            return inputs * 2.0

    inputs = keras.Input((4,))
    x = Doubling(name="doubling")(inputs)
    model = keras.Model(inputs, keras.layers.Dense(2, activation="softmax")(x))
    path = Path(folder) / "custom.keras"
    model.save(path)
    keras.saving.get_custom_objects().pop("notebook>Doubling", None)  # the notebook is gone
    return path


def iris_pipeline(folder: Path) -> Path:
    """A scikit-learn Pipeline on the iris columns (named, as read from a DataFrame), in skops."""
    import skops.io as sio
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from data.builtin_tabular import BUILTIN_TABULAR

    data = BUILTIN_TABULAR["iris"][1]()
    frame = data.frame.drop(columns=[data.target])
    pipeline = make_pipeline(StandardScaler(), LogisticRegression(max_iter=500))
    pipeline.fit(frame, data.frame[data.target].astype(str))
    path = Path(folder) / "iris.skops"
    sio.dump(pipeline, path)
    return path

"""Evaluating a person's Keras model on a dataset: predictions, features, what it can show.

Imported only inside the worker process (it imports TensorFlow).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from data.dataset import Data
from models.importing.evaluation import no_features_note, probabilities, split
from models.importing.keras_file import load_keras_file
from models.importing.pairing import Pairing
from models.inspection import inspect_keras
from models.outcome import TrainContext, TrainOutcome
from models.request import TrainRequest

MODEL_FILE = "model.keras"


def _as_views_read_it(model, data: Data, pairing: Pairing, unit_pixels: bool, run_dir: Path):
    """The model saved into the run folder reading what the views feed it: the dataset's raw
    0–255 pixels at the dataset's size (rescaling and resizing become its first layers)."""
    import keras

    path = run_dir / MODEL_FILE
    if data.kind != "image" or not (unit_pixels or pairing.resize):
        model.save(path)
        return model
    height, width = (int(d) for d in model.inputs[0].shape[1:3])
    inputs = keras.Input(data.images.shape[1:], name="pixels")
    x = inputs
    if unit_pixels:
        x = keras.layers.Rescaling(1 / 255.0, name="to_unit_range")(x)
    if pairing.resize:
        x = keras.layers.Resizing(height, width, name="resize_to_model")(x)
    keras.Model(inputs, model.call(x)).save(path)
    return keras.saving.load_model(path, safe_mode=True, compile=False)  # one flat graph


def _inputs(data: Data, pairing: Pairing, model, rows: np.ndarray) -> np.ndarray:
    if data.kind == "image":
        return data.images[rows]
    if data.kind == "text":
        return text_batch(model, [str(t) for t in data.texts[rows]])
    return data.frame[pairing.columns].iloc[rows].to_numpy(np.float32)


def text_batch(model, texts: list[str]):
    """Strings as the model's string input takes them (Keras cannot batch NumPy objects)."""
    import tensorflow as tf

    batch = tf.constant(texts)
    return batch[:, None] if len(model.inputs[0].shape) == 2 else batch


def _save_table_preprocessor(data: Data, pairing: Pairing, train_rows, run_dir: Path) -> None:
    """Rows → the model's numeric columns in its order, so Try-a-row reads raw rows as usual."""
    from sklearn.compose import ColumnTransformer

    from models.skops_io import save

    passthrough = ColumnTransformer([("numeric", "passthrough", pairing.columns)])
    passthrough.fit(data.frame[pairing.columns].iloc[train_rows])
    save(passthrough, run_dir / "preprocessor.skops")


def _features(model, x, details: dict[str, Any], data: Data, notes: list[str]):
    from models import keras_training as keras_common

    if data.kind == "image":
        from models.image.networks import predict_with_features

        return predict_with_features(model, x, details)
    scores = model.predict(x, batch_size=256, verbose=0)
    layers = [details["feature_layer"]] if "feature_layer" in details else []
    features = keras_common.layer_features(model, x, layers)
    if data.kind == "tabular":
        features["input"] = np.asarray(x, np.float32)
    return np.asarray(scores), features


def evaluate(
    data: Data, pairing: Pairing, request: TrainRequest, ctx: TrainContext
) -> TrainOutcome:
    params = request.params
    y, test = split(data, pairing, request.spec.test_size, request.seed)
    model = load_keras_file(Path(params["model_path"]))
    unit = params.get("pixel_scale") == "unit"
    model = _as_views_read_it(model, data, pairing, unit, ctx.run_dir)
    found = inspect_keras(model)
    details, caps = dict(found.details), set(found.capabilities)
    chosen = params.get("feature_layer")
    if chosen:
        details["feature_layer"] = chosen
    elif data.kind == "text":
        from models.inspection import feature_layer

        if feature_layer(model):
            details["feature_layer"] = feature_layer(model)
    if "feature_layer" not in details:
        ctx.notes.append(no_features_note("its output layer reads the input directly"))
        details["no_feature_layer"] = True
    if data.kind == "tabular":
        train_rows = np.setdiff1d(np.arange(len(y)), test)
        _save_table_preprocessor(data, pairing, train_rows, ctx.run_dir)
        details["feature_names"] = list(pairing.columns)
    if data.kind == "text":
        details["takes_raw_text"] = True
    scores, features = _features(
        model, _inputs(data, pairing, model, test), details, data, ctx.notes
    )
    classify = pairing.task == "classification"
    proba = probabilities(scores, ctx.notes) if classify else None
    caps.discard("probabilities")
    if not features:
        caps.discard("features")
    return TrainOutcome(
        task=pairing.task,
        class_names=list(pairing.class_order),
        test_index=test,
        y_true=y[test],
        y_pred=proba.argmax(axis=1) if classify else np.asarray(scores, np.float32).ravel(),
        proba=proba,
        features=features,
        model_file=MODEL_FILE,
        extra=details,
        capabilities=frozenset(caps),
    )

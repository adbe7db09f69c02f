"""What every trainer of a Keras table kind shares, whatever reads the rows: the builder's
inputs, the Dense layers whose activations Explore shows, and the test outcome.

Used by the in-memory trainer (models.tabular.networks) and the streamed one
(models.tabular.stream_training), so the two cannot drift. Imports Keras.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import keras
import numpy as np

from models import keras_training as keras_common
from models.inspection import feature_layer, inspect_keras, single_parent
from models.outcome import TrainOutcome
from models.tabular.columns import column_groups


def input_sizes(
    width: int,
    class_names: list[str],
    task: str,
    preprocessor: Any,
    feature_names: list[str],
    settings: Mapping[str, Any],
) -> tuple:
    """Input width, outputs, task, and, for a kind that reads one token per original
    column (settings "column_tokens"), which inputs each column became. Shared by the
    in-memory and the streamed trainer."""
    sizes: tuple = (width, max(len(class_names), 1), task)
    if settings.get("column_tokens"):
        sizes += (column_groups(preprocessor, feature_names).members,)
    return sizes


def hidden_layers(model: keras.Model) -> list[str]:
    """The Dense layers on the way from the feature layer back to the input, deepest first."""
    found = []
    name = feature_layer(model)
    layer = model.get_layer(name) if name else None
    while isinstance(layer, keras.layers.Layer) and not isinstance(layer, keras.layers.InputLayer):
        if isinstance(layer, keras.layers.Dense):
            found.append(layer.name)
        layer = single_parent(layer)
    return found


def evaluated_outcome(
    model: keras.Model,
    x_test: np.ndarray,
    y_test: np.ndarray,
    test_index: np.ndarray,
    described: tuple[str, list[str], list[str]],
    fields: Mapping[str, Any],
    output: np.ndarray | None = None,
) -> TrainOutcome:
    """Predictions and hidden-layer features of the test rows (all of them, or a streamed
    table's fixed sample, whose `output` the evaluation pass has already computed).
    `described` is (task, class names, feature names)."""
    task, class_names, feature_names = described
    classify = task == "classification"
    if output is None:
        output = keras_common.predict_eager(model, x_test)
    features = keras_common.layer_features(model, x_test, hidden_layers(model))
    features["input"] = x_test
    return TrainOutcome(
        task=task,
        class_names=class_names,
        test_index=test_index,
        y_true=y_test,
        y_pred=output.argmax(axis=1) if classify else output.ravel(),
        proba=output if classify else None,
        features=features,
        model_file="model.keras",
        extra={"feature_names": feature_names, **inspect_keras(model).details},
        **fields,
    )

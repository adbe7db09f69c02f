"""The Keras MLP for tables (builder), and the trainer of any Keras table kind."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import keras

from data.dataset import TabularData
from models import keras_training as keras_common
from models.inspection import feature_layer, inspect_keras, single_parent
from models.outcome import TrainContext, TrainOutcome
from models.request import TrainRequest
from models.tabular.columns import column_groups
from models.tabular.prep import PreparedTable, prepare_table, save_preprocessor


def build_mlp(
    n_features: int,
    n_outputs: int,
    task: str,
    *,
    hidden_layers: int,
    hidden_units: int,
    dropout: float,
    learning_rate: float,
) -> keras.Model:
    """Dense blocks (hidden_1..k), a softmax for classes or one linear unit for numbers."""
    inputs = keras.Input(shape=(n_features,), name="features")
    x = inputs
    for index in range(1, int(hidden_layers) + 1):
        x = keras.layers.Dense(int(hidden_units), activation="relu", name=f"hidden_{index}")(x)
        if dropout > 0:
            x = keras.layers.Dropout(float(dropout), name=f"dropout_{index}")(x)
    return task_model(inputs, x, n_outputs, task, learning_rate, name="mlp")


def task_model(
    inputs, x, n_outputs: int, task: str, learning_rate: float, name: str
) -> keras.Model:
    """The output a table network ends in, compiled: a softmax for classes, one linear
    unit for numbers."""
    if task == "classification":
        outputs = keras.layers.Dense(n_outputs, activation="softmax", name="output")(x)
        loss, metrics = "sparse_categorical_crossentropy", ["accuracy"]
    else:
        outputs = keras.layers.Dense(1, name="output")(x)
        loss, metrics = "mse", ["mae"]
    model = keras.Model(inputs, outputs, name=name)
    model.compile(optimizer=keras.optimizers.Adam(float(learning_rate)), loss=loss, metrics=metrics)
    return model


def model_inputs(table: PreparedTable, settings: Mapping[str, Any]) -> tuple:
    """What the data decides for a table network's builder: input width, outputs, task,
    and, for a kind that reads one token per original column (settings
    "column_tokens"), which inputs each column became."""
    sizes: tuple = (table.x_train.shape[1], max(len(table.class_names), 1), table.task)
    if settings.get("column_tokens"):
        sizes += (column_groups(table.preprocessor, table.feature_names).members,)
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


def train(data: TabularData, request: TrainRequest, ctx: TrainContext) -> TrainOutcome:
    spec = request.spec
    keras_common.seed_everything(request.seed)
    ctx.set_phase("preprocessing")
    table = prepare_table(data, spec.test_size, request.seed, spec.dataset_options.get("task"))
    ctx.notes.extend(table.notes)
    save_preprocessor(table, ctx.run_dir)
    model = request.build(*model_inputs(table, request.settings))
    classify = table.task == "classification"
    fitted = keras_common.fit_request(
        model, table.x_train, table.y_train, request, ctx, stratify=classify
    )
    ctx.set_phase("evaluating")
    model.save(ctx.run_dir / "model.keras")
    output = keras_common.predict_eager(model, table.x_test)
    features = keras_common.layer_features(model, table.x_test, hidden_layers(model))
    features["input"] = table.x_test
    return TrainOutcome(
        task=table.task,
        class_names=table.class_names,
        test_index=table.test_index,
        y_true=table.y_test,
        y_pred=output.argmax(axis=1) if classify else output.ravel(),
        proba=output if classify else None,
        features=features,
        model_file="model.keras",
        extra={"feature_names": table.feature_names, **inspect_keras(model).details},
        **fitted.outcome_fields(),
    )

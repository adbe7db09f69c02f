"""The Keras MLP for tables (builder), and the trainer of any Keras table kind."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import keras

from data.dataset import TabularData
from models import keras_training as keras_common
from models.outcome import TrainContext, TrainOutcome
from models.request import TrainRequest
from models.tabular.keras_parts import evaluated_outcome, input_sizes
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
    """What the data decides for a table network's builder (see `input_sizes`)."""
    return input_sizes(
        table.x_train.shape[1],
        table.class_names,
        table.task,
        table.preprocessor,
        table.feature_names,
        settings,
    )


def train(data: TabularData, request: TrainRequest, ctx: TrainContext) -> TrainOutcome:
    if getattr(data, "streamed", False):  # a table on disk, read batch by batch
        from models.tabular.stream_training import train_keras

        return train_keras(data, request, ctx)
    spec = request.spec
    keras_common.seed_everything(request.seed)
    ctx.set_phase("preprocessing")
    table = prepare_table(
        data, spec.test_size, request.seed, spec.dataset_options.get("task"), spec.fold_plan
    )
    ctx.notes.extend(table.notes)
    save_preprocessor(table, ctx.run_dir)
    model = request.build(*model_inputs(table, request.settings))
    classify = table.task == "classification"
    fitted = keras_common.fit_request(
        model, table.x_train, table.y_train, request, ctx, stratify=classify
    )
    ctx.set_phase("evaluating")
    model.save(ctx.run_dir / "model.keras")
    return evaluated_outcome(
        model,
        table.x_test,
        table.y_test,
        table.test_index,
        (table.task, table.class_names, table.feature_names),
        fitted.outcome_fields(),
    )

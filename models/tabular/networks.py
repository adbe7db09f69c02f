"""The Keras MLP for tables."""

from __future__ import annotations

import keras

from data.dataset import TabularData
from models import keras_training as keras_common
from models.outcome import TrainContext, TrainOutcome
from models.spec import RunSpec
from models.tabular.prep import PreparedTable, prepare_table, save_preprocessor


def build_mlp(
    n_features: int,
    n_outputs: int,
    task: str,
    hidden_layers: int = 2,
    hidden_units: int = 64,
    dropout: float = 0.1,
    learning_rate: float = 1e-3,
) -> keras.Model:
    """Dense blocks named hidden_1..k so probes can find the learned features by name."""
    inputs = keras.Input(shape=(n_features,), name="features")
    x = inputs
    for index in range(1, int(hidden_layers) + 1):
        x = keras.layers.Dense(int(hidden_units), activation="relu", name=f"hidden_{index}")(x)
        if dropout > 0:
            x = keras.layers.Dropout(float(dropout), name=f"dropout_{index}")(x)
    if task == "classification":
        outputs = keras.layers.Dense(n_outputs, activation="softmax", name="output")(x)
        loss, metrics = "sparse_categorical_crossentropy", ["accuracy"]
    else:
        outputs = keras.layers.Dense(1, name="output")(x)
        loss, metrics = "mse", ["mae"]
    model = keras.Model(inputs, outputs, name="mlp")
    model.compile(optimizer=keras.optimizers.Adam(float(learning_rate)), loss=loss, metrics=metrics)
    return model


def build_for(table: PreparedTable, spec: RunSpec) -> keras.Model:
    return build_mlp(
        table.x_train.shape[1],
        max(len(table.class_names), 1),
        table.task,
        hidden_layers=spec.param("hidden_layers", 2),
        hidden_units=spec.param("hidden_units", 64),
        dropout=spec.param("dropout", 0.1),
        learning_rate=spec.param("learning_rate", 1e-3),
    )


def train(data: TabularData, spec: RunSpec, ctx: TrainContext) -> TrainOutcome:
    keras_common.seed_everything(spec.seed)
    ctx.set_phase("preprocessing")
    table = prepare_table(data, spec.test_size, spec.seed, spec.dataset_options.get("task"))
    ctx.notes.extend(table.notes)
    save_preprocessor(table, ctx.run_dir)
    model = build_for(table, spec)
    classify = table.task == "classification"
    x_fit, y_fit, validation = keras_common.validation_split(
        table.x_train,
        table.y_train,
        float(spec.param("validation_split", 0.2)),
        spec.seed,
        classify,
    )
    epochs = int(spec.param("epochs", 20))
    ctx.set_phase("training")
    callback, seconds = keras_common.fit(
        model, x_fit, y_fit, validation, epochs, int(spec.param("batch_size", 32)), ctx
    )
    ctx.set_phase("evaluating")
    model.save(ctx.run_dir / "model.keras")
    output = model.predict(table.x_test, batch_size=256, verbose=0)
    hidden = [layer.name for layer in model.layers if layer.name.startswith("hidden_")]
    features = keras_common.layer_features(model, table.x_test, hidden[::-1])
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
        fit_seconds=seconds,
        train_samples=len(x_fit),
        epochs_run=callback.epochs_done,
        cancelled=callback.cancelled,
        extra={"feature_names": table.feature_names},
    )

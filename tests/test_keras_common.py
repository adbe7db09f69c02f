"""The learning-rate decay every Keras trainer gets from models.keras_training.fit."""

from __future__ import annotations

import numpy as np
import pytest

from tests.conftest import require_package

keras = require_package("keras")


def _tiny_model(learning_rate: float):
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="softmax")])
    model.compile(keras.optimizers.Adam(learning_rate), "sparse_categorical_crossentropy")
    return model


def _current_rate(model) -> float:
    return float(keras.ops.convert_to_numpy(model.optimizer.learning_rate))


def test_rate_starts_at_the_chosen_value_and_ends_at_zero():
    from models.keras_training import decay_learning_rate

    model = _tiny_model(0.01)
    assert decay_learning_rate(model, epochs=3, steps=4) == pytest.approx(0.01)
    assert _current_rate(model) == pytest.approx(0.01)
    x = np.random.default_rng(0).normal(size=(8, 4)).astype("float32")
    y = np.arange(8) % 3
    model.fit(x, y, batch_size=4, epochs=1, verbose=0)  # 2 of 12 steps
    assert _current_rate(model) == pytest.approx(0.01 * 0.5 * (1 + np.cos(np.pi * 2 / 12)))
    model.fit(x, y, batch_size=4, epochs=5, verbose=0)  # past the end: stays at zero
    assert _current_rate(model) == pytest.approx(0.0, abs=1e-9)


def _fit(x, y, validation, *, patience=0, balance=False, epochs=30, learning_rate=0.05):
    """models.keras_training.fit on a small dense classifier; returns model, callback, ctx, logs."""
    from models.keras_training import compile_classifier, fit
    from models.outcome import TrainContext
    from models.request import TrainRequest
    from models.spec import RunSpec

    keras.utils.set_random_seed(0)
    inputs = keras.Input((x.shape[1],))
    hidden = keras.layers.Dense(64, activation="relu")(inputs)
    model = compile_classifier(
        keras.Model(inputs, keras.layers.Dense(2, activation="softmax")(hidden)), learning_rate
    )
    logged: list[dict] = []
    ctx = TrainContext(
        "/nonexistent",
        lambda e, m, n: logged.append(m),
        lambda p: None,
        lambda *a: None,
        lambda: False,
    )
    params = {
        "epochs": epochs,
        "batch_size": 16,
        "feature_snapshots": 0,
        "early_stopping_patience": patience,
        "balance_classes": balance,
    }
    request = TrainRequest(RunSpec("builtin:x", "k"), params, lambda: None)
    callback, _ = fit(model, x, y, validation, request, ctx)
    return model, callback, ctx, logged


def test_early_stopping_stops_on_the_validation_loss_and_keeps_the_best_epoch():
    rng = np.random.default_rng(0)
    x, x_val = rng.normal(size=(200, 8)), rng.normal(size=(100, 8))
    y, y_val = rng.integers(0, 2, 200), rng.integers(0, 2, 100)  # nothing to learn: it overfits
    model, callback, ctx, logged = _fit(x, y, (x_val, y_val), patience=2)
    assert callback.epochs_done < 30
    assert "Early stopping ended training after epoch" in ctx.notes[-1]
    best = min(epoch["val_loss"] for epoch in logged)
    kept = model.evaluate(x_val, y_val, verbose=0, return_dict=True)["loss"]
    assert kept == pytest.approx(best, rel=1e-4), "the weights of the best epoch were restored"


def test_early_stopping_needs_validation_rows_and_says_so():
    rng = np.random.default_rng(1)
    _, callback, ctx, _ = _fit(
        rng.normal(size=(40, 4)), rng.integers(0, 2, 40), None, patience=2, epochs=3
    )
    assert callback.epochs_done == 3
    assert any("Early stopping was off" in note for note in ctx.notes)


def test_balanced_class_weights_make_the_rare_class_count():
    from models.keras_training import class_weights

    notes: list[str] = []
    weights = class_weights(np.array([0] * 90 + [1] * 10), True, notes)
    assert weights == pytest.approx({0: 100 / (2 * 90), 1: 100 / (2 * 10)})
    assert "1: 5.00" in notes[0]
    assert class_weights(np.array([0, 1]), False, []) is None
    assert class_weights(np.array([0.5, 1.5]), True, notes) is None and "regression" in notes[-1]
    rng = np.random.default_rng(2)
    x, y = rng.normal(size=(300, 4)), (np.arange(300) % 10 == 0).astype(int)  # 10 % rare, no signal
    plain, *_ = _fit(x, y, None, epochs=15, learning_rate=0.01)
    weighted, *_ = _fit(x, y, None, balance=True, epochs=15, learning_rate=0.01)
    rare_plain = (plain.predict(x, verbose=0).argmax(axis=1) == 1).mean()
    rare_weighted = (weighted.predict(x, verbose=0).argmax(axis=1) == 1).mean()
    assert rare_plain < 0.05 and rare_weighted > 0.25

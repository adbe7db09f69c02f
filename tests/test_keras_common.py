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

"""The UI process keeps Keras' state between script runs (Streamlit would reset it each run)."""

from __future__ import annotations

import gc

import numpy as np


def test_streamlit_no_longer_collects_garbage_after_each_run_once_a_model_is_loaded(
    tmp_path, monkeypatch
):
    import keras
    from streamlit.runtime.scriptrunner.script_runner import _clean_problem_modules

    from dashboard.explore.loaders import keras_model

    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="softmax")])
    model.save(tmp_path / "model.keras")
    from keras.src.backend.common.global_state import clear_session

    monkeypatch.setattr(keras.backend, "clear_session", clear_session)  # as before any load
    collections = []
    monkeypatch.setattr(gc, "collect", lambda *args: collections.append(args) or 0)

    _clean_problem_modules()  # what Streamlit runs after every script run
    assert len(collections) == 1, "Keras' clear_session collects garbage by default"

    loaded = keras_model(str(tmp_path))
    _clean_problem_modules()
    assert len(collections) == 1  # the model is loaded: no more collections after runs
    probabilities = loaded.predict(np.ones((2, 4), np.float32), verbose=0)
    assert probabilities.shape == (2, 3)

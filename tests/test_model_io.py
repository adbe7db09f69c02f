"""Loading a run's saved model: safe mode refuses code stored in the file."""

from __future__ import annotations

import pytest

from models.model_io import load_keras


def test_a_model_with_a_lambda_layer_is_refused_and_its_code_never_runs(tmp_path):
    """The Lambda writes a file when it runs; loading with safe mode off shows it would."""
    import keras

    marker = tmp_path / "the lambda ran"
    code = eval(  # a lambda without closures, as a .keras file would carry it
        f"lambda x: (__import__('pathlib').Path({str(marker)!r}).write_text('ran'), x)[1]"
    )
    inputs = keras.Input((3,))
    model = keras.Model(inputs, keras.layers.Dense(2)(keras.layers.Lambda(code)(inputs)))
    model.save(tmp_path / "model.keras")
    marker.unlink()  # building the model above ran it once

    with pytest.raises(ValueError, match="Lambda"):
        load_keras(tmp_path)
    assert not marker.exists(), "safe mode refused the file before running its code"

    keras.saving.load_model(tmp_path / "model.keras", safe_mode=False)
    assert marker.exists(), "without safe mode the same file runs its code"

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


def _counting_loader(monkeypatch, delay: float = 0.0) -> list[str]:
    """Stands in for load_keras: records each load and returns a new object per load."""
    import time

    import models.model_io

    loads: list[str] = []

    def load(run_dir):
        loads.append(str(run_dir))
        time.sleep(delay)
        return object()

    monkeypatch.setattr(models.model_io, "load_keras", load)
    return loads


def test_shared_models_load_once_when_the_page_and_the_warm_up_ask_together(tmp_path, monkeypatch):
    import threading

    from models.model_io import SharedModels

    loads = _counting_loader(monkeypatch, delay=0.3)
    (tmp_path / "model.keras").write_bytes(b"model")
    shared = SharedModels(max_entries=2)
    got: list[object] = []
    threads = [threading.Thread(target=lambda: got.append(shared.keras(tmp_path))) for _ in "ab"]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(loads) == 1, "the second asker waited for the first load"
    assert got[0] is got[1]


def test_shared_models_read_a_replaced_file_again_and_keep_the_newest_few(tmp_path, monkeypatch):
    import os

    from models.model_io import SharedModels

    loads = _counting_loader(monkeypatch)
    shared = SharedModels(max_entries=2)
    folders = [tmp_path / name for name in "abc"]
    for folder in folders:
        folder.mkdir()
        (folder / "model.keras").write_bytes(b"model")
    first = shared.keras(folders[0])
    assert shared.keras(folders[0]) is first and len(loads) == 1
    (folders[0] / "model.keras").write_bytes(b"a retrained model")
    os.utime(folders[0] / "model.keras", ns=(1, 1))
    assert shared.keras(folders[0]) is not first and len(loads) == 2
    shared.keras(folders[1])
    shared.keras(folders[2])  # three models, room for two: the least recently used goes
    assert len(shared) == 2
    shared.keras(folders[2])
    assert len(loads) == 4
    shared.keras(folders[0])
    assert len(loads) == 5, "the first folder's model was dropped and is read again"


def test_shared_models_refuse_a_missing_file_with_its_path(tmp_path):
    from models.model_io import SharedModels

    with pytest.raises(FileNotFoundError, match="model.keras"):
        SharedModels(max_entries=1).keras(tmp_path)

"""A run folder has all of its results or none of them, whenever saving stops."""

from __future__ import annotations

import numpy as np
import pytest

from models import artifacts
from models.artifacts import load_features, load_results, save_outcome
from models.outcome import TrainOutcome

RESULT_FILES = {artifacts.PREDICTIONS, artifacts.META, artifacts.FEATURES_DIR}


def _outcome(layers: int = 3) -> TrainOutcome:
    return TrainOutcome(
        task="classification",
        class_names=["a", "b"],
        test_index=np.arange(4),
        y_true=np.array([0, 1, 0, 1]),
        y_pred=np.array([0, 1, 1, 1]),
        proba=np.full((4, 2), 0.5, dtype=np.float32),
        features={f"layer_{k}": np.ones((4, 2)) * k for k in range(layers)},
    )


def test_saved_results_load_back(tmp_path):
    save_outcome(tmp_path, _outcome(), ["a note"], {"features"}, "tabular")
    results = load_results(tmp_path)
    assert results.notes == ["a note"] and results.feature_layers == [
        "layer_0",
        "layer_1",
        "layer_2",
    ]
    assert load_features(tmp_path, "layer_2").tolist() == [[2.0, 2.0]] * 4
    assert {path.name for path in tmp_path.iterdir()} == RESULT_FILES


@pytest.mark.parametrize("failing_write", [1, 2, 3])
def test_saving_that_stops_part_way_leaves_no_results_at_all(tmp_path, monkeypatch, failing_write):
    """np.save fails on its n-th call, as if the worker were killed there."""
    calls = 0
    real_save = np.save

    def save_then_fail(*args, **kwargs):
        nonlocal calls
        calls += 1
        if calls == failing_write:
            raise OSError("disk full")
        real_save(*args, **kwargs)

    monkeypatch.setattr(np, "save", save_then_fail)
    with pytest.raises(OSError):
        save_outcome(tmp_path, _outcome(), [], (), "tabular")
    assert load_results(tmp_path) is None
    assert list(tmp_path.iterdir()) == [], "no result file and no temporary folder is left"


def test_saving_again_replaces_every_earlier_result(tmp_path):
    save_outcome(tmp_path, _outcome(layers=3), ["first"], (), "tabular")
    save_outcome(tmp_path, _outcome(layers=1), ["second"], (), "tabular")
    results = load_results(tmp_path)
    assert results.notes == ["second"] and results.feature_layers == ["layer_0"]
    assert [p.name for p in (tmp_path / artifacts.FEATURES_DIR).iterdir()] == ["layer_0.npy"]

"""Feature snapshots over training: which epochs, how many samples, and the files a run keeps."""

from __future__ import annotations

import numpy as np
import pytest

from data.dataset import DatasetError
from models import snapshots
from models.spec import RunSpec
from models.store import RunStore
from tests.factories import train_now


@pytest.mark.parametrize(
    ("value", "last", "expected"),
    [
        (0, 10, ()),
        (None, 10, ()),
        ([], 10, ()),
        (4, 9, (0, 3, 6, 9)),
        (1, 9, (0,)),
        (30, 5, (0, 1, 2, 3, 4, 5)),  # more than there are epochs: every epoch once
        ([5, 0, 5, 2], 10, (0, 2, 5)),
        ("0, 2,5", 10, (0, 2, 5)),
        (6.0, 5, (0, 1, 2, 3, 4, 5)),
    ],
)
def test_parse_epochs(value, last, expected):
    assert snapshots.parse_epochs(value, last)[0] == expected


def test_too_many_snapshots_are_thinned_to_the_limit_keeping_the_ends():
    epochs, notes = snapshots.parse_epochs(list(range(0, 101)), 100)
    assert len(epochs) == snapshots.MAX_SNAPSHOTS and epochs[0] == 0 and epochs[-1] == 100
    assert "kept 12" in notes[0]
    epochs, notes = snapshots.parse_epochs(50, 100)
    assert len(epochs) == snapshots.MAX_SNAPSHOTS and "50 asked" in notes[0]


def test_epochs_past_the_end_are_skipped_with_a_note():
    epochs, notes = snapshots.parse_epochs([0, 3, 40], 5)
    assert epochs == (0, 3) and "40" in notes[0] and "5 epochs" in notes[0]


@pytest.mark.parametrize(("value", "fragment"), [("1,x", "whole numbers"), ([-1, 2], "negative")])
def test_bad_epoch_lists_say_how_to_fix_them(value, fragment):
    with pytest.raises(DatasetError, match=fragment):
        snapshots.parse_epochs(value, 5)


def test_sample_is_bounded_by_count_and_by_total_size():
    assert snapshots.sample_size(50_000, 12, 64) == snapshots.MAX_SAMPLES
    assert snapshots.sample_size(500, 12, 64) == 500
    wide = snapshots.sample_size(50_000, 12, 4096)
    assert wide * 12 * 4096 <= snapshots.MAX_VALUES and wide == 125
    assert snapshots.sample_size(50_000, 12, 10**9) == snapshots.MIN_SAMPLES


def test_sample_is_fixed_by_the_seed():
    first = snapshots.choose_sample(10_000, 6, 32, seed=1)
    assert len(first) == snapshots.MAX_SAMPLES and (np.diff(first) > 0).all()
    assert (snapshots.choose_sample(10_000, 6, 32, seed=1) == first).all()
    assert not (snapshots.choose_sample(10_000, 6, 32, seed=2) == first).all()
    assert snapshots.choose_sample(40, 6, 32, seed=1).tolist() == list(range(40))


def test_plan_is_off_by_default_and_spread_when_asked():
    from models.registry import get_kind

    default = get_kind("mlp").params()[snapshots.PARAM]
    assert snapshots.plan_for(default, 7, 5, []) is None
    assert snapshots.plan_for(3, 7, 8, []) == snapshots.SnapshotPlan((0, 4, 8), 7)


def test_callback_records_the_planned_epochs_within_the_size_bound(tmp_path, monkeypatch):
    import keras

    from models.keras_training import SnapshotCallback, default_feature_layer

    inputs = keras.Input((4,))
    hidden = keras.layers.Dense(8, activation="relu", name="hidden")(inputs)
    dropped = keras.layers.Dropout(0.2, name="drop")(hidden)
    model = keras.Model(inputs, keras.layers.Dense(2, activation="softmax", name="out")(dropped))
    model.compile("adam", "sparse_categorical_crossentropy")
    assert default_feature_layer(model) == "hidden"  # looks through the dropout

    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(64, 4)).astype("float32"), rng.integers(0, 2, 64)
    monkeypatch.setattr(snapshots, "MAX_VALUES", 3 * 8 * 10)  # room for 10 samples × 3 epochs
    plan = snapshots.SnapshotPlan((0, 1, 3), seed=0)
    model.fit(
        x, y, epochs=3, batch_size=16, verbose=0, callbacks=[SnapshotCallback(plan, x, y, tmp_path)]
    )

    assert snapshots.snapshot_epochs(tmp_path, "hidden") == [0, 1, 3]
    saved = snapshots.load_snapshots(tmp_path, "hidden")
    assert [f.shape for f in saved.features] == [(10, 8)] * 3
    assert (saved.labels == y[saved.positions]).all()
    assert not np.allclose(saved.features[0], saved.features[-1])  # training moved them
    last = keras.Model(model.inputs, model.get_layer("hidden").output).predict(
        x[saved.positions], verbose=0
    )
    np.testing.assert_allclose(saved.features[-1], last, rtol=1e-5, atol=1e-6)


def test_worker_run_keeps_snapshots_at_the_chosen_epochs(tmp_path):
    store = RunStore(tmp_path / "ws")
    params = {"epochs": 3, "hidden_units": 8, "feature_snapshots": [0, 2, 3, 7]}
    run_id = train_now(store, RunSpec("builtin:iris", "mlp", params, seed=1))
    run_dir = store.run_dir(run_id)
    assert store.get(run_id).status == "succeeded", store.get(run_id).traceback
    assert snapshots.snapshot_layers(run_dir) == ["hidden_2"]  # the run's default layer
    folder = run_dir / "snapshots" / "hidden_2"
    assert sorted(p.name for p in folder.iterdir()) == [
        "epoch_0000.npy",
        "epoch_0002.npy",
        "epoch_0003.npy",
        "sample.npz",
    ]
    saved = snapshots.load_snapshots(run_dir, "hidden_2")
    # iris: 120 training rows, 20 % of them held out for validation → 96 fitted rows
    assert [f.shape for f in saved.features] == [(96, 8)] * 3
    assert set(saved.labels.tolist()) == {0, 1, 2}
    from models.artifacts import load_results

    results = load_results(run_dir)
    assert any("epochs 7 were skipped" in note for note in results.notes)
    assert "snapshots" in results.meta["capabilities"]


def test_missing_snapshots_explain_how_to_get_them(tmp_path):
    with pytest.raises(DatasetError, match="feature_snapshots"):
        snapshots.load_snapshots(tmp_path, "hidden_2")
    assert snapshots.snapshot_layers(tmp_path) == []

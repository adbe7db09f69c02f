"""Runs on tables read from disk (`path:` datasets), through the real worker and store."""

from __future__ import annotations

import json

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from data.bigtable import synthetic
from data.bigtable.sources import DATA_ROOTS_ENV
from models import keras_training
from models.artifacts import load_features, load_results
from models.spec import RunSpec
from models.store import RunStore
from models.tabular.stream_results import TEST_ROWS, exact_confusion, sample_dataset
from tests.factories import train_now

ROWS = 12_000
MLP = {
    "epochs": 2,
    "batch_size": 128,
    "learning_rate": 0.01,
    "hidden_layers": 1,
    "hidden_units": 16,
    "dropout": 0.0,
    "validation_split": 0.2,
}


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    workspace = tmp_path_factory.mktemp("ws")
    synthetic.write_csv(workspace / "data" / "events.csv", ROWS, seed=1)
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv(DATA_ROOTS_ENV, raising=False)  # the default root: <workspace>/data
        yield RunStore(workspace)


@pytest.fixture(scope="module")
def mlp_run(store):
    from models.tabular import streaming

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(streaming, "TEST_SAMPLE_ROWS", 1000)  # fewer than the test rows
        return train_now(store, RunSpec("path:events.csv", "mlp", MLP, seed=3))


def test_mlp_streams_a_csv_and_saves_what_explore_reads(store, mlp_run):
    run = store.get(mlp_run)
    assert run.status == "succeeded", run.traceback
    history = store.history(mlp_run)
    assert list(history["epoch"]) == [1, 2]
    assert (history["rows_per_s"] > 0).all() and "val_accuracy" in history.columns
    run_dir = store.run_dir(mlp_run)
    results = load_results(run_dir)
    streamed = results.meta["streamed"]
    confusion = np.asarray(streamed["confusion"])
    # every usable test row is counted; the saved predictions are a sample of them
    assert confusion.sum() == streamed["test_rows"] > len(results.y_true) == 1000
    assert run.final_metrics["accuracy"] == pytest.approx(np.trace(confusion) / confusion.sum())
    assert np.array_equal(exact_confusion(results), confusion)
    assert results.class_names == sorted(synthetic.CLASSES)
    assert results.test_index.tolist() == list(range(len(results.y_true)))
    assert results.feature_layers[0] == "hidden_1"
    assert "curves" in results.meta["capabilities"] and "features" in results.meta["capabilities"]
    said = f"Metrics count all {confusion.sum():,} test rows; views that show rows use a fixed "
    assert any(note.startswith(said) and "sample of 1,000" in note for note in results.notes)
    # the saved raw rows are the sampled table rows (row_id is the row number here) …
    sample = sample_dataset(run_dir, "path:events.csv")
    frame = sample.data.frame
    assert frame["row_id"].tolist() == streamed["sample_rows"]
    assert sample.data.target == synthetic.TARGET
    # … and the saved preprocessor turns them into exactly the inputs the model was tested on
    import joblib

    preprocessor = joblib.load(run_dir / "preprocessor.joblib")
    x = preprocessor.transform(frame.drop(columns=[synthetic.TARGET]))
    np.testing.assert_allclose(x, load_features(run_dir, "input"), atol=1e-5)
    labels = np.searchsorted(results.class_names, frame[synthetic.TARGET].astype(str))
    assert np.array_equal(labels, results.y_true)


def test_try_a_row_predicts_a_saved_test_row_as_tested(store, mlp_run):
    from models.tabular.predict import load_predictor, predict_rows

    run_dir = store.run_dir(mlp_run)
    results = load_results(run_dir)
    frame = sample_dataset(run_dir, "path:events.csv").data.frame
    found = predict_rows(load_predictor(run_dir), frame.iloc[:50])
    np.testing.assert_allclose(found.proba, results.proba[:50], atol=1e-4)


def test_a_baseline_trains_on_a_stated_sample(store, monkeypatch):
    from models.tabular import stream_training

    monkeypatch.setattr(stream_training, "SKLEARN_SAMPLE_ROWS", 2000)
    run_id = train_now(store, RunSpec("path:events.csv", "logreg", {"C": 1.0}, seed=3))
    run = store.get(run_id)
    assert run.status == "succeeded", run.traceback
    results = load_results(store.run_dir(run_id))
    train_rows = run.final_metrics["train_samples_per_s"] and results.meta["streamed"]
    assert train_rows["test_rows"] > 2000
    assert any("random sample of 2,000 of the" in note for note in results.notes)
    assert run.final_metrics["accuracy"] > 0.6  # three classes: a third by chance
    assert (store.run_dir(run_id) / TEST_ROWS).exists()


def test_streamed_and_in_memory_metrics_agree(store):
    """The same file, seed and model: in memory (an upload) and streamed (path:)."""
    from data.dataset_store import save_upload

    csv = (store.workspace / "data" / "events.csv").read_bytes()
    ref = save_upload(store.workspace, "tabular", "events.csv", {"source.csv": csv}, {}, {"b": csv})
    params = {**MLP, "epochs": 4}
    options = {"target": synthetic.TARGET}
    memory = train_now(store, RunSpec(ref, "mlp", params, seed=5, dataset_options=options))
    streamed = train_now(store, RunSpec("path:events.csv", "mlp", params, seed=5))
    first, second = store.get(memory), store.get(streamed)
    assert first.status == second.status == "succeeded", (first.traceback, second.traceback)
    assert abs(first.final_metrics["accuracy"] - second.final_metrics["accuracy"]) <= 0.005


@pytest.mark.parametrize("change", ["delete", "append"])
def test_a_table_that_changes_while_training_fails_the_run_clearly(store, monkeypatch, change):
    path = store.workspace / "data" / f"changing_{change}.csv"
    synthetic.write_csv(path, 3000, seed=2)
    kept = train_now(store, RunSpec("path:events.csv", "logreg", {"C": 1.0}, seed=1))
    real_setup = keras_training.fit_setup

    def then_change(*args, **kwargs):
        if change == "delete":
            path.unlink()
        else:
            with path.open("a") as out:
                out.write(path.read_text().splitlines()[-1] + "\n")
        return real_setup(*args, **kwargs)

    monkeypatch.setattr(keras_training, "fit_setup", then_change)
    run_id = train_now(store, RunSpec(f"path:{path.name}", "mlp", MLP, seed=1))
    run = store.get(run_id)
    assert run.status == "failed"
    said = "was deleted" if change == "delete" else "changed"
    assert f"{path.name}' {said} while it was being read" in run.error
    assert "Error" not in run.error.split(":")[0]  # a sentence, not an exception's name
    assert load_results(store.run_dir(run_id)) is None
    assert load_results(store.run_dir(kept)) is not None  # nothing else is touched


def test_a_target_missing_from_some_partitions_fails_the_run_saying_where(store):
    folder = store.workspace / "data" / "parts"
    rng = np.random.default_rng(0)
    for day, with_target in ((1, True), (2, True), (3, False)):
        x = rng.normal(size=2000)
        columns = {"x": x, "z": rng.normal(size=2000)}
        if with_target:
            columns["label"] = np.where(x > 0, "up", "down")
        (folder / f"day={day}").mkdir(parents=True)
        pq.write_table(pa.table(columns), folder / f"day={day}" / "part-0.parquet")
    options = {"target": "label"}
    run_id = train_now(store, RunSpec("path:parts", "logreg", {"C": 1.0}, dataset_options=options))
    run = store.get(run_id)
    assert run.status == "failed"
    assert "'label' is missing from 1 of the table's files (such as 'day=3/part-0.parquet')" in (
        run.error
    )
    assert load_results(store.run_dir(run_id)) is None
    # the same folder with another target trains: the other columns are in every file
    options = {"target": "day"}
    other = train_now(store, RunSpec("path:parts", "logreg", {"C": 1.0}, dataset_options=options))
    assert store.get(other).status == "succeeded", store.get(other).traceback
    assert (
        json.loads((store.run_dir(other) / "meta.json").read_text())["streamed"]["table"] == "parts"
    )


def test_the_command_line_trains_on_a_path(store, capsys):
    from models.train import main

    argv = ["--dataset", "path:events.csv", "--model", "logreg", "--target", synthetic.TARGET]
    assert main([*argv, "--workspace", str(store.workspace)]) == 0
    said = capsys.readouterr().out
    run_id = said.split()[1].rstrip(":")
    assert f"run {run_id}: succeeded" in said
    run = store.get(run_id)
    assert run.origin == "cli" and run.spec.dataset_options == {"target": synthetic.TARGET}
    assert "training rows, held in memory" in " ".join(load_results(store.run_dir(run_id)).notes)


def test_explore_shows_the_exact_counts_and_says_what_the_sample_covers(store, mlp_run):
    from tests.apptest_helpers import app_workspace, open_explore, open_tab

    exact = store.get(mlp_run).final_metrics["accuracy"]
    with app_workspace(store.workspace):
        at = open_explore(mlp_run)
        assert not at.exception
        assert at.metric[0].label == "Accuracy" and at.metric[0].value == f"{exact:.3f}"
        at = open_tab(at, "Confusion & metrics")
        assert not at.exception
        said = " ".join(c.value for c in at.caption)
        rows = load_results(store.run_dir(mlp_run)).meta["streamed"]["test_rows"]
        assert f"Counts over all {rows:,} test rows of events.csv" in said
        assert "sample of 1,000 of them" in said
        listed = next(t.value for t in at.dataframe if "dataset row" in t.value.columns)
        assert (listed["dataset row"] == listed["row_id"]).all()  # row numbers in the file


def test_the_tabular_transformer_streams_and_attends_over_the_files_columns(store):
    from models import capabilities as caps
    from models.explain import ask
    from tests.explain_samples import answer_all

    params = {"epochs": 1, "batch_size": 128, "embedding_dim": 8, "num_heads": 2, "ff_dim": 16}
    params["num_layers"] = 1
    run_id = train_now(store, RunSpec("path:events.csv", "tab_transformer", params, seed=1))
    run = store.get(run_id)
    assert run.status == "succeeded", run.traceback
    meta = load_results(store.run_dir(run_id)).meta
    assert caps.TABLE_ATTENTION in meta["capabilities"]
    answer_all(store)
    attention = ask.table_attention(store, run_id).result
    in_file = next(synthetic.table_chunks(10)).column_names
    left_out = {"row_id", "country", "comment", synthetic.TARGET}
    assert attention.tokens == ["[CLS]", *[c for c in in_file if c not in left_out]]


def test_a_ragged_line_fails_the_run_with_its_number_unless_skipping_was_chosen(store):
    from tests.bigtable_files import numbered_csv

    numbered_csv(store.workspace / "data" / "ragged.csv", 3000, ragged_line=2001)
    options = {"target": "label"}
    failed = train_now(
        store, RunSpec("path:ragged.csv", "logreg", {"C": 1.0}, dataset_options=options)
    )
    run = store.get(failed)
    assert run.status == "failed" and "Line 2001 of 'ragged.csv' has 4 fields" in run.error
    options = {"target": "label", "bad_lines": "skip"}
    skipped = train_now(
        store, RunSpec("path:ragged.csv", "logreg", {"C": 1.0}, dataset_options=options)
    )
    assert store.get(skipped).status == "succeeded", store.get(skipped).traceback
    notes = " ".join(load_results(store.run_dir(skipped)).notes)
    assert "Skipped 1 line(s)" in notes and "line 2001" in notes

"""Real short trainings through the worker, against a real store in tmp_path."""

import json

import numpy as np
import pytest

from data.dataset_store import save_upload
from models.artifacts import load_features, load_results
from models.spec import RunSpec
from models.store import RunStore
from tests.factories import blobs_csv, train_now

MLP = {
    "epochs": 4,
    "batch_size": 16,
    "learning_rate": 0.01,
    "hidden_layers": 2,
    "hidden_units": 16,
    "dropout": 0.0,
    "validation_split": 0.2,
}


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    return RunStore(tmp_path_factory.mktemp("ws"))


@pytest.fixture(scope="module")
def mlp_run(store):
    return train_now(store, RunSpec("builtin:iris", "mlp", MLP, seed=3))


def test_mlp_run_records_every_epoch_and_results(store, mlp_run):
    run = store.get(mlp_run)
    assert run.status == "succeeded", run.traceback
    history = store.history(mlp_run)
    assert list(history["epoch"]) == [1, 2, 3, 4]
    assert {"loss", "val_loss", "accuracy", "val_accuracy"} <= set(history.columns)
    results = load_results(store.run_dir(mlp_run))
    assert results.class_names == ["setosa", "versicolor", "virginica"]
    assert len(results.y_true) == 30 and results.proba.shape == (30, 3)
    np.testing.assert_allclose(results.proba.sum(axis=1), 1, atol=1e-5)
    assert run.final_metrics["accuracy"] == pytest.approx(np.mean(results.y_true == results.y_pred))
    assert results.feature_layers[0] == "hidden_2"
    assert load_features(store.run_dir(mlp_run), "hidden_2").shape == (30, 16)
    assert (store.run_dir(mlp_run) / "model.keras").exists()
    # what the run can show: curves (epochs logged), features, probabilities; no snapshots
    assert results.meta["capabilities"] == ["curves", "features", "predict_one", "probabilities"]
    assert results.meta["modality"] == "tabular"
    assert results.meta["feature_layer"] == "hidden_2"


def test_same_spec_and_seed_give_same_metrics(store, mlp_run):
    again = train_now(store, RunSpec("builtin:iris", "mlp", MLP, seed=3))
    first, second = store.get(mlp_run), store.get(again)
    for name in ("accuracy", "log_loss"):
        assert first.final_metrics[name] == second.final_metrics[name]
    assert store.history(mlp_run)["loss"].tolist() == store.history(again)["loss"].tolist()


def test_success_queues_the_default_embedding(store, mlp_run):
    with store.connect() as db:
        row = db.execute(
            "SELECT layer, status FROM embeddings WHERE run_id = ?", (mlp_run,)
        ).fetchone()
    assert row["layer"] == "hidden_2" and row["status"] == "queued"


@pytest.mark.parametrize("model", ["logreg", "random_forest", "hist_gb"])
def test_sklearn_baselines_share_the_result_format(store, model):
    run_id = train_now(store, RunSpec("builtin:wine", model, {}, seed=0))
    run = store.get(run_id)
    assert run.status == "succeeded", run.traceback
    assert run.final_metrics["accuracy"] > 0.8
    assert len(store.history(run_id)) == 0  # no curves for models without epochs
    results = load_results(store.run_dir(run_id))
    assert results.feature_layers == ["input"]
    assert results.proba.shape[1] == 3
    assert results.meta["capabilities"] == ["features", "predict_one", "probabilities"]


def test_numeric_target_with_many_values_trains_as_regression(store):
    run_id = train_now(store, RunSpec("builtin:diabetes", "hist_gb", {"max_iter": 50}))
    run = store.get(run_id)
    assert run.status == "succeeded", run.traceback
    assert set(run.final_metrics) >= {"r2", "mae", "rmse"}
    assert load_results(store.run_dir(run_id)).task == "regression"


def test_uploaded_csv_is_preprocessed_and_notes_explain_drops(store):
    ref = save_upload(store.workspace, "tabular", "blobs.csv", {"source.csv": blobs_csv()})
    spec = RunSpec(ref, "logreg", {}, dataset_options={"target": "species"})
    run_id = train_now(store, spec)
    run = store.get(run_id)
    assert run.status == "succeeded", run.traceback
    meta = json.loads((store.run_dir(run_id) / "meta.json").read_text())
    assert any("'id'" in note for note in meta["notes"])
    assert (store.run_dir(run_id) / "preprocessor.skops").exists()


def test_training_that_raises_marks_the_run_failed_with_its_error(store):
    spec = RunSpec("builtin:iris", "mlp", MLP, dataset_options={"target": "no_such_column"})
    run_id = train_now(store, spec)
    run = store.get(run_id)
    assert run.status == "failed"
    assert "no_such_column" in run.error
    assert "Traceback" in run.traceback


def test_target_with_one_class_fails_with_a_clear_message(store):
    csv = b"x,y\n" + b"\n".join(f"{i},same".encode() for i in range(20))
    ref = save_upload(store.workspace, "tabular", "one.csv", {"source.csv": csv})
    run_id = train_now(store, RunSpec(ref, "logreg", {}, dataset_options={"target": "y"}))
    run = store.get(run_id)
    assert run.status == "failed" and "single class" in run.error


def test_cli_trains_into_the_store(tmp_path, capsys):
    from models.train import main

    code = main(["--dataset", "iris", "--model", "logreg", "--workspace", str(tmp_path)])
    assert code == 0
    runs = RunStore(tmp_path).list_runs()
    assert len(runs) == 1 and runs[0].origin == "cli" and runs[0].status == "succeeded"
    assert runs[0].id in capsys.readouterr().out


def test_cli_passes_hyperparameters(tmp_path):
    from models.train import build_parser, spec_from_args

    args = build_parser().parse_args(
        ["--dataset", "wine", "--model", "mlp", "--epochs", "7", "--param", "hidden_units=8"]
    )
    spec = spec_from_args(args)
    assert spec.dataset == "builtin:wine"
    assert spec.params["epochs"] == 7 and spec.params["hidden_units"] == 8
    assert spec.params["batch_size"] == 32

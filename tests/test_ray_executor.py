"""Runs on a real multi-node Ray cluster (tests/ray_cluster.py): results reach the app's
store through Ray alone, cancel reaches a remote node, and a dead node's run ends
interrupted while the others finish. The node-killing test is last: it costs a node."""

from __future__ import annotations

import pytest

from data.dataset_store import save_upload
from models.artifacts import load_results
from models.jobs import JobManager
from models.spec import RunSpec
from models.store import RunStore
from tests.factories import SLOW_FOREST, SLOW_MLP, blobs_csv, wait_for

pytestmark = pytest.mark.ray


@pytest.fixture
def store(tmp_path):
    return RunStore(tmp_path / "ws")


@pytest.fixture
def manager(store, ray_cluster):
    from models.executors.ray_executor import RayExecutor

    executor = RayExecutor(str(store.workspace), address=ray_cluster.address)
    manager = JobManager(store, 3, poll_s=0.1, embedding_service=False, executor=executor)
    yield manager
    manager.shutdown()


def test_three_kinds_of_run_train_on_the_cluster_and_report_into_the_app_store(store, manager):
    upload = save_upload(store.workspace, "tabular", "blobs.csv", {"source.csv": blobs_csv()})
    options = {"target": "species"}
    specs = [
        RunSpec("builtin:iris", "logreg", {}),
        RunSpec(upload, "mlp", {"epochs": 3, "hidden_units": 8}, dataset_options=options),
        RunSpec(upload, "random_forest", {"n_estimators": 20}, dataset_options=options),
    ]
    ids = [manager.submit(spec) for spec in specs]
    wait_for(lambda: not any(store.get(r).active for r in ids), timeout=240)
    for run_id in ids:
        run = store.get(run_id)
        assert run.status == "succeeded", run.error or run.traceback
        assert run.node.startswith("ray node "), run.node
        results = load_results(store.run_dir(run_id))
        assert results is not None and len(results.y_pred) == len(results.y_true) > 0
        hits = float((results.y_pred == results.y_true).mean())
        assert run.final_metrics["accuracy"] == pytest.approx(hits), "metrics match the files"
    mlp = ids[1]
    assert list(store.history(mlp)["epoch"]) == [1, 2, 3], "every epoch came back through Ray"
    assert (store.run_dir(mlp) / "model.keras").is_file()
    assert (store.run_dir(ids[2]) / "model.skops").is_file()
    assert manager.executor.datasets.uploads == 1, "the upload went to the cluster once"


def test_cancel_stops_runs_on_remote_nodes(store, manager):
    keras_run = manager.submit(SLOW_MLP)
    forest_run = manager.submit(SLOW_FOREST)
    wait_for(lambda: store.get(keras_run).epoch >= 1, timeout=180)
    wait_for(lambda: store.get(forest_run).phase == "training", timeout=180)
    manager.cancel(keras_run)
    manager.cancel(forest_run)
    wait_for(lambda: not store.get(keras_run).active, timeout=120)
    wait_for(lambda: not store.get(forest_run).active, timeout=120)
    stopped = store.get(keras_run)
    assert stopped.status == "cancelled" and stopped.epoch < 200
    assert stopped.error is None, "the Keras run saw the cancel through Ray and stopped itself"
    assert load_results(store.run_dir(keras_run)) is not None, "its results came back"
    killed = store.get(forest_run)
    assert killed.status == "cancelled" and "stopped before it had results" in killed.error


def test_a_dead_node_interrupts_its_run_while_the_other_finishes(store, manager, ray_cluster):
    doomed = manager.submit(SLOW_MLP)
    wait_for(lambda: store.get(doomed).epoch >= 1, timeout=180)
    survivor = manager.submit(RunSpec("builtin:iris", "mlp", {"epochs": 3, "hidden_units": 8}))
    wait_for(lambda: store.get(survivor).node, timeout=120)
    node_id = store.get(doomed).node.split("(")[-1].rstrip(")")
    assert node_id not in store.get(survivor).node, "one CPU per node: they train apart"
    ray_cluster.cluster.remove_node(ray_cluster.node_of(node_id), allow_graceful=False)
    wait_for(lambda: store.get(doomed).status == "interrupted", timeout=120)
    wait_for(lambda: not store.get(survivor).active, timeout=180)
    assert store.get(survivor).status == "succeeded", store.get(survivor).error
    assert "died" in store.get(doomed).error

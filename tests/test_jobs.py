"""The job manager with real spawned workers and a real store."""

from __future__ import annotations

import os
import signal
import sqlite3
import threading

import pytest

from models.artifacts import load_results
from models.jobs import CANCEL_GRACE_S, JobManager
from models.spec import RunSpec
from models.store import RunStore
from tests import spawned
from tests.factories import FAST, SLOW_FOREST, SLOW_MLP, wait_for


@pytest.fixture
def store(tmp_path):
    return RunStore(tmp_path / "ws")


@pytest.fixture
def manager(store):
    manager = JobManager(store, concurrency=1, poll_s=0.1, embedding_service=False)
    yield manager
    manager.shutdown()


def test_queued_runs_train_one_at_a_time_and_all_finish(store, manager):
    ids = [manager.submit(FAST, "Iris") for _ in range(3)]
    most_running = 0

    def all_done():
        nonlocal most_running
        runs = [store.get(run_id) for run_id in ids]
        most_running = max(most_running, sum(run.status == "running" for run in runs))
        return all(run.status == "succeeded" for run in runs)

    wait_for(all_done, interval=0.05)
    assert most_running == 1
    assert all(store.get(run_id).pid not in (None, os.getpid()) for run_id in ids)


def test_concurrent_submits_from_several_tabs_are_all_queued(store, manager):
    manager.set_concurrency(2)
    ids: list[str] = []
    threads = [threading.Thread(target=lambda: ids.append(manager.submit(FAST))) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(ids)) == 4
    wait_for(lambda: all(store.get(run_id).status == "succeeded" for run_id in ids), timeout=120)


def test_cancel_stops_a_keras_job_at_the_next_batch_and_keeps_its_results(store, manager):
    run_id = manager.submit(SLOW_MLP)
    wait_for(lambda: store.get(run_id).epoch >= 1)
    manager.cancel(run_id)
    wait_for(lambda: store.get(run_id).status == "cancelled", timeout=60)
    run = store.get(run_id)
    assert run.epoch < 200
    assert run.error is None, "the worker stopped by itself, it was not killed"
    results = load_results(store.run_dir(run_id))
    assert results is not None and len(results.y_pred) == len(results.y_true) > 0


@pytest.mark.parametrize(
    "spec",
    [RunSpec("builtin:iris", "mlp", {"epochs": 2, "hidden_units": 8}), FAST],
    ids=["keras", "scikit-learn"],
)
def test_a_cancel_while_the_run_saves_lets_it_finish_saving(store, manager, spec, monkeypatch):
    """The reported loss: the grace ran out during saving and the results were thrown away."""
    import models.worker

    monkeypatch.setattr(models.worker, "run_job", spawned.run_job_with_slow_save)
    assert spawned.SLOW_SAVE_S > 3 * CANCEL_GRACE_S
    run_id = manager.submit(spec)
    wait_for(lambda: store.get(run_id).phase == "saving", timeout=120, interval=0.05)
    manager.cancel(run_id)
    wait_for(lambda: not store.get(run_id).active, timeout=120)
    run = store.get(run_id)
    assert run.status == "succeeded", run.error
    assert run.cancel_requested
    assert load_results(store.run_dir(run_id)) is not None


def test_a_scikit_learn_fit_that_cannot_stop_is_killed_and_the_run_says_so(store, manager):
    run_id = manager.submit(SLOW_FOREST)
    wait_for(lambda: store.get(run_id).phase == "training", interval=0.05)
    manager.cancel(run_id)
    wait_for(lambda: not store.get(run_id).active, timeout=120)
    run = store.get(run_id)
    assert run.status == "cancelled"
    assert "stopped before it had results" in run.error
    assert load_results(store.run_dir(run_id)) is None
    assert not list(store.run_dir(run_id).glob(".results-*")), "no half-saved results"


def test_deleting_a_running_run_stops_its_worker_and_leaves_nothing(store, manager):
    run_id = manager.submit(SLOW_MLP)
    wait_for(lambda: store.get(run_id).epoch >= 1)
    process = manager._workers[run_id].process
    store.delete(run_id)
    wait_for(lambda: run_id not in manager.running_here(), timeout=120)  # reaped: it ended
    assert process.exitcode in (0, -signal.SIGTERM), "stopped by itself or by the manager"
    assert store.get(run_id) is None
    assert not store.run_dir(run_id).exists(), "nothing recreated the deleted run's folder"


def test_a_worker_whose_run_is_deleted_mid_training_ends_without_an_error(store):
    """The worker's own path (a command-line run is never killed by the app)."""
    from models.worker import execute

    run_id = store.create_run(SLOW_MLP, status="running", origin="cli")
    ended: list[str] = []
    thread = threading.Thread(target=lambda: ended.append(execute(store, run_id)))
    thread.start()
    wait_for(lambda: store.get(run_id).epoch >= 1)
    store.delete(run_id)
    thread.join(120)
    assert ended == ["deleted"]
    assert not store.run_dir(run_id).exists()


def test_a_run_deleted_before_its_worker_starts_is_left_alone(store):
    from models.worker import execute

    run_id = store.create_run(FAST, status="running")
    store.delete(run_id)
    assert execute(store, run_id) == "deleted"
    assert store.get(run_id) is None and not store.run_dir(run_id).exists()


def test_cancel_of_a_queued_job_never_starts_it(store, manager):
    first = manager.submit(SLOW_MLP)
    second = manager.submit(FAST)
    manager.cancel(second)
    assert store.get(second).status == "cancelled"
    manager.cancel(first)
    wait_for(lambda: store.get(first).status == "cancelled", timeout=60)
    assert store.get(second).started is None


def test_worker_killed_mid_epoch_leaves_a_consistent_store_and_an_interrupted_run(store, manager):
    run_id = manager.submit(SLOW_MLP)
    wait_for(lambda: store.get(run_id).epoch >= 2)
    os.kill(store.get(run_id).pid, signal.SIGKILL)
    wait_for(lambda: store.get(run_id).status == "interrupted", timeout=15)
    run = store.get(run_id)
    assert "exit code -9" in run.error
    history = store.history(run_id)
    assert list(history["epoch"]) == list(range(1, len(history) + 1))
    with sqlite3.connect(store.path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_runs_left_running_by_a_dead_app_are_interrupted_on_start(store):
    run_id = store.create_run(FAST)
    store.claim_next_queued()
    with store.connect() as db:  # as if its worker died long ago
        db.execute("UPDATE runs SET pid = 999999, heartbeat = 0 WHERE id = ?", (run_id,))
    manager = JobManager(store, embedding_service=False)
    try:
        assert store.get(run_id).status == "interrupted"
    finally:
        manager.shutdown()


def test_a_job_that_raises_fails_and_the_next_one_still_runs(store, manager):
    bad = manager.submit(RunSpec("builtin:no_such_set", "logreg", {}))
    good = manager.submit(FAST)
    wait_for(lambda: store.get(good).status == "succeeded")
    run = store.get(bad)
    assert run.status == "failed" and "no_such_set" in run.error and run.traceback


def test_unknown_model_is_refused_before_it_is_queued(manager):
    with pytest.raises(ValueError, match="unknown model"):
        manager.submit(RunSpec("builtin:iris", "no_such_model", {}))

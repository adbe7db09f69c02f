"""Warm local workers: reused across runs, recycled when worn, and still killable per run."""

from __future__ import annotations

import json
import os
import signal

import pytest

from models.executors.local import LocalExecutor
from models.jobs import JobManager
from models.spec import RunSpec
from models.store import RunStore
from tests import spawned
from tests.factories import FAST, wait_for

SMALL_MLP = RunSpec("builtin:iris", "mlp", {"epochs": 2, "hidden_units": 8})


@pytest.fixture
def store(tmp_path):
    return RunStore(tmp_path / "ws")


def _manager(store: RunStore, concurrency: int = 1, **executor_options) -> JobManager:
    executor = LocalExecutor(str(store.workspace), concurrency, **executor_options)
    return JobManager(store, concurrency, poll_s=0.1, embedding_service=False, executor=executor)


def _warmth(store: RunStore, run_id: str) -> dict:
    return json.loads((store.workspace / f"warmth-{run_id}.json").read_text())


def test_later_runs_reuse_the_worker_with_tensorflow_already_loaded(store, monkeypatch):
    import models.worker

    monkeypatch.setattr(models.worker, "run_job", spawned.run_job_noting_warmth)
    manager = _manager(store)
    try:
        first = manager.submit(FAST)
        wait_for(lambda: store.get(first).status == "succeeded", timeout=120)
        second = manager.submit(SMALL_MLP)
        third = manager.submit(SMALL_MLP)
        wait_for(lambda: store.get(third).status == "succeeded", timeout=180)
        assert store.get(second).status == "succeeded"
    finally:
        manager.shutdown()
    notes = [_warmth(store, run_id) for run_id in (first, second, third)]
    assert len({note["pid"] for note in notes}) == 1, "one worker trained all three"
    assert manager.executor.spawned == 1
    assert not notes[0]["tensorflow"], "the first run did not wait for TensorFlow"
    assert notes[1]["tensorflow"] and notes[1]["sklearn.ensemble"], "loaded while idle"
    # Keras state was cleared between the two MLPs: its counters start afresh.
    assert notes[1]["keras_uid"] == notes[2]["keras_uid"] == 1


def test_a_worker_is_recycled_after_its_run_budget(store, monkeypatch):
    import models.worker

    monkeypatch.setattr(models.worker, "run_job", spawned.run_job_noting_warmth)
    manager = _manager(store, max_runs=2, preload=())
    try:
        ids = [manager.submit(FAST) for _ in range(3)]
        wait_for(lambda: all(store.get(r).status == "succeeded" for r in ids), timeout=180)
    finally:
        manager.shutdown()
    pids = [_warmth(store, run_id)["pid"] for run_id in ids]
    assert pids[0] == pids[1] != pids[2]
    assert manager.executor.spawned == 2


def test_a_worker_over_its_memory_ceiling_is_not_reused(store):
    manager = _manager(store, max_mb=1, preload=())  # every process is above 1 MB
    try:
        ids = [manager.submit(FAST) for _ in range(2)]
        wait_for(lambda: all(store.get(r).status == "succeeded" for r in ids), timeout=180)
    finally:
        manager.shutdown()
    assert store.get(ids[0]).pid != store.get(ids[1]).pid


def test_two_warm_workers_train_at_once_and_a_killed_idle_one_is_replaced(store):
    manager = _manager(store, concurrency=2, preload=())
    try:
        first = [manager.submit(FAST) for _ in range(2)]
        wait_for(lambda: all(store.get(r).status == "succeeded" for r in first), timeout=180)
        idle = wait_for(
            lambda: len(manager.executor.idle_pids()) == 2 and manager.executor.idle_pids()
        )
        assert sorted(idle) == sorted({store.get(r).pid for r in first}), "both kept warm"
        os.kill(idle[0], signal.SIGKILL)
        wait_for(lambda: len(manager.executor.idle_pids()) == 1)
        again = [manager.submit(FAST) for _ in range(2)]
        wait_for(lambda: all(store.get(r).status == "succeeded" for r in again), timeout=180)
    finally:
        manager.shutdown()
    pids = {store.get(r).pid for r in again}
    assert idle[1] in pids and idle[0] not in pids
    assert manager.executor.spawned == 3


def test_without_a_cluster_configured_nothing_of_ray_is_imported(tmp_path):
    import subprocess
    import sys

    from tests.conftest import ROOT

    code = (
        "import sys; from models.jobs import JobManager; from models.store import RunStore;"
        "m = JobManager(RunStore(sys.argv[1]), embedding_service=False); m.shutdown();"
        "print(type(m.executor).__name__, 'ray' in sys.modules)"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("GLASSBOX_EXECUTOR")}
    done = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path)], cwd=ROOT, env=env, capture_output=True
    )
    assert done.stdout.decode().split() == ["LocalExecutor", "False"], done.stderr.decode()


def test_a_misspelt_executor_setting_says_which_values_work(monkeypatch):
    from models.executors import executor_choice

    monkeypatch.setenv("GLASSBOX_EXECUTOR", "rey")
    with pytest.raises(ValueError, match="'local' \\(the default\\) or 'ray'"):
        executor_choice()
    monkeypatch.setenv("GLASSBOX_EXECUTOR", " Ray ")
    assert executor_choice() == "ray"


def test_one_worker_leaves_thread_pools_to_the_libraries_and_two_split_the_cores(store):
    """A single worker with its pools pinned to the core count trained slower than bare
    `model.fit` in benchmarks/training_overhead.py; with the libraries' own sizes it does not."""
    cores = os.cpu_count() or 1
    assert LocalExecutor(str(store.workspace), 1)._threads() == 0
    assert LocalExecutor(str(store.workspace), 2)._threads() == max(1, cores // 2)

"""What a job manager finds when it starts: live, paused, dead and orphaned workers."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

from models.jobs import JobManager
from models.processes import ProcessId
from models.store import RunStore
from tests.conftest import ROOT
from tests.factories import FAST, SLOW_MLP, wait_for


@pytest.fixture
def store(tmp_path):
    return RunStore(tmp_path / "ws")


@pytest.fixture
def sleeper():
    """A real process standing in for a worker, killed at the end."""
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    yield process
    process.kill()
    process.wait()


def _cli_run_with_worker(store: RunStore, worker: ProcessId) -> str:
    run_id = store.create_run(FAST, status="running", origin="cli")
    store.mark_started(run_id, worker)
    with store.connect() as db:  # its last heartbeat is long past
        db.execute("UPDATE runs SET heartbeat = 0 WHERE id = ?", (run_id,))
    return run_id


def test_a_paused_command_line_run_whose_process_lives_stays_running(store, sleeper):
    os.kill(sleeper.pid, signal.SIGSTOP)
    run_id = _cli_run_with_worker(store, ProcessId.of(sleeper.pid))
    manager = JobManager(store, embedding_service=False)
    try:
        manager.recover()
        assert store.get(run_id).status == "running"
    finally:
        manager.shutdown()
        os.kill(sleeper.pid, signal.SIGCONT)


def test_a_run_whose_pid_now_belongs_to_another_process_is_interrupted(store, sleeper):
    alive = ProcessId.of(sleeper.pid)
    run_id = _cli_run_with_worker(store, ProcessId(alive.pid, alive.started - 100))
    manager = JobManager(store, embedding_service=False)
    try:
        assert store.get(run_id).status == "interrupted"
    finally:
        manager.shutdown()


def test_a_run_no_app_claimed_is_never_adopted_so_shutdown_cannot_stop_its_process(store, sleeper):
    """A run trained in its own process (as tests do in-process) has no owning app."""
    worker = ProcessId.of(sleeper.pid)
    run_id = store.create_run(FAST, status="running")  # origin "app", but no owner
    store.mark_started(run_id, worker)
    manager = JobManager(store, embedding_service=False)
    try:
        manager.recover()
        assert run_id not in manager.running_here()
    finally:
        manager.shutdown()
    assert worker.is_alive(), "shutting the manager down left the process alone"
    assert store.get(run_id).status == "running"


def test_a_worker_orphaned_by_a_killed_app_is_adopted_and_counts_against_concurrency(store):
    """A real app-like process starts a worker and is SIGKILLed; the next manager adopts it."""
    log = store.workspace / "server.log"
    with open(log, "wb") as output:  # the orphan keeps writing to it after the server is gone
        server = subprocess.Popen(
            [sys.executable, "-m", "tests.spawned", str(store.workspace)],
            cwd=ROOT,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_for(lambda: "serving" in log.read_text(errors="replace"), timeout=60)
        orphan_id = store.create_run(SLOW_MLP)
        wait_for(lambda: store.get(orphan_id).epoch >= 1, timeout=120)
        server.send_signal(signal.SIGKILL)
        server.wait()
    finally:
        server.kill()
    orphan = store.get(orphan_id).worker
    assert orphan.is_alive(), "the worker outlived its app"

    manager = JobManager(store, concurrency=1, poll_s=0.1, embedding_service=False)
    try:
        assert store.get(orphan_id).owner == manager.identity
        assert manager.running_here() == [orphan_id]
        queued = manager.submit(FAST)
        epoch = store.get(orphan_id).epoch
        wait_for(lambda: store.get(orphan_id).epoch >= epoch + 2, timeout=120)
        assert store.get(queued).status == "queued", "no second run beside the adopted one"
        manager.cancel(orphan_id)  # an adopted run can be cancelled like any other
        wait_for(lambda: store.get(orphan_id).status == "cancelled", timeout=120)
        wait_for(lambda: store.get(queued).status == "succeeded", timeout=120)
        assert not orphan.is_alive()
    finally:
        manager.shutdown()
        if orphan.is_alive():
            os.kill(orphan.pid, signal.SIGKILL)

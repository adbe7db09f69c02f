"""Runs queued jobs in spawned worker processes, a few at a time.

The queue lives in the run store, not in memory: any tab (or the CLI) adds a run
with status 'queued', and one scheduler thread per app process claims runs in
order. A worker that dies, or a run left 'running' by a previous app process,
is marked interrupted, never left running forever.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
import time
from dataclasses import dataclass

from models.explain.service import ServiceKeeper
from models.spec import RunSpec
from models.store import RunStore

log = logging.getLogger(__name__)

STALE_AFTER_S = 15.0  # no heartbeat for this long and no live process: the worker is gone
CANCEL_GRACE_S = 3.0  # a worker asked to stop gets this long before it is terminated
SERVICE_RESTART_S = 10.0  # least time between two starts of the embedding service


@dataclass
class _Worker:
    process: multiprocessing.process.BaseProcess
    cancel_seen: float | None = None


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class JobManager:
    """Owns the worker processes of this app process; safe to call from any thread."""

    def __init__(
        self,
        store: RunStore,
        concurrency: int = 1,
        poll_s: float = 0.25,
        embedding_service: bool = True,
    ) -> None:
        self.store = store
        self._embedding_service = embedding_service
        self._service: multiprocessing.process.BaseProcess | None = None
        self._service_started = -SERVICE_RESTART_S
        self.concurrency = max(1, int(concurrency))
        self.poll_s = poll_s
        self._workers: dict[str, _Worker] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._context = multiprocessing.get_context("spawn")
        self._explain_service = ServiceKeeper(self._context, store.workspace)
        self.recover()
        self._thread = threading.Thread(target=self._loop, name="glassbox-scheduler", daemon=True)
        self._thread.start()

    # --- what pages call ------------------------------------------------------

    def submit(self, spec: RunSpec, dataset_name: str = "") -> str:
        from models.registry import get_kind

        get_kind(spec.model)  # refuse unknown models before they reach the queue
        return self.store.create_run(spec, dataset_name=dataset_name)

    def cancel(self, run_id: str) -> None:
        self.store.request_cancel(run_id)

    def set_concurrency(self, value: int) -> None:
        self.concurrency = max(1, int(value))

    def running_here(self) -> list[str]:
        with self._lock:
            return list(self._workers)

    def shutdown(self, timeout: float = 5.0) -> None:
        """Stop scheduling and terminate this manager's workers (they end interrupted)."""
        self._stop.set()
        self._thread.join(timeout)
        with self._lock:
            workers = dict(self._workers)
        if self._service is not None:
            self._service.terminate()
        self._explain_service.stop()
        for worker in workers.values():
            worker.process.terminate()
        for run_id, worker in workers.items():
            worker.process.join(timeout)
            self.store.finish_if_running(run_id, "interrupted", "the app shut down during training")

    # --- the scheduler --------------------------------------------------------

    def recover(self) -> None:
        """Mark runs whose worker is gone (app restarted, process killed) as interrupted."""
        now = time.time()
        with self._lock:
            ours = set(self._workers)
        for run in self.store.list_runs(("running",)):
            if run.id in ours:
                continue
            stale = run.heartbeat is None or now - run.heartbeat > STALE_AFTER_S
            if stale or (run.pid and not _pid_alive(run.pid)):
                self.store.finish_if_running(
                    run.id,
                    "interrupted",
                    "the worker stopped without finishing (killed or app restarted)",
                )

    def _loop(self) -> None:
        last_recover = time.monotonic()
        steps = (self._reap, self._enforce_cancels, self._start_queued, self._keep_service_alive)
        while not self._stop.wait(self.poll_s):
            for step in steps:  # each step on its own, so one failing never starves the rest
                try:
                    step()
                except Exception:
                    log.exception("scheduler step %s failed", step.__name__)
            if time.monotonic() - last_recover > STALE_AFTER_S / 3:
                try:
                    self.recover()
                except Exception:
                    log.exception("recovering interrupted runs failed")
                last_recover = time.monotonic()

    def _reap(self) -> None:
        with self._lock:
            finished = {rid: w for rid, w in self._workers.items() if not w.process.is_alive()}
            for run_id in finished:
                del self._workers[run_id]
        for run_id, worker in finished.items():
            worker.process.join(0)
            code = worker.process.exitcode
            if worker.cancel_seen is not None:
                self.store.finish_if_running(run_id, "cancelled", "cancelled by the user")
            else:
                self.store.finish_if_running(
                    run_id,
                    "interrupted",
                    f"the worker process ended unexpectedly (exit code {code})",
                )

    def _enforce_cancels(self) -> None:
        with self._lock:
            workers = dict(self._workers)
        now = time.monotonic()
        for run_id, worker in workers.items():
            run = self.store.get(run_id)
            if run is None or not run.cancel_requested:
                continue
            if worker.cancel_seen is None:
                worker.cancel_seen = now
            elif now - worker.cancel_seen > CANCEL_GRACE_S and worker.process.is_alive():
                worker.process.terminate()  # e.g. a scikit-learn fit that cannot be interrupted

    def _keep_service_alive(self) -> None:
        """Start the embedding and explain services, and start them again if they died."""
        if self._embedding_service:
            self._explain_service.keep_alive()
        if not self._embedding_service or (self._service and self._service.is_alive()):
            return
        if time.monotonic() - self._service_started < SERVICE_RESTART_S:
            return  # a service that keeps dying is restarted slowly, not in a loop
        self._service_started = time.monotonic()
        from models.embedding.service import serve

        self._service = self._context.Process(
            target=serve,
            args=(str(self.store.workspace), os.getpid()),
            name="glassbox-embeddings",
            daemon=True,
        )
        self._service.start()

    def _start_queued(self) -> None:
        from models.worker import run_job

        while len(self.running_here()) < self.concurrency:
            run_id = self.store.claim_next_queued()
            if run_id is None:
                return
            process = self._context.Process(
                target=run_job,
                args=(str(self.store.workspace), run_id),
                name=f"glassbox-run-{run_id}",
                daemon=True,
            )
            process.start()
            with self._lock:
                self._workers[run_id] = _Worker(process)

"""Runs queued jobs in spawned worker processes, a few at a time.

The queue lives in the run store, not in memory: any tab (or the CLI) adds a run
with status 'queued', and one scheduler thread per app process claims runs in
order. A worker that dies, or a run left 'running' by a previous app process
whose worker is gone, is marked interrupted, never left running forever.

Where a run trains is the executor's business (models/executors/): warm local worker
processes by default, a Ray cluster when configured. The manager sees only a handle
per run that reads like a process (alive, exit code, terminate).

A worker outlives an app process that was killed. The next app process adopts
such a worker: it counts against the concurrency limit, can be cancelled, and
its run ends as the worker reports it. Liveness is decided by the process (pid
and start time), never by an old heartbeat alone: a paused worker still lives.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
import time
from dataclasses import dataclass

from models.executors import Executor, JobHandle, make_executor
from models.explain.service import ServiceKeeper
from models.processes import ProcessId
from models.spec import RunSpec
from models.store import Run, RunStore
from models.sweeps.driver import SweepDriver

log = logging.getLogger(__name__)

STALE_AFTER_S = 15.0  # a run with no worker recorded for this long has none
CANCEL_GRACE_S = 3.0  # a worker that neither stops nor saves this long after a cancel is killed
SERVICE_RESTART_S = 10.0  # least time between two starts of the embedding service


@dataclass
class _Worker:
    """A run this manager looks after: one its executor started, or one it adopted (pid only)."""

    process: JobHandle | None
    adopted: ProcessId | None = None
    cancel_seen: float | None = None

    def is_alive(self) -> bool:
        if self.process is not None:
            return self.process.is_alive()
        return self.adopted is not None and self.adopted.is_alive()

    def terminate(self) -> None:
        if self.process is not None:
            self.process.terminate()
        elif self.adopted is not None:
            self.adopted.terminate()

    def join(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        if self.process is not None:
            self.process.join(timeout)
        while self.adopted is not None and self.is_alive() and time.monotonic() < deadline:
            time.sleep(0.05)

    def ended_how(self) -> str:
        if self.process is not None:
            return self.process.ended_how()
        return "the worker process ended without finishing its run"


def _pid_alive(pid: int) -> bool:
    """For runs recorded before workers were named by pid and start time."""
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
        executor: Executor | None = None,
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
        self.identity = ProcessId.current()
        self.executor = executor or make_executor(str(store.workspace), self.concurrency)
        self._explain_service = ServiceKeeper(self._context, store.workspace)
        self._sweeps = SweepDriver(store, self.identity)
        self.recover()
        self._thread = threading.Thread(target=self._loop, name="glassbox-scheduler", daemon=True)
        self._thread.start()

    # --- what pages call ------------------------------------------------------

    def submit(self, spec: RunSpec, dataset_name: str = "", name: str = "", tags: str = "") -> str:
        from models.registry import get_kind

        get_kind(spec.model)  # refuse unknown models before they reach the queue
        return self.store.create_run(spec, dataset_name=dataset_name, name=name, tags=tags)

    def cancel(self, run_id: str) -> None:
        self.store.request_cancel(run_id)

    def set_concurrency(self, value: int) -> None:
        self.concurrency = max(1, int(value))
        self.executor.set_concurrency(self.concurrency)

    def running_here(self) -> list[str]:
        """Runs whose workers this manager spawned or adopted; they count against concurrency."""
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
            worker.terminate()
        for run_id, worker in workers.items():
            worker.join(timeout)
            self.store.finish_if_running(run_id, "interrupted", "the app shut down during training")
        self.executor.shutdown()

    # --- the scheduler --------------------------------------------------------

    def recover(self) -> None:
        """Adopt the live workers of a dead app process; mark runs whose worker is gone interrupted."""
        with self._lock:
            ours = set(self._workers)
        for run in self.store.list_runs(("running",)):
            if run.id in ours:
                continue
            owner = run.owner
            if owner is not None and owner.is_alive():
                continue  # another job manager (another app, or this one's twin) looks after it
            if run.on_ray:  # a Ray task dies with the app process that drove it
                self.store.finish_if_running(
                    run.id, "interrupted", "the app that sent it to the Ray cluster stopped"
                )
                continue
            if self._worker_alive(run):
                # Only a run some app process claimed: a run trained in another process
                # (the command line, a test training in its own process) was never a job
                # manager's, and adopting it would let this one terminate that process.
                adoptable = run.worker is not None and owner is not None and run.origin == "app"
                if adoptable and self.store.adopt(run.id, owner, self.identity):
                    log.info("adopted run %s, whose app process is gone", run.id)
                    with self._lock:
                        self._workers[run.id] = _Worker(None, adopted=run.worker)
                continue  # a command-line run looks after itself; a starting one is awaited
            self.store.finish_if_running(
                run.id,
                "interrupted",
                "the worker stopped without finishing (killed or app restarted)",
            )

    @staticmethod
    def _worker_alive(run: Run) -> bool:
        if run.worker is not None:
            return run.worker.is_alive()
        last_sign = run.heartbeat or run.started or run.created
        if time.time() - last_sign > STALE_AFTER_S:
            return False  # no worker was ever recorded, or one recorded before start times
        return run.pid is None or _pid_alive(run.pid)

    def _loop(self) -> None:
        last_recover = time.monotonic()
        steps = (
            self._reap,
            self._enforce_cancels,
            self._sweeps.step,  # before starting: a trial it queues starts this tick
            self._start_queued,
            self._keep_service_alive,
        )
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
            finished = {rid: w for rid, w in self._workers.items() if not w.is_alive()}
            for run_id in finished:
                del self._workers[run_id]
        for run_id, worker in finished.items():
            if worker.process is not None:
                worker.process.join(0)
            if worker.cancel_seen is not None:
                self.store.finish_if_running(
                    run_id,
                    "cancelled",
                    "cancelled by the user while it trained; it was stopped before it had results",
                )
            else:
                self.store.finish_if_running(run_id, "interrupted", worker.ended_how())

    def _enforce_cancels(self) -> None:
        """Kill a worker that was asked to stop and, after the grace, neither stops nor saves.

        A Keras trainer stops by itself at the next batch; a scikit-learn fit cannot, and
        is killed. A worker that is evaluating or saving is never killed (see store.SAVING).
        """
        with self._lock:
            workers = dict(self._workers)
        now = time.monotonic()
        for run_id, worker in workers.items():
            run = self.store.get(run_id)
            if run is not None and not run.cancel_requested:
                continue
            if worker.cancel_seen is None:
                worker.cancel_seen = now
            elif now - worker.cancel_seen > CANCEL_GRACE_S and worker.is_alive():
                if run is None or self.store.claim_termination(run_id):
                    worker.terminate()

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
            run_id = self.store.claim_next_queued(self.identity)
            if run_id is None:
                return
            try:
                handle = self.executor.start(run_id, run_job)
            except Exception as error:  # e.g. a dataset no cluster node can read
                log.exception("could not start run %s", run_id)
                self.store.finish(run_id, "failed", error=f"could not start: {error}")
                continue
            with self._lock:
                self._workers[run_id] = _Worker(handle)

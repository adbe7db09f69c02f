"""The embedded default: warm worker processes on this machine, reused across runs.

A run used to pay a process start and the TensorFlow import (most of a small run's
time). Here a worker, once spawned, stays and takes the next run; it is retired after
`max_runs` runs or once it holds more than `max_mb` of memory, so a leak cannot grow
without end. Each run keeps what a process of its own gave it: a pid in the store, a
cancel that kills the worker when the fit cannot stop, and SIGKILL ending it
'interrupted'. A killed worker is simply not reused; the next run gets a new one.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections.abc import Callable

from models.executors.warm_worker import PRELOAD, serve

DEFAULT_MAX_RUNS = 50
DEFAULT_MAX_MB = 3_000


def _env_int(name: str, default: int) -> int:
    try:
        return int(os.environ.get(name, "") or default)
    except ValueError:
        return default


class _WarmProcess:
    """One spawned worker and the pipe it takes runs from."""

    def __init__(self, context, threads: int, preload: tuple[str, ...]) -> None:
        self.conn, child = context.Pipe()
        self.process = context.Process(
            target=serve, args=(child, threads, preload), name="glassbox-worker", daemon=True
        )
        self.process.start()
        child.close()
        self.runs = 0
        self.rss = 0
        self.job: LocalJob | None = None
        self.lock = threading.Lock()

    def usable(self) -> bool:
        return self.job is None and self.process.is_alive()

    def retire(self) -> None:
        try:
            self.conn.send(None)
        except (BrokenPipeError, OSError):
            pass
        self.conn.close()


class LocalJob:
    """A run in a warm worker; alive until the worker reports it done or dies."""

    def __init__(self, executor: LocalExecutor, warm: _WarmProcess, run_id: str) -> None:
        self._executor, self._warm, self.run_id = executor, warm, run_id
        self._done = False
        self.where = executor.host

    @property
    def pid(self) -> int | None:
        return self._warm.process.pid

    @property
    def exitcode(self) -> int | None:
        self._collect()
        return 0 if self._done else self._warm.process.exitcode

    def _collect(self) -> None:
        if self._done:
            return
        warm = self._warm
        with warm.lock:
            try:
                if warm.conn.closed or not warm.conn.poll(0):
                    return
                _run_id, _code, warm.rss = warm.conn.recv()
            except (EOFError, OSError):
                return  # the process died; exitcode tells how
            self._done = True
        self._executor._released(warm)

    def is_alive(self) -> bool:
        self._collect()
        return not self._done and self._warm.process.is_alive()

    def terminate(self) -> None:
        if self.is_alive():
            self._warm.process.terminate()

    def join(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while self.is_alive() and time.monotonic() < deadline:
            time.sleep(0.02)
        if not self._done:
            self._warm.process.join(0)

    def ended_how(self) -> str:
        code = self.exitcode
        if code is None:
            return "the worker process ended without finishing its run"
        return f"the worker process ended unexpectedly (exit code {code})"


class LocalExecutor:
    """Warm workers for this app process; the job manager decides how many run at once."""

    name = "local"

    def __init__(
        self,
        workspace: str,
        concurrency: int = 1,
        max_runs: int | None = None,
        max_mb: int | None = None,
        preload: tuple[str, ...] = PRELOAD,
    ) -> None:
        import socket

        self.workspace = str(workspace)
        self.host = socket.gethostname()
        self.concurrency = max(1, int(concurrency))
        self.max_runs = max_runs or _env_int("GLASSBOX_WORKER_MAX_RUNS", DEFAULT_MAX_RUNS)
        self.max_mb = max_mb or _env_int("GLASSBOX_WORKER_MAX_MB", DEFAULT_MAX_MB)
        self.preload = preload
        self._context = multiprocessing.get_context("spawn")
        self._idle: list[_WarmProcess] = []
        self._lock = threading.Lock()
        self.spawned = 0  # workers started so far: how often a run paid a cold start

    def describe(self) -> str:
        plural = "s" if self.concurrency > 1 else ""
        return f"this machine ({self.host}), {self.concurrency} warm worker{plural}"

    def _threads(self) -> int:
        """Each worker's share of the cores when `concurrency` of them train at once; 0 (the
        libraries' own pool sizes) when one worker has the machine."""
        if self.concurrency == 1:
            return 0
        return max(1, (os.cpu_count() or 1) // self.concurrency)

    def start(self, run_id: str, target: Callable[[str, str], None] | None = None) -> LocalJob:
        if target is None:
            from models.worker import run_job as target
        with self._lock:
            while self._idle and not self._idle[-1].usable():
                self._idle.pop().retire()  # died while idle
            warm = self._idle.pop() if self._idle else self._spawn()
            job = LocalJob(self, warm, run_id)
            warm.job = job
            warm.runs += 1
        warm.conn.send((target, self.workspace, run_id))
        return job

    def _spawn(self) -> _WarmProcess:
        self.spawned += 1
        return _WarmProcess(self._context, self._threads(), self.preload)

    def _released(self, warm: _WarmProcess) -> None:
        """A worker's run is done: keep it for the next one unless it is worn or surplus."""
        with self._lock:
            warm.job = None
            worn = warm.runs >= self.max_runs or warm.rss > self.max_mb * 2**20
            if worn or len(self._idle) >= self.concurrency or not warm.process.is_alive():
                warm.retire()
                if worn and len(self._idle) < self.concurrency:
                    # Its successor imports while nobody waits, not when the next run comes.
                    self._idle.append(self._spawn())
            else:
                self._idle.append(warm)

    def set_concurrency(self, value: int) -> None:
        with self._lock:
            self.concurrency = max(1, int(value))
            while len(self._idle) > self.concurrency:
                self._idle.pop(0).retire()

    def idle_pids(self) -> list[int]:
        with self._lock:
            return [warm.process.pid for warm in self._idle if warm.process.is_alive()]

    def shutdown(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for warm in idle:
            warm.retire()
        for warm in idle:
            warm.process.join(2)
            if warm.process.is_alive():
                warm.process.terminate()

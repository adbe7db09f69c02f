"""A long-lived process that answers explanation requests, keeping recent runs' models loaded.

The first request about a Keras run pays for importing TensorFlow and loading the
model; the requests that follow it (the partial dependence of another column, the
contributions of another row) are answered from the loaded model at once. The job
manager keeps the process alive beside the embedding service (`ServiceKeeper`).
"""

from __future__ import annotations

import multiprocessing
import os
import time
import traceback
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path

from models.explain.queue import ExplainQueue, ExplainRequest
from models.store import RunStore

POLL_S = 0.2
KEEP_RUNS = 2  # runs whose models stay loaded
PROGRESS_EVERY_S = 0.3
RESTART_S = 10.0  # least time between two starts of the service


def serve(workspace: str, parent_pid: int) -> None:
    """Entry point of the spawned service; ends when its parent (the app) is gone."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    store = RunStore(workspace)
    queue = ExplainQueue(store)
    queue.requeue_running()
    answer_requests(store, queue, lambda: os.getppid() == parent_pid)


def answer_requests(store: RunStore, queue: ExplainQueue, alive: Callable[[], bool]) -> None:
    explainers: OrderedDict = OrderedDict()
    while alive():
        request = queue.claim()
        if request is None:
            time.sleep(POLL_S)
            continue
        handle(store, queue, request, explainers)


def handle(
    store: RunStore, queue: ExplainQueue, request: ExplainRequest, explainers: OrderedDict
) -> None:
    """Compute one request into the run's explain/ folder and record how it went."""
    from models.explain.tasks import RunExplainer, compute

    started = time.perf_counter()
    last = [0.0]
    names = (request.run_id, request.what, request.key)

    def progress(fraction: float, stage: str) -> None:
        if time.perf_counter() - last[0] >= PROGRESS_EVERY_S:
            last[0] = time.perf_counter()
            queue.update(*names, progress=float(fraction), stage=stage)

    try:
        if request.run_id not in explainers:
            queue.update(*names, stage="loading the model")
            explainers[request.run_id] = RunExplainer(store, request.run_id)
            while len(explainers) > KEEP_RUNS:
                explainers.popitem(last=False)
        explainers.move_to_end(request.run_id)
        compute(explainers[request.run_id], request.what, request.key, request.params, progress)
    except Exception as error:  # the request fails; the service keeps serving
        message = str(error) if isinstance(error, ValueError) else traceback.format_exc(limit=3)
        queue.update(*names, status="failed", error=message)
        return
    queue.update(*names, status="done", progress=1.0, seconds=time.perf_counter() - started)


class ServiceKeeper:
    """Starts the service in a spawned process, and again if it died (not in a loop)."""

    def __init__(self, context: multiprocessing.context.BaseContext, workspace: Path) -> None:
        self.context, self.workspace = context, Path(workspace)
        self.process: multiprocessing.process.BaseProcess | None = None
        self.started = -RESTART_S

    def keep_alive(self) -> None:
        if self.process is not None and self.process.is_alive():
            return
        if time.monotonic() - self.started < RESTART_S:
            return
        self.started = time.monotonic()
        self.process = self.context.Process(
            target=serve,
            args=(str(self.workspace), os.getpid()),
            name="glassbox-explain",
            daemon=True,
        )
        self.process.start()

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()

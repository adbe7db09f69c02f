"""A long-lived process that keeps UMAP's compiled code warm and answers embedding requests.

umap-learn compiles with numba on first use (tens of seconds); paying that once,
in the background after the app starts, means no click ever waits for it.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable

from models.embedding.cache import SNAPSHOT_PREFIX
from models.embedding.queue import EmbeddingQueue, EmbeddingRequest
from models.failure import failure_message
from models.store import RunStore

log = logging.getLogger(__name__)

POLL_S = 0.2


def serve(workspace: str, parent_pid: int) -> None:
    """Entry point of the spawned service; ends when its parent (the app) is gone."""
    from models.embedding.compute import warm_up_steps

    store = RunStore(workspace)
    queue = EmbeddingQueue(store)
    queue.requeue_running()
    answer_requests(store, queue, warm_up_steps(), lambda: os.getppid() == parent_pid)


def answer_requests(
    store: RunStore,
    queue: EmbeddingQueue,
    warming: list[Callable[[], None]],
    alive: Callable[[], bool],
) -> None:
    """A waiting request goes before the next warm-up step: a person who opens
    Explore right after start-up waits for the compiling their request needs
    (~15 s for a small set), not for all of it (up to 140 s)."""
    warming = list(warming)
    while alive():
        request = queue.claim()
        if request is not None:
            handle(store, queue, request)
        elif warming:
            warming.pop(0)()
        else:
            time.sleep(POLL_S)


def handle(store: RunStore, queue: EmbeddingQueue, request: EmbeddingRequest) -> None:
    """Compute one request into the run's embedding cache and record how it went."""
    from models.embedding.cache import compute_request

    started = time.perf_counter()

    def progress(fraction: float, stage: str) -> None:
        queue.update(request, progress=float(fraction), stage=stage)

    run_dir = store.run_dir(request.run_id)
    try:
        compute_request(run_dir, request.layer, request.settings, progress)
    except Exception as error:  # the request fails; the service keeps serving
        if not isinstance(error, ValueError):
            log.exception("embedding request %s/%s failed", request.run_id, request.layer)
        queue.update(request, status="failed", error=failure_message(error, "Computing the map"))
        return
    queue.update(request, status="done", progress=1.0, seconds=time.perf_counter() - started)
    if not request.layer.startswith(SNAPSHOT_PREFIX):
        queue_snapshot_frames(queue, request.run_id, run_dir)


def queue_snapshot_frames(queue: EmbeddingQueue, run_id: str, run_dir) -> None:
    """A run's snapshot frames are queued behind its first embedding, ready before Explore asks."""
    from models.embedding.cache import snapshot_request_layer
    from models.embedding.compute import EmbeddingSettings
    from models.snapshots import snapshot_layers

    for layer in snapshot_layers(run_dir):
        queue.ensure(run_id, snapshot_request_layer(layer), EmbeddingSettings())

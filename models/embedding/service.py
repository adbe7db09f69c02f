"""A long-lived process that answers embedding requests: a quick map at once, UMAP when compiled.

umap-learn compiles with numba on first use: 15 s after start-up on a quiet
machine, well over a minute on a busy one, and a new user opens the map inside
that window. So the compiling (``warm_up_steps``) runs in a thread of this
process and never holds a request up. Until it is done, a request small enough
(models.embedding.quick.QUICK_MAX_POINTS) is drawn at once as a quick map by a
helper process (models.embedding.quick_helper; a process, so it computes on the
other core instead of sharing the interpreter with the compiler), and every
request is computed with UMAP as soon as the part of the warm-up it needs is
done. Meanwhile the request's progress says what it waits for and for about how
long, from the warm-up's duration last time (models.embedding.warming).
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable

import numpy as np

from models.embedding.cache import SNAPSHOT_PREFIX
from models.embedding.queue import EmbeddingQueue, EmbeddingRequest
from models.embedding.warming import Warming
from models.failure import failure_message
from models.store import RunStore

log = logging.getLogger(__name__)

POLL_S = 0.2


def serve(workspace: str, parent_pid: int) -> None:
    """Entry point of the spawned service; ends when its parent (the app) is gone."""
    from models.embedding.compute import warm_up_steps
    from models.embedding.quick_helper import QuickHelper

    store = RunStore(workspace)
    queue = EmbeddingQueue(store)
    queue.requeue_running()
    warming = Warming(warm_up_steps(), store.workspace)
    warming.start()
    helper = QuickHelper(workspace)
    try:
        answer_requests(store, queue, warming, lambda: os.getppid() == parent_pid, helper)
    finally:
        helper.close()


def answer_requests(
    store: RunStore,
    queue: EmbeddingQueue,
    warming: Warming,
    alive: Callable[[], bool],
    helper=None,
) -> None:
    """Take each request as it comes; the ones UMAP cannot take yet wait in `waiting`
    (with a quick map drawn by `helper`, if there is one) and go as soon as it can."""
    waiting: list[EmbeddingRequest] = []
    last_note = 0.0
    while alive():
        if helper is not None and warming.done():
            helper.close()  # its memory back; UMAP answers everything now
        ready = [request for request in waiting if warming.ready_for(_points(store, request))]
        for request in ready:
            waiting.remove(request)
            handle(store, queue, request)
        request = queue.claim()
        if request is None:
            if waiting and time.monotonic() - last_note > 1.0:
                last_note = time.monotonic()
                for pending in waiting:
                    _note_wait(store, queue, pending, warming, helper)
            time.sleep(POLL_S)
        elif warming.ready_for(_points(store, request)):
            handle(store, queue, request)
        else:
            if helper is not None:
                helper.draw(request)
            waiting.append(request)
            _note_wait(store, queue, request, warming, helper)


def _points(store: RunStore, request: EmbeddingRequest) -> int:
    """How many points the request maps (0 if its features cannot be read: it fails fast)."""
    from models.artifacts import FEATURES_DIR
    from models.snapshots import MAX_SAMPLES

    if request.layer.startswith(SNAPSHOT_PREFIX):
        return MAX_SAMPLES
    path = store.run_dir(request.run_id) / FEATURES_DIR / f"{request.layer}.npy"
    try:
        return int(np.load(path, mmap_mode="r").shape[0])
    except (OSError, ValueError):
        return 0


def _note_wait(store, queue, request: EmbeddingRequest, warming: Warming, helper) -> None:
    """What the request waits for, and roughly how long, as its progress and stage."""
    drawing = helper is not None and helper.drawing(request)
    if drawing:
        return  # the helper reports its own progress while it draws
    left = warming.seconds_left(_points(store, request))
    when = f"about {left:.0f} s left" if left >= 1 else "almost done"
    quick = helper is not None and helper.drawn(request)
    stage = (
        f"quick map shown; UMAP is being compiled for its first use ({when})"
        if quick
        else f"waiting for UMAP to be compiled for its first use ({when})"
    )
    queue.update(request, progress=warming.fraction(_points(store, request)), stage=stage)


def handle(store: RunStore, queue: EmbeddingQueue, request: EmbeddingRequest) -> None:
    """Compute one request into the run's embedding cache and record how it went."""
    from models.embedding.cache import compute_request

    started = time.perf_counter()

    def progress(fraction: float, stage: str) -> None:
        queue.update(request, progress=float(fraction), stage=f"UMAP: {stage}")

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

"""The embedding service's request handling, end to end against a real store in tmp_path."""

from __future__ import annotations

import json
import subprocess
import sys
import threading

import numpy as np
import pytest

from models.embedding.cache import (
    cached_embedding,
    cached_frames,
    cached_quick,
    compute_quick,
    frames_path,
    snapshot_request_layer,
)
from models.embedding.compute import EmbeddingSettings
from models.embedding.queue import EmbeddingQueue
from models.embedding.service import answer_requests, handle
from models.embedding.warming import TIMINGS_FILE, Warming
from models.snapshots import SnapshotWriter
from models.spec import RunSpec
from models.store import RunStore

N = 90


def blobs(spread: float, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Three clusters in 16-D whose centres sit `spread` apart."""
    rng = np.random.default_rng(seed)
    labels = np.repeat(np.arange(3), N // 3)
    centres = np.eye(3, 16) * spread
    return (centres[labels] + rng.normal(size=(N, 16))).astype(np.float32), labels


def neighbour_agreement(coords: np.ndarray, labels: np.ndarray, k: int = 5) -> float:
    distances = ((coords[:, None, :] - coords[None, :, :]) ** 2).sum(-1)
    np.fill_diagonal(distances, np.inf)
    nearest = np.argsort(distances, axis=1)[:, :k]
    return float((labels[nearest] == labels[:, None]).mean())


@pytest.fixture
def served(tmp_path):
    store = RunStore(tmp_path / "ws")
    run_id = store.create_run(RunSpec("builtin:iris", "mlp", {}), status="succeeded")
    run_dir = store.run_dir(run_id)
    (run_dir / "features").mkdir()
    features, labels = blobs(spread=12.0)
    np.save(run_dir / "features" / "hidden.npy", features)
    return store, EmbeddingQueue(store), run_id, labels


def serve_one(store: RunStore, queue: EmbeddingQueue):
    request = queue.claim()
    assert request is not None, "nothing was queued"
    assert queue.get(request.run_id, request.layer, request.settings).status == "running"
    handle(store, queue, request)
    return queue.get(request.run_id, request.layer, request.settings)


def test_a_request_is_answered_into_the_runs_cache(served):
    store, queue, run_id, labels = served
    settings = EmbeddingSettings()
    assert queue.request(run_id, "hidden", settings).status == "queued"
    done = serve_one(store, queue)
    assert (done.layer, done.status, done.progress, done.error) == ("hidden", "done", 1.0, None)
    assert done.seconds is not None
    coords = cached_embedding(store.run_dir(run_id), "hidden", settings)
    assert coords.shape == (N, 2) and coords.dtype == np.float32
    assert neighbour_agreement(coords, labels) > 0.95  # the three clusters stay apart
    assert queue.request(run_id, "hidden", settings).status == "done"  # asking again is free
    assert queue.claim() is None


def test_a_bad_request_fails_with_its_reason_and_the_next_one_is_served(served):
    store, queue, run_id, _ = served
    queue.request(run_id, "no_such_layer", EmbeddingSettings())
    queue.request(run_id, "hidden", EmbeddingSettings(n_components=3))
    failed = serve_one(store, queue)
    assert failed.status == "failed"
    assert failed.error.startswith(
        "This run saved no features for layer 'no_such_layer'; pick one of: hidden"
    )
    assert serve_one(store, queue).status == "done"
    assert cached_embedding(
        store.run_dir(run_id), "hidden", EmbeddingSettings(n_components=3)
    ).shape == (N, 3)
    again = queue.request(run_id, "no_such_layer", EmbeddingSettings())
    assert again.status == "queued" and again.error is None  # a person asking retries a failure


def test_snapshot_frames_are_queued_behind_the_embedding_and_served_aligned(served):
    store, queue, run_id, _ = served
    run_dir = store.run_dir(run_id)
    snapshots_by_epoch = {
        epoch: blobs(spread, seed=epoch)[0] for epoch, spread in ((0, 0.5), (2, 4.0), (5, 12.0))
    }
    labels = blobs(1.0)[1]
    writer = SnapshotWriter(run_dir, "hidden", np.arange(N), labels)
    for epoch, features in snapshots_by_epoch.items():
        writer.write(epoch, features)

    queue.request(run_id, "hidden", EmbeddingSettings())
    serve_one(store, queue)
    frames_request = serve_one(store, queue)  # queued by the service itself
    assert frames_request.layer == snapshot_request_layer("hidden") == "snapshots:hidden"
    assert frames_request.status == "done"

    frames = cached_frames(run_dir, "hidden", EmbeddingSettings())
    assert frames_path(run_dir, "hidden", EmbeddingSettings()).exists()
    assert frames.epochs == [0, 2, 5] and frames.coords.shape == (3, N, 2)
    assert (frames.labels == labels).all()
    # classes pull apart over the epochs, as the snapshots were made to
    first, last = (
        neighbour_agreement(frames.coords[0], labels),
        neighbour_agreement(frames.coords[-1], labels),
    )
    assert last > 0.95 and first < last
    # aligned: the last-but-one frame sits near the last, not somewhere rotated or shifted
    span = np.ptp(frames.coords[-1], axis=0).max()
    assert np.median(np.linalg.norm(frames.coords[1] - frames.coords[2], axis=1)) < 0.5 * span


def test_a_failed_background_suggestion_is_not_retried(served):
    store, queue, run_id, _ = served
    layer = snapshot_request_layer("hidden")  # no snapshots were written: this fails
    queue.ensure(run_id, layer, EmbeddingSettings())
    failed = serve_one(store, queue)
    assert failed.status == "failed" and "feature_snapshots" in failed.error
    queue.ensure(run_id, layer, EmbeddingSettings())
    assert queue.get(run_id, layer, EmbeddingSettings()).status == "failed"
    assert queue.claim() is None


def test_redo_requeues_a_done_request_whose_file_is_gone(served):
    store, queue, run_id, _ = served
    settings = EmbeddingSettings()
    queue.request(run_id, "hidden", settings)
    serve_one(store, queue)
    for path in (store.run_dir(run_id) / "embeddings").iterdir():
        path.unlink()
    queue.redo(run_id, "hidden", settings)
    assert serve_one(store, queue).status == "done"
    assert cached_embedding(store.run_dir(run_id), "hidden", settings) is not None


def test_requests_are_answered_while_the_warm_up_still_compiles(served):
    """A small map goes as soon as its warm-up step is done, not after all of them."""
    store, queue, run_id, _ = served
    settings = EmbeddingSettings()
    release = threading.Event()
    warming = Warming([lambda: None, release.wait], workspace=store.workspace).start()
    queue.request(run_id, "hidden", settings)
    polls = iter(range(200))

    def alive() -> bool:
        return (
            next(polls, None) is not None and queue.get(run_id, "hidden", settings).status != "done"
        )

    answer_requests(store, queue, warming, alive)
    assert queue.get(run_id, "hidden", settings).status == "done"
    assert not warming.done()  # the second step is still "compiling"
    release.set()


def test_a_request_waiting_for_the_warm_up_says_for_what_and_about_how_long(served):
    store, queue, run_id, _ = served
    settings = EmbeddingSettings()
    release = threading.Event()
    warming = Warming([release.wait], workspace=store.workspace)
    warming.expected = [30.0]
    warming.start()
    queue.request(run_id, "hidden", settings)
    polls = iter(range(3))
    answer_requests(store, queue, warming, lambda: next(polls, None) is not None)
    waiting = queue.get(run_id, "hidden", settings)
    assert waiting.status == "running"
    assert "waiting for UMAP to be compiled" in waiting.stage
    assert "about 30 s left" in waiting.stage or "about 29 s left" in waiting.stage
    assert 0.0 <= waiting.progress < 0.1
    release.set()
    warming.thread.join()
    assert json.loads((store.workspace / TIMINGS_FILE).read_text())["seconds"][0] >= 0
    assert Warming([release.wait], workspace=store.workspace).expected[0] < 30.0  # learnt


def test_a_quick_map_keeps_clusters_apart_and_the_umap_map_replaces_it(served):
    store, queue, run_id, labels = served
    settings = EmbeddingSettings()
    run_dir = store.run_dir(run_id)
    compute_quick(run_dir, "hidden", settings)
    quick = cached_quick(run_dir, "hidden", settings)
    assert quick.shape == (N, 2) and quick.dtype == np.float32
    assert neighbour_agreement(quick, labels) > 0.95
    assert cached_embedding(run_dir, "hidden", settings) is None  # a quick map is not UMAP's
    queue.request(run_id, "hidden", settings)
    serve_one(store, queue)
    assert cached_embedding(run_dir, "hidden", settings) is not None
    assert cached_quick(run_dir, "hidden", settings) is None
    compute_quick(run_dir, "hidden", settings)  # once UMAP's map exists, no quick one is drawn
    assert cached_quick(run_dir, "hidden", settings) is None


def test_the_quick_map_needs_no_numba():
    code = (
        "import sys, numpy as np\n"
        "from models.embedding.quick import quick_embed\n"
        "from models.embedding.settings import EmbeddingSettings\n"
        "x = np.random.default_rng(0).normal(size=(300, 8)).astype(np.float32)\n"
        "assert quick_embed(x, EmbeddingSettings()).shape == (300, 2)\n"
        "print(sorted(m for m in ('numba', 'umap', 'pynndescent') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"

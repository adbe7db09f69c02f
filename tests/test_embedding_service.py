"""The embedding service's request handling, end to end against a real store in tmp_path."""

from __future__ import annotations

import numpy as np
import pytest

from models.embedding.cache import (
    cached_embedding,
    cached_frames,
    frames_path,
    snapshot_request_layer,
)
from models.embedding.compute import EmbeddingSettings
from models.embedding.queue import EmbeddingQueue
from models.embedding.service import answer_requests, handle
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


def test_waiting_requests_are_answered_before_each_warm_up_step(served):
    store, queue, run_id, _ = served
    settings = EmbeddingSettings()
    queue.request(run_id, "hidden", settings)  # waiting when the service starts
    seen = []

    def warm_step(name: str):
        def run() -> None:
            seen.append((name, queue.get(run_id, "hidden", settings).status))
            if name == "first":  # a person asks for 3-D while the service warms up
                queue.request(run_id, "hidden", EmbeddingSettings(n_components=3))

        return run

    rounds = iter(range(6))
    answer_requests(
        store,
        queue,
        [warm_step("first"), warm_step("second")],
        lambda: next(rounds, None) is not None,
    )
    assert seen == [("first", "done"), ("second", "done")]
    assert queue.get(run_id, "hidden", EmbeddingSettings(n_components=3)).status == "done"

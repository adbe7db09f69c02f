"""Embeddings of a run's saved features, cached per (layer, settings) in the run folder.

Reopening a view with the same settings reads a small .npy instead of refitting.
A layer named ``snapshots:<layer>`` means the aligned frames of that layer's
feature snapshots (see models/snapshots.py), cached as one .npz.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from models.artifacts import load_features
from models.embedding.compute import EmbeddingSettings

EMBEDDINGS_DIR = "embeddings"
SNAPSHOT_PREFIX = "snapshots:"

Progress = Callable[[float, str], None]


@dataclass(frozen=True)
class Frames:
    """Aligned coordinates of the snapshot sample, one (n, components) frame per epoch."""

    epochs: list[int]
    coords: np.ndarray  # (frames, n, components)
    labels: np.ndarray  # the sample's targets (class indices or values)


def snapshot_request_layer(layer: str) -> str:
    """The queue's layer name for the frames of `layer`'s snapshots."""
    return SNAPSHOT_PREFIX + layer


def embedding_path(run_dir: Path, layer: str, settings: EmbeddingSettings) -> Path:
    return run_dir / EMBEDDINGS_DIR / f"{layer}-{settings.key()}.npy"


def quick_path(run_dir: Path, layer: str, settings: EmbeddingSettings) -> Path:
    """Where the quick map drawn while UMAP compiles waits for the UMAP map to replace it."""
    return run_dir / EMBEDDINGS_DIR / f"{layer}-{settings.key()}.quick.npy"


def frames_path(run_dir: Path, layer: str, settings: EmbeddingSettings) -> Path:
    return run_dir / EMBEDDINGS_DIR / f"snapshots-{layer}-{settings.key()}.npz"


def cached_embedding(
    run_dir: Path, layer: str, settings: EmbeddingSettings | None = None
) -> np.ndarray | None:
    path = embedding_path(run_dir, layer, settings or EmbeddingSettings())
    return np.load(path, allow_pickle=False) if path.exists() else None


def cached_quick(run_dir: Path, layer: str, settings: EmbeddingSettings) -> np.ndarray | None:
    path = quick_path(run_dir, layer, settings)
    try:
        return np.load(path, allow_pickle=False)
    except FileNotFoundError:  # replaced by the UMAP map in the meantime
        return None


def compute_quick(
    run_dir: Path, layer: str, settings: EmbeddingSettings, progress: Progress | None = None
) -> None:
    """A quick map (models.embedding.quick) of the layer, unless its UMAP map exists."""
    from models.embedding.compute import validate_features
    from models.embedding.quick import quick_embed

    if embedding_path(run_dir, layer, settings).exists():
        return
    coords = quick_embed(validate_features(load_features(run_dir, layer)), settings, progress)
    _save_atomic(quick_path(run_dir, layer, settings), lambda tmp: np.save(tmp, coords))


def _save_atomic(path: Path, write: Callable[[Path], None]) -> None:
    path.parent.mkdir(exist_ok=True)
    tmp = path.with_name(path.stem + f".tmp{os.getpid()}{path.suffix}")
    write(tmp)
    os.replace(tmp, path)


def compute_embedding(
    run_dir: Path,
    layer: str,
    settings: EmbeddingSettings | None = None,
    progress: Progress | None = None,
) -> np.ndarray:
    from models.embedding.compute import embed

    settings = settings or EmbeddingSettings()
    path = embedding_path(run_dir, layer, settings)
    if path.exists():
        return np.load(path, allow_pickle=False)
    coords = embed(load_features(run_dir, layer), settings, progress)
    _save_atomic(path, lambda tmp: np.save(tmp, coords))
    quick_path(run_dir, layer, settings).unlink(missing_ok=True)  # the real map replaces it
    return coords


def cached_frames(run_dir: Path, layer: str, settings: EmbeddingSettings) -> Frames | None:
    path = frames_path(run_dir, layer, settings)
    if not path.exists():
        return None
    with np.load(path, allow_pickle=False) as saved:
        return Frames(saved["epochs"].tolist(), saved["coords"], saved["labels"])


def compute_frames(
    run_dir: Path, layer: str, settings: EmbeddingSettings, progress: Progress | None = None
) -> Frames:
    """Aligned frames of the layer's snapshots, so points keep their place between epochs."""
    from models.embedding.align import embed_aligned
    from models.snapshots import load_snapshots

    cached = cached_frames(run_dir, layer, settings)
    if cached is not None:
        return cached
    snaps = load_snapshots(run_dir, layer)
    coords = np.stack(embed_aligned(snaps.features, settings, progress)).astype(np.float32)
    frames = Frames(snaps.epochs, coords, snaps.labels)
    path = frames_path(run_dir, layer, settings)
    _save_atomic(
        path,
        lambda tmp: np.savez(
            tmp, epochs=np.asarray(frames.epochs), coords=coords, labels=frames.labels
        ),
    )
    return frames


def compute_request(
    run_dir: Path, layer: str, settings: EmbeddingSettings, progress: Progress | None = None
) -> None:
    """Whatever a queued request names: a layer's embedding or a layer's snapshot frames."""
    if layer.startswith(SNAPSHOT_PREFIX):
        compute_frames(run_dir, layer[len(SNAPSHOT_PREFIX) :], settings, progress)
    else:
        compute_embedding(run_dir, layer, settings, progress)

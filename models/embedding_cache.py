"""Embeddings of a run's saved features, cached per (layer, settings) in the run folder.

Reopening a view with the same settings reads a small .npy instead of refitting.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import numpy as np

from models.artifacts import load_features
from models.embedding import EmbeddingSettings, embed

EMBEDDINGS_DIR = "embeddings"


def embedding_path(run_dir: Path, layer: str, settings: EmbeddingSettings) -> Path:
    return run_dir / EMBEDDINGS_DIR / f"{layer}-{settings.key()}.npy"


def cached_embedding(
    run_dir: Path, layer: str, settings: EmbeddingSettings | None = None
) -> np.ndarray | None:
    path = embedding_path(run_dir, layer, settings or EmbeddingSettings())
    return np.load(path, allow_pickle=False) if path.exists() else None


def compute_embedding(
    run_dir: Path,
    layer: str,
    settings: EmbeddingSettings | None = None,
    progress: Callable[[float, str], None] | None = None,
) -> np.ndarray:
    settings = settings or EmbeddingSettings()
    path = embedding_path(run_dir, layer, settings)
    if path.exists():
        return np.load(path, allow_pickle=False)
    coords = embed(load_features(run_dir, layer), settings, progress)
    path.parent.mkdir(exist_ok=True)
    tmp = path.with_name(path.stem + f".tmp{os.getpid()}.npy")
    np.save(tmp, coords)
    os.replace(tmp, path)
    return coords

"""One map per training epoch, arranged so that points do not jump between frames.

Approach: embed the LAST snapshot exactly as ``embed`` would (so the final frame
equals the static explorer view for the same settings), then walk backwards:
each earlier snapshot is laid out starting from the coordinates of the frame
after it, with a low learning rate (``_FOLLOW_LEARNING_RATE``) so the layout
fine-tunes instead of re-arranging. Finally every earlier frame is
similarity-Procrustes aligned (rotation/reflection, uniform scale,
translation) onto its successor, which removes the per-axis rescaling UMAP
applies to an initial layout.

Compared on 2,000 points x 5 snapshots (clusters forming from noise): umap-learn's
AlignedUMAP is steadier but more than ten times slower (it fits a full UMAP per
snapshot plus a joint 200-epoch layout, and its layout is parallel, so not
reproducible); independent maps aligned by Procrustes keep per-frame quality but
clusters swap places between frames. The chained layout is at least as trustworthy
per frame as independent maps, moves points about a third less, and is as fast.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from data.dataset import DatasetError
from models.embedding.compute import EmbeddingSettings, Progress, embed

_FOLLOW_LEARNING_RATE = 0.1


def embed_aligned(
    snapshots: list[np.ndarray],
    settings: EmbeddingSettings,
    progress: Progress | None = None,
) -> list[np.ndarray]:
    """Coordinates for each snapshot of the same points, aligned across snapshots."""
    _check_snapshots(snapshots)
    report = progress or (lambda fraction, stage: None)
    follow = dataclasses.replace(settings, learning_rate=_FOLLOW_LEARNING_RATE)
    count = len(snapshots)
    frames: list[np.ndarray | None] = [None] * count
    later: np.ndarray | None = None
    for done, index in enumerate(reversed(range(count))):
        report(done / count, f"frame {index + 1} of {count}")
        if later is None:
            frame = embed(snapshots[index], settings)
        else:
            frame = embed(snapshots[index], follow, init_coords=later)
            frame = align_to(frame, later)
        frames[index] = later = frame
    report(1.0, "done")
    return [np.asarray(frame, dtype=np.float32) for frame in frames]


def align_to(moving: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """Best similarity transform of ``moving`` onto ``reference`` (same points, same order)."""
    from scipy.linalg import orthogonal_procrustes

    moving = np.asarray(moving, dtype=np.float64)
    reference = np.asarray(reference, dtype=np.float64)
    moving_centre, reference_centre = moving.mean(axis=0), reference.mean(axis=0)
    centred = moving - moving_centre
    norm = float((centred**2).sum())
    if norm == 0.0:
        return np.broadcast_to(reference_centre, moving.shape).astype(np.float32)
    rotation, singular_sum = orthogonal_procrustes(centred, reference - reference_centre)
    scale = singular_sum / norm
    return (scale * centred @ rotation + reference_centre).astype(np.float32)


def _check_snapshots(snapshots: list[np.ndarray]) -> None:
    if len(snapshots) == 0:
        raise DatasetError("No snapshots to embed; record features for at least one epoch.")
    shapes = {np.shape(snapshot) for snapshot in snapshots}
    if len(shapes) > 1:
        listed = ", ".join(str(np.shape(snapshot)) for snapshot in snapshots)
        raise DatasetError(
            f"Snapshots must all have the same shape (same points, same layer), got {listed}. "
            "Record every epoch's features for the same fixed sample."
        )

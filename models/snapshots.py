"""Feature snapshots of a fixed sample at chosen epochs: the feature space over training.

A run may keep, for a few epochs, the activations of its default feature layer for
the same few training samples, so Explore can show classes pulling apart as the
model learns. It is off by default (``feature_snapshots`` = 0) and bounded: at most
``MAX_SAMPLES`` samples, ``MAX_SNAPSHOTS`` epochs and ``MAX_VALUES`` floats in all
(a wide layer gets fewer samples), picked by the run's seed.

Files, in ``<run>/snapshots/<layer>/``: ``sample.npz`` (positions in the fitted
training rows, their labels) and one ``epoch_NNNN.npy`` (samples × width, float32)
per recorded epoch; epoch 0 is the untrained model. No TensorFlow here: the Keras
callback that feeds this module lives in ``models.keras_training``.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from data.dataset import DatasetError

SNAPSHOTS_DIR = "snapshots"
SAMPLE_FILE = "sample.npz"
PARAM = "feature_snapshots"
MAX_SAMPLES = 2_000
MAX_SNAPSHOTS = 12
MAX_VALUES = MAX_SAMPLES * MAX_SNAPSHOTS * 256  # ~25 MB of float32 per run at most
MIN_SAMPLES = 3  # fewer points cannot be embedded
_EPOCH_FILE = re.compile(r"^epoch_(\d{4,})\.npy$")


@dataclass(frozen=True)
class SnapshotPlan:
    """Which epochs to record (0 = before training) and the seed that picks the sample."""

    epochs: tuple[int, ...]
    seed: int


@dataclass(frozen=True)
class Snapshots:
    """What a run recorded for one layer, in epoch order."""

    layer: str
    epochs: list[int]
    features: list[np.ndarray]
    positions: np.ndarray
    labels: np.ndarray


def _spread(count: int, last_epoch: int) -> list[int]:
    """`count` epochs from 0 (untrained) to the last one, as evenly apart as whole epochs allow."""
    if count >= last_epoch + 1:
        return list(range(last_epoch + 1))
    return sorted({int(round(e)) for e in np.linspace(0, last_epoch, count)})


def _as_epoch_list(value: Any) -> list[int]:
    if isinstance(value, str):
        parts = [part for part in re.split(r"[,\s]+", value.strip()) if part]
        if not all(part.lstrip("-").isdigit() for part in parts):
            raise DatasetError(
                f"{PARAM}={value!r} is not a list of epochs; give whole numbers such as "
                "'0,1,2,5,10', or one number for that many snapshots spread over training."
            )
        return [int(part) for part in parts]
    return [int(epoch) for epoch in value]


def parse_epochs(value: Any, last_epoch: int) -> tuple[tuple[int, ...], list[str]]:
    """The epochs to record and notes about what was dropped.

    One number means that many snapshots spread over training (0 = off); a list
    names the epochs. More than MAX_SNAPSHOTS are thinned evenly, keeping the ends.
    """
    if value is None or value is False or value == "" or value == 0:
        return (), []
    notes: list[str] = []
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if value < 0 or int(value) != value:
            raise DatasetError(
                f"{PARAM} must be a whole number of snapshots (0 = off) or a list of epochs, "
                f"got {value}."
            )
        count = int(value)
        if count > MAX_SNAPSHOTS:
            notes.append(f"Feature snapshots: {count} asked, kept {MAX_SNAPSHOTS} (the limit).")
        return tuple(_spread(min(count, MAX_SNAPSHOTS), last_epoch)), notes
    wanted = sorted(set(_as_epoch_list(value)))
    if any(epoch < 0 for epoch in wanted):
        raise DatasetError(f"{PARAM} lists a negative epoch ({wanted[0]}); epochs start at 0.")
    late = [epoch for epoch in wanted if epoch > last_epoch]
    if late:
        notes.append(
            f"Feature snapshots at epochs {', '.join(map(str, late))} were skipped: "
            f"the run has {last_epoch} epochs."
        )
    wanted = [epoch for epoch in wanted if epoch <= last_epoch]
    if len(wanted) > MAX_SNAPSHOTS:
        keep = np.unique(np.round(np.linspace(0, len(wanted) - 1, MAX_SNAPSHOTS)).astype(int))
        notes.append(
            f"Feature snapshots: {len(wanted)} epochs asked, kept {len(keep)} (the limit)."
        )
        wanted = [wanted[k] for k in keep]
    return tuple(wanted), notes


def plan_for(value: Any, seed: int, last_epoch: int, notes: list[str]) -> SnapshotPlan | None:
    """The plan for a run's `feature_snapshots` value, or None when off; appends notes."""
    epochs, said = parse_epochs(value, last_epoch)
    notes.extend(said)
    return SnapshotPlan(epochs, int(seed)) if epochs else None


def sample_size(n_rows: int, n_snapshots: int, width: int) -> int:
    """How many samples fit the bounds: MAX_SAMPLES, and MAX_VALUES floats in all."""
    by_values = MAX_VALUES // max(1, n_snapshots * max(1, width))
    return int(min(n_rows, MAX_SAMPLES, max(MIN_SAMPLES, by_values)))


def choose_sample(n_rows: int, n_snapshots: int, width: int, seed: int) -> np.ndarray:
    """Sorted positions of the fixed sample among the training rows; same seed, same sample."""
    size = sample_size(n_rows, n_snapshots, width)
    if size >= n_rows:
        return np.arange(n_rows)
    return np.sort(np.random.default_rng(seed).choice(n_rows, size=size, replace=False))


def _check_layer(layer: str) -> str:
    if not layer or not layer.replace("_", "").replace("-", "").isalnum():
        raise ValueError(f"not a layer name: {layer!r}")
    return layer


def layer_dir(run_dir: Path, layer: str) -> Path:
    return run_dir / SNAPSHOTS_DIR / _check_layer(layer)


class SnapshotWriter:
    """Writes one layer's snapshots; each file appears whole (temporary name, then rename)."""

    def __init__(self, run_dir: Path, layer: str, positions: np.ndarray, labels: np.ndarray):
        self.folder = layer_dir(run_dir, layer)
        self.folder.mkdir(parents=True, exist_ok=True)
        tmp = self.folder / "sample.tmp.npz"
        np.savez(tmp, positions=np.asarray(positions), labels=np.asarray(labels))
        os.replace(tmp, self.folder / SAMPLE_FILE)

    def write(self, epoch: int, features: np.ndarray) -> Path:
        path = self.folder / f"epoch_{int(epoch):04d}.npy"
        tmp = self.folder / f"epoch_{int(epoch):04d}.tmp.npy"
        values = np.asarray(features, dtype=np.float32)
        np.save(tmp, values.reshape(len(values), -1))
        os.replace(tmp, path)
        return path


def snapshot_epochs(run_dir: Path, layer: str) -> list[int]:
    folder = layer_dir(run_dir, layer)
    if not folder.is_dir():
        return []
    found = (_EPOCH_FILE.match(path.name) for path in folder.iterdir())
    return sorted(int(match.group(1)) for match in found if match)


def snapshot_layers(run_dir: Path) -> list[str]:
    """Layers with a sample file and at least two recorded epochs (one frame is no motion)."""
    root = run_dir / SNAPSHOTS_DIR
    if not root.is_dir():
        return []
    layers = []
    for folder in sorted(root.iterdir()):
        if (folder / SAMPLE_FILE).exists() and len(snapshot_epochs(run_dir, folder.name)) >= 2:
            layers.append(folder.name)
    return layers


def load_snapshots(run_dir: Path, layer: str) -> Snapshots:
    folder = layer_dir(run_dir, layer)
    epochs = snapshot_epochs(run_dir, layer)
    if not epochs or not (folder / SAMPLE_FILE).exists():
        raise DatasetError(
            f"This run kept no feature snapshots of '{layer}'. Train it again with "
            f"'{PARAM}' set (e.g. 6) to record the feature space over training."
        )
    with np.load(folder / SAMPLE_FILE, allow_pickle=False) as sample:
        positions, labels = sample["positions"], sample["labels"]
    features = [np.load(folder / f"epoch_{epoch:04d}.npy", allow_pickle=False) for epoch in epochs]
    return Snapshots(layer, epochs, features, positions, labels)

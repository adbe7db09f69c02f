"""Files a run leaves in its folder, written by the worker and read by the pages.

Everything the views need is saved as NumPy/JSON, so the dashboard shows a finished
run without importing TensorFlow. Writes go to a temporary name and are renamed,
so a killed worker never leaves half a file behind. The results of a run are written
into a temporary folder inside the run folder and moved into place with meta.json
last: a run folder has either all its results or none (readers look for meta.json).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from models.outcome import TrainOutcome

PREDICTIONS = "predictions.npz"
META = "meta.json"
FEATURES_DIR = "features"


def atomic_write_json(path: Path, value: Any) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(value, indent=1))
    os.replace(tmp, path)


def save_outcome(
    run_dir: Path,
    outcome: TrainOutcome,
    notes: list[str],
    capabilities: Iterable[str],
    modality: str,
) -> None:
    """Write the results (predictions, feature layers, meta.json with what the run can show)
    into a temporary folder, then move them in, meta.json last."""
    run_dir = Path(run_dir)
    staging = Path(tempfile.mkdtemp(prefix=".results-", dir=run_dir))
    try:
        _write_results(staging, outcome, notes, capabilities, modality)
        (run_dir / META).unlink(missing_ok=True)  # results saved before are void from here
        shutil.rmtree(run_dir / FEATURES_DIR, ignore_errors=True)
        os.replace(staging / FEATURES_DIR, run_dir / FEATURES_DIR)
        os.replace(staging / PREDICTIONS, run_dir / PREDICTIONS)
        os.replace(staging / META, run_dir / META)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _write_results(
    folder: Path,
    outcome: TrainOutcome,
    notes: list[str],
    capabilities: Iterable[str],
    modality: str,
) -> None:
    arrays = {
        "test_index": outcome.test_index,
        "y_true": outcome.y_true,
        "y_pred": outcome.y_pred,
    }
    if outcome.proba is not None:
        arrays["proba"] = outcome.proba
    np.savez(folder / PREDICTIONS, **arrays)
    features_dir = folder / FEATURES_DIR
    features_dir.mkdir()
    for layer, values in outcome.features.items():
        np.save(features_dir / f"{layer}.npy", values.astype(np.float32))
    meta = {
        "task": outcome.task,
        "class_names": outcome.class_names,
        "model_file": outcome.model_file,
        "feature_layers": list(outcome.features),
        "notes": notes,
        **outcome.extra,
        "modality": modality,
        "capabilities": sorted(capabilities),
    }
    (folder / META).write_text(json.dumps(meta, indent=1))


@dataclass(frozen=True)
class RunResults:
    """What a finished run's folder holds, loaded for the views."""

    task: str
    class_names: list[str]
    test_index: np.ndarray
    y_true: np.ndarray
    y_pred: np.ndarray
    proba: np.ndarray | None
    feature_layers: list[str]
    notes: list[str]
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def confidence(self) -> np.ndarray | None:
        return None if self.proba is None else self.proba.max(axis=1)

    @property
    def correct(self) -> np.ndarray:
        return self.y_true == self.y_pred


def load_results(run_dir: Path) -> RunResults | None:
    """None while the run has produced no results yet."""
    if not (run_dir / PREDICTIONS).exists() or not (run_dir / META).exists():
        return None
    meta = json.loads((run_dir / META).read_text())
    with np.load(run_dir / PREDICTIONS, allow_pickle=False) as arrays:
        proba = arrays["proba"] if "proba" in arrays else None
        return RunResults(
            task=meta["task"],
            class_names=meta["class_names"],
            test_index=arrays["test_index"],
            y_true=arrays["y_true"],
            y_pred=arrays["y_pred"],
            proba=proba,
            feature_layers=meta.get("feature_layers", []),
            notes=meta.get("notes", []),
            meta=meta,
        )


def load_features(run_dir: Path, layer: str) -> np.ndarray:
    if not layer.replace("_", "").replace("-", "").isalnum():
        raise ValueError(f"not a layer name: {layer!r}")
    path = run_dir / FEATURES_DIR / f"{layer}.npy"
    if not path.exists():
        saved = sorted(p.stem for p in (run_dir / FEATURES_DIR).glob("*.npy"))
        raise ValueError(
            f"This run saved no features for layer '{layer}'; "
            f"pick one of: {', '.join(saved) or 'none (train a model with learned features)'}."
        )
    return np.load(path, allow_pickle=False)

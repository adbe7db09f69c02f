"""What a trainer hands back, and the context it trains in (what it is asked: models.request).

Trainers differ by modality and framework; the worker saves every outcome the same
way, so the Explore views read one format whatever trained the model.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np

Task = Literal["classification", "regression"]


@dataclass
class TrainContext:
    """The worker's side of a run: where to save, and how to report and be stopped."""

    run_dir: Path
    log_epoch: Callable[[int, dict[str, float], int], None]
    set_phase: Callable[[str], None]
    set_progress: Callable[[int, int, float], None]
    cancelled: Callable[[], bool]
    notes: list[str] = field(default_factory=list)
    # Called as the first epoch begins, with the rows one epoch trains on: the store times
    # epochs (and estimates what is left) from here, not from loading and preprocessing.
    start_fit: Callable[[int], None] = lambda rows: None


@dataclass
class TrainOutcome:
    """Test-set results of a finished (or stopped) training.

    `y_true`/`y_pred` are class indices into `class_names` for classification and
    floats for regression. `features` maps a layer name to (n_test, d) activations
    for the embedding views; the first key is the default layer.
    """

    task: Task
    class_names: list[str]
    test_index: np.ndarray
    y_true: np.ndarray
    y_pred: np.ndarray
    proba: np.ndarray | None
    features: dict[str, np.ndarray] = field(default_factory=dict)
    model_file: str = ""
    fit_seconds: float = 0.0
    train_samples: int = 0
    epochs_run: int = 0
    cancelled: bool = False
    extra: dict[str, Any] = field(default_factory=dict)
    # What inspecting this run's model found it can show, beyond its kind's declared
    # capabilities (a model a person loads declares nothing: all of it is found).
    capabilities: frozenset[str] = frozenset()


class Stopwatch:
    def __init__(self) -> None:
        self.start = time.perf_counter()

    @property
    def seconds(self) -> float:
        return time.perf_counter() - self.start

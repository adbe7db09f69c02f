"""What a run is asked to do: everything needed to train it again the same way."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class RunSpec:
    """A training job. Plain data, so it round-trips through JSON in the run store.

    `dataset_options` carries the choices that turn a stored file into a dataset
    (the target column of a CSV, the text and label columns, an image size).
    `folds` > 0 makes the run fold `fold` of a k-fold cross-validation: it is tested on
    that fold instead of a `test_size` hold-out (data/folds.py).
    """

    dataset: str
    model: str
    params: dict[str, Any] = field(default_factory=dict)
    seed: int = 0
    test_size: float = 0.2
    dataset_options: dict[str, Any] = field(default_factory=dict)
    folds: int = 0
    fold: int = 0

    def __post_init__(self) -> None:
        if not self.dataset:
            raise ValueError("a run needs a dataset reference")
        if not 0.05 <= float(self.test_size) <= 0.5:
            raise ValueError(f"test_size must be between 0.05 and 0.5, got {self.test_size}")
        if self.folds and not 0 <= self.fold < self.folds:
            raise ValueError(f"fold {self.fold} is not one of the {self.folds} folds")

    @property
    def fold_plan(self) -> tuple[int, int] | None:
        """(fold, k) for a cross-validation fold, None for a hold-out run."""
        return (int(self.fold), int(self.folds)) if self.folds else None

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> RunSpec:
        return cls(**json.loads(text))

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
    """

    dataset: str
    model: str
    params: dict[str, Any] = field(default_factory=dict)
    seed: int = 0
    test_size: float = 0.2
    dataset_options: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.dataset:
            raise ValueError("a run needs a dataset reference")
        if not 0.05 <= float(self.test_size) <= 0.5:
            raise ValueError(f"test_size must be between 0.05 and 0.5, got {self.test_size}")

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> RunSpec:
        return cls(**json.loads(text))

"""A run's saved model as one function: encoded rows in, an (n, outputs) array out.

Class probabilities for classification, the prediction (one column) for
regression, whatever framework made the model. Explanations call it on tens of
thousands of made-up rows; a Keras model is called directly on large chunks, not
through `model.predict`, whose per-call set-up costs more than the arithmetic on
inputs this small (about 4× slower over many batches).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

MAX_CHUNK = 8192
MIN_CHUNK = 256
CHUNK_CELLS = 2**22  # rows × inputs² per chunk: bounds attention's (rows, heads, T, T) too


def chunk_rows(n_inputs: int) -> int:
    """Rows per model call: large for speed, smaller for wide inputs, whose attention
    maps grow with the square of the width."""
    return int(np.clip(CHUNK_CELLS // max(n_inputs, 1) ** 2, MIN_CHUNK, MAX_CHUNK))


@dataclass(frozen=True)
class Predictor:
    """`outputs` names the columns of what it returns: class names, or ["prediction"]."""

    task: str
    outputs: list[str]
    call: Callable[[np.ndarray], np.ndarray]

    @property
    def classification(self) -> bool:
        return self.task == "classification"

    def __call__(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=np.float32)
        if len(x) == 0:
            return np.zeros((0, len(self.outputs)))
        step = chunk_rows(x.shape[1])
        parts = [self.call(x[start : start + step]) for start in range(0, len(x), step)]
        return np.concatenate(parts).reshape(len(x), len(self.outputs)).astype(np.float64)


def keras_predictor(model: Any, task: str, outputs: list[str]) -> Predictor:
    def call(x: np.ndarray) -> np.ndarray:
        return np.asarray(model(x, training=False))

    return Predictor(task, outputs, call)


def sklearn_predictor(estimator: Any, task: str, outputs: list[str]) -> Predictor:
    if task == "classification":
        return Predictor(task, outputs, estimator.predict_proba)
    return Predictor(task, outputs, estimator.predict)

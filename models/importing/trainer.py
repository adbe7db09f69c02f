"""The trainer of "imported" runs: it evaluates a person's model instead of fitting one.

The worker calls it like any trainer (models/kinds/imported.py), so an imported run
is queued, watched, saved and explored exactly like a trained one. It splits the
data with the same seed and test share a trained run would use (so the two compare
on the same test rows), copies the model into the run folder in the form the
views expect (a Keras image model reads raw 0–255 pixels of the dataset's size; a
table model reads rows through a saved preprocessor), and records what inspecting
the model found it can show.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from data.dataset import Data
from data.splits import split_indices
from models.importing.pairing import Pairing
from models.outcome import Stopwatch, TrainContext, TrainOutcome
from models.request import TrainRequest


def no_builder(*_: Any) -> None:
    """Imported runs build nothing; the registry's contract still names a builder."""
    return None


def _labels(data: Data, pairing: Pairing) -> tuple[np.ndarray, np.ndarray]:
    """(targets in the model's output order, the same rows' sorted-name codes for splitting)."""
    labels = np.asarray(data.labels).astype(str)
    codes = np.searchsorted(sorted(set(labels.tolist())), labels)
    position = {name: i for i, name in enumerate(pairing.class_order)}
    return np.asarray([position[name] for name in labels], np.int32), codes


def split(data: Data, pairing: Pairing, test_size: float, seed: int):
    """Test rows as a trained run of this dataset, seed and test share would pick them."""
    if pairing.task == "regression":
        y = data.labels.astype(np.float32)
        _, test = split_indices(np.zeros(len(y)), test_size, seed)
        return y, test
    y, codes = _labels(data, pairing)
    _, test = split_indices(codes, test_size, seed)
    return y, test


def train(data: Data, request: TrainRequest, ctx: TrainContext) -> TrainOutcome:
    params = request.params
    pairing = Pairing(**params["pairing"])
    ctx.set_phase("loading the model")
    watch = Stopwatch()
    if str(params["model_path"]).endswith(".keras"):
        from models.importing.keras_eval import evaluate
    else:
        from models.importing.sklearn_eval import evaluate
    ctx.set_phase("evaluating")
    outcome = evaluate(data, pairing, request, ctx)
    outcome.extra.update(
        imported_from=str(params.get("file_name", "")),
        class_order=pairing.class_order,
        evaluate_seconds=watch.seconds,
    )
    return outcome


def probabilities(scores: np.ndarray, notes: list[str]) -> np.ndarray:
    """Class probabilities from a model's outputs: as they are, or softmaxed from logits,
    or [1 − p, p] from one sigmoid output."""
    scores = np.asarray(scores, np.float64)
    if scores.ndim == 1 or scores.shape[1] == 1:
        p = np.clip(scores.reshape(-1), 0.0, 1.0)
        notes.append("The model's one output was read as the probability of the second class.")
        return np.stack([1 - p, p], axis=1).astype(np.float32)
    sums = scores.sum(axis=1)
    if scores.min() >= 0 and np.allclose(sums, 1.0, atol=1e-3):
        return scores.astype(np.float32)
    notes.append("The model's outputs do not sum to 1, so they were read as logits (softmaxed).")
    shifted = np.exp(scores - scores.max(axis=1, keepdims=True))
    return (shifted / shifted.sum(axis=1, keepdims=True)).astype(np.float32)


def no_features_note(reason: str) -> str:
    return (
        f"The model has no layer usable as features for the embedding view ({reason}); the "
        "embedding view shows the inputs themselves."
    )

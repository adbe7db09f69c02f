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

from data.dataset import Data
from models.importing.pairing import Pairing
from models.outcome import Stopwatch, TrainContext, TrainOutcome
from models.request import TrainRequest


def no_builder(*_: Any) -> None:
    """Imported runs build nothing; the registry's contract still names a builder."""
    return None


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

"""Trains one run, start to finish, in whatever process calls it.

The job manager calls `run_job` in a freshly spawned process; the CLI calls
`execute` in its own. Either way the run store is the only channel out: status,
epochs, progress, errors and a heartbeat that lets a reader tell a live worker
from a dead one. The registry turns the run's spec into the trainer's request
(defaults merged, builder loaded); afterwards the worker writes the run's
capabilities into meta.json: the kind's declared ones plus what the outcome shows.
"""

from __future__ import annotations

import os
import socket
import threading
import traceback
from pathlib import Path

from models.artifacts import save_outcome
from models.failure import failure_message
from models.kinds.base import ModelKind
from models.outcome import TrainContext, TrainOutcome
from models.processes import ProcessId
from models.store import SAVING, STOPPING, RunStore

# Also how often a cancel is looked for: a sweep stops a poor trial by cancelling it, and
# every second it keeps training after that is spent for nothing.
HEARTBEAT_S = 0.5
# Every trainer sets the phase "evaluating" once its fit has returned. From there on a
# cancel lets the run finish evaluating and saving: killing it would throw away the
# training that already happened.
PAST_TRAINING = ("evaluating", "saving")


class _Heartbeat(threading.Thread):
    """Writes a heartbeat each second and turns a cancel request into an in-process flag."""

    def __init__(self, store: RunStore, run_id: str) -> None:
        super().__init__(daemon=True, name=f"heartbeat-{run_id}")
        self.store, self.run_id = store, run_id
        self.cancel = threading.Event()
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(HEARTBEAT_S):
            try:
                if self.store.heartbeat(self.run_id):
                    self.cancel.set()
            except Exception:  # a locked database must not kill training
                continue


def run_job(workspace: str, run_id: str) -> None:
    """Entry point of a spawned worker process."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    store = RunStore(workspace)
    execute(store, run_id)
    from models.crossval.runner import continue_group

    continue_group(store, run_id, execute)  # a cross-validation's next folds, in this process


def execute(store: RunStore, run_id: str) -> str:
    """Train the run and record how it ended; returns the final status.

    A run that was deleted or closed before or while it trained is left alone:
    nothing is recorded and the status it has (or "deleted") is returned.
    """
    if not store.mark_started(run_id, ProcessId.current(), socket.gethostname()):
        return _status_now(store, run_id)
    beat = _Heartbeat(store, run_id)
    if store.heartbeat(run_id):
        beat.cancel.set()
    beat.start()
    ctx = _context(store, run_id, beat.cancel)
    try:
        kind, outcome = _train(store, run_id, ctx)
        status = "cancelled" if outcome.cancelled else "succeeded"
        if not _finish_outcome(store, run_id, ctx, kind, outcome, status):
            status = _status_now(store, run_id)
    except Exception as error:  # the run fails; the process and other runs do not
        status = "failed"
        if not store.finish(
            run_id,
            "failed",
            error=failure_message(error),
            traceback=traceback.format_exc(),
        ):
            status = _status_now(store, run_id)
    finally:
        beat.done.set()
    return status


def _status_now(store: RunStore, run_id: str) -> str:
    run = store.get(run_id)
    return run.status if run else "deleted"


def _context(store: RunStore, run_id: str, cancel: threading.Event) -> TrainContext:
    """The trainer's view of the run; phases and cancel checks also tell the job manager
    when this worker stops or saves by itself, so it is not killed meanwhile."""

    def set_phase(phase: str) -> None:
        if phase in PAST_TRAINING:
            store.enter_endgame(run_id, SAVING)
        store.set_phase(run_id, phase)

    def cancelled() -> bool:
        if not cancel.is_set():
            return False
        store.enter_endgame(run_id, STOPPING)  # a trainer that asks stops at a safe point
        return True

    return TrainContext(
        run_dir=store.run_dir(run_id),
        log_epoch=lambda epoch, metrics, epochs: store.log_epoch(run_id, epoch, metrics, epochs),
        set_phase=set_phase,
        set_progress=lambda epoch, epochs, frac: store.set_progress(run_id, epoch, epochs, frac),
        cancelled=cancelled,
        start_fit=lambda rows: store.start_fit(run_id, rows),
    )


def _train(store: RunStore, run_id: str, ctx: TrainContext) -> tuple[ModelKind, TrainOutcome]:
    from data.registry import load_dataset
    from models.registry import get_kind

    run = store.get(run_id)
    spec = run.spec
    kind = get_kind(spec.model)
    dataset = load_dataset(spec.dataset, store.workspace, spec.dataset_options)
    if dataset.kind != kind.modality:
        raise ValueError(
            f"{kind.label} trains on {kind.modality} data, but {dataset.name} is {dataset.kind}"
        )
    ctx.set_phase("starting TensorFlow" if kind.framework == "keras" else "starting")
    return kind, kind.load_trainer()(dataset.data, kind.request(spec), ctx)


def run_capabilities(
    declared: frozenset[str], outcome: TrainOutcome, run_dir: Path, epochs_logged: int
) -> frozenset[str]:
    """The kind's declared capabilities plus what this run's outcome shows it has."""
    from models import capabilities as caps
    from models.snapshots import snapshot_layers

    found = set(declared) | set(outcome.capabilities)
    if epochs_logged:
        found.add(caps.CURVES)
    if outcome.features:
        found.add(caps.FEATURES)
    if snapshot_layers(run_dir):
        found.add(caps.SNAPSHOTS)
    if outcome.proba is not None:
        found.add(caps.PROBABILITIES)
    return caps.check(found)


def _finish_outcome(
    store: RunStore,
    run_id: str,
    ctx: TrainContext,
    kind: ModelKind,
    outcome: TrainOutcome,
    status: str,
) -> bool:
    """Save the results, then close the run; False if it was closed or deleted meanwhile."""
    from models import metrics

    ctx.set_phase("saving")
    found = run_capabilities(kind.capabilities, outcome, ctx.run_dir, len(store.history(run_id)))
    save_outcome(ctx.run_dir, outcome, ctx.notes, found, kind.modality)
    # A streamed table's trainer counted every test row; its y_true/y_pred are a sample.
    final = outcome.extra.get("test_metrics") or metrics.summary(
        outcome.task, outcome.y_true, outcome.y_pred, outcome.proba
    )
    if outcome.fit_seconds > 0:
        final["fit_seconds"] = outcome.fit_seconds
        final["train_samples_per_s"] = (
            outcome.train_samples * outcome.epochs_run / outcome.fit_seconds
        )
    if not store.finish(run_id, status, final_metrics=final):
        return False
    if status == "succeeded":
        layer = next(iter(outcome.features), None)
        # A store on another machine (models/executors/ray_store.py) forwards the requests
        # to the app's node, where the embedding and explain services read them.
        forward = getattr(store, "after_success", None)
        if forward is not None:
            forward(run_id, layer, kind.modality)
        else:
            after_success(store, run_id, layer, kind.modality)
    return True


def after_success(store: RunStore, run_id: str, layer: str | None, modality: str) -> None:
    """Queue the default map and the explanations, so Explore finds them ready."""
    if layer is not None:
        try:
            _request_default_embedding(store, run_id, layer)
        except Exception:  # the run has succeeded; Explore asks again when opened
            pass
    try:
        from models.explain.queue import after_training

        after_training(store, run_id, modality)
    except Exception:  # as above: Explore asks for it when opened
        pass


def _request_default_embedding(store: RunStore, run_id: str, layer: str) -> None:
    """Queued now so the warm embedding service has it ready before Explore opens."""
    from models.embedding.compute import EmbeddingSettings
    from models.embedding.queue import EmbeddingQueue

    EmbeddingQueue(store).request(run_id, layer, EmbeddingSettings())

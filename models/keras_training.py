"""Keras plumbing every deep trainer shares: seeding, the store callback, fitting, features.

Imported only inside the worker process (it imports TensorFlow).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402

from models import inspection, snapshots  # noqa: E402
from models.export.tensorboard import make_callback  # noqa: E402
from models.outcome import Stopwatch, TrainContext  # noqa: E402
from models.request import TrainRequest  # noqa: E402

PROGRESS_INTERVAL_S = 0.5
# (x, y, shuffle) -> what model.fit iterates over; see `fit`.
Batches = Callable[[np.ndarray, np.ndarray, bool], Any]


def seed_everything(seed: int) -> None:
    """Same spec and seed → same weights and batches on the same machine and TF build."""
    import tensorflow as tf

    keras.utils.set_random_seed(seed)
    try:
        tf.config.experimental.enable_op_determinism()
    except Exception:  # pragma: no cover - older builds without the switch
        pass


class StoreCallback(keras.callbacks.Callback):
    """Writes each epoch to the run store and stops training when a cancel arrives.

    Batch-level work is one clock read and one flag check; the store is written
    at most every PROGRESS_INTERVAL_S, so training speed is untouched.
    """

    def __init__(self, ctx: TrainContext, epochs: int, steps: int, rows: int = 0) -> None:
        super().__init__()
        self.ctx, self.epochs, self.steps, self.rows = ctx, epochs, max(steps, 1), rows
        self.epoch = 0
        self.last_write = 0.0
        self.cancelled = False
        self.epochs_done = 0  # epochs that ran to the end (fewer than planned after a cancel)

    def on_train_begin(self, logs: dict | None = None) -> None:
        self.ctx.start_fit(self.rows)

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        self.epoch = epoch

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        now = time.monotonic()
        if now - self.last_write < PROGRESS_INTERVAL_S:
            return
        self.last_write = now
        if self.ctx.cancelled():
            self.cancelled = True
            self.model.stop_training = True
        fraction = (self.epoch + (batch + 1) / self.steps) / self.epochs
        self.ctx.set_progress(self.epoch, self.epochs, min(fraction, 1.0))

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        self.epochs_done = epoch + 1
        self.ctx.log_epoch(epoch + 1, dict(logs or {}), self.epochs)
        if self.ctx.cancelled():
            self.cancelled = True
            self.model.stop_training = True


class SnapshotCallback(keras.callbacks.Callback):
    """Records a layer's activations of a fixed training sample at the planned epochs.

    Costs one predict over at most a few thousand samples per planned epoch,
    and nothing on the epochs in between.
    """

    def __init__(
        self,
        plan: snapshots.SnapshotPlan,
        x: np.ndarray,
        y: np.ndarray,
        run_dir,
        layer: str | None = None,
    ) -> None:
        super().__init__()
        self.plan, self.x, self.y, self.run_dir, self.layer = plan, x, y, run_dir, layer
        self.probe: keras.Model | None = None

    def on_train_begin(self, logs: dict | None = None) -> None:
        self.layer = self.layer or default_feature_layer(self.model)
        self.probe = keras.Model(self.model.inputs, self.model.get_layer(self.layer).output)
        width = int(np.prod(self.probe.outputs[0].shape[1:]))
        positions = snapshots.choose_sample(
            len(self.x), len(self.plan.epochs), width, self.plan.seed
        )
        self.sample = self.x[positions]
        self.writer = snapshots.SnapshotWriter(
            self.run_dir, self.layer, positions, self.y[positions]
        )
        self._record(0)

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        self._record(epoch + 1)

    def _record(self, epoch: int) -> None:
        if epoch in self.plan.epochs:
            values = self.probe.predict(self.sample, batch_size=256, verbose=0)
            self.writer.write(epoch, np.asarray(values).reshape(len(self.sample), -1))


def early_stopping(
    patience: int, has_validation: bool, notes: list[str]
) -> keras.callbacks.EarlyStopping | None:
    """Stop once the validation loss has not improved for `patience` epochs, and keep the
    weights of its best epoch; None when off (patience 0) or without validation rows."""
    if int(patience) <= 0:
        return None
    if not has_validation:
        notes.append(
            "Early stopping was off: it watches the validation loss, and this run held out no "
            "validation rows (set a validation split above 0 to use it)."
        )
        return None
    return keras.callbacks.EarlyStopping(
        monitor="val_loss", patience=int(patience), restore_best_weights=True
    )


def early_stopping_note(stopper: keras.callbacks.EarlyStopping, epochs_done: int) -> str:
    """What early stopping did, for the run's notes."""
    best = stopper.best_epoch + 1
    if stopper.stopped_epoch > 0:
        return (
            f"Early stopping ended training after epoch {epochs_done}: the validation loss "
            f"had not improved for {stopper.patience} epochs. Kept the weights of epoch {best}, "
            "the best on the validation rows."
        )
    return f"Early stopping kept the weights of epoch {best}, the best on the validation rows."


def class_weights(y: np.ndarray, balance: bool, notes: list[str]) -> dict[int, float] | None:
    """Weights n / (k · count) per class, so each class counts as much as the others in the
    loss: a rare class's mistakes cost more. None when off, or for a numeric target."""
    if not balance:
        return None
    if not np.issubdtype(np.asarray(y).dtype, np.integer):
        notes.append("Class weights were off: the target is a number (regression), not classes.")
        return None
    classes, counts = np.unique(y, return_counts=True)
    weights = len(y) / (len(classes) * counts)
    shown = ", ".join(f"{int(c)}: {w:.2f}" for c, w in zip(classes, weights, strict=True))
    notes.append(f"Classes weighted by rarity in the loss (class index: weight): {shown}.")
    return {int(c): float(w) for c, w in zip(classes, weights, strict=True)}


def compile_classifier(model: keras.Model, learning_rate: float) -> keras.Model:
    """Adam on sparse categorical cross-entropy, the loss every softmax classifier here uses."""
    model.compile(
        optimizer=keras.optimizers.Adam(float(learning_rate)),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model


def decay_learning_rate(model: keras.Model, epochs: int, steps: int) -> float:
    """Lower the learning rate from the chosen one to zero along a half cosine; returns it.

    At a constant rate the last epochs keep jumping between solutions: on the shapes
    set a CNN's validation accuracy swung between 0.6 and 0.8 from epoch to epoch (its
    batch norm statistics never caught up with the moving weights) and the run ended
    wherever the last jump landed: 0.68 test accuracy, 0.89 with the decay. A schedule
    is computed inside the training step, so it costs nothing per batch.
    """
    optimizer = model.optimizer
    base = float(keras.ops.convert_to_numpy(optimizer.learning_rate))
    decay_steps = max(int(epochs) * int(steps), 1)
    optimizer.learning_rate = keras.optimizers.schedules.CosineDecay(base, decay_steps)
    return base


def default_feature_layer(model: keras.Model) -> str:
    """The layer that feeds the output layer, looking through dropout (models.inspection).

    That is the penultimate representation every trainer lists first among its
    features (hidden_k, 'features', the pooled sentence vector).
    """
    return inspection.feature_layer(model) or model.layers[-2].name


@dataclass
class FitSetup:
    """The callbacks every Keras fit here runs with, whatever feeds it the rows."""

    epochs: int
    batch_size: int
    store: StoreCallback
    callbacks: list[keras.callbacks.Callback]
    stopper: keras.callbacks.EarlyStopping | None

    def finish(self, notes: list[str]) -> None:
        if self.stopper is not None and not self.store.cancelled:
            notes.append(early_stopping_note(self.stopper, self.store.epochs_done))


def fit_setup(
    model: keras.Model,
    request: TrainRequest,
    ctx: TrainContext,
    rows: int,
    has_validation: bool,
    snapshot_sample: Callable[[], tuple[np.ndarray, np.ndarray]] | None = None,
    snapshot_layer: str | None = None,
) -> FitSetup:
    """Store callback, TensorBoard event files, learning-rate decay, feature snapshots and
    early stopping for a fit
    over `rows` training rows per epoch; `snapshot_sample()` gives the rows snapshots keep
    (called only when the run asks for snapshots)."""
    params = request.params
    epochs, batch_size = int(params["epochs"]), int(params["batch_size"])
    steps = int(np.ceil(rows / batch_size))
    callback = StoreCallback(ctx, epochs, steps, rows)
    base = decay_learning_rate(model, epochs, steps)
    ctx.notes.append(f"Learning rate {base:g} at the start, decaying to 0 along a cosine.")
    callbacks: list[keras.callbacks.Callback] = [callback, make_callback(ctx.run_dir, params)]
    plan = snapshots.plan_for(params[snapshots.PARAM], request.seed, epochs, ctx.notes)
    if plan is not None and snapshot_sample is not None:
        x, y = snapshot_sample()
        callbacks.insert(0, SnapshotCallback(plan, x, y, ctx.run_dir, snapshot_layer))
    stopper = early_stopping(params["early_stopping_patience"], has_validation, ctx.notes)
    if stopper is not None:
        callbacks.append(stopper)
    return FitSetup(epochs, batch_size, callback, callbacks, stopper)


def fit(
    model: keras.Model,
    x_train: np.ndarray,
    y_train: np.ndarray,
    validation: tuple[np.ndarray, np.ndarray] | None,
    request: TrainRequest,
    ctx: TrainContext,
    snapshot_layer: str | None = None,
    batches: Batches | None = None,
) -> tuple[StoreCallback, float]:
    """Fit with the store callback; returns it (for .cancelled) and the fit's wall time.

    Epochs and batch size come from the request; TensorBoard event files are written
    under the run folder (models/export/tensorboard.py). If the run asks for feature
    snapshots (see models.snapshots), they are recorded for `snapshot_layer`, by
    default the layer feeding the output. `batches(x, y, shuffle)` turns arrays into
    the batches to fit on (e.g. texts batched by length); by default Keras batches them.
    """
    sample = (lambda: (x_train, y_train)) if isinstance(x_train, np.ndarray) else None
    setup = fit_setup(
        model, request, ctx, len(x_train), validation is not None, sample, snapshot_layer
    )
    watch = Stopwatch()
    weights = class_weights(y_train, bool(request.params["balance_classes"]), ctx.notes)
    if batches is None:
        inputs = {"x": x_train, "y": y_train, "batch_size": setup.batch_size, "shuffle": True}
    else:
        inputs = {"x": batches(x_train, y_train, True), "shuffle": False}  # they shuffle
        validation = validation and batches(*validation, False)
    model.fit(
        **inputs,
        validation_data=validation,
        epochs=setup.epochs,
        callbacks=setup.callbacks,
        class_weight=weights,
        verbose=0,
    )
    setup.finish(ctx.notes)
    return setup.store, watch.seconds


@dataclass(frozen=True)
class Fitted:
    """How a fit went, in the terms a TrainOutcome records."""

    callback: StoreCallback
    seconds: float
    samples: int

    def outcome_fields(self) -> dict[str, Any]:
        return {
            "fit_seconds": self.seconds,
            "train_samples": self.samples,
            "epochs_run": self.callback.epochs_done,
            "cancelled": self.callback.cancelled,
        }


def fit_request(
    model: keras.Model,
    x: np.ndarray,
    y: np.ndarray,
    request: TrainRequest,
    ctx: TrainContext,
    stratify: bool = True,
    batches: Batches | None = None,
) -> Fitted:
    """Hold out the request's validation share of the training rows, then fit on the rest."""
    x_fit, y_fit, validation = validation_split(
        x, y, float(request.params["validation_split"]), request.seed, stratify
    )
    ctx.set_phase("training")
    callback, seconds = fit(model, x_fit, y_fit, validation, request, ctx, batches=batches)
    return Fitted(callback, seconds, len(x_fit))


def layer_features(
    model: keras.Model, x: np.ndarray, layer_names: list[str], batch_size: int = 256
) -> dict[str, np.ndarray]:
    """Activations of the named layers, flattened to (n, d), in one pass."""
    if not layer_names:
        return {}
    inputs = model.inputs[0] if len(model.inputs) == 1 else model.inputs  # called as the model
    probe = keras.Model(inputs, [model.get_layer(name).output for name in layer_names])
    outputs = predict_eager(probe, x, batch_size)
    if len(layer_names) == 1:
        outputs = [outputs]
    return {
        name: np.asarray(out, dtype=np.float32).reshape(len(x), -1)
        for name, out in zip(layer_names, outputs, strict=True)
    }


def predict_eager(model: keras.Model, x: np.ndarray, batch_size: int = 256) -> Any:
    """`model.predict` without its tf.function: called once per run on the test rows, the
    trace of a predict function costs more than the prediction itself (half a second a
    model, twice per run: outputs and features). Same numbers; one array per output."""
    chunks = [
        model(x[start : start + batch_size], training=False)
        for start in range(0, max(len(x), 1), batch_size)
    ]
    if isinstance(chunks[0], (list, tuple)):
        return [
            np.concatenate([keras.ops.convert_to_numpy(c[i]) for c in chunks])
            for i in range(len(chunks[0]))
        ]
    return np.concatenate([keras.ops.convert_to_numpy(c) for c in chunks])


def validation_split(
    x: np.ndarray, y: np.ndarray, fraction: float, seed: int, stratify: bool
) -> tuple[np.ndarray, np.ndarray, tuple[np.ndarray, np.ndarray] | None]:
    """Hold out part of the training rows for validation curves (never the test rows)."""
    if fraction <= 0:
        return x, y, None
    from data.splits import split_indices

    train, val = split_indices(y if stratify else np.zeros(len(y)), fraction, seed + 1, stratify)
    return x[train], y[train], (x[val], y[val])

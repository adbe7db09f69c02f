"""Training a table kind on a table read from disk (data.bigtable), as a run like any other.

The Keras trainer of every table kind (models.tabular.networks) and the scikit-learn one
(models.tabular.baselines) hand a streamed table here; everything but the reading is
theirs: the builder's inputs (keras_parts.input_sizes), the callbacks (keras_training.
fit_setup: store, learning-rate decay, snapshots, early stopping) and the outcome
(keras_parts.evaluated_outcome). A Keras model learns from every training row, window by
window; a scikit-learn model, which needs its rows in memory, from a stated random sample.
Metrics count every test row (exact tallies); the views that show rows use a fixed random
sample of test rows, whose raw values are saved beside the run (models.tabular.
stream_results), so Explore never reads the big table again.

Imported only inside the worker process.
"""

from __future__ import annotations

import time

import joblib
import numpy as np

from data.bigtable.batches import split_sample
from data.bigtable.rowkeys import SplitPlan
from data.bigtable.streamed import StreamedTable, prepare_stream
from data.bigtable.transform import TableTransform
from models import skops_io
from models.outcome import Stopwatch, TrainContext, TrainOutcome
from models.request import TrainRequest
from models.tabular.columns import PREPROCESSOR_STEM
from models.tabular.stream_metrics import ClassificationTally, tally_summary
from models.tabular.stream_prep import StreamPreprocessor
from models.tabular.stream_results import save_test_rows

# A scikit-learn model fits in memory: at most this many training rows, and this many bytes
# of features, whichever is fewer.
SKLEARN_SAMPLE_ROWS = 200_000
SKLEARN_SAMPLE_BYTES = 400 << 20
PHASE_EVERY_S = 1.0


def train_keras(table: StreamedTable, request: TrainRequest, ctx: TrainContext) -> TrainOutcome:
    from models import keras_training as keras_common
    from models.tabular.keras_parts import evaluated_outcome, input_sizes
    from models.tabular.streaming import TEST_SAMPLE_ROWS, evaluate_streaming, fit_streaming

    keras_common.seed_everything(request.seed)
    validation = float(request.params.get("validation_split", 0.0))
    transform, preprocessor = _prepare(table, request, ctx, validation)
    stats, names = transform.stats, transform.feature_names
    task, classes = stats.target.task, stats.target.class_names
    model = request.build(
        *input_sizes(len(names), classes, task, preprocessor, names, request.settings)
    )
    has_validation = validation > 0 and stats.split_rows["validation"] > 0

    def snapshot_rows() -> tuple[np.ndarray, np.ndarray]:
        sample = split_sample(table.source, transform, 5000, bad_lines=table.bad_lines)
        return sample.x, sample.y

    setup = keras_common.fit_setup(
        model, request, ctx, stats.train_rows, has_validation, snapshot_rows
    )
    if request.params.get("balance_classes") and task == "classification":
        ctx.notes.append(
            "Class weights were off: a table read from disk trains without them so far; "
            "load a smaller copy of the table as an upload to weight classes."
        )
    ctx.set_phase("training")
    fitted = fit_streaming(
        model,
        table.source,
        transform,
        setup.epochs,
        setup.batch_size,
        validation=has_validation,
        bad_lines=table.bad_lines,
        callbacks=setup.callbacks,
    )
    setup.finish(ctx.notes)
    ctx.set_phase("evaluating")
    model.save(ctx.run_dir / "model.keras")
    found = evaluate_streaming(model, table.source, transform, TEST_SAMPLE_ROWS, table.bad_lines)
    ctx.notes.append(found.note)
    save_test_rows(table, stats, found.sample_rows, ctx.run_dir)
    fields = keras_common.Fitted(setup.store, fitted.seconds, stats.train_rows).outcome_fields()
    outcome = evaluated_outcome(
        model,
        found.sample_x,
        found.sample_y,
        np.arange(len(found.sample_rows)),
        (task, classes, names),
        fields,
        output=found.sample_output,
    )
    outcome.extra.update(_streamed_extra(table, found.tally, found.sample_rows))
    return outcome


def train_sklearn(table: StreamedTable, request: TrainRequest, ctx: TrainContext) -> TrainOutcome:
    from models.tabular.streaming import TEST_SAMPLE_ROWS, evaluate_streaming

    transform, _ = _prepare(table, request, ctx, validation=0.0)
    stats, names = transform.stats, transform.feature_names
    task, classes = stats.target.task, stats.target.class_names
    ctx.set_phase("reading a sample of the training rows")
    wanted = min(SKLEARN_SAMPLE_ROWS, SKLEARN_SAMPLE_BYTES // max(4 * len(names), 1))
    sample = split_sample(table.source, transform, wanted, bad_lines=table.bad_lines)
    ctx.notes.append(_sample_note(len(sample.rows), stats.train_rows))
    estimator = request.build(task, request.seed)
    ctx.set_phase("training")
    ctx.start_fit(len(sample.rows))
    watch = Stopwatch()
    estimator.fit(sample.x, sample.y)
    seconds = watch.seconds
    ctx.set_phase("evaluating")
    skops_io.save(estimator, ctx.run_dir / "model.skops")
    found = evaluate_streaming(
        _BatchPredictor(estimator, task), table.source, transform, TEST_SAMPLE_ROWS, table.bad_lines
    )
    ctx.notes.append(found.note)
    save_test_rows(table, stats, found.sample_rows, ctx.run_dir)
    classify = task == "classification"
    output = found.sample_output
    return TrainOutcome(
        task=task,
        class_names=classes,
        test_index=np.arange(len(found.sample_rows)),
        y_true=found.sample_y,
        y_pred=output.argmax(axis=1) if classify else output.ravel().astype(np.float32),
        proba=output.astype(np.float32) if classify else None,
        features={"input": found.sample_x},
        model_file="model.skops",
        fit_seconds=seconds,
        train_samples=len(sample.rows),
        epochs_run=1,
        extra={"feature_names": names, **_streamed_extra(table, found.tally, found.sample_rows)},
    )


def split_plan(table: StreamedTable, request: TrainRequest, validation: float) -> SplitPlan:
    """The run's test share and seed, the kind's validation share of the training rows:
    the shares the in-memory path uses, assigned by hashing each row's key."""
    spec = request.spec
    return SplitPlan(
        test=float(spec.test_size),
        validation=validation,
        seed=request.seed,
        key_column=table.key_column,
    )


def _prepare(
    table: StreamedTable, request: TrainRequest, ctx: TrainContext, validation: float
) -> tuple[TableTransform, StreamPreprocessor]:
    """Profile and statistics (cached per version of the files), saved as the run's
    preprocessor, so Explore transforms raw rows as training did."""
    if table.workspace is None:
        raise ValueError("a table on disk needs the workspace its statistics are cached in")
    ctx.set_phase("reading the table")
    progress = _PhaseProgress(ctx, "reading the table")
    task = request.spec.dataset_options.get("task")
    plan = split_plan(table, request, validation)
    transform = prepare_stream(table, table.workspace, plan, task, progress)
    ctx.notes.extend(transform.stats.notes)
    preprocessor = StreamPreprocessor(transform)
    # The app's own class over Arrow statistics, read back only from this workspace (trusted,
    # as README says); skops would have to trust each of its types by name.
    joblib.dump(preprocessor, ctx.run_dir / f"{PREPROCESSOR_STEM}.joblib")
    return transform, preprocessor


def _sample_note(taken: int, train_rows: int) -> str:
    if taken >= train_rows:
        return f"Trained on all {train_rows:,} training rows, held in memory."
    return (
        f"Trained on a random sample of {taken:,} of the {train_rows:,} training rows (the rows "
        "with the smallest hash of their row number): this scikit-learn model learns from rows "
        "held in memory. The Keras models learn from every row."
    )


def _streamed_extra(table: StreamedTable, tally, sample_rows: np.ndarray) -> dict:
    """What meta.json records of a streamed run: exact metrics and counts, and which table
    rows the saved sample is."""
    streamed = {
        "table": table.source.name,
        "target": table.target,
        "test_rows": tally.rows,
        "sample_rows": [int(row) for row in sample_rows],
    }
    if isinstance(tally, ClassificationTally):
        streamed["confusion"] = tally.confusion.tolist()
    return {"streamed": streamed, "test_metrics": tally_summary(tally)}


class _PhaseProgress:
    """The preparation passes' progress, written as the run's phase at most once a second."""

    def __init__(self, ctx: TrainContext, phase: str) -> None:
        self.ctx, self.phase, self.last = ctx, phase, 0.0

    def __call__(self, fraction: float) -> None:
        now = time.monotonic()
        if now - self.last >= PHASE_EVERY_S:
            self.last = now
            self.ctx.set_phase(f"{self.phase} ({fraction:.0%})")


class _BatchPredictor:
    """A fitted estimator answering evaluate_streaming's `predict_on_batch`."""

    def __init__(self, estimator, task: str) -> None:
        self.estimator, self.task = estimator, task

    def predict_on_batch(self, x: np.ndarray) -> np.ndarray:
        if self.task == "classification":
            return np.asarray(self.estimator.predict_proba(x), np.float32)
        return np.asarray(self.estimator.predict(x), np.float32).reshape(-1, 1)

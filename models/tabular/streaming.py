"""Training and testing a Keras model on a big table read from disk batch by batch.

`tf.data.Dataset.from_generator` over data.bigtable.batches: each epoch calls the
generator again, which reads the file once more in order and shuffles within windows.
(Keras' PyDataset asks for batches by index in random order, which turns a file read
into random row-group reads.) Testing adds every test row to exact accuracy and
confusion counts and to binned ROC/PR counts, and keeps a fixed random sample of test
rows (those with the smallest hash of their row number) for the views that show rows:
embeddings, galleries, per-row predictions.

Imported only inside the worker process (it imports TensorFlow).
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import keras
import numpy as np

from data.bigtable.batches import SHUFFLE_WINDOW, ordered_windows, split_chunks
from data.bigtable.reader import BadLines
from data.bigtable.rowkeys import ArrayBottomK, unit_hash
from data.bigtable.sources import TableSource
from data.bigtable.transform import TableTransform
from models.tabular.stream_metrics import ClassificationTally, RegressionTally

TEST_SAMPLE_ROWS = 5000
VALIDATION_ROWS = 8192  # rows per batch of the validation pass
_TEST_SAMPLE_SEED = 15_485_863


@dataclass(frozen=True)
class EpochReport:
    epoch: int  # 1-based
    rows: int
    seconds: float  # training only, without the validation pass
    logs: dict[str, float]

    @property
    def rows_per_s(self) -> float:
        return self.rows / self.seconds if self.seconds > 0 else 0.0


@dataclass
class StreamingFit:
    epochs: list[EpochReport] = field(default_factory=list)
    seconds: float = 0.0


@dataclass(frozen=True)
class StreamingEvaluation:
    """Metrics over every test row, and a fixed random sample of test rows."""

    tally: ClassificationTally | RegressionTally
    sample_rows: np.ndarray  # row numbers in the table, in file order
    sample_x: np.ndarray
    sample_y: np.ndarray
    sample_output: np.ndarray  # class probabilities, or predictions (n, 1)

    @property
    def note(self) -> str:
        if len(self.sample_rows) >= self.tally.rows:
            return f"Metrics and views use all {self.tally.rows:,} test rows."
        return (
            f"Metrics count all {self.tally.rows:,} test rows; views that show rows use a fixed "
            f"random sample of {len(self.sample_rows):,} of them."
        )


def train_steps(transform: TableTransform, batch_size: int) -> int:
    """Batches per epoch (for a learning-rate schedule or a progress bar)."""
    return max(math.ceil(transform.stats.train_rows / batch_size), 1)


def fit_streaming(
    model: keras.Model,
    source: TableSource,
    transform: TableTransform,
    epochs: int,
    batch_size: int = 256,
    shuffle_window: int = SHUFFLE_WINDOW,
    validation: bool = True,
    bad_lines: BadLines = "fail",
    on_epoch: Callable[[EpochReport], None] | None = None,
    callbacks: list[keras.callbacks.Callback] | tuple = (),
) -> StreamingFit:
    """Fit `model` over the training rows, validating on the validation rows if asked."""
    counter = _RowCounter()
    n_features = len(transform.feature_names)
    regression = transform.stats.target.task == "regression"

    def train_rows(epoch: int):
        return ordered_windows(
            source, transform, batch_size, epoch, "train", shuffle_window, bad_lines
        )

    def validation_rows(epoch: int):
        return ordered_windows(
            source, transform, VALIDATION_ROWS, 0, "validation", bad_lines=bad_lines, shuffle=False
        )

    train = _dataset(
        train_rows, n_features, regression, counter, train_steps(transform, batch_size), batch_size
    )
    val, val_counter = None, _RowCounter()
    val_rows = transform.stats.split_rows["validation"]
    if validation and val_rows:
        steps = math.ceil(val_rows / VALIDATION_ROWS)
        val = _dataset(validation_rows, n_features, regression, val_counter, steps, VALIDATION_ROWS)
    timer = _EpochTimer(counter, on_epoch)
    started = time.perf_counter()
    try:
        model.fit(
            train,
            validation_data=val,
            epochs=epochs,
            callbacks=[timer, *callbacks],
            verbose=0,
            shuffle=False,  # shuffled by window in data.bigtable.batches
        )
    except Exception:
        found = counter.error or val_counter.error
        if found is not None:
            raise found from None
        raise
    return StreamingFit(timer.reports, time.perf_counter() - started)


def evaluate_streaming(
    model: keras.Model,
    source: TableSource,
    transform: TableTransform,
    sample_rows: int = TEST_SAMPLE_ROWS,
    bad_lines: BadLines = "fail",
) -> StreamingEvaluation:
    """One pass over the test rows: exact counts, binned curves, a fixed row sample."""
    classes = transform.stats.target.class_names
    tally = ClassificationTally(len(classes)) if classes else RegressionTally()
    sampler = ArrayBottomK(sample_rows)
    for chunk in split_chunks(source, transform, "test", bad_lines):
        output = np.asarray(model.predict_on_batch(chunk.x))
        tally.add(chunk.y, output)
        sampler.offer(
            unit_hash(chunk.rows, _TEST_SAMPLE_SEED), chunk.rows, chunk.x, chunk.y, output
        )
    found = sampler.result()
    if found is None:
        width = max(len(classes), 1)
        empty = (np.empty(0, np.int64), np.empty((0, len(transform.feature_names)), np.float32))
        found = (*empty, np.empty(0), np.empty((0, width), np.float32))
    return StreamingEvaluation(tally, *found)


class _RowCounter:
    """Rows handed to tf.data, and the reading error that ended an epoch, if one did:
    tf.data reports an error raised in a generator as its own graph error, and the
    person needs the reader's message (the file changed, line 3,000,017 is ragged)."""

    def __init__(self) -> None:
        self.rows = 0
        self.error: Exception | None = None


def _dataset(
    make_windows,
    n_features: int,
    regression: bool,
    counter: _RowCounter,
    steps: int,
    batch_size: int,
):
    """A tf.data pipeline that calls `make_windows(epoch)` anew for every epoch.

    Python hands over whole windows of rows with the order to take them in, and tf.data
    gathers each batch's rows by index (as Keras does for arrays in memory), so the
    generator is entered once per window and rows are not copied to shuffle them. The
    pipeline declares its number of batches, known from the statistics pass, so Keras
    knows the epoch's length from the first epoch on (and a file that changed length fails).
    """
    import tensorflow as tf

    epochs = itertools.count()

    def generate():
        try:
            for x, y, order in make_windows(next(epochs)):
                counter.rows += len(order)
                yield x, y, order
        except Exception as error:
            counter.error = error
            raise

    label = tf.TensorSpec((None,), tf.float32 if regression else tf.int32)
    rows = tf.TensorSpec((None, n_features), tf.float32)
    signature = (rows, label, tf.TensorSpec((None,), tf.int64))
    windows = tf.data.Dataset.from_generator(generate, output_signature=signature)

    def batches(x, y, order):
        taken = tf.data.Dataset.from_tensor_slices(order).batch(batch_size)
        return taken.map(lambda index: (tf.gather(x, index), tf.gather(y, index)))

    batched = windows.flat_map(batches)
    return batched.apply(tf.data.experimental.assert_cardinality(steps)).prefetch(8)


class _EpochTimer(keras.callbacks.Callback):
    """Rows per second of each epoch's training part (the validation pass is not counted)."""

    def __init__(self, counter: _RowCounter, on_epoch: Callable | None) -> None:
        super().__init__()
        self.counter, self.on_epoch = counter, on_epoch
        self.reports: list[EpochReport] = []
        self.start = self.train_seconds = 0.0
        self.rows = 0

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        self.rows, self.train_seconds = self.counter.rows, 0.0
        self.start = time.perf_counter()

    def on_test_begin(self, logs: dict | None = None) -> None:
        if self.model.stop_training is False and not self.train_seconds:
            self.train_seconds = time.perf_counter() - self.start

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        seconds = self.train_seconds or (time.perf_counter() - self.start)
        report = EpochReport(epoch + 1, self.counter.rows - self.rows, seconds, dict(logs or {}))
        self.reports.append(report)
        if logs is not None:  # the same dict goes on to the later callbacks (the run store)
            logs["rows_per_s"] = round(report.rows_per_s, 1)
        if self.on_epoch is not None:
            self.on_epoch(report)

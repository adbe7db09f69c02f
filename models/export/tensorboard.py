"""TensorBoard event files for Keras runs, written with tf.summary alone.

TensorFlow 2.21 no longer installs the tensorboard package; writing its event files
needs only tf.summary. Its helpers tf.summary.scalar/text live in that package, so
values go through the core op tf.summary.write, tagged with the metadata of
TensorBoard's scalars and text plugins (what those helpers write). Each Keras run writes under runs/<id>/tensorboard/: every
epoch's metrics as scalars (train and validation under the same tag, as TensorBoard
expects: "loss" and "val_loss" become train/loss and validation/loss) and the
run's hyperparameters as a text table. `tensorboard --logdir <workspace>/runs`
shows all runs at once.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

LOG_DIR = "tensorboard"


def split_metric(name: str) -> tuple[str, str]:
    """("train" | "validation", metric) for a Keras log key."""
    if name.startswith("val_"):
        return "validation", name.removeprefix("val_")
    return "train", name


def hyperparameter_table(params: Mapping[str, Any]) -> str:
    """Markdown table TensorBoard's Text tab renders."""
    rows = "\n".join(f"| {key} | {json.dumps(value)} |" for key, value in sorted(params.items()))
    return f"| hyperparameter | value |\n|---|---|\n{rows}"


def _metadata(plugin: str):
    from tensorflow.core.framework.summary_pb2 import SummaryMetadata

    metadata = SummaryMetadata()
    metadata.plugin_data.plugin_name = plugin
    return metadata.SerializeToString()


def make_callback(run_dir: Path, params: Mapping[str, Any]):
    """A Keras callback writing the run's event files; imports TensorFlow (worker only)."""
    import keras
    import tensorflow as tf

    class EventFiles(keras.callbacks.Callback):
        def __init__(self) -> None:
            super().__init__()
            root = Path(run_dir) / LOG_DIR
            self.writers = {
                side: tf.summary.create_file_writer(str(root / side))
                for side in ("train", "validation")
            }

        def on_train_begin(self, logs: dict | None = None) -> None:
            with self.writers["train"].as_default():
                table = tf.constant(hyperparameter_table(params))
                tf.summary.write("hyperparameters", table, step=0, metadata=_metadata("text"))

        def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
            for name, value in (logs or {}).items():
                side, metric = split_metric(name)
                with self.writers[side].as_default():
                    scalar = tf.constant(float(value), tf.float32)
                    tf.summary.write(metric, scalar, step=epoch + 1, metadata=_metadata("scalars"))

        def on_train_end(self, logs: dict | None = None) -> None:
            for writer in self.writers.values():
                writer.flush()
                writer.close()

    return EventFiles()

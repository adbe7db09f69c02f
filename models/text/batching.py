"""Batches of texts of similar length, each padded only to its own longest text.

The tokenizer pads every text to the run's `max_len` (the 95th-percentile length),
but most texts are far shorter: on the built-in reviews the median is a quarter
of it. A batch padded to `max_len` spends most of its work on padding, and a
Transformer's attention grows with the square of the length. Here each epoch
shuffles the texts, sorts them by length within pools of `POOL_BATCHES` batches
(so batches still mix texts from all over the set), cuts the pools into batches,
trims each batch to its longest text and shuffles the order of the batches.
The model sees the same texts with the same masks, only less padding.

The dataset's length axis is unknown to TensorFlow, so one traced training step
serves every length (no retracing, no per-shape compiling).
"""

from __future__ import annotations

import numpy as np

from data.tokenizer import PAD_ID

POOL_BATCHES = 50
WIDTH_STEP = 8  # batch widths are rounded up to a multiple of this


def text_lengths(x: np.ndarray) -> np.ndarray:
    """Tokens before the padding starts, per row (ids are left-aligned, 0-padded)."""
    return (np.asarray(x) != PAD_ID).sum(axis=1)


def batch_rows(lengths: np.ndarray, batch_size: int, rng: np.random.Generator | None) -> list:
    """Row indices of each batch: shuffled and length-sorted within pools, or, without
    `rng`, simply in length order (for prediction, where order does not matter)."""
    n = len(lengths)
    if rng is None:
        order = np.argsort(lengths, kind="stable")
        return [order[start : start + batch_size] for start in range(0, n, batch_size)]
    order = rng.permutation(n)
    pool = batch_size * POOL_BATCHES  # a multiple of the batch: only the last batch is short
    batches = []
    for start in range(0, n, pool):
        chunk = order[start : start + pool]
        chunk = chunk[np.argsort(lengths[chunk], kind="stable")]
        batches += [chunk[i : i + batch_size] for i in range(0, len(chunk), batch_size)]
    return [batches[index] for index in rng.permutation(len(batches))]


def batch_width(lengths: np.ndarray, max_len: int) -> int:
    """The batch's padded width: its longest text, rounded up, never past `max_len`."""
    longest = max(int(lengths.max()), 1)
    return min(-(-longest // WIDTH_STEP) * WIDTH_STEP, max_len)


def length_batches(
    x: np.ndarray, y: np.ndarray | None, batch_size: int, *, shuffle: bool, seed: int = 0
):
    """A tf.data.Dataset of (ids, labels) batches (ids alone when `y` is None).

    With `shuffle`, every pass (epoch) draws a new order from `seed`, so the
    same seed gives the same batches run after run.
    """
    import tensorflow as tf

    x = np.asarray(x, dtype=np.int32)
    lengths = text_lengths(x)
    max_len = x.shape[1]
    passes = iter(range(1 << 30))

    def generate():
        rng = np.random.default_rng([seed, next(passes)]) if shuffle else None
        for rows in batch_rows(lengths, batch_size, rng):
            ids = x[rows, : batch_width(lengths[rows], max_len)]
            yield ids if y is None else (ids, y[rows])

    ids_spec = tf.TensorSpec((None, None), tf.int32)
    signature = ids_spec if y is None else (ids_spec, tf.TensorSpec((None,), tf.int32))
    dataset = tf.data.Dataset.from_generator(generate, output_signature=signature)
    # Pools are whole batches, so only the last batch is short: Keras then knows an
    # epoch's length up front instead of finding it by running out of data (and
    # warning about it) at the end of the first one.
    count = -(-len(x) // batch_size)
    return dataset.apply(tf.data.experimental.assert_cardinality(count)).prefetch(2)


def predict_by_length(model, x: np.ndarray, batch_size: int = 256) -> list[np.ndarray]:
    """`model.predict` over length-sorted, trimmed batches, in the rows' original order.

    Returns one array per model output (a list even for a single output).
    """
    x = np.asarray(x, dtype=np.int32)
    order = np.concatenate(batch_rows(text_lengths(x), batch_size, None))  # as generated
    outputs = model.predict(length_batches(x, None, batch_size, shuffle=False), verbose=0)
    outputs = outputs if isinstance(outputs, list) else [outputs]
    restore = np.empty_like(order)
    restore[order] = np.arange(len(order))
    return [np.asarray(out)[restore] for out in outputs]

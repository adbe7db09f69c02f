"""Length-bucketed text batches (models/text/batching.py): the model must see every text
whole, once per epoch, in an order the seed fixes, and predictions must come back in the
rows' own order."""

from __future__ import annotations

import numpy as np
import pytest

from models.text.batching import WIDTH_STEP, length_batches, predict_by_length

MAX_LEN = 40


def _texts(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Left-aligned, 0-padded ids whose first id is the row number + 1 (so rows are traceable)."""
    rng = np.random.default_rng(seed)
    lengths = rng.integers(1, MAX_LEN + 1, n)
    x = np.zeros((n, MAX_LEN), dtype=np.int32)
    for row, length in enumerate(lengths):
        x[row, :length] = rng.integers(2, 50, length)
        x[row, 0] = row + 1
    return x, lengths


def _epoch(dataset) -> list[tuple[np.ndarray, np.ndarray]]:
    return [(ids.numpy(), labels.numpy()) for ids, labels in dataset]


def test_each_epoch_shows_every_text_once_and_whole():
    x, lengths = _texts(1000)
    y = np.arange(1000, dtype=np.int32)
    for ids, labels in _epoch(length_batches(x, y, 32, shuffle=True)):
        rows = ids[:, 0] - 1
        assert np.array_equal(rows, labels)  # ids and labels stay paired
        assert ids.shape[1] % WIDTH_STEP == 0 or ids.shape[1] == MAX_LEN
        assert ids.shape[1] >= lengths[rows].max()  # nothing cut off
        assert ids.shape[1] < lengths[rows].max() + WIDTH_STEP  # padded only to the batch
        assert np.array_equal(ids, x[rows, : ids.shape[1]])
    seen = np.concatenate([labels for _, labels in _epoch(length_batches(x, y, 32, shuffle=True))])
    assert np.array_equal(np.sort(seen), y)


def test_keras_knows_the_epoch_length_before_the_first_epoch():
    import tensorflow as tf

    x, _ = _texts(1000)
    dataset = length_batches(x, np.zeros(1000, np.int32), 32, shuffle=True)
    assert int(dataset.cardinality()) == len(_epoch(dataset)) == 32
    assert int(dataset.cardinality()) != int(tf.data.UNKNOWN_CARDINALITY)


def test_the_seed_fixes_the_order_and_each_epoch_draws_a_new_one():
    x, _ = _texts(500)
    y = np.arange(500, dtype=np.int32)
    first = length_batches(x, y, 16, shuffle=True, seed=3)
    again = length_batches(x, y, 16, shuffle=True, seed=3)
    order = [labels.tolist() for _, labels in _epoch(first)]
    assert order == [labels.tolist() for _, labels in _epoch(again)]
    assert order != [labels.tolist() for _, labels in _epoch(first)]  # its second epoch


class _RowSums:
    """Stands in for a model: 'predicts' each text's sum of ids, in the batches' order."""

    def predict(self, dataset, verbose=0):
        return np.concatenate([ids.numpy().sum(axis=1) for ids in dataset])


@pytest.mark.parametrize("n", [1, 255, 700])
def test_predictions_come_back_in_the_rows_order(n):
    x, _ = _texts(n, seed=n)
    (found,) = predict_by_length(_RowSums(), x, batch_size=64)
    assert np.array_equal(found, x.sum(axis=1))

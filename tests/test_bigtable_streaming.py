"""Hash splits, fixed samples, window-shuffled batches, streamed metrics, streamed training."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest
from sklearn import metrics

from data.bigtable import reader
from data.bigtable.batches import ordered_windows, split_chunks, split_sample, training_batches
from data.bigtable.reader import TableReader, rows_at
from data.bigtable.rowkeys import (
    TEST,
    TRAIN,
    VALIDATION,
    ArrayBottomK,
    BottomK,
    SplitPlan,
    assign,
    batch_units,
    unit_hash,
)
from data.bigtable.sources import DATA_ROOTS_ENV, open_source
from data.bigtable.streamed import StreamedTable, prepare_stream
from data.dataset import DatasetError
from models.tabular.stream_metrics import SCORE_BINS, ClassificationTally, RegressionTally
from tests.bigtable_files import write_mixed_csv


def windows(*args, **kwargs) -> list[tuple[np.ndarray, np.ndarray]]:
    """The shuffled windows as a trainer takes them: each window's rows in its order."""
    return [(x[order], y[order]) for x, y, order in ordered_windows(*args, **kwargs)]


def test_split_hash_is_fixed_uniform_and_seeded():
    rows = np.arange(100_000)
    first = unit_hash(rows, 1)
    assert np.array_equal(first, unit_hash(rows, 1))
    assert not np.array_equal(first, unit_hash(rows, 2))
    assert first.min() >= 0 and first.max() < 1
    assert abs(first.mean() - 0.5) < 0.01
    assert abs(np.corrcoef(first, unit_hash(rows, 2))[0, 1]) < 0.01
    # pinned: a changed hash would silently move every stored run's rows to other splits
    assert unit_hash(np.arange(3), 0) == pytest.approx([0.883311, 0.029166, 0.393949], abs=1e-6)
    keys = np.asarray(["a", "b"], dtype=object)
    assert unit_hash(keys, 0) == pytest.approx([0.348688, 0.249677], abs=1e-6)
    split = assign(first, SplitPlan(test=0.2, validation=0.25))
    shares = np.bincount(split, minlength=3) / len(rows)
    assert shares[TEST] == pytest.approx(0.2, abs=0.01)
    assert shares[VALIDATION] == pytest.approx(0.2, abs=0.01)
    assert shares[TRAIN] == pytest.approx(0.6, abs=0.01)


def test_key_column_split_does_not_depend_on_row_order():
    keys = pa.array([f"user{i}" for i in range(1000)])
    plan = SplitPlan(key_column="user", seed=5)
    forward = batch_units(pa.record_batch({"user": keys}), 0, plan)
    backward = batch_units(pa.record_batch({"user": keys[::-1]}), 0, plan)
    assert np.array_equal(forward, backward[::-1])


@pytest.mark.parametrize("chunk", [7, 100, 1000])
def test_bottom_k_sample_does_not_depend_on_batch_sizes(chunk):
    values = np.arange(1000)
    units = unit_hash(values, 3)
    rows, arrays = BottomK(50), ArrayBottomK(50)
    for start in range(0, 1000, chunk):
        part = slice(start, start + chunk)
        rows.offer(pa.record_batch({"v": values[part]}), units[part])
        arrays.offer(units[part], values[part])
    expected = np.sort(values[np.argsort(units)[:50]])
    assert rows.result()[0].column("v").to_numpy().tolist() == expected.tolist()
    assert arrays.result()[0].tolist() == expected.tolist()


def test_classification_tally_matches_sklearn():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 3, 5000)
    proba = rng.dirichlet([1, 1, 1], 5000)
    proba[np.arange(5000), y] += 0.3
    proba /= proba.sum(axis=1, keepdims=True)
    tally = ClassificationTally(3)
    for start in range(0, 5000, 700):
        tally.add(y[start : start + 700], proba[start : start + 700])
    assert tally.rows == 5000
    assert tally.accuracy == metrics.accuracy_score(y, proba.argmax(1))
    assert np.array_equal(tally.confusion, metrics.confusion_matrix(y, proba.argmax(1)))
    assert tally.log_loss == pytest.approx(metrics.log_loss(y, proba), rel=1e-9)
    for cls in range(3):
        exact = metrics.roc_auc_score(y == cls, proba[:, cls])
        assert tally.auc(cls) == pytest.approx(exact, abs=2 / SCORE_BINS)


def test_regression_tally_matches_sklearn():
    rng = np.random.default_rng(1)
    y = rng.normal(size=3000)
    predicted = y + rng.normal(scale=0.5, size=3000)
    tally = RegressionTally()
    tally.add(y[:1000], predicted[:1000])
    tally.add(y[1000:], predicted[1000:])
    assert tally.mse == pytest.approx(metrics.mean_squared_error(y, predicted))
    assert tally.mae == pytest.approx(metrics.mean_absolute_error(y, predicted))
    assert tally.r2 == pytest.approx(metrics.r2_score(y, predicted))


@pytest.fixture(scope="module")
def streamed(tmp_path_factory):
    root = tmp_path_factory.mktemp("root")
    write_mixed_csv(root / "mixed.csv")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(DATA_ROOTS_ENV, str(root))
        patch.setattr(reader, "CSV_BLOCK_BYTES", 16 << 10)
        source = open_source("mixed.csv", root)
        transform = prepare_stream(
            StreamedTable(source, "target"),
            tmp_path_factory.mktemp("ws"),
            SplitPlan(test=0.2, validation=0.2, seed=1),
        )
        yield source, transform


def test_each_training_row_comes_once_per_epoch_in_a_new_order(streamed):
    source, transform = streamed
    epochs = [
        list(training_batches(source, transform, 64, epoch, shuffle_window=500)) for epoch in (0, 1)
    ]
    for batches in epochs:
        assert all(len(y) == 64 for _, y in batches[:-1])
        assert sum(len(y) for _, y in batches) == transform.stats.train_rows
    x0 = np.concatenate([x for x, _ in epochs[0]])
    x1 = np.concatenate([x for x, _ in epochs[1]])
    assert not np.array_equal(x0, x1)
    assert np.array_equal(np.sort(x0, axis=0), np.sort(x1, axis=0))
    again = np.concatenate(
        [x for x, _ in training_batches(source, transform, 64, 0, shuffle_window=500)]
    )
    assert np.array_equal(x0, again)


def test_windows_cut_into_the_declared_number_of_batches(streamed):
    """The tf.data pipeline declares ceil(rows / batch size) batches; a window whose size
    is not a multiple of the batch size would add a short batch and break that count."""
    source, transform = streamed
    for split, size in (("train", 64), ("validation", 100)):
        found = list(windows(source, transform, size, split=split, shuffle_window=300))
        batches = sum(-(-len(y) // size) for _, y in found)
        assert batches == -(-transform.stats.split_rows[split] // size)
    kept = windows(source, transform, 100, split="validation", shuffle_window=300, shuffle=False)
    in_order = np.concatenate([c.x for c in split_chunks(source, transform, "validation")])
    assert np.array_equal(np.concatenate([x for x, _ in kept]), in_order)


def test_splits_are_disjoint_and_cover_the_usable_rows(streamed):
    source, transform = streamed
    rows = {
        name: np.concatenate([c.rows for c in split_chunks(source, transform, name)])
        for name in ("train", "validation", "test")
    }
    assert {k: len(v) for k, v in rows.items()} == transform.stats.split_rows
    every = np.concatenate(list(rows.values()))
    assert len(np.unique(every)) == len(every)


def test_fit_and_evaluate_over_the_stream(streamed):
    from models.registry import get_kind
    from models.tabular.streaming import evaluate_streaming, fit_streaming, train_steps

    source, transform = streamed
    model = get_kind("mlp").build(len(transform.feature_names), 3, "classification")
    reports = []
    fit = fit_streaming(model, source, transform, epochs=2, batch_size=128, on_epoch=reports.append)
    assert [r.epoch for r in reports] == [1, 2] and fit.epochs == reports
    assert all(r.rows == transform.stats.train_rows and r.rows_per_s > 0 for r in reports)
    assert "val_accuracy" in reports[-1].logs
    assert train_steps(transform, 128) == -(-transform.stats.train_rows // 128)
    found = evaluate_streaming(model, source, transform, sample_rows=100)
    test_rows = transform.stats.split_rows["test"]
    assert found.tally.rows == test_rows
    assert len(found.sample_rows) == 100 and np.all(np.diff(found.sample_rows) > 0)
    chunks = list(split_chunks(source, transform, "test"))
    x, y = np.concatenate([c.x for c in chunks]), np.concatenate([c.y for c in chunks])
    predicted = model.predict(x, verbose=0).argmax(axis=1)
    assert found.tally.accuracy == pytest.approx(float((predicted == y).mean()))
    position = np.searchsorted(np.concatenate([c.rows for c in chunks]), found.sample_rows)
    assert np.array_equal(found.sample_y, y[position])
    assert f"all {test_rows:,} test rows" in found.note


def test_split_sample_is_fixed_sized_and_from_its_split(streamed):
    source, transform = streamed
    sample = split_sample(source, transform, 300)
    train = np.concatenate([c.rows for c in split_chunks(source, transform, "train")])
    assert len(sample.rows) == 300 and np.all(np.diff(sample.rows) > 0)
    assert np.isin(sample.rows, train).all()
    assert np.array_equal(split_sample(source, transform, 300).rows, sample.rows)


def test_rows_at_returns_the_raw_rows(streamed):
    source, transform = streamed
    read = TableReader(source, csv_types=transform.stats.schema)
    table = rows_at(read, np.asarray([0, 5, 2999]), ["row_id", "colour"])
    assert table.column("row_id").to_pylist() == [0, 5, 2999]
    assert table.schema.names == ["row_id", "colour"]


def test_a_table_partitioned_by_its_target_still_gives_mixed_windows(tmp_path, monkeypatch):
    """Spark writes one folder per class: read in file order, every window held one class."""
    import pyarrow.parquet as pq

    rng = np.random.default_rng(0)
    for label in ("a", "b", "c"):
        folder = tmp_path / "events" / f"label={label}"
        folder.mkdir(parents=True)
        for part in range(2):
            x = rng.normal(size=(2000, 2))
            table = pa.table({"x0": x[:, 0], "x1": x[:, 1]})
            pq.write_table(table, folder / f"part-{part}.parquet", row_group_size=500)
    monkeypatch.setenv(DATA_ROOTS_ENV, str(tmp_path))
    monkeypatch.setattr(reader, "PARQUET_BATCH_ROWS", 250)
    source = open_source("events", tmp_path)
    split = SplitPlan(test=0.2, validation=0.0, seed=4)
    transform = prepare_stream(StreamedTable(source, "label"), tmp_path / "ws", split)
    found = list(windows(source, transform, 50, epoch=0, shuffle_window=1000))
    first_y = found[0][1]
    assert set(first_y.tolist()) == {0, 1, 2}
    assert max(np.bincount(first_y)) < 0.75 * len(first_y)
    in_order = np.concatenate([c.x for c in split_chunks(source, transform, "train")])
    shuffled = np.concatenate([x for x, _ in found])
    assert len(shuffled) == transform.stats.train_rows == len(in_order)
    assert np.array_equal(np.sort(shuffled, axis=0), np.sort(in_order, axis=0))
    again = np.concatenate([x for x, _ in windows(source, transform, 50, 0, shuffle_window=1000)])
    assert np.array_equal(shuffled, again)


@pytest.fixture
def sorted_csv(tmp_path, monkeypatch):
    """A CSV sorted by its target, as exports often are; read in 8 KB blocks."""
    rng = np.random.default_rng(1)
    x = rng.normal(size=(6000, 2))
    labels = np.repeat(["a", "b", "c"], 2000)
    lines = ["x0,x1,label"] + [f"{p:.4f},{q:.4f},{c}" for (p, q), c in zip(x, labels, strict=True)]
    (tmp_path / "sorted.csv").write_text("\n".join(lines) + "\n")
    monkeypatch.setenv(DATA_ROOTS_ENV, str(tmp_path))
    monkeypatch.setattr(reader, "CSV_BLOCK_BYTES", 8 << 10)
    source = open_source("sorted.csv", tmp_path)
    split = SplitPlan(test=0.2, validation=0.0, seed=2)
    return source, prepare_stream(StreamedTable(source, "label"), tmp_path / "ws", split)


def test_a_csv_sorted_by_its_target_trains_from_its_parquet_copy(sorted_csv):
    source, transform = sorted_csv
    copy = transform.stats.copy
    assert copy and copy.endswith(".parquet") and "bigtable_cache" in copy
    assert any("A Parquet copy of the CSV" in note for note in transform.stats.notes)
    first_y = windows(source, transform, 50, epoch=0, shuffle_window=1000)[0][1]
    assert set(first_y.tolist()) == {0, 1, 2}
    from_copy = np.concatenate([c.rows for c in split_chunks(source, transform, "test")])
    Path(copy).unlink()  # a cleaned cache: the CSV itself is read, with the same rows
    from_csv = np.concatenate([c.rows for c in split_chunks(source, transform, "test")])
    assert np.array_equal(from_copy, from_csv)


def test_the_copy_is_not_read_once_the_csv_changed(sorted_csv):
    source, transform = sorted_csv
    with source.path.open("a") as out:
        out.write("0.1,0.2,a\n")
    with pytest.raises(DatasetError, match="sorted.csv' changed while it was being read"):
        list(split_chunks(source, transform, "train"))

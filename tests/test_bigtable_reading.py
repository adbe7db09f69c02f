"""Reading big tables: formats, partitions, and every kind of bad file, each with its message."""

from __future__ import annotations

import gzip
import os

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from data.bigtable import reader
from data.bigtable.preview import profile, quick_look
from data.bigtable.reader import TableReader
from data.bigtable.rowkeys import SplitPlan
from data.bigtable.sources import DATA_ROOTS_ENV, open_source
from data.bigtable.streamed import StreamedTable, prepare_stream
from data.dataset import DatasetError
from tests.bigtable_files import numbered_csv

ROWS = 20_000


@pytest.fixture
def root(tmp_path, monkeypatch):
    folder = tmp_path / "root"
    folder.mkdir()
    monkeypatch.setenv(DATA_ROOTS_ENV, str(folder))
    monkeypatch.setattr(reader, "CSV_BLOCK_BYTES", 32 << 10)  # many blocks in a small file
    monkeypatch.setattr(reader, "PARQUET_BATCH_ROWS", 1000)
    return folder


def rows_of(source, bad_lines="fail") -> int:
    return sum(b.num_rows for b in TableReader(source, bad_lines).batches())


@pytest.mark.parametrize("name", ["t.csv", "t.csv.gz", "t.csv.zst"])
def test_plain_and_compressed_csv_read_the_same_rows(root, tmp_path, name):
    plain = numbered_csv(root / "plain.csv", ROWS)
    if name != "t.csv":
        codec = "gzip" if name.endswith(".gz") else "zstd"
        with pa.output_stream(root / name, compression=codec) as out:
            out.write(plain.read_bytes())
    else:
        os.replace(plain, root / name)
    source = open_source(name, tmp_path)
    assert rows_of(source) == ROWS
    table = pa.Table.from_batches(list(TableReader(source).batches(["id"])))
    assert table.column("id").to_pylist() == list(range(ROWS))


def test_ragged_line_deep_in_the_file_fails_with_its_line_number(root, tmp_path):
    numbered_csv(root / "t.csv", ROWS, ragged_line=15_001)
    source = open_source("t.csv", tmp_path)
    with pytest.raises(
        DatasetError, match="Line 15001 of 't.csv' has 4 fields where the header has 3"
    ):
        rows_of(source)


def test_ragged_lines_can_be_skipped_and_counted(root, tmp_path):
    numbered_csv(root / "t.csv", ROWS, ragged_line=15_001)
    source = open_source("t.csv", tmp_path)
    read = TableReader(source, "skip")
    assert sum(b.num_rows for b in read.batches()) == ROWS - 1
    assert read.report.skipped_count == 1 and read.report.skipped_lines == [15_001]
    found = profile(source, tmp_path / "ws", bad_lines="skip")
    assert found.rows == ROWS - 1 and found.skipped_lines == 1
    assert "Skipped 1 line(s)" in found.notes()[0] and "line 15001" in found.notes()[0]


def test_a_value_of_another_type_deep_in_a_column_names_line_and_column(root, tmp_path):
    path = numbered_csv(root / "t.csv", ROWS)
    lines = path.read_text().splitlines()
    lines[18_000] = "17999,n/a?,a"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(
        DatasetError,
        match="Column 'x' held only double values in its first rows, but line 18001 of 't.csv' holds 'n/a\\?'",
    ):
        rows_of(open_source("t.csv", tmp_path))


def test_profile_settles_types_that_change_deep_in_a_csv(root, tmp_path):
    """Whole numbers turning decimal, and numbers with a stray token, as exports have them."""
    path = numbered_csv(root / "t.csv", ROWS)
    lines = path.read_text().splitlines()
    lines[15_000] = "14999.5,n/a?,a"
    path.write_text("\n".join(lines) + "\n")
    source = open_source("t.csv", tmp_path)
    found = profile(source, tmp_path / "ws")
    assert found.rows == ROWS
    assert found.schema.field("id").type == pa.float64()
    assert found.schema.field("x").type == pa.string()
    notes = " ".join(found.notes())
    assert "Column 'id' changes kind of value deep in the file (line 15001" in notes
    assert "read as decimal numbers throughout" in notes and "read as text throughout" in notes
    ids = pa.Table.from_batches(list(TableReader(source, csv_types=found.schema).batches(["id"])))
    assert ids.column("id").to_pylist()[14_999] == 14999.5  # line 15001: row 14999
    stats = prepare_stream(StreamedTable(source, "label"), tmp_path / "ws", SplitPlan()).stats
    assert "x" in stats.roles["numeric"]  # numbers with one stray token, as in memory
    assert stats.numeric["x"].mean == pytest.approx(48 / 7, abs=0.1)


def test_file_changed_while_reading_fails(root, tmp_path):
    path = numbered_csv(root / "t.csv", ROWS)
    batches = TableReader(open_source("t.csv", tmp_path)).batches()
    next(batches)
    with path.open("a") as out:
        out.write("20000,1.0,a\n")
    with pytest.raises(DatasetError, match="changed while it was being read .*Wait until"):
        list(batches)


def test_file_deleted_while_reading_fails(root, tmp_path):
    path = numbered_csv(root / "t.csv", ROWS)
    batches = TableReader(open_source("t.csv", tmp_path)).batches()
    next(batches)
    path.unlink()
    with pytest.raises(DatasetError, match="was deleted while it was being read"):
        list(batches)


def test_parquet_files_with_conflicting_types_are_refused(root, tmp_path):
    folder = root / "t"
    folder.mkdir()
    pq.write_table(pa.table({"a": [1, 2], "y": ["p", "q"]}), folder / "part-0.parquet")
    pq.write_table(pa.table({"a": ["x", "z"], "y": ["p", "q"]}), folder / "part-1.parquet")
    with pytest.raises(
        DatasetError,
        match="disagree on column 'a': it is int64 in 'part-0.parquet' but string in 'part-1.parquet'",
    ):
        TableReader(open_source("t", tmp_path))


def test_parquet_files_with_widening_types_are_unified(root, tmp_path):
    folder = root / "t"
    folder.mkdir()
    pq.write_table(pa.table({"a": pa.array([1, 2], pa.int32())}), folder / "part-0.parquet")
    pq.write_table(pa.table({"a": [0.5, 1.5]}), folder / "part-1.parquet")
    read = TableReader(open_source("t", tmp_path))
    assert read.schema.field("a").type == pa.float64()
    values = pa.Table.from_batches(list(read.batches())).column("a").to_pylist()
    assert values == [1.0, 2.0, 0.5, 1.5]


def test_csv_files_with_different_headers_are_refused(root, tmp_path):
    numbered_csv(root / "t" / "a.csv", 10)
    (root / "t" / "b.csv").write_text("id,z,label\n1,2,a\n")
    with pytest.raises(DatasetError, match="Every CSV file of one table needs the same header"):
        TableReader(open_source("t", tmp_path))


@pytest.fixture
def partitioned(root):
    """Three partitions; the one for day=3 lacks the target column 'label'."""
    for day in (1, 2, 3):
        folder = root / "events" / f"day={day}"
        folder.mkdir(parents=True)
        columns = {"x": np.arange(50, dtype=float) + day, "label": ["a", "b"] * 25}
        if day == 3:
            del columns["label"]
        pq.write_table(pa.table(columns), folder / "part-0.parquet")
    return root / "events"


def test_partition_values_become_a_column_and_missing_columns_gaps(partitioned, tmp_path):
    source = open_source("events", tmp_path)
    look = quick_look(source)
    assert look.rows == 150  # from the Parquet footers
    assert look.schema.names == ["x", "label", "day"]
    found = profile(source, tmp_path / "ws")
    assert found.rows == 150
    assert found.value_counts["day"] == {"1": 50, "2": 50, "3": 50}
    assert found.missing["label"] == 50
    assert any("'label' is missing from 1 file(s)" in note for note in found.notes())


def test_target_missing_from_some_partitions_is_refused(partitioned, tmp_path):
    table = StreamedTable(open_source("events", tmp_path), target="label")
    with pytest.raises(
        DatasetError,
        match="target 'label' is missing from 1 of the table's files .*day=3/part-0.parquet",
    ):
        prepare_stream(table, tmp_path / "ws", SplitPlan())


def test_profile_counts_match_pandas_and_are_cached(root, tmp_path, monkeypatch):
    path = numbered_csv(root / "t.csv", ROWS)
    frame = pd.read_csv(path)
    source = open_source("t.csv", tmp_path)
    seen: list[float] = []
    found = profile(source, tmp_path / "ws", progress=seen.append)
    assert found.rows == ROWS and found.missing == {"id": 0, "x": 0, "label": 0}
    assert found.class_balance("label") == frame["label"].value_counts().to_dict()
    assert found.value_counts["id"] is None  # too many distinct values to count
    assert len(seen) > 5 and seen == sorted(seen) and seen[-1] == 1.0
    monkeypatch.setattr("data.bigtable.preview._profile", lambda *a: pytest.fail("not cached"))
    assert profile(source, tmp_path / "ws").rows == ROWS
    with path.open("a") as out:
        out.write("20000,1.0,a\n")
    monkeypatch.undo()
    monkeypatch.setenv(DATA_ROOTS_ENV, str(root))
    assert profile(open_source("t.csv", tmp_path), tmp_path / "ws").rows == ROWS + 1


def test_random_sample_is_fixed_and_spread_over_the_file(root, tmp_path, monkeypatch):
    monkeypatch.setattr("data.bigtable.preview.SAMPLE_ROWS", 500)
    numbered_csv(root / "t.csv", ROWS)
    source = open_source("t.csv", tmp_path)
    first = profile(source, tmp_path / "a").sample.column("id").to_numpy()
    again = profile(source, tmp_path / "b").sample.column("id").to_numpy()
    assert len(first) == 500 and np.array_equal(first, again)
    assert np.all(np.diff(first) > 0)  # file order
    assert first.min() < ROWS * 0.05 and first.max() > ROWS * 0.95


def test_gzip_csv_quick_look_shows_the_first_rows(root, tmp_path):
    plain = numbered_csv(root / "p.csv", 3000)
    (root / "t.csv.gz").write_bytes(gzip.compress(plain.read_bytes()))
    look = quick_look(open_source("t.csv.gz", tmp_path))
    assert look.rows is None  # a CSV has to be read to be counted
    assert look.head.num_rows == 1000
    assert look.head.column("id").to_pylist()[:3] == [0, 1, 2]

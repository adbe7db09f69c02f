"""Which paths a big table may be read from, and how a folder of files becomes one table."""

from __future__ import annotations

import os

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from data.bigtable.sources import DATA_ROOTS_ENV, REF_PREFIX, open_source, resolve_ref
from data.dataset import DatasetError
from data.registry import load_dataset, path_catalog
from tests.bigtable_files import numbered_csv


@pytest.fixture
def root(tmp_path, monkeypatch):
    folder = tmp_path / "root"
    folder.mkdir()
    monkeypatch.setenv(DATA_ROOTS_ENV, str(folder))
    return folder


@pytest.fixture
def outside(tmp_path):
    return numbered_csv(tmp_path / "elsewhere" / "secret.csv", 20)


def test_default_root_is_workspace_data(tmp_path, monkeypatch):
    monkeypatch.delenv(DATA_ROOTS_ENV, raising=False)
    numbered_csv(tmp_path / "ws" / "data" / "t.csv", 20)
    assert open_source("t.csv", tmp_path / "ws").ref == "path:t.csv"


def test_reference_is_relative_to_its_root_and_resolves_back(root, tmp_path):
    path = numbered_csv(root / "sales" / "2024.csv", 20)
    source = open_source(str(path), tmp_path)
    assert source.ref == REF_PREFIX + "sales/2024.csv"
    assert resolve_ref(source.ref, tmp_path).path == path
    assert source.format == "csv" and len(source.files) == 1


def test_second_root_is_searched(root, tmp_path, monkeypatch):
    other = tmp_path / "second"
    numbered_csv(other / "b.csv", 20)
    monkeypatch.setenv(DATA_ROOTS_ENV, os.pathsep.join([str(root), str(other)]))
    assert open_source("b.csv", tmp_path).path == other / "b.csv"


def test_path_outside_the_roots_is_refused(root, outside, tmp_path):
    with pytest.raises(DatasetError, match="only reads tables from the data folders") as error:
        open_source(str(outside), tmp_path)
    assert "not inside any of them" in str(error.value)
    assert DATA_ROOTS_ENV in str(error.value)


def test_dot_dot_out_of_the_root_is_refused(root, outside, tmp_path):
    with pytest.raises(DatasetError, match=r"'\.\.' steps lead out of them"):
        open_source("../elsewhere/secret.csv", tmp_path)


def test_symlink_leaving_the_root_is_refused(root, outside, tmp_path):
    (root / "innocent.csv").symlink_to(outside)
    with pytest.raises(DatasetError, match="it is a link to .*outside them"):
        open_source("innocent.csv", tmp_path)


def test_symlink_inside_a_folder_leaving_the_root_is_refused(root, outside, tmp_path):
    numbered_csv(root / "table" / "part-0.csv", 20)
    (root / "table" / "part-1.csv").symlink_to(outside)
    with pytest.raises(DatasetError, match="inside the folder is a link to"):
        open_source("table", tmp_path)
    (root / "table" / "part-1.csv").unlink()
    (root / "table" / "more").symlink_to(outside.parent, target_is_directory=True)
    with pytest.raises(DatasetError, match="inside the folder links to"):
        open_source("table", tmp_path)


def test_symlink_within_the_root_is_followed(root, tmp_path):
    numbered_csv(root / "real.csv", 20)
    (root / "alias.csv").symlink_to(root / "real.csv")
    assert open_source("alias.csv", tmp_path).ref == "path:real.csv"


def test_missing_path_names_the_roots(root, tmp_path):
    with pytest.raises(DatasetError, match="There is no file or folder 'nope.csv'"):
        open_source("nope.csv", tmp_path)


def test_folder_mixing_csv_and_parquet_is_refused(root, tmp_path):
    numbered_csv(root / "mixed" / "a.csv", 20)
    pq.write_table(pa.table({"id": [1, 2]}), root / "mixed" / "b.parquet")
    with pytest.raises(DatasetError, match="mixes CSV files .* and Parquet files") as error:
        open_source("mixed", tmp_path)
    assert "separate folders" in str(error.value)


def test_zero_byte_file_is_refused(root, tmp_path):
    (root / "empty.csv").write_bytes(b"")
    with pytest.raises(DatasetError, match=r"is empty \(0 bytes\)"):
        open_source("empty.csv", tmp_path)


def test_zero_byte_file_in_a_folder_is_refused_but_spark_markers_are_ignored(root, tmp_path):
    folder = root / "spark"
    numbered_csv(folder / "part-0.csv", 20)
    (folder / "_SUCCESS").write_bytes(b"")
    (folder / ".part-0.csv.crc").write_bytes(b"x")
    assert len(open_source("spark", tmp_path).files) == 1
    (folder / "part-1.csv").write_bytes(b"")
    with pytest.raises(DatasetError, match="empty"):
        open_source("spark", tmp_path)


def test_other_file_types_are_refused(root, tmp_path):
    (root / "notes.txt").write_text("hello")
    with pytest.raises(DatasetError, match="is not a CSV .* or Parquet"):
        open_source("notes.txt", tmp_path)


def test_hive_partitions_are_read_from_folder_names(root, tmp_path):
    for year in (2023, 2024):
        folder = root / "events" / f"year={year}" / "kind=a"
        folder.mkdir(parents=True)
        pq.write_table(pa.table({"x": [1.0, 2.0]}), folder / "part-0.parquet")
    source = open_source("events", tmp_path)
    assert source.format == "parquet"
    assert source.partition_columns == ["year", "kind"]
    assert [f.partition for f in source.files] == [
        {"year": "2023", "kind": "a"},
        {"year": "2024", "kind": "a"},
    ]


def test_registry_streams_path_references(root, tmp_path):
    numbered_csv(root / "t.csv", 20)
    (root / "notes.txt").write_text("not a table")
    dataset = load_dataset("path:t.csv", tmp_path)
    assert dataset.kind == "tabular" and dataset.data.streamed
    assert dataset.data.target == "label"  # the last column, as for uploads
    assert load_dataset("path:t.csv", tmp_path, {"target": "x"}).data.target == "x"
    assert [entry.ref for entry in path_catalog(tmp_path)] == ["path:t.csv"]

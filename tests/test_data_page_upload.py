"""A CSV upload is read and stored once; later clicks on the Data page use what was read.

The dataset cache the pages share is bounded by entries and by bytes.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import data.csv_loader
import data.dataset_store
from dashboard.services import DatasetCache, dataset_bytes
from data.dataset import Dataset, ImageData, TabularData
from tests.apptest_helpers import errors, open_app, upload
from tests.factories import blobs_csv


@pytest.fixture
def counted(monkeypatch):
    """How often the page parses and stores a CSV."""
    calls = {"parse": 0, "save": 0}

    def counting(module, name, key):
        real = getattr(module, name)

        def wrapper(*args, **kwargs):
            calls[key] += 1
            return real(*args, **kwargs)

        monkeypatch.setattr(module, name, wrapper)

    counting(data.csv_loader, "read_csv_bytes", "parse")
    counting(data.dataset_store, "save_upload", "save")
    return calls


def test_an_upload_is_parsed_and_stored_once_however_often_the_page_reruns(workspace, counted):
    at = open_app()
    at = upload(at, "blobs.csv", blobs_csv(rows=400))
    assert not at.exception and not errors(at)
    assert "400 rows" in " ".join(m.value for m in at.markdown)
    target = at.selectbox(key=next(k for k in at.session_state if str(k).startswith("target_")))
    target.set_value("colour").run()
    at.radio(key="data_source").set_value("Built-in").run()
    at.radio(key="data_source").set_value("Upload a CSV table").run()
    assert not at.exception
    assert counted == {"parse": 1, "save": 1}


def test_a_second_session_uploading_the_same_bytes_parses_nothing(workspace, counted):
    payload = blobs_csv(rows=300)
    upload(open_app(), "blobs.csv", payload)
    at = upload(open_app(), "same-bytes.csv", payload)
    assert not at.exception and not errors(at)
    assert counted == {"parse": 1, "save": 1}


def test_a_file_that_cannot_be_read_is_not_read_again_on_every_click(workspace, counted):
    at = upload(open_app(), "empty.csv", b"")
    assert "empty" in errors(at)
    at.run()
    assert "empty" in errors(at)
    assert counted == {"parse": 1, "save": 0}


def _table(ref: str, rows: int) -> Dataset:
    frame = pd.DataFrame({"x": np.zeros(rows), "y": np.zeros(rows)})
    return Dataset(ref, ref, TabularData(frame=frame, target="y"))


def test_the_cache_drops_the_least_recently_used_dataset_beyond_its_entries():
    cache = DatasetCache(max_entries=2, max_bytes=1 << 30)
    for ref in ("a", "b"):
        cache.put(ref, _table(ref, 10))
    assert cache.get("a") is not None  # "b" is now the least recently used
    cache.put("c", _table("c", 10))
    assert (cache.get("a"), cache.get("b"), cache.get("c")) != (None, None, None)
    assert cache.get("b") is None and len(cache) == 2


def test_the_cache_keeps_its_bytes_under_the_limit():
    one = dataset_bytes(_table("a", 10_000))
    cache = DatasetCache(max_entries=100, max_bytes=int(2.5 * one))
    for ref in "abcd":
        cache.put(ref, _table(ref, 10_000))
    assert cache.bytes <= 2.5 * one and len(cache) == 2
    assert cache.get("a") is None and cache.get("d") is not None


def test_a_dataset_larger_than_the_whole_cache_is_not_kept():
    cache = DatasetCache(max_entries=8, max_bytes=1000)
    cache.put("big", _table("big", 10_000))
    assert cache.get("big") is None and cache.bytes == 0


def test_dataset_bytes_counts_what_the_data_holds():
    images = np.zeros((10, 8, 8, 1), dtype=np.uint8)
    dataset = Dataset("i", "i", ImageData(images=images, labels=np.array(["a"] * 10)))
    assert dataset_bytes(dataset) == 640 + np.array(["a"] * 10).nbytes
    assert dataset_bytes(_table("t", 1000)) >= 2 * 8 * 1000

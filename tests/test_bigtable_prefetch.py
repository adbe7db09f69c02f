"""Reading ahead on a thread keeps order, errors and early stops as a plain loop has them."""

from __future__ import annotations

import threading

import pytest

from data.bigtable.prefetch import read_ahead


def test_items_come_in_order():
    assert list(read_ahead(iter(range(1000)), depth=3)) == list(range(1000))


def test_an_error_while_reading_reaches_the_consumer_after_the_items_before_it():
    def items():
        yield 1
        yield 2
        raise ValueError("line 3 is ragged")

    seen = []
    with pytest.raises(ValueError, match="line 3 is ragged"):
        for item in read_ahead(items()):
            seen.append(item)
    assert seen == [1, 2]


def test_stopping_early_closes_the_reader_on_its_own_thread():
    closed, made = [], []

    def items():
        try:
            for i in range(10_000):
                made.append(i)
                yield i
        finally:
            closed.append(threading.current_thread().name)

    ahead = read_ahead(items(), depth=2)
    assert [next(ahead) for _ in range(3)] == [0, 1, 2]
    ahead.close()
    assert closed == ["glassbox-read-ahead"]
    assert len(made) <= 3 + 2 + 1  # what was used, what waited, one being put
    assert not any(t.name == "glassbox-read-ahead" for t in threading.enumerate())

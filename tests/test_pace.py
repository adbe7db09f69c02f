"""Time per epoch, time left and rows per second, from when epochs ended (known answers)."""

from __future__ import annotations

import pytest

from models.pace import duration, training_pace


def test_nothing_is_estimated_before_the_first_epoch_ends():
    assert training_pace(None, [], 10, 0.0) is None
    assert training_pace(100.0, [], 10, 0.3) is None


def test_within_the_first_epoch_its_share_done_so_far_gives_the_estimate():
    # 30 s after fitting began, 10 % of the first of 4 epochs is done: 300 s an epoch
    assert training_pace(100.0, [], 4, 0.03, rows_per_epoch=600_000, now=130.0) is None
    pace = training_pace(100.0, [], 4, 0.1, rows_per_epoch=600_000, now=130.0)
    assert pace.seconds_per_epoch == pytest.approx(300.0)
    assert pace.seconds_left == pytest.approx(3.9 * 300.0)
    assert pace.rows_per_s == pytest.approx(2000.0)


def test_one_epoch_gives_its_own_time():
    pace = training_pace(100.0, [112.0], 10, 1.0, rows_per_epoch=600)
    assert pace.seconds_per_epoch == pytest.approx(12.0)
    assert pace.seconds_left == pytest.approx(9 * 12.0)
    assert pace.rows_per_s == pytest.approx(50.0)


def test_the_slow_first_epoch_is_left_out_once_later_ones_exist():
    # epoch 1 took 30 s (graph building), then 10, 12 and 14 s, then the last three count
    ends = [130.0, 140.0, 152.0, 166.0]
    pace = training_pace(100.0, ends, 10, 4.5)
    assert pace.seconds_per_epoch == pytest.approx(12.0)
    assert pace.seconds_left == pytest.approx(5.5 * 12.0)
    assert pace.rows_per_s is None


def test_described_in_words():
    pace = training_pace(0.0, [10.0, 20.0], 10, 2.0, rows_per_epoch=500)
    assert pace.describe() == "10 s per epoch · about 1 min 20 s left · 50 rows/s"
    assert "at most 1 min 20 s left" in pace.describe(may_stop_early=True)
    assert [duration(s) for s in (0.42, 12.4, 185, 3720)] == [
        "0.4 s",
        "12 s",
        "3 min 05 s",
        "1 h 02 min",
    ]

"""The baselines Explore shows beside a run's metrics (known answers)."""

from __future__ import annotations

import numpy as np
import pytest

from models.metrics import baseline_summary


def test_the_classification_baseline_always_says_the_commonest_class():
    y = np.array([0, 0, 0, 1, 2, 2])  # class 0 is half the rows
    base = baseline_summary("classification", y, n_classes=4)
    assert base["accuracy"] == pytest.approx(0.5)
    assert base["macro_f1"] == pytest.approx((2 / 3) / 3)  # f1 2/3 for class 0, 0 for 1 and 2
    shares = np.array([3, 1, 2]) / 6
    assert base["log_loss"] == pytest.approx(-(shares * np.log(shares)).sum())


def test_the_regression_baseline_always_says_the_mean():
    y = np.array([1.0, 2.0, 3.0, 6.0])
    base = baseline_summary("regression", y)
    assert base["r2"] == pytest.approx(0.0, abs=1e-12)
    assert base["mae"] == pytest.approx(1.5)
    assert base["rmse"] == pytest.approx(np.sqrt(np.mean((y - 3.0) ** 2)))

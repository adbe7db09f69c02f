"""Run comparison charts: best-first ordering, colour by model, curves per run."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dashboard.figures.comparison import (
    curves_comparison_figure,
    lower_is_better,
    runs_comparison_figure,
)

RUNS = pd.DataFrame(
    {
        "run": ["mlp-1", "cnn-1", "cnn-2", "mlp-2"],
        "model": ["mlp", "cnn", "cnn", "mlp"],
        "val_accuracy": [0.81, 0.95, 0.90, np.nan],
        "val_loss": [0.6, 0.2, 0.3, 0.9],
    }
)


def test_higher_is_better_metric_sorted_descending() -> None:
    fig = runs_comparison_figure(RUNS, "val_accuracy")
    assert list(fig.layout.yaxis.categoryarray) == ["cnn-1", "cnn-2", "mlp-1"]
    assert fig.layout.yaxis.autorange == "reversed"  # best on top
    assert "1 without a value" in fig.layout.title.text
    assert [t.name for t in fig.data] == ["cnn", "mlp"]
    assert fig.data[0].marker.color != fig.data[1].marker.color


def test_loss_like_metric_sorted_ascending() -> None:
    assert lower_is_better("val_loss") and lower_is_better("RMSE") and not lower_is_better("auc")
    fig = runs_comparison_figure(RUNS, "val_loss")
    assert list(fig.layout.yaxis.categoryarray) == ["cnn-1", "cnn-2", "mlp-1", "mlp-2"]


def test_missing_columns_and_duplicate_labels_raise() -> None:
    with pytest.raises(ValueError, match="f1"):
        runs_comparison_figure(RUNS, "f1")
    with pytest.raises(ValueError, match="unique"):
        runs_comparison_figure(RUNS.assign(run="same"), "val_loss")


def test_curves_one_line_per_run_that_has_the_metric() -> None:
    histories = {
        "run a": pd.DataFrame({"epoch": [2, 1], "val_loss": [0.5, 0.9]}),
        "run b": pd.DataFrame({"epoch": [1], "val_loss": [0.7]}),
        "run c": pd.DataFrame({"epoch": [1], "loss": [0.7]}),
    }
    fig = curves_comparison_figure(histories, "val_loss")
    assert [t.name for t in fig.data] == ["run a", "run b"]
    assert list(fig.data[0].x) == [1, 2] and list(fig.data[0].y) == [0.9, 0.5]
    empty = curves_comparison_figure({"run c": histories["run c"]}, "val_loss")
    assert "No run has recorded val_loss" in empty.layout.annotations[0].text

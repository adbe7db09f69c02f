"""The ROC, precision-recall and reliability figures draw what models.evaluation computed."""

from __future__ import annotations

import numpy as np
import pytest

from dashboard.figures.evaluation import Mark, pr_figure, reliability_figure, roc_figure
from models.evaluation.calibration import reliability
from models.evaluation.curves import roc_curves


def test_roc_hover_shows_each_points_threshold_and_the_legend_its_auc():
    y = np.array([0, 0, 1, 1])
    proba = np.array([[0.9, 0.1], [0.6, 0.4], [0.65, 0.35], [0.2, 0.8]])
    (curve,) = roc_curves(y, proba, ["a", "b"])
    fig = roc_figure([curve], [Mark("threshold 0.50", 0.0, 0.5, 0.5)])
    trace = next(t for t in fig.data if t.name.startswith("b"))
    assert trace.name == "b (0.750)"
    assert list(trace.customdata) == ["above every score", "0.800", "0.400", "0.350", "0.100"]
    assert any(t.name == "threshold 0.50" and t.mode == "markers" for t in fig.data)


def test_empty_curves_say_why():
    assert "single class" in roc_figure([]).layout.annotations[0].text
    assert "single class" in pr_figure([]).layout.annotations[0].text


def test_reliability_figure_puts_counts_on_a_second_axis():
    y = np.array([1, 0, 0, 0, 1, 1, 0, 0])
    p = np.array([0.25] * 4 + [0.95] * 4)
    fig = reliability_figure(reliability(y, np.stack([1 - p, p], 1), ["n", "y"]))
    bars = next(t for t in fig.data if t.type == "bar")
    assert list(bars.y) == [4, 4] and bars.yaxis == "y2"
    assert fig.layout.yaxis2.range is None, "the counts' axis fits the counts, not 0-1"
    assert list(fig.layout.yaxis.range) == [0, 1.02]
    assert "0.225" in fig.layout.title.text


def test_fold_figures_show_every_fold_and_the_mean_with_its_spread():
    from dashboard.figures.crossval import fold_roc_figure, fold_scores_figure
    from models.evaluation.curves import Curve
    from models.evaluation.folds import mean_roc, metric_spread

    rows = metric_spread([{"accuracy": 0.9, "mae": None}, {"accuracy": 0.8}, {"accuracy": 1.0}])
    assert [r["metric"] for r in rows] == ["accuracy"]  # no fold scored mae
    assert rows[0]["mean"] == pytest.approx(0.9) and rows[0]["std"] == pytest.approx(0.1)
    assert metric_spread([{"accuracy": 0.9}])[0]["std"] is None  # no spread from one fold
    fig = fold_scores_figure(rows, ["fold 1", "fold 2", "fold 3"])
    points = [t for t in fig.data if t.name.startswith("fold")]
    assert sorted(t.y[0] for t in points) == pytest.approx([0.8, 0.9, 1.0])
    mean_trace = next(t for t in fig.data if t.name == "mean ± std")
    assert mean_trace.error_y.array[0] == pytest.approx(0.1)

    nan = np.full(2, np.nan)
    folds = [
        Curve("fold 1", np.array([0.0, 1.0]), np.array([0.0, 1.0]), nan, 0.5),
        Curve("fold 2", np.array([0.0, 0.0, 1.0]), np.array([0.0, 1.0, 1.0]), np.full(3, 0.5), 1.0),
    ]
    mean, spread = mean_roc(folds)
    assert mean.area == pytest.approx(0.75)
    assert np.interp(0.5, mean.x, mean.y) == pytest.approx(0.75)
    assert np.interp(0.5, mean.x, spread) == pytest.approx(0.25)
    names = [t.name for t in fold_roc_figure(folds, mean, spread).data]
    assert "fold 1 (AUC 0.500)" in names and "mean (AUC 0.750 ± 0.354)" in names

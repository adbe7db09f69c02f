"""Classification figures: confusion matrix values and cell selection, bars and ordering."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dashboard.figures.classification import (
    class_balance_figure,
    class_probabilities_figure,
    confusion_matrix_figure,
    per_class_metrics_figure,
)

CM = np.array([[5, 1, 0], [2, 3, 1], [0, 0, 0]])
NAMES = ["cat", "dog", "eel"]


def test_counts_shown_as_given() -> None:
    fig = confusion_matrix_figure(CM, NAMES)
    heatmap = fig.data[0]
    np.testing.assert_array_equal(heatmap.z, CM)
    assert list(heatmap.x) == NAMES and list(heatmap.y) == NAMES
    assert heatmap.text[1][2] == "1"
    assert fig.layout.yaxis.autorange == "reversed"  # first class on top
    assert fig.layout.xaxis.type == "category"


def test_normalised_rows_sum_to_one_and_empty_row_stays_zero() -> None:
    fig = confusion_matrix_figure(CM, NAMES, normalize=True)
    z = np.asarray(fig.data[0].z)
    np.testing.assert_allclose(z[0], [5 / 6, 1 / 6, 0])
    np.testing.assert_allclose(z[1], [2 / 6, 3 / 6, 1 / 6])
    np.testing.assert_array_equal(z[2], [0, 0, 0])
    assert fig.data[0].text[0][0] == "83.3%"


def test_selection_scatter_maps_each_point_to_its_cell() -> None:
    fig = confusion_matrix_figure(CM, NAMES)
    selector = fig.data[1]
    assert selector.type == "scatter"
    assert selector.marker.opacity <= 0.05
    custom = np.asarray(selector.customdata)
    assert custom.shape == (9, 2)
    for (true_idx, pred_idx), x, y, hover in zip(
        custom, selector.x, selector.y, selector.hovertext, strict=True
    ):
        assert x == NAMES[pred_idx] and y == NAMES[true_idx]
        assert f"count: {CM[true_idx, pred_idx]}" in hover
    assert {tuple(c) for c in custom} == {(t, p) for t in range(3) for p in range(3)}


def test_many_classes_hide_cell_text() -> None:
    n = 40
    names = [f"c{i}" for i in range(n)]
    fig = confusion_matrix_figure(np.eye(n, dtype=int), names)
    assert fig.data[0].text is None
    assert len(fig.data[1].customdata) == n * n
    assert confusion_matrix_figure(np.eye(5, dtype=int), names[:5]).data[0].text is not None


def test_mismatched_names_raise() -> None:
    with pytest.raises(ValueError, match="class names"):
        confusion_matrix_figure(CM, NAMES[:2])


def test_per_class_metrics_groups_three_scores_with_support_in_hover() -> None:
    report = pd.DataFrame(
        {"precision": [0.9, 0.5], "recall": [0.8, 0.4], "f1": [0.85, 0.45], "support": [10, 3]},
        index=["cat", "dog"],
    )
    fig = per_class_metrics_figure(report)
    assert [t.name for t in fig.data] == ["precision", "recall", "f1"]
    assert list(fig.data[1].y) == [0.8, 0.4]
    assert list(fig.data[0].customdata) == [10, 3]
    assert fig.layout.barmode == "group"
    with pytest.raises(ValueError, match="support"):
        per_class_metrics_figure(report.drop(columns="support"))


def test_class_balance_sorted_desc_and_horizontal_when_many() -> None:
    fig = class_balance_figure(pd.Series([3, 10, 1], index=["a", "b", "c"]))
    bar = fig.data[0]
    assert list(bar.x) == ["b", "a", "c"] and list(bar.y) == [10, 3, 1]
    np.testing.assert_allclose(bar.customdata, [10 / 14 * 100, 3 / 14 * 100, 1 / 14 * 100])
    many = pd.Series(np.arange(20), index=[f"k{i}" for i in range(20)])
    bar = class_balance_figure(many).data[0]
    assert bar.orientation == "h" and bar.y[0] == "k19"


def test_class_probabilities_top_k_highest_first_predicted_highlighted() -> None:
    probs = np.array([0.05, 0.6, 0.1, 0.25])
    fig = class_probabilities_figure(probs, ["a", "b", "c", "d"], top_k=3)
    bar = fig.data[0]
    assert list(bar.y) == ["b", "d", "c"]
    assert fig.layout.yaxis.autorange == "reversed"
    colors = list(bar.marker.color)
    assert colors[0] != colors[1] and colors[1] == colors[2]
    with pytest.raises(ValueError):
        class_probabilities_figure(probs, ["a", "b"])

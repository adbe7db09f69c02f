"""Regression scatter plots and the missing-values chart."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dashboard.figures.data_overview import missing_values_figure
from dashboard.figures.regression import predicted_vs_actual_figure, residuals_figure


def test_predicted_vs_actual_has_identity_line_spanning_data() -> None:
    y_true = np.array([1.0, 2.0, np.nan, 4.0])
    y_pred = np.array([[1.5], [1.0], [3.0], [5.0]])
    fig = predicted_vs_actual_figure(y_true, y_pred)
    points, identity = fig.data
    assert points.type == "scatter"
    assert list(points.x) == [1.0, 2.0, 4.0] and list(points.y) == [1.5, 1.0, 5.0]
    assert list(np.asarray(points.customdata)[:, 0]) == [0, 1, 3]  # original sample positions
    assert list(identity.x) == list(identity.y)
    assert identity.x[0] < 1.0 and identity.x[1] > 5.0


def test_residuals_are_actual_minus_predicted_with_zero_line() -> None:
    fig = residuals_figure([3.0, 1.0], [2.0, 2.0])
    np.testing.assert_allclose(fig.data[0].y, [1.0, -1.0])
    assert fig.layout.shapes[0].y0 == 0 and fig.layout.shapes[0].y1 == 0


def test_webgl_above_a_thousand_points() -> None:
    y = np.arange(1500.0)
    assert predicted_vs_actual_figure(y, y).data[0].type == "scattergl"
    assert residuals_figure(y, y).data[0].type == "scattergl"
    with pytest.raises(ValueError, match="one prediction per sample"):
        residuals_figure(y, y[:10])


def test_missing_values_sorted_worst_first_and_complete_columns_dropped() -> None:
    fig = missing_values_figure(pd.Series({"a": 0.1, "b": 0.0, "c": 0.5}))
    bar = fig.data[0]
    assert list(bar.y) == ["c", "a"] and list(bar.x) == [0.5, 0.1]
    assert "2 of 3" in fig.layout.title.text


def test_no_missing_values_says_so() -> None:
    fig = missing_values_figure(pd.Series({"a": 0.0, "b": 0.0}))
    assert len(fig.data) == 0 and fig.layout.annotations[0].text == "No missing values"
    with pytest.raises(ValueError, match="fractions"):
        missing_values_figure(pd.Series({"a": 12}))

"""What the embedding explorer can colour points by: the model's verdicts or the data itself."""

from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard.explore.context import ExploreContext

COLUMN_PREFIX = "column: "


def _data_columns(ctx: ExploreContext) -> list[str]:
    """Sample values that make a readable colour, as the run's kind of data offers them."""
    if ctx.dataset is None:
        return []
    return ctx.modality.colour_columns(ctx.dataset.data)


def colour_options(ctx: ExploreContext) -> list[str]:
    """The model's view first, then every usable data column (prefixed, so names never clash)."""
    if ctx.results.task == "regression":
        options = ["true value", "predicted value", "absolute error"]
    else:
        options = ["true label", "predicted label", "correct vs wrong"]
        options += ["confidence"] if ctx.results.proba is not None else []
    return options + [COLUMN_PREFIX + name for name in _data_columns(ctx)]


def _column_values(ctx: ExploreContext, name: str, rows: np.ndarray) -> pd.Series:
    dataset_rows = ctx.results.test_index[rows]
    return ctx.modality.column_values(ctx.dataset.data, name, dataset_rows)


def colour_values(
    ctx: ExploreContext, option: str, rows: np.ndarray
) -> tuple[np.ndarray | pd.Series, str]:
    """One colour value per shown point (test rows `rows`) and the legend title."""
    results = ctx.results
    if option.startswith(COLUMN_PREFIX):
        name = option[len(COLUMN_PREFIX) :]
        return _column_values(ctx, name, rows), name
    y_true, y_pred = results.y_true[rows], results.y_pred[rows]
    if results.task == "regression":
        values = {
            "true value": y_true,
            "predicted value": y_pred,
            "absolute error": np.abs(y_true - y_pred),
        }
        return values[option], option
    names = np.asarray(results.class_names, dtype=object)
    if option == "true label":
        return names[y_true], option
    if option == "predicted label":
        return names[y_pred], option
    if option == "confidence" and results.proba is not None:
        return results.proba[rows].max(axis=1), option
    return np.where(y_true == y_pred, "correct", "wrong"), "correct vs wrong"

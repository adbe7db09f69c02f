"""Each original column's contribution to one row's prediction: sampled Shapley values.

A column's contribution is the average change of the prediction when the column
takes the row's value instead of a background row's, over column orders (the
columns before it already set to the row's values) and over background rows
(interventional Shapley values, as SHAP's model-agnostic explainers estimate them).
Orders are sampled in antithetic pairs (an order and its reverse), which cancels
most of the sampling noise for nearly additive models. Along any one order the
changes add up exactly to prediction(row) − prediction(background row), so the
contributions always sum to the row's prediction minus the background's mean.

Written here with NumPy rather than with the shap package: it needs nothing but the
model's predictions, works on any model whatever its framework, groups one-hot
levels and date parts into their column by construction, and cannot disturb
TensorFlow's state (shap's DeepExplainer leaves its gradient registry broken).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from models.explain.predictor import Predictor
from models.tabular.columns import ColumnGroups

ORDERS = 16  # column orders sampled (8 antithetic pairs)
BACKGROUND_ROWS = 32

Progress = Callable[[float, str], None]


@dataclass(frozen=True)
class Contributions:
    """values[i, k]: column i's contribution to output k (a class's probability, or the
    prediction); base[k] is the mean output over the background rows."""

    columns: list[str]
    outputs: list[str]
    values: np.ndarray  # (columns, outputs)
    base: np.ndarray  # (outputs,)
    prediction: np.ndarray  # (outputs,)
    shown: list[str]  # the row's value of each column, as text
    notes: list[str]

    def to_json(self) -> dict[str, Any]:
        return {
            "columns": self.columns,
            "outputs": self.outputs,
            "values": self.values.tolist(),
            "base": self.base.tolist(),
            "prediction": self.prediction.tolist(),
            "shown": self.shown,
            "notes": self.notes,
        }

    @classmethod
    def from_json(cls, value: dict[str, Any]) -> Contributions:
        return cls(
            list(value["columns"]),
            list(value["outputs"]),
            np.asarray(value["values"], dtype=float),
            np.asarray(value["base"], dtype=float),
            np.asarray(value["prediction"], dtype=float),
            list(value["shown"]),
            list(value.get("notes", [])),
        )


def _orders(n_columns: int, count: int, rng: np.random.Generator) -> list[np.ndarray]:
    orders = []
    while len(orders) < count:
        order = rng.permutation(n_columns)
        orders += [order, order[::-1]]
    return orders[:count]


def shapley_values(
    predict: Predictor,
    row: np.ndarray,
    background: np.ndarray,
    groups: ColumnGroups,
    orders: int = ORDERS,
    seed: int = 0,
    progress: Progress | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(values (columns, outputs), base (outputs,), prediction (outputs,)) for one encoded row."""
    row = np.asarray(row, np.float32).reshape(-1)
    background = np.asarray(background, np.float32)
    n_columns = len(groups)
    takes = np.zeros((n_columns, row.size), bool)  # takes[c]: the inputs of column c
    for column, members in enumerate(groups.members):
        takes[column, members] = True
    rng = np.random.default_rng(seed)
    total = np.zeros((n_columns, len(predict.outputs)))
    for done, order in enumerate(_orders(n_columns, orders, rng)):
        if progress is not None:
            progress(done / orders, f"column order {done + 1} of {orders}")
        # step s: the first s columns of the order take the row's values
        from_row = np.vstack([np.zeros(row.size, bool), np.cumsum(takes[order], axis=0) > 0])
        steps = np.where(from_row[None], row[None, None], background[:, None])  # (K, C+1, F)
        out = predict(steps.reshape(-1, row.size)).reshape(len(background), n_columns + 1, -1)
        total[order] += np.diff(out, axis=1).mean(axis=0)
    values = total / orders
    base = predict(background).mean(axis=0)
    return values, base, predict(row[None])[0]

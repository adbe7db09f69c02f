"""Partial dependence and ICE lines: the model's output as one column is moved over its range.

Each sampled test row is copied once per grid value with the column set to that
value (in the column's own units, before preprocessing, so a date moves as a date
and a category as a level), and the copies go through the run's preprocessing and
model in one batch. An ICE line is one row's outputs along the grid; partial
dependence is their mean. Lines that run apart show the column interacts with
others; parallel lines show it acts alone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from models.explain.permutation import sample_rows
from models.explain.predictor import Predictor

GRID_POINTS = 20
PD_ROWS = 300
ICE_LINES = 40

Transform = Callable[[pd.DataFrame], np.ndarray]


@dataclass(frozen=True)
class Dependence:
    """average[g, k]: mean output k with the column at grid[g]; ice[i, g, k]: row i's."""

    column: str
    ordered: bool  # the grid lies on a number (or time) line, not a set of levels
    grid: list[Any]  # values in the column's units: numbers, ISO dates or levels
    outputs: list[str]
    average: np.ndarray
    ice: np.ndarray
    rows: int

    def to_json(self) -> dict[str, Any]:
        return {
            "column": self.column,
            "ordered": self.ordered,
            "grid": self.grid,
            "outputs": self.outputs,
            "average": self.average.tolist(),
            "ice": self.ice.tolist(),
            "rows": self.rows,
        }

    @classmethod
    def from_json(cls, value: dict[str, Any]) -> Dependence:
        return cls(
            value["column"],
            bool(value["ordered"]),
            list(value["grid"]),
            list(value["outputs"]),
            np.asarray(value["average"], dtype=float),
            np.asarray(value["ice"], dtype=float),
            int(value["rows"]),
        )


def _number_grid(numbers: np.ndarray) -> list[float]:
    distinct = np.unique(numbers)
    if len(distinct) <= GRID_POINTS:
        return [float(v) for v in distinct]
    quantiles = np.quantile(numbers, np.linspace(0.05, 0.95, GRID_POINTS))
    return [float(v) for v in np.unique(quantiles)]


def grid_for(values: pd.Series, role: str) -> tuple[list[Any], bool]:
    """The values to move a column over, and whether they lie on a line.

    Numbers: every distinct value if there are few, else 20 quantiles from the 5th
    to the 95th percentile (the tails hold too few rows to say anything). Dates:
    the same on the time line. Anything else: its most frequent levels.
    """
    present = values.dropna()
    if present.empty:
        raise ValueError(
            f"Column {values.name!r} has no values in the test rows, so there is nothing to "
            "move it over."
        )
    if role == "numeric":
        numbers = pd.to_numeric(present.astype(object), errors="coerce").dropna()
        if not numbers.empty:
            return _number_grid(numbers.to_numpy(dtype=float)), True
    if role == "datetime":
        from data.schema import parse_dates

        stamps = parse_dates(present).dropna()
        if not stamps.empty:
            nanos = _number_grid(stamps.dt.as_unit("ns").astype("int64").to_numpy(dtype=float))
            return [pd.Timestamp(int(n), unit="ns").round("s").isoformat() for n in nanos], True
    levels = present.astype(str).value_counts().index[:GRID_POINTS]
    return [str(level) for level in levels], False


def partial_dependence(
    predict: Predictor,
    transform: Transform,
    rows: pd.DataFrame,
    column: str,
    role: str,
    seed: int = 0,
) -> Dependence:
    """Partial dependence of every output on `column`, with ICE lines for some rows."""
    if column not in rows.columns:
        raise ValueError(f"There is no column named {column!r} in this run's table.")
    grid, ordered = grid_for(rows[column], role)
    chosen = rows.iloc[sample_rows(len(rows), PD_ROWS, seed)].reset_index(drop=True)
    copies = []
    for value in grid:
        copy = chosen.copy()
        copy[column] = pd.Series([value] * len(chosen), dtype=object)
        copies.append(copy)
    out = predict(transform(pd.concat(copies, ignore_index=True)))
    per_row = out.reshape(len(grid), len(chosen), -1).transpose(1, 0, 2)  # (rows, grid, outputs)
    lines = per_row[: min(ICE_LINES, len(chosen))]
    return Dependence(
        column, ordered, grid, list(predict.outputs), per_row.mean(axis=0), lines, len(chosen)
    )

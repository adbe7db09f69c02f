"""Permutation importance of the original columns: how much worse the model does on the
test rows when one column's values are shuffled between rows.

A column's inputs (one-hot levels, date parts, missing flag) are shuffled together
with one permutation, which is the same as shuffling the column before
preprocessing. Each repeat uses a new permutation; the spread over repeats says
how much of a small importance is luck. All repeats of one column go to the model
in one call, so a column costs one large batch, not `repeats` small ones.

Importance is a drop in quality, positive when the column helps: accuracy and R²
fall, log-loss and MAE rise. A column the model ignores scores zero up to noise.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from models.explain.predictor import Predictor
from models.tabular.columns import ColumnGroups

REPEATS = 5
MAX_ROWS = 2000  # test rows shuffled; more move the estimate little and cost linearly
_EPS = 1e-7

Progress = Callable[[float, str], None]


def _accuracy(y: np.ndarray, out: np.ndarray) -> float:
    return float(np.mean(out.argmax(axis=1) == y))


def _log_loss(y: np.ndarray, out: np.ndarray) -> float:
    picked = out[np.arange(len(y)), y.astype(int)]
    return float(-np.mean(np.log(np.clip(picked, _EPS, 1.0))))


def _r2(y: np.ndarray, out: np.ndarray) -> float:
    residual = np.sum((y - out[:, 0]) ** 2)
    total = np.sum((y - y.mean()) ** 2)
    return float(1.0 - residual / total) if total > 0 else 0.0


def _mae(y: np.ndarray, out: np.ndarray) -> float:
    return float(np.mean(np.abs(y - out[:, 0])))


# name → (score function, higher is better)
METRICS: dict[str, dict[str, tuple[Callable[[np.ndarray, np.ndarray], float], bool]]] = {
    "classification": {"accuracy": (_accuracy, True), "log_loss": (_log_loss, False)},
    "regression": {"r2": (_r2, True), "mae": (_mae, False)},
}
METRIC_LABELS = {
    "accuracy": "drop in accuracy",
    "log_loss": "rise in log-loss",
    "r2": "drop in R²",
    "mae": "rise in MAE",
}


@dataclass(frozen=True)
class Importance:
    """drops[metric] is (columns, repeats): the quality lost when each column is shuffled."""

    columns: list[str]
    baseline: dict[str, float]
    drops: dict[str, np.ndarray]
    rows: int  # test rows used
    total_rows: int  # test rows the run has
    repeats: int

    @property
    def metrics(self) -> list[str]:
        return list(self.drops)

    def mean(self, metric: str) -> np.ndarray:
        return self.drops[metric].mean(axis=1)

    def std(self, metric: str) -> np.ndarray:
        return self.drops[metric].std(axis=1)

    def ranked(self, metric: str) -> list[int]:
        """Column positions, most important first (ties keep table order)."""
        return list(np.argsort(-self.mean(metric), kind="stable"))

    def to_json(self) -> dict[str, Any]:
        return {
            "columns": self.columns,
            "baseline": self.baseline,
            "drops": {metric: values.tolist() for metric, values in self.drops.items()},
            "rows": self.rows,
            "total_rows": self.total_rows,
            "repeats": self.repeats,
        }

    @classmethod
    def from_json(cls, value: dict[str, Any]) -> Importance:
        drops = {m: np.asarray(v, dtype=float) for m, v in value["drops"].items()}
        return cls(
            list(value["columns"]),
            dict(value["baseline"]),
            drops,
            int(value["rows"]),
            int(value["total_rows"]),
            int(value["repeats"]),
        )


def sample_rows(n: int, limit: int, seed: int) -> np.ndarray:
    """At most `limit` row positions, the same ones for the same seed, in order."""
    if n <= limit:
        return np.arange(n)
    return np.sort(np.random.default_rng(seed).choice(n, limit, replace=False))


def _scores(task: str, y: np.ndarray, out: np.ndarray) -> dict[str, float]:
    return {name: score(y, out) for name, (score, _) in METRICS[task].items()}


def permutation_importance(
    predict: Predictor,
    x: np.ndarray,
    y: np.ndarray,
    groups: ColumnGroups,
    repeats: int = REPEATS,
    seed: int = 0,
    progress: Progress | None = None,
    max_rows: int = MAX_ROWS,
) -> Importance:
    """Importance of every column of `groups` on (at most `max_rows` of) the rows (x, y),
    `repeats` shuffles each."""
    if len(x) < 2:
        raise ValueError(
            "Permutation importance needs at least 2 test rows to shuffle; this run has "
            f"{len(x)}. Train with a larger test share or more data."
        )
    task, total_rows = predict.task, len(x)
    chosen = sample_rows(total_rows, max_rows, seed)
    x, y = np.asarray(x, np.float32)[chosen], np.asarray(y)[chosen]
    baseline = _scores(task, y, predict(x))
    rng = np.random.default_rng(seed)
    drops = {metric: np.zeros((len(groups), repeats)) for metric in METRICS[task]}
    for column, members in enumerate(groups.members):
        if progress is not None:
            progress(column / len(groups), f"shuffling column {column + 1} of {len(groups)}")
        stacked = np.tile(x, (repeats, 1))
        for repeat in range(repeats):
            rows = slice(repeat * len(x), (repeat + 1) * len(x))
            order = rng.permutation(len(x))
            stacked[rows, members] = x[order][:, members]
        out = predict(stacked)
        for repeat in range(repeats):
            shuffled = _scores(task, y, out[repeat * len(x) : (repeat + 1) * len(x)])
            for metric, (_, higher_better) in METRICS[task].items():
                change = baseline[metric] - shuffled[metric]
                drops[metric][column, repeat] = change if higher_better else -change
    return Importance(list(groups.names), baseline, drops, len(x), total_rows, repeats)

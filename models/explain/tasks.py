"""What the explain service computes for a request, from what a finished run saved.

A run's model, preprocessor and encoded test rows are loaded once into a
`RunExplainer`, which the service keeps while requests about that run follow. The
encoded test rows are the run's features/input.npy (exactly what the model was
tested on); the raw rows, needed to move a column in its own units, come from the
dataset, loaded only when a request needs them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from functools import cached_property
from typing import Any

import numpy as np

from models import capabilities as caps
from models.artifacts import load_features, load_results
from models.explain import cache
from models.explain.attention import TableAttention, attention_over_rows
from models.explain.contributions import BACKGROUND_ROWS, Contributions, shapley_values
from models.explain.dependence import partial_dependence
from models.explain.permutation import MAX_ROWS, permutation_importance, sample_rows
from models.explain.predictor import Predictor, keras_predictor, sklearn_predictor
from models.tabular.columns import ColumnGroups, column_groups

PRECOMPUTED_DEPENDENCE = 3  # the most important columns get their partial dependence at once

Progress = Callable[[float, str], None]


def row_key(values: Mapping[str, Any]) -> str:
    """The cache key of a row: its values as canonical JSON, hashed."""
    return cache.digest(json.dumps(jsonable_row(values), sort_keys=True))


def jsonable_row(values: Mapping[str, Any]) -> dict[str, Any]:
    """A row's values as plain JSON: numbers, text, booleans; gaps (None, NaN) as None."""
    import pandas as pd

    out: dict[str, Any] = {}
    for column, value in values.items():
        if value is None or (not isinstance(value, str) and bool(pd.isna(value))):
            out[str(column)] = None
        elif isinstance(value, bool | np.bool_):
            out[str(column)] = bool(value)
        elif isinstance(value, int | np.integer):
            out[str(column)] = int(value)
        elif isinstance(value, float | np.floating):
            out[str(column)] = float(value)
        else:
            out[str(column)] = str(value.isoformat() if hasattr(value, "isoformat") else value)
    return out


class RunExplainer:
    """One finished run, ready to be explained."""

    def __init__(self, store, run_id: str) -> None:
        self.store, self.run_id = store, run_id
        self.run_dir = store.run_dir(run_id)
        results = load_results(self.run_dir)
        if results is None:
            raise ValueError("This run has no saved results yet, so there is nothing to explain.")
        self.results = results
        self.meta = results.meta
        self.x_test = load_features(self.run_dir, "input")

    @property
    def task(self) -> str:
        return self.results.task

    @cached_property
    def model(self) -> Any:
        from models.model_io import load_keras, load_sklearn

        model_file = self.meta.get("model_file", "")
        if not model_file or not (self.run_dir / model_file).exists():
            raise ValueError(
                "This run's saved model is gone, so it cannot be explained; train it again."
            )
        return (
            load_keras(self.run_dir)
            if model_file.endswith(".keras")
            else load_sklearn(self.run_dir)
        )

    @cached_property
    def predictor(self) -> Predictor:
        classify = self.task == "classification"
        outputs = list(self.results.class_names) if classify else ["prediction"]
        if self.meta.get("model_file", "").endswith(".keras"):
            return keras_predictor(self.model, self.task, outputs)
        return sklearn_predictor(self.model, self.task, outputs)

    @cached_property
    def preprocessor(self) -> Any | None:
        from models.skops_io import load_run_object, run_object_exists
        from models.tabular.columns import PREPROCESSOR_STEM

        if not run_object_exists(self.run_dir, PREPROCESSOR_STEM):
            return None
        return load_run_object(self.run_dir, PREPROCESSOR_STEM)

    @cached_property
    def groups(self) -> ColumnGroups:
        names = self.meta.get("feature_names") or [str(i) for i in range(self.x_test.shape[1])]
        return column_groups(self.preprocessor, names)

    @cached_property
    def raw_test_rows(self):
        """The test rows as the dataset has them (original columns), in test order."""
        from data.registry import load_dataset
        from models.tabular.stream_results import sample_dataset

        spec = self.store.get(self.run_id).spec
        dataset = sample_dataset(self.run_dir, spec.dataset) or load_dataset(
            spec.dataset, self.store.workspace, spec.dataset_options
        )
        frame = dataset.data.frame
        return frame[self._input_columns()].iloc[self.results.test_index].reset_index(drop=True)

    def _input_columns(self) -> list[str]:
        if self.preprocessor is None:
            raise ValueError(
                "This run saved no preprocessing, so rows in the table's own columns cannot "
                "be turned into the model's inputs."
            )
        return [str(c) for c in self.preprocessor.feature_names_in_]

    def transform(self, rows) -> np.ndarray:
        return np.asarray(self.preprocessor.transform(rows[self._input_columns()]), np.float32)

    def role(self, column: str) -> str:
        return self.groups.roles[self.groups.index(column)]


def compute_importance(explainer: RunExplainer, progress: Progress) -> None:
    """Permutation importance, then the partial dependence of the top columns and, for a
    model with attention over columns, its attention over the test rows."""
    has_attention = caps.TABLE_ATTENTION in explainer.meta.get("capabilities", [])
    share = 0.7 if has_attention else 0.85
    importance = permutation_importance(
        explainer.predictor,
        explainer.x_test,
        explainer.results.y_true,
        explainer.groups,
        progress=lambda f, stage: progress(share * f, stage),
    )
    cache.write_json(cache.importance_path(explainer.run_dir), importance.to_json())
    first = importance.metrics[0]
    top = [importance.columns[i] for i in importance.ranked(first)[:PRECOMPUTED_DEPENDENCE]]
    for done, column in enumerate(top):
        progress(share + (0.95 - share) * done / len(top), f"partial dependence of {column!r}")
        try:
            compute_dependence(explainer, column)
        except Exception:  # e.g. the dataset is gone: the view asks again and says why
            break
    if has_attention:
        progress(0.95, "reading the attention over columns")
        compute_attention(explainer)


def compute_dependence(explainer: RunExplainer, column: str) -> None:
    dependence = partial_dependence(
        explainer.predictor,
        explainer.transform,
        explainer.raw_test_rows,
        column,
        explainer.role(column),
    )
    cache.write_json(cache.dependence_path(explainer.run_dir, column), dependence.to_json())


def compute_attention(explainer: RunExplainer) -> None:
    rows = sample_rows(len(explainer.x_test), MAX_ROWS, 0)
    cls, rolled, columns_map = attention_over_rows(explainer.model, explainer.x_test[rows])
    names = list(explainer.groups.names)
    tokens = ["[CLS]", *names] if len(names) + 1 == cls.shape[-1] else []
    tokens = tokens or ["[CLS]", *(f"token {i}" for i in range(1, cls.shape[-1]))]
    attention = TableAttention(tokens, cls, rolled, columns_map, rows)
    cache.write_attention(cache.attention_path(explainer.run_dir), attention)


def _unreadable_numbers(explainer: RunExplainer, values: Mapping[str, Any]) -> list[str]:
    import pandas as pd

    notes = []
    for column, value in values.items():
        if value is None or column not in explainer.groups.names:
            continue
        if explainer.role(column) == "numeric" and pd.isna(pd.to_numeric(value, errors="coerce")):
            notes.append(f"{column}: {value!r} is not a number, so it counts as missing.")
    return notes


def compute_contributions(explainer: RunExplainer, values: Mapping[str, Any], key: str) -> None:
    """Shapley contributions of the columns to the row `values` (column → value)."""
    import pandas as pd

    columns = explainer._input_columns()
    unread = [str(c) for c in values if c not in columns]
    notes = _unreadable_numbers(explainer, values)
    if unread:
        notes.append(f"The model does not read {', '.join(map(repr, unread))} (left out).")
    row = pd.DataFrame({c: pd.Series([values.get(c)], dtype=object) for c in columns})
    encoded = explainer.transform(row)[0]
    background = explainer.x_test[sample_rows(len(explainer.x_test), BACKGROUND_ROWS, 0)]
    contributions, base, prediction = shapley_values(
        explainer.predictor, encoded, background, explainer.groups
    )
    shown = [
        "(missing)" if values.get(c) is None else str(values.get(c)) for c in explainer.groups.names
    ]
    result = Contributions(
        list(explainer.groups.names),
        list(explainer.predictor.outputs),
        contributions,
        base,
        prediction,
        shown,
        notes,
    )
    cache.write_json(cache.contributions_path(explainer.run_dir, key), result.to_json())


def compute(explainer: RunExplainer, what: str, key: str, params: dict, progress: Progress) -> None:
    """Run one request; the result lands in the run's explain/ folder."""
    from models.explain.queue import CONTRIBUTIONS, DEPENDENCE, IMPORTANCE

    if what == IMPORTANCE:
        compute_importance(explainer, progress)
    elif what == DEPENDENCE:
        compute_dependence(explainer, params["column"])
    elif what == CONTRIBUTIONS:
        compute_contributions(explainer, params["values"], key)
    else:
        raise ValueError(f"unknown explanation {what!r}")

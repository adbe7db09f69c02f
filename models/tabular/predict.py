"""Predictions for raw table rows: the run's saved preprocessor, then its saved model.

Rows go in as a person has them (a form on Explore, an uploaded CSV without the
target): the preprocessor fitted on the training rows turns them into the model's
inputs exactly as in training (gaps filled, categories encoded, unseen levels counted
as rare). Which model to run is decided by the file the run saved (model.keras or
model.skops), never by the model's name, so any table run, trained here or loaded,
predicts the same way.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from data.dataset import DatasetError

KERAS_SUFFIX = ".keras"
BATCH = 4096


@dataclass(frozen=True)
class TablePredictor:
    preprocessor: Any  # a fitted sklearn ColumnTransformer
    model: Any  # a Keras model or a fitted scikit-learn estimator
    task: str
    class_names: list[str]
    is_keras: bool

    @property
    def columns(self) -> list[str]:
        """The original columns the model reads, in the order training saw them."""
        return [str(column) for column in self.preprocessor.feature_names_in_]


@dataclass(frozen=True)
class RowPredictions:
    values: np.ndarray  # class names (classification) or numbers (regression), one per row
    proba: np.ndarray | None  # (rows, classes) for classification


def load_predictor(run_dir: Path) -> TablePredictor:
    """The run's preprocessor and model; TensorFlow is imported only for a Keras model."""
    from models.artifacts import META
    from models.model_io import load_keras, load_sklearn
    from models.skops_io import load_run_object
    from models.tabular.columns import PREPROCESSOR_STEM

    run_dir = Path(run_dir)
    meta = json.loads((run_dir / META).read_text())
    is_keras = str(meta.get("model_file", "")).endswith(KERAS_SUFFIX)
    model = load_keras(run_dir) if is_keras else load_sklearn(run_dir)
    preprocessor = load_run_object(run_dir, PREPROCESSOR_STEM)
    return TablePredictor(preprocessor, model, meta["task"], list(meta["class_names"]), is_keras)


def missing_columns(predictor: TablePredictor, rows: pd.DataFrame) -> list[str]:
    present = {str(column) for column in rows.columns}
    return [column for column in predictor.columns if column not in present]


def predict_rows(predictor: TablePredictor, rows: pd.DataFrame) -> RowPredictions:
    """Predictions for rows holding (at least) the columns the model reads."""
    missing = missing_columns(predictor, rows)
    if missing:
        shown = ", ".join(f"'{column}'" for column in missing[:20])
        more = f" and {len(missing) - 20} more" if len(missing) > 20 else ""
        raise DatasetError(
            f"The rows lack {len(missing)} column(s) the model reads: {shown}{more}. Add them "
            "with the same names as in the training file (empty values are fine: they are "
            "filled as gaps were in training)."
        )
    if rows.empty:
        raise DatasetError("There are no rows to predict; the file has a header only.")
    named = rows.rename(columns=str)[predictor.columns]
    x = np.asarray(predictor.preprocessor.transform(named), dtype=np.float32)
    if predictor.task == "classification":
        proba = _probabilities(predictor, x)
        names = np.asarray(predictor.class_names, dtype=object)
        return RowPredictions(names[proba.argmax(axis=1)], proba)
    values = _regression(predictor, x)
    return RowPredictions(values, None)


def _probabilities(predictor: TablePredictor, x: np.ndarray) -> np.ndarray:
    if predictor.is_keras:
        return np.asarray(predictor.model.predict(x, batch_size=BATCH, verbose=0), np.float32)
    return np.asarray(predictor.model.predict_proba(x), dtype=np.float32)


def _regression(predictor: TablePredictor, x: np.ndarray) -> np.ndarray:
    if predictor.is_keras:
        return np.asarray(predictor.model.predict(x, batch_size=BATCH, verbose=0)).ravel()
    return np.asarray(predictor.model.predict(x), dtype=np.float64)


def scored(rows: pd.DataFrame, predictions: RowPredictions, class_names: list[str]) -> pd.DataFrame:
    """The rows with a 'predicted' column and, for classes, one probability column each."""
    out = rows.copy()
    out["predicted"] = predictions.values
    if predictions.proba is not None:
        for index, name in enumerate(class_names):
            out[f"probability {name}"] = predictions.proba[:, index].round(6)
    return out

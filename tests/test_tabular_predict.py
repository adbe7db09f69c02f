"""Predictions for raw table rows through a run's saved preprocessor and model agree with
what the run predicted for its test rows, for Keras and scikit-learn alike."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from data.dataset import DatasetError
from data.dataset_store import save_upload
from data.registry import load_dataset
from models.artifacts import load_results
from models.spec import RunSpec
from models.store import RunStore
from models.tabular.predict import load_predictor, predict_rows, scored
from tests.factories import blobs_csv, train_now


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    return RunStore(tmp_path_factory.mktemp("predict"))


def _test_rows(store: RunStore, run_id: str) -> tuple[pd.DataFrame, object]:
    run = store.get(run_id)
    data = load_dataset(run.spec.dataset, store.workspace, run.spec.dataset_options).data
    results = load_results(store.run_dir(run_id))
    rows = data.frame.iloc[results.test_index].drop(columns=[data.target])
    return rows, results


@pytest.mark.parametrize(
    ("model", "params"),
    [("mlp", {"epochs": 3, "hidden_units": 8}), ("random_forest", {"n_estimators": 10})],
)
def test_raw_rows_get_the_run_s_own_predictions(store, model, params):
    ref = save_upload(store.workspace, "tabular", "blobs.csv", {"source.csv": blobs_csv()})
    spec = RunSpec(ref, model, params, dataset_options={"target": "species"})
    run_id = train_now(store, spec)
    assert store.get(run_id).status == "succeeded", store.get(run_id).traceback
    rows, results = _test_rows(store, run_id)
    predictor = load_predictor(store.run_dir(run_id))
    assert predictor.is_keras == (model == "mlp")
    assert predictor.columns == ["x1", "x2", "colour"]  # the id column is not read
    predictions = predict_rows(predictor, rows)
    names = np.asarray(results.class_names, dtype=object)
    assert list(predictions.values) == list(names[results.y_pred])
    np.testing.assert_allclose(predictions.proba, results.proba, atol=1e-5)
    out = scored(rows, predictions, results.class_names)
    assert list(out.columns[-4:]) == ["predicted", *[f"probability {n}" for n in names]]


def test_a_regression_run_predicts_numbers(store):
    run_id = train_now(store, RunSpec("builtin:diabetes", "hist_gb", {"max_iter": 10}))
    rows, results = _test_rows(store, run_id)
    predictions = predict_rows(load_predictor(store.run_dir(run_id)), rows)
    assert predictions.proba is None
    np.testing.assert_allclose(predictions.values, results.y_pred, rtol=1e-5)


def test_rows_lacking_a_column_say_which_and_a_new_category_is_fine(store):
    ref = save_upload(store.workspace, "tabular", "blobs.csv", {"source.csv": blobs_csv()})
    run_id = train_now(store, RunSpec(ref, "logreg", {}, dataset_options={"target": "species"}))
    predictor = load_predictor(store.run_dir(run_id))
    with pytest.raises(DatasetError, match="lack 1 column.*'colour'"):
        predict_rows(predictor, pd.DataFrame({"x1": [1.0], "x2": [2.0]}))
    odd = pd.DataFrame({"x1": [4.0], "x2": [np.nan], "colour": ["purple"], "extra": ["kept"]})
    assert predict_rows(predictor, odd).values[0] in ("class_0", "class_1", "class_2")

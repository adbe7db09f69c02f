"""The extra-trees table kind: one module (models/kinds/extra_trees.py), trained for real."""

from __future__ import annotations

import json

import pytest

from models.artifacts import load_features, load_results
from models.registry import get_kind, kinds_for
from models.spec import RunSpec
from models.store import RunStore
from tests.factories import train_now


def test_it_is_listed_for_tables_after_the_core_kinds():
    keys = [kind.key for kind in kinds_for("tabular")]
    assert keys[:4] == ["mlp", "logreg", "random_forest", "hist_gb"]
    assert "extra_trees" in keys[4:]
    assert get_kind("extra_trees").defaults == {"n_estimators": 200, "max_depth": 0}


@pytest.mark.parametrize(
    ("task", "estimator"),
    [("classification", "ExtraTreesClassifier"), ("regression", "ExtraTreesRegressor")],
)
def test_builder_follows_the_task_and_the_params(task, estimator):
    model = get_kind("extra_trees").build(task, 4, n_estimators=7, max_depth=3)
    assert type(model).__name__ == estimator
    assert (model.n_estimators, model.max_depth, model.random_state) == (7, 3, 4)
    assert get_kind("extra_trees").build(task, 0).max_depth is None  # 0 = unlimited


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    return RunStore(tmp_path_factory.mktemp("extra_trees"))


def test_trains_through_the_worker_with_its_capabilities(store):
    run_id = train_now(store, RunSpec("builtin:wine", "extra_trees", {"n_estimators": 50}))
    run = store.get(run_id)
    assert run.status == "succeeded", run.traceback
    assert run.final_metrics["accuracy"] > 0.8
    run_dir = store.run_dir(run_id)
    results = load_results(run_dir)
    assert results.proba.shape[1] == 3 and results.feature_layers == ["input"]
    assert load_features(run_dir, "input").shape[0] == len(results.y_true)
    meta = json.loads((run_dir / "meta.json").read_text())
    # no epochs → no curves; its saved preprocessor and model predict raw rows
    assert meta["capabilities"] == ["features", "predict_one", "probabilities"]
    assert meta["modality"] == "tabular"


def test_regression_run(store):
    run_id = train_now(store, RunSpec("builtin:diabetes", "extra_trees", {"n_estimators": 20}))
    run = store.get(run_id)
    assert run.status == "succeeded", run.traceback
    assert {"r2", "mae"} <= set(run.final_metrics)
    assert "probabilities" not in load_results(store.run_dir(run_id)).meta["capabilities"]

"""Cross-validation: folds that test every row once, refused ks, and a group trained by one
worker process, fold after fold, each fold its own run."""

from __future__ import annotations

import time

import numpy as np
import pytest

from data.builtin_tabular import iris
from data.dataset import DatasetError
from data.folds import check_folds, class_labels, fold_indices
from models import groups
from models.artifacts import load_results
from models.crossval.runner import continue_group
from models.crossval.submit import submit_crossval
from models.skops_io import load_run_object
from models.spec import RunSpec
from models.store import RunStore
from models.tabular.columns import PREPROCESSOR_STEM
from models.worker import execute
from tests.factories import wait_for


def test_stratified_folds_test_every_row_once_and_keep_class_shares():
    labels = np.array(["a"] * 30 + ["b"] * 15)
    tested = []
    for fold in range(5):
        train, test = fold_indices(labels, 5, fold, seed=3)
        assert not set(train) & set(test) and len(train) + len(test) == 45
        assert (labels[test] == "a").sum() == 6 and (labels[test] == "b").sum() == 3
        tested.extend(test)
    assert sorted(tested) == list(range(45))
    assert np.array_equal(fold_indices(labels, 5, 2, 3)[1], fold_indices(labels, 5, 2, 3)[1])


def test_k_larger_than_the_smallest_class_is_refused_naming_it():
    labels = np.array(["big"] * 50 + ["rare"] * 4)
    with pytest.raises(DatasetError, match="Class 'rare' has only 4 row") as refused:
        check_folds(labels, 5, len(labels))
    assert "at most 4 folds" in str(refused.value)
    check_folds(labels, 4, len(labels))
    with pytest.raises(DatasetError, match="between 3 and 10"):
        check_folds(labels, 11, len(labels))
    check_folds(None, 10, 100)  # regression: plain folds, no class to fill


def test_regression_tables_have_no_labels_to_stratify_by():
    from data.builtin_tabular import diabetes

    assert class_labels(diabetes()) is None
    assert set(class_labels(iris())) == {"setosa", "versicolor", "virginica"}


def test_submit_refuses_before_queueing_anything(tmp_path):
    store = RunStore(tmp_path)
    labels = np.array(["x"] * 20 + ["y"] * 2)
    with pytest.raises(DatasetError, match="'y'"):
        submit_crossval(store, RunSpec("builtin:iris", "logreg"), 3, labels, len(labels))
    assert store.list_runs() == [] and groups.list_groups(store) == []


def test_one_worker_trains_every_fold_each_with_preprocessing_fitted_on_its_training_rows(
    tmp_path,
):
    store = RunStore(tmp_path)
    data = iris()
    gid, ids = submit_crossval(
        store, RunSpec("builtin:iris", "logreg", {"C": 1.0}), 3, class_labels(data), 150, "Iris"
    )
    assert [r.id for r in groups.members(store, gid)] == ids
    first = store.claim_next_queued()
    assert first == ids[0]
    execute(store, first)
    assert continue_group(store, first, execute) == ids[1:]
    runs = [store.get(i) for i in ids]
    assert {r.status for r in runs} == {"succeeded"}
    assert len({r.pid for r in runs}) == 1, "all folds trained in this one process"
    tested = np.concatenate([load_results(store.run_dir(i)).test_index for i in ids])
    assert sorted(tested) == list(range(150))
    features = data.frame.drop(columns=[data.target]).to_numpy(float)
    for run_id in ids:
        test = load_results(store.run_dir(run_id)).test_index
        train = np.setdiff1d(np.arange(150), test)
        preprocessor = load_run_object(store.run_dir(run_id), PREPROCESSOR_STEM)
        scaler_means = _numeric_means(preprocessor)
        assert scaler_means == pytest.approx(features[train].mean(axis=0))
        assert scaler_means != pytest.approx(features.mean(axis=0))
    assert "roc_auc" in runs[0].final_metrics


def _numeric_means(preprocessor) -> np.ndarray:
    """The StandardScaler's means inside the fitted ColumnTransformer's numeric pipeline."""
    for _, transformer, _ in preprocessor.transformers_:
        steps = getattr(transformer, "named_steps", {})
        for step in steps.values():
            if hasattr(step, "mean_"):
                return step.mean_
    raise AssertionError("no scaler in the preprocessor")


def test_a_job_manager_runs_a_group_in_one_process_and_cancel_stops_the_rest(tmp_path):
    from models.jobs import JobManager

    store = RunStore(tmp_path / "ws")
    manager = JobManager(store, concurrency=1, poll_s=0.1, embedding_service=False)
    try:
        labels = class_labels(iris())
        gid, ids = submit_crossval(store, RunSpec("builtin:iris", "logreg"), 4, labels, 150)
        wait_for(lambda: groups.group_status(groups.members(store, gid)) == "succeeded", 120)
        assert len({store.get(i).pid for i in ids}) == 1
        slow = RunSpec("builtin:digits", "mlp", {"epochs": 200, "batch_size": 8})
        gid2, ids2 = submit_crossval(store, slow, 3, class_labels_digits(), 1797)
        wait_for(lambda: store.get(ids2[0]).status == "running" and store.get(ids2[0]).epoch >= 1)
        groups.cancel_group(store, gid2)
        wait_for(lambda: not any(r.active for r in groups.members(store, gid2)), 60)
        assert [store.get(i).status for i in ids2] == ["cancelled"] * 3
    finally:
        manager.shutdown()


def class_labels_digits() -> np.ndarray:
    from data.builtin_tabular import digits_table

    return class_labels(digits_table())


def test_a_fold_the_group_worker_took_over_is_stopped_by_a_cancel_even_mid_fit(tmp_path):
    """Fold 2 trains in the first fold's process, which the job manager does not know runs
    it: a scikit-learn fit cannot stop by itself, so that process closes it after the grace."""
    from models.crossval.runner import CANCEL_GRACE_S
    from models.jobs import JobManager

    store = RunStore(tmp_path / "ws")
    manager = JobManager(store, concurrency=1, poll_s=0.1, embedding_service=False)
    try:
        # Long enough that fold 2 is still fitting after the grace on a fast, idle machine
        slow = RunSpec("builtin:digits", "random_forest", {"n_estimators": 3000})
        gid, ids = submit_crossval(store, slow, 3, class_labels_digits(), 1797)
        wait_for(lambda: store.get(ids[1]).phase == "training", 240)
        first = store.get(ids[0])
        assert first.status == "succeeded"
        groups.cancel_group(store, gid)
        asked = time.monotonic()
        wait_for(lambda: not any(r.active for r in groups.members(store, gid)), 60)
        assert [store.get(i).status for i in ids] == ["succeeded", "cancelled", "cancelled"]
        assert time.monotonic() - asked < CANCEL_GRACE_S + 30
        assert store.get(ids[1]).pid == first.pid, "fold 2 trained in fold 1's process"
    finally:
        manager.shutdown()


@pytest.mark.parametrize(
    ("ref", "model", "params"),
    [
        ("builtin:digits-images", "pixel_logreg", {}),
        ("builtin:chinese_reviews", "tfidf_logreg", {}),
        ("builtin:wine", "mlp", {"epochs": 2}),
    ],
)
def test_every_kind_of_data_tests_a_fold_on_exactly_that_folds_rows(tmp_path, ref, model, params):
    from data.registry import load_dataset

    store = RunStore(tmp_path)
    data = load_dataset(ref, tmp_path).data
    labels = class_labels(data)
    k = 3
    gid, ids = submit_crossval(store, RunSpec(ref, model, params), k, labels, len(labels))
    store.claim_queued(ids[1])
    execute(store, ids[1])
    run = store.get(ids[1])
    assert run.status == "succeeded", run.error
    tested = load_results(store.run_dir(ids[1])).test_index
    classes = np.unique(labels, return_inverse=True)[1]
    expected = fold_indices(classes, k, 1, seed=0)[1]
    assert len(tested) == len(expected) and np.array_equal(np.sort(tested), expected)


def test_a_table_read_from_disk_is_refused_with_what_to_do_instead():
    from types import SimpleNamespace

    from data.folds import row_count

    with pytest.raises(DatasetError, match="test split instead"):
        row_count(SimpleNamespace(kind="tabular", streamed=True))
    assert row_count(iris()) == 150

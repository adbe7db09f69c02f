"""Permutation importance, partial dependence and contributions, on tables with known answers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dashboard.figures.importance import TOP_COLUMNS, importance_figure, importance_note
from models.explain import ask
from models.explain.contributions import shapley_values
from models.explain.permutation import MAX_ROWS, permutation_importance
from models.explain.predictor import Predictor, chunk_rows
from models.explain.queue import IMPORTANCE, ExplainQueue
from models.spec import RunSpec
from models.store import RunStore
from models.tabular.columns import ColumnGroups
from tests.explain_samples import NOISE, SIGNAL, answer_all, save_table, two_column_table
from tests.factories import train_now


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> RunStore:
    return RunStore(tmp_path_factory.mktemp("explain"))


@pytest.fixture(scope="module")
def known_run(store) -> str:
    """A random forest on a table whose label depends on columns a and b only."""
    ref = save_table(store, two_column_table())
    spec = RunSpec(ref, "random_forest", {"n_estimators": 60}, dataset_options={"target": "label"})
    run_id = train_now(store, spec)
    assert store.get(run_id).status == "succeeded", store.get(run_id).traceback
    assert answer_all(store) == 1  # the worker asked for the importance after training
    return run_id


def test_the_two_columns_the_label_depends_on_rank_first_and_noise_is_near_zero(store, known_run):
    importance = ask.importance(store, known_run).result
    assert importance is not None
    assert importance.columns == [*NOISE, *SIGNAL, "city", "joined"]  # original columns
    for metric in ("accuracy", "log_loss"):
        ranked = [importance.columns[i] for i in importance.ranked(metric)]
        assert set(ranked[:2]) == set(SIGNAL), (metric, ranked)
    mean, spread = importance.mean("accuracy"), importance.std("accuracy")
    for column in SIGNAL:
        assert mean[importance.columns.index(column)] > 0.2
    for column in [*NOISE, "city", "joined"]:
        at = importance.columns.index(column)
        assert abs(mean[at]) <= 3 * spread[at] + 0.01, (column, mean[at], spread[at])
    assert importance.drops["accuracy"].shape == (8, 5)
    assert importance.rows == importance.total_rows == 200  # 20 % of 1,000 rows


def test_the_top_columns_get_their_partial_dependence_with_the_importance(store, known_run):
    importance = ask.importance(store, known_run).result
    top = importance.columns[importance.ranked("accuracy")[0]]
    dependence = ask.dependence(store, known_run, top).result
    assert dependence is not None and dependence.ordered
    assert dependence.average.shape == (len(dependence.grid), 2)
    assert dependence.ice.shape == (40, len(dependence.grid), 2)
    yes = dependence.outputs.index("yes")  # a larger a or b means "yes"
    assert dependence.average[-1, yes] > dependence.average[0, yes] + 0.3


def test_a_date_and_a_category_move_in_their_own_units(store, known_run):
    for column in ("joined", "city"):
        assert ask.dependence(store, known_run, column).status == "queued"
    assert answer_all(store) == 2
    dates = ask.dependence(store, known_run, "joined").result
    assert dates.ordered and dates.grid[0].startswith("2020-") and len(dates.grid) == 20
    levels = ask.dependence(store, known_run, "city").result
    assert not levels.ordered and sorted(levels.grid) == ["Lima", "Oslo", "Pune"]


def test_a_rows_contributions_add_up_to_its_prediction(store, known_run):
    row = two_column_table().drop(columns="label").iloc[7].to_dict()
    assert ask.row_contributions(store, known_run, row).status == "queued"
    answer_all(store)
    found = ask.row_contributions(store, known_run, row).result
    assert found.columns[:4] == list(NOISE) and found.values.shape == (8, 2)
    np.testing.assert_allclose(found.values.sum(axis=0) + found.base, found.prediction, atol=1e-9)
    strongest = {found.columns[i] for i in np.argsort(-np.abs(found.values[:, 1]))[:2]}
    assert strongest == set(SIGNAL)


def test_a_typed_row_may_leave_columns_out_and_gets_notes_for_what_it_cannot_read(store, known_run):
    row = {"a": "lots", "b": 1.5, "id": 3}
    ask.row_contributions(store, known_run, row)
    answer_all(store)
    found = ask.row_contributions(store, known_run, row).result
    assert any("a: 'lots' is not a number" in note for note in found.notes)
    assert any("does not read 'id'" in note for note in found.notes)
    assert found.shown[found.columns.index("city")] == "(missing)"


def _linear(weights: np.ndarray) -> Predictor:
    return Predictor("regression", ["prediction"], lambda x: (x @ weights)[:, None])


def test_shapley_values_of_a_linear_model_are_weight_times_distance_from_the_background():
    rng = np.random.default_rng(3)
    weights = np.array([2.0, -1.0, 0.5, 0.0, 3.0], dtype=np.float32)
    groups = ColumnGroups(["p", "q", "r"], [[0], [1, 2], [3, 4]], ["", "", ""])
    row, background = rng.normal(size=5), rng.normal(size=(16, 5))
    values, base, prediction = shapley_values(_linear(weights), row, background, groups)
    gap = weights * (row - background.mean(axis=0))
    expected = [gap[0], gap[1] + gap[2], gap[3] + gap[4]]
    np.testing.assert_allclose(values[:, 0], expected, rtol=1e-4, atol=1e-5)
    assert prediction[0] == pytest.approx(float(row @ weights), rel=1e-5)


def test_shapley_values_split_an_interaction_evenly():
    """f = p × q with the background at zero: p and q each get half of the row's f."""
    groups = ColumnGroups(["p", "q", "r"], [[0], [1], [2]], ["", "", ""])
    product = Predictor("regression", ["prediction"], lambda x: (x[:, 0] * x[:, 1])[:, None])
    values, _, _ = shapley_values(product, np.array([2.0, 3.0, 9.0]), np.zeros((4, 3)), groups)
    np.testing.assert_allclose(values[:, 0], [3.0, 3.0, 0.0], atol=1e-9)


def test_200_columns_are_all_ranked_and_the_chart_shows_the_top_30_with_a_note():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(300, 200)).astype(np.float32)
    weights = np.zeros(200, np.float32)
    weights[[5, 150]] = [3.0, -2.0]
    y = x @ weights
    groups = ColumnGroups([f"c{i}" for i in range(200)], [[i] for i in range(200)], [""] * 200)
    importance = permutation_importance(_linear(weights), x, y, groups, repeats=3)
    assert len(importance.columns) == 200 and importance.metrics == ["r2", "mae"]
    assert [importance.columns[i] for i in importance.ranked("r2")[:2]] == ["c5", "c150"]
    figure = importance_figure(importance, "r2")
    assert TOP_COLUMNS == 30 and len(figure.data[0].y) == 30
    assert figure.data[0].y[-1] == "c5"  # the most important at the top
    assert importance_note(importance) == (
        "The chart shows the 30 most important of 200 columns; the table below lists all of them."
    )
    smaller = permutation_importance(_linear(weights[:30]), x[:, :30], y, _first(groups, 30))
    assert importance_note(smaller) is None


def _first(groups: ColumnGroups, n: int) -> ColumnGroups:
    return ColumnGroups(groups.names[:n], groups.members[:n], groups.roles[:n])


def test_large_test_sets_are_sampled_and_wide_inputs_get_smaller_chunks():
    x = np.zeros((MAX_ROWS + 500, 2), np.float32)
    y = np.zeros(len(x))
    groups = ColumnGroups(["p", "q"], [[0], [1]], ["", ""])
    found = permutation_importance(_linear(np.ones(2, np.float32)), x, y, groups, repeats=1)
    assert (found.rows, found.total_rows) == (MAX_ROWS, MAX_ROWS + 500)
    assert chunk_rows(30) == 4660 and chunk_rows(2) == 8192 and chunk_rows(500) == 256


def test_one_test_row_is_refused_with_a_reason():
    groups = ColumnGroups(["p"], [[0]], [""])
    with pytest.raises(ValueError, match="at least 2 test rows.*larger test share"):
        permutation_importance(_linear(np.ones(1, np.float32)), np.ones((1, 1)), [1.0], groups)


def test_regression_runs_get_importance_scored_by_r2_and_mae(store):
    run_id = train_now(store, RunSpec("builtin:diabetes", "logreg"))
    answer_all(store)
    importance = ask.importance(store, run_id).result
    assert importance.metrics == ["r2", "mae"]
    assert {"bmi", "s5"} <= {importance.columns[i] for i in importance.ranked("r2")[:3]}


def test_a_failed_request_stays_failed_until_retried_and_a_lost_file_is_redone(store, known_run):
    queue = ExplainQueue(store)
    asked = ask.dependence(store, known_run, "no such column")
    assert asked.status == "queued"
    answer_all(store)
    failed = ask.dependence(store, known_run, "no such column")
    assert failed.failed and "no column named 'no such column'" in failed.error
    assert ask.dependence(store, known_run, "no such column").failed  # polling does not retry
    ask.retry(store, known_run, "dependence", "no such column")
    assert queue.get(known_run, "dependence", "no such column").status == "queued"
    answer_all(store)
    (store.run_dir(known_run) / "explain" / "importance.json").unlink()
    assert ask.importance(store, known_run).status == "queued"
    answer_all(store)
    assert ask.importance(store, known_run).ready
    assert queue.get(known_run, IMPORTANCE).status == "done"


def test_no_importance_is_asked_for_runs_that_are_not_tables(store):
    from models.explain.queue import after_training

    run_id = store.create_run(RunSpec("builtin:digits-images", "cnn"))
    after_training(store, run_id, "image")
    assert ExplainQueue(store).get(run_id, IMPORTANCE) is None
    after_training(store, run_id, "tabular")
    assert ExplainQueue(store).get(run_id, IMPORTANCE).status == "queued"
    ExplainQueue(store).update(run_id, IMPORTANCE, "", status="done")


def test_a_deleted_dataset_leaves_importance_and_says_why_dependence_cannot_be_drawn(tmp_path):
    store = RunStore(tmp_path)
    frame = pd.DataFrame({"x": np.arange(60.0), "y": ["p", "q"] * 30})
    ref = save_table(store, frame)
    run_id = train_now(store, RunSpec(ref, "logreg", dataset_options={"target": "y"}))
    import shutil

    shutil.rmtree(store.workspace / "datasets")
    answer_all(store)
    assert ask.importance(store, run_id).ready
    ask.dependence(store, run_id, "x")
    answer_all(store)
    failed = ask.dependence(store, run_id, "x")
    assert failed.failed and "Traceback" not in failed.error, failed.error

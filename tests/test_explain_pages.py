"""The explanation views in the app (AppTest): importance, partial dependence, contributions,
attention over columns; pending work shows progress and appears once the service answers."""

from __future__ import annotations

import json

import pytest

from models.spec import RunSpec
from models.store import RunStore
from tests.apptest_helpers import (
    app_workspace,
    chart_specs,
    chart_titles,
    open_explore,
    open_tab,
    tab_labels,
)
from tests.explain_samples import answer_all, save_table, two_column_table
from tests.factories import train_now


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    with app_workspace(tmp_path_factory.mktemp("explain_pages")) as folder:
        store = RunStore(folder)
        ref = save_table(store, two_column_table(400))
        options = {"target": "label"}
        forest = train_now(
            store, RunSpec(ref, "random_forest", {"n_estimators": 30}, dataset_options=options)
        )
        answer_all(store)
        regression = train_now(store, RunSpec("builtin:diabetes", "logreg"))
        wide = train_now(store, RunSpec("builtin:digits", "logreg"))
        params = {"epochs": 2, "embedding_dim": 8, "num_heads": 2, "ff_dim": 16}
        attention = train_now(store, RunSpec("builtin:iris", "tab_transformer", params))
        answer_all(store)
        yield (
            store,
            {
                "forest": forest,
                "regression": regression,
                "wide": wide,
                "attention": attention,
            },
        )


def _bars(at) -> list[str]:
    return next(
        spec["data"][0]["y"] for spec in chart_specs(at) if spec["data"][0]["type"] == "bar"
    )


def test_importance_tab_ranks_the_columns_and_draws_the_top_columns_dependence(runs):
    store, ids = runs
    at = open_tab(open_explore(ids["forest"]), "Feature importance")
    assert not at.exception, at.exception
    titles = chart_titles(at)
    assert titles[0] == "Permutation importance: drop in accuracy when a column is shuffled"
    assert set(_bars(at)[-2:]) == {"a", "b"}  # the most important at the top
    assert titles[1].startswith("Partial dependence of P(yes) on ")
    at.radio(key=f"imp_metric_{ids['forest']}").set_value("log_loss").run()
    assert (
        chart_titles(at)[0] == "Permutation importance: rise in log-loss when a column is shuffled"
    )


def test_another_columns_dependence_is_computed_in_the_background_then_drawn(runs):
    store, ids = runs
    at = open_tab(open_explore(ids["forest"]), "Feature importance")
    at.selectbox(key=f"pd_column_{ids['forest']}").set_value("city").run()
    assert not at.exception, at.exception
    assert any("partial dependence of 'city'" in p.proto.text for p in at.get("progress"))
    answer_all(store)
    at.run()
    assert chart_titles(at)[1] == "Partial dependence of P(yes) on city"


def test_a_run_whose_importance_is_pending_shows_progress_not_a_chart(runs):
    store, _ = runs
    waiting = train_now(store, RunSpec("builtin:iris", "logreg"))  # nobody answers its request
    at = open_tab(open_explore(waiting), "Feature importance")
    assert not at.exception, at.exception
    assert any("Computing the feature importance" in p.proto.text for p in at.get("progress"))
    assert chart_specs(at) == []


def test_a_wide_table_charts_the_top_30_and_says_so(runs):
    _, ids = runs
    at = open_tab(open_explore(ids["wide"]), "Feature importance")
    assert len(_bars(at)) == 30
    assert any("30 most important of 61 columns" in c.value for c in at.caption)  # 3 constant


def test_row_contributions_start_on_a_wrong_prediction_and_add_up(runs):
    store, ids = runs
    at = open_tab(open_explore(ids["forest"]), "Row contributions")
    assert not at.exception, at.exception
    assert any("contributions of this row" in p.proto.text for p in at.get("progress"))
    answer_all(store)
    at.run()
    waterfall = next(spec for spec in chart_specs(at) if spec["data"][0]["type"] == "waterfall")
    steps = waterfall["data"][0]
    assert steps["y"][0] == "average prediction" and steps["y"][-1] == "this row"
    assert sum(steps["x"][:-1]) == pytest.approx(steps["x"][-1], abs=1e-6)


def test_regression_runs_get_importance_but_no_classification_views(runs):
    _, ids = runs
    at = open_explore(ids["regression"])
    labels = tab_labels(at)
    assert {"Feature importance", "Row contributions"} <= set(labels)
    assert "Confusion & metrics" not in labels and "Column attention" not in labels
    at = open_tab(at, "Feature importance")
    assert at.radio(key=f"imp_metric_{ids['regression']}").options == ["drop in R²", "rise in MAE"]


def test_column_attention_shows_a_row_the_classes_the_column_map_and_importance(runs):
    _, ids = runs
    at = open_tab(open_explore(ids["attention"]), "Column attention")
    assert not at.exception, at.exception
    titles = chart_titles(at)
    assert titles[0] == "[CLS] → columns, layer 2, mean of heads"
    assert titles[1].startswith("[CLS] → columns averaged over the test rows of each true class")
    assert titles[2] == "Column × column attention, layer 2, mean of heads"
    assert titles[3:] == [
        "Permutation importance: drop in accuracy when a column is shuffled",
        "Attention beside permutation importance",
    ]
    classes = json.dumps(chart_specs(at)[1]["data"][0]["y"])
    assert "setosa" in classes and "virginica" in classes
    at.selectbox(key=f"tatt_{ids['attention']}_h").set_value(-2).run()  # each head
    assert len(chart_specs(at)[0]["data"]) == 2
    at.selectbox(key=f"tatt_{ids['attention']}_l").set_value(-1).run()  # rollout
    assert chart_titles(at)[0] == "[CLS] → columns, rollout over all layers"

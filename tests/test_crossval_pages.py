"""Cross-validation through the pages (AppTest): started on Train, one expanding row on Runs,
the folds together on Explore; and the refusals a person can run into."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from data.builtin_tabular import iris
from data.folds import class_labels
from models import groups
from models.crossval.runner import continue_group
from models.crossval.submit import submit_crossval
from models.spec import RunSpec
from models.store import RunStore
from models.worker import execute
from tests.apptest_helpers import (
    EXPLORE_PAGE,
    RUNS_PAGE,
    TRAIN_PAGE,
    app_workspace,
    chart_titles,
    open_app,
    open_tab,
    shown,
    tab_labels,
    table_with,
)


def train_group(store: RunStore, spec: RunSpec, k: int, labels, rows: int) -> tuple[str, list]:
    """Queue a cross-validation and train it here, as one worker would."""
    gid, ids = submit_crossval(store, spec, k, labels, rows, "data")
    first = store.claim_next_queued()
    execute(store, first)
    continue_group(store, first, execute)
    return gid, ids


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    workspace = tmp_path_factory.mktemp("crossval") / "workspace"
    store = RunStore(workspace)
    iris_group = train_group(store, RunSpec("builtin:iris", "logreg"), 3, class_labels(iris()), 150)
    diabetes_group = train_group(store, RunSpec("builtin:diabetes", "logreg"), 3, None, 442)
    return workspace, store, iris_group, diabetes_group


def test_train_page_queues_k_folds_as_one_group(workspace):
    at = open_app(TRAIN_PAGE)
    at.selectbox(key="train_dataset").set_value("Iris flowers").run()
    at.selectbox(key="train_model").set_value("Logistic / ridge regression").run()
    at.toggle(key="train_crossval").set_value(True).run()
    assert at.slider(key="train_test_size").disabled
    at.slider(key="train_folds").set_value(4).run()
    assert at.button(key="start_training").label == "Start cross-validation"
    at.button(key="start_training").click().run()
    assert not at.exception and not at.error
    assert "Queued 4 folds" in shown(at, "success")
    store = RunStore(workspace)
    (group,) = groups.list_groups(store, groups.CROSSVAL)
    members = groups.members(store, group.id)
    assert [(r.spec.folds, r.spec.fold) for r in members] == [(4, i) for i in range(4)]
    groups.cancel_group(store, group.id)


def test_train_page_refuses_more_folds_than_the_smallest_class_has_rows(workspace):
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"x": rng.normal(size=64), "kind": ["common"] * 60 + ["rare"] * 4})
    at = open_app()
    at.radio(key="data_source").set_value("Upload a CSV table").run()
    at.file_uploader(key="csv_upload").set_value(
        ("small.csv", frame.to_csv(index=False).encode(), "text/csv")
    ).run()
    target = next(s.key for s in at.selectbox if s.key and s.key.startswith("target_upload:"))
    at.selectbox(key=target).set_value("kind").run()
    at.button(key="use_dataset").click().run()
    at.switch_page(TRAIN_PAGE).run()
    at.selectbox(key="train_model").set_value("Logistic / ridge regression").run()
    at.toggle(key="train_crossval").set_value(True).run()
    at.slider(key="train_folds").set_value(5).run()
    at.button(key="start_training").click().run()
    assert not at.exception
    message = shown(at, "error")
    assert "Class 'rare' has only 4 row(s)" in message and "at most 4 folds" in message
    assert RunStore(workspace).list_runs() == []


def test_explore_shows_the_folds_together(trained):
    workspace, store, _, (_, ids) = trained
    iris_ids = groups.members(store, trained[2][0])
    assert len(iris_ids) == 3
    with app_workspace(workspace):
        at = open_tab(open_app(EXPLORE_PAGE, run=iris_ids[1].id), "Cross-validation")
        assert not at.exception
        spread = table_with(at, "mean ± std").set_index("metric")
        accuracies = [store.get(r.id).final_metrics["accuracy"] for r in iris_ids]
        mean = f"{np.mean(accuracies):.4f} ± {np.std(accuracies, ddof=1):.4f}"
        assert spread.loc["accuracy", "mean ± std"] == mean
        titles = chart_titles(at)
        assert "ROC per fold and their mean" in titles
        assert any("Scores per fold" in t for t in titles)
        at = open_app(EXPLORE_PAGE, run=ids[0])
        tabs = tab_labels(at)
        assert "Cross-validation" in tabs and "ROC & precision-recall" not in tabs
        at = open_tab(at, "Cross-validation")
        metrics = set(table_with(at, "mean ± std")["metric"])
        assert {"r2", "mae"} <= metrics and "accuracy" not in metrics
        assert "ROC per fold and their mean" not in chart_titles(at)


def test_runs_page_shows_a_group_as_one_row_that_opens_into_its_folds(trained):
    """Last in this file: it deletes the iris group the Explore test reads."""
    workspace, store, (gid, ids), _ = trained
    with app_workspace(workspace):
        at = open_app(RUNS_PAGE)
        assert not at.exception
        table = table_with(at, "progress")
        assert gid in list(table["id"]) and not set(ids) & set(table["id"])
        row = table[table["id"] == gid].iloc[0]
        assert row["status"] == "succeeded" and row["progress"] == "3 of 3 folds done"
        assert row["metric"].startswith("accuracy ") and "±" in row["metric"]
        name = groups.get_group(store, gid).name
        panel = next(e for e in at.expander if name in e.label)
        assert panel.label == f"**{name}** · cross-validation · 3 folds"
        at.session_state[f"group_panel_{gid}"] = True
        at.run()
        text = shown(at, "markdown")
        assert "succeeded · 3 of 3 folds done · accuracy " in text
        assert all(f"fold {i} · " in text for i in (1, 2, 3))
        at.button(key=f"delete_group_{gid}").click().run()
        assert not any(store.get(i) for i in ids) and groups.get_group(store, gid) is None

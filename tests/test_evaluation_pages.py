"""ROC/PR, threshold and calibration tabs on Explore, through AppTest, on real runs."""

from __future__ import annotations

import pytest

from models.spec import RunSpec
from models.store import RunStore
from tests.apptest_helpers import (
    app_workspace,
    chart_specs,
    chart_titles,
    open_explore,
    open_tab,
    shown,
    tab_labels,
    table_with,
)
from tests.factories import train_now

EVALUATION_TABS = ("ROC & precision-recall", "Threshold", "Calibration")


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    workspace = tmp_path_factory.mktemp("evaluation") / "workspace"
    store = RunStore(workspace)
    made = {
        name: train_now(store, RunSpec(ref, "logreg", {"C": 1.0}, seed=0))
        for name, ref in (
            ("binary", "builtin:breast_cancer"),
            ("multi", "builtin:iris"),
            ("regression", "builtin:diabetes"),
        )
    }
    return workspace, store, made


@pytest.fixture
def explore(runs):
    workspace, store, made = runs
    with app_workspace(workspace):
        yield lambda name: open_explore(made[name]), store, made


def test_binary_run_gets_roc_pr_with_thresholds_on_hover_and_auc_in_the_headline(explore):
    open_run, store, made = explore
    at = open_run("binary")
    assert all(tab in tab_labels(at) for tab in EVALUATION_TABS)
    assert "ROC-AUC" in [metric.label for metric in at.metric]
    at = open_tab(at, "ROC & precision-recall")
    assert not at.exception
    specs = chart_specs(at)
    roc = next(s for s in specs if "ROC" in s["layout"]["title"]["text"])
    curve = next(t for t in roc["data"] if "customdata" in t)
    assert "threshold %{customdata}" in curve["hovertemplate"]
    table = table_with(at, "ROC-AUC")
    recorded = store.get(made["binary"]).final_metrics["roc_auc"]
    assert table["ROC-AUC"].iloc[0] == pytest.approx(recorded)
    assert 0.95 < recorded <= 1.0  # logistic regression ranks breast cancer almost perfectly


def test_threshold_slider_moves_the_confusion_and_the_point_on_both_curves(explore):
    open_run, _, made = explore
    at = open_tab(open_run("binary"), "Threshold")
    assert not at.exception
    slider = at.slider(key=f"threshold_{made['binary']}")

    def state(at):
        values = {m.label: float(m.value) for m in at.metric if m.label in ("Precision", "Recall")}
        marks = [
            (t["x"][0], t["y"][0])
            for spec in chart_specs(at)
            for t in spec["data"]
            if t.get("name", "").startswith("threshold ")
        ]
        return values, marks

    low_values, low_marks = state(slider.set_value(0.05).run())
    high_values, high_marks = state(
        at.slider(key=f"threshold_{made['binary']}").set_value(0.95).run()
    )
    assert low_values["Recall"] > high_values["Recall"]
    assert low_values["Precision"] <= high_values["Precision"]
    assert len(low_marks) == 2 and low_marks != high_marks  # one point on ROC, one on PR
    names = " ".join(t.get("name", "") for s in chart_specs(at) for t in s["data"])
    assert "best F1 at" in names and "default 0.5" in names
    assert "Confusion at 0.95" in chart_titles(at)


def test_calibration_shows_reliability_with_counts_and_ece(explore):
    open_run, _, _ = explore
    at = open_tab(open_run("binary"), "Calibration")
    assert not at.exception
    assert any("expected calibration error" in t for t in chart_titles(at))
    rows = table_with(at, "rows")
    assert rows["rows"].sum() == 114  # breast cancer: 569 rows, 20 % of them tested


def test_multiclass_gets_averages_but_no_threshold_and_regression_gets_none(explore):
    open_run, _, _ = explore
    at = open_run("multi")
    assert "Threshold" not in tab_labels(at) and "Calibration" in tab_labels(at)
    at = open_tab(at, "ROC & precision-recall")
    curves = list(table_with(at, "ROC-AUC")["curve"])
    assert curves == ["setosa", "versicolor", "virginica", "micro-average", "macro-average"]
    at = open_run("regression")
    assert not set(EVALUATION_TABS) & set(tab_labels(at))
    assert "ROC" not in shown(at, "markdown")


def test_a_single_class_test_split_says_roc_is_undefined_instead_of_drawing(workspace):
    import numpy as np

    from models.artifacts import save_outcome
    from models.outcome import TrainOutcome

    store = RunStore(workspace)
    run_id = store.create_run(RunSpec("builtin:breast_cancer", "logreg"), status="running")
    proba = np.array([[0.2, 0.8], [0.4, 0.6], [0.1, 0.9]], dtype=np.float32)
    outcome = TrainOutcome(
        "classification",
        ["benign", "malignant"],
        np.arange(3),
        np.ones(3, int),
        np.ones(3, int),
        proba,
    )
    save_outcome(store.run_dir(run_id), outcome, [], {"probabilities"}, "tabular")
    store.finish(run_id, "succeeded", final_metrics={"accuracy": 1.0})
    at = open_tab(open_explore(run_id), "ROC & precision-recall")
    assert not at.exception
    warning = shown(at, "warning")
    assert "undefined" in warning and "'malignant'" in warning
    assert not at.get("plotly_chart")
    at = open_tab(at, "Threshold")
    assert "undefined" in shown(at, "warning") and not at.get("plotly_chart")

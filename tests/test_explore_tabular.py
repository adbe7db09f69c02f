"""Explore on table runs through AppTest: the headline metrics beside their baseline, Try a
row and Score a CSV."""

from __future__ import annotations

import io

import pandas as pd
import pytest
import streamlit
from streamlit.testing.v1 import AppTest

from data.registry import load_dataset
from models.artifacts import load_results
from models.spec import RunSpec
from models.store import RunStore
from tests.apptest_helpers import (
    app_workspace,
    chart_specs,
    open_explore,
    open_tab,
    shown,
    tab_labels,
)
from tests.factories import train_now


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    workspace = tmp_path_factory.mktemp("explore_tabular") / "workspace"
    store = RunStore(workspace)
    runs = {
        "iris": train_now(store, RunSpec("builtin:iris", "logreg", {})),
        "diabetes": train_now(store, RunSpec("builtin:diabetes", "hist_gb", {"max_iter": 10})),
    }
    return workspace, runs


@pytest.fixture
def explore(trained):
    workspace, runs = trained
    with app_workspace(workspace):
        yield lambda name: open_explore(runs[name]), runs, RunStore(workspace)


def metrics(at: AppTest) -> dict[str, tuple[str, str]]:
    return {m.label: (m.value, m.proto.delta) for m in at.metric}


def test_classification_metrics_lead_explore_beside_the_majority_baseline(explore):
    open_run, runs, store = explore
    at = open_run("iris")
    assert not at.exception
    shown_metrics = metrics(at)
    assert list(shown_metrics)[:3] == ["Accuracy", "Macro F1", "Log-loss"]
    accuracy = store.get(runs["iris"]).final_metrics["accuracy"]
    assert shown_metrics["Accuracy"][0] == f"{accuracy:.3f}"
    assert shown_metrics["Accuracy"][1].endswith("vs baseline 0.333")  # 10 of 30 test rows each
    assert shown_metrics["Log-loss"][1].endswith("vs baseline 1.099")  # ln 3
    assert "commonest test class" in shown(at, "caption")


def test_regression_metrics_lead_explore_beside_the_mean_baseline(explore):
    open_run, _, _ = explore
    shown_metrics = metrics(open_run("diabetes"))
    assert list(shown_metrics)[:3] == ["R²", "MAE", "RMSE"]
    assert shown_metrics["R²"][1].endswith("vs baseline 0.000")


def _number(at: AppTest, label: str):
    return next(n for n in at.number_input if n.label == label)


def test_try_a_row_starts_from_a_test_row_and_predicts_changed_values(explore):
    open_run, runs, store = explore
    at = open_run("iris")
    assert "Try a row" in tab_labels(at) and "Score a CSV" in tab_labels(at)
    at = open_tab(at, "Try a row")
    assert not at.exception, at.exception
    results = load_results(store.run_dir(runs["iris"]))
    data = load_dataset("builtin:iris", store.workspace).data
    first = data.frame.iloc[results.test_index[0]]
    assert _number(at, "petal length (cm)").value == pytest.approx(first["petal length (cm)"])
    stored = results.class_names[results.y_pred[0]]
    assert f"The model predicts **{stored}**" in shown(at, "markdown")
    assert any(spec["data"][0]["type"] == "bar" for spec in chart_specs(at))
    for label, value in (("petal length (cm)", 1.4), ("petal width (cm)", 0.2)):
        _number(at, label).set_value(value)
    next(b for b in at.button if b.label == "Predict").click().run()
    assert "The model predicts **setosa**" in shown(at, "markdown")
    for label, value in (("petal length (cm)", 6.5), ("petal width (cm)", 2.3)):
        _number(at, label).set_value(value)
    next(b for b in at.button if b.label == "Predict").click().run()
    assert "The model predicts **virginica**" in shown(at, "markdown")


def test_score_a_csv_adds_predictions_and_probabilities_and_offers_the_download(
    explore, monkeypatch
):
    offered: dict = {}
    original = streamlit.download_button

    def recording(label, data, file_name=None, *args, **kwargs):
        offered.update(data=data, file_name=file_name)
        return original(label, data, file_name, *args, **kwargs)

    monkeypatch.setattr(streamlit, "download_button", recording)
    open_run, runs, store = explore
    at = open_tab(open_run("iris"), "Score a CSV")
    frame = load_dataset("builtin:iris", store.workspace).data.frame.drop(columns=["species"])
    payload = frame.head(12).to_csv(index=False).encode()
    at.file_uploader(key=f"score_csv_{runs['iris']}").set_value(
        ("new.csv", payload, "text/csv")
    ).run()
    assert not at.exception and not at.error
    table = next(t.value for t in at.dataframe if "predicted" in t.value.columns)
    assert len(table) == 12
    assert {"probability setosa", "probability versicolor", "probability virginica"} <= set(table)
    assert table.filter(like="probability").sum(axis=1).round(4).eq(1).all()
    assert offered["file_name"] == "new-predictions.csv"
    downloaded = pd.read_csv(io.BytesIO(offered["data"]))
    assert len(downloaded) == 12 and list(downloaded.columns[:4]) == list(frame.columns)
    assert list(downloaded["predicted"]) == list(table["predicted"])
    lacking = frame.drop(columns=["petal width (cm)"]).head(3).to_csv(index=False).encode()
    at.file_uploader(key=f"score_csv_{runs['iris']}").set_value(
        ("short.csv", lacking, "text/csv")
    ).run()
    assert "'petal width (cm)'" in at.error[0].value and "short.csv" in at.error[0].value


def test_try_a_row_of_a_regression_run_shows_a_number(explore):
    open_run, runs, store = explore
    at = open_tab(open_run("diabetes"), "Try a row")
    assert not at.exception, at.exception
    results = load_results(store.run_dir(runs["diabetes"]))
    predicted = metrics(at)["The model predicts"][0]
    assert predicted == f"{results.y_pred[0]:.4g}"
    assert isinstance(results, object) and pd.notna(float(predicted))


def test_what_drove_it_shows_contributions_once_a_run_gives_them(explore, monkeypatch):
    import dashboard.views.tabular.try_row as try_row

    open_run, _, _ = explore
    at = open_tab(open_run("iris"), "Try a row")
    assert "What drove it" not in shown(at, "markdown"), "nothing to show yet"
    drivers = pd.Series(
        {"petal length (cm)": -0.2, "sepal width (cm)": 0.05, "petal width (cm)": 0.9}
    )
    monkeypatch.setattr(try_row, "row_contributions", lambda ctx, rows: drivers)
    at.run()
    assert "What drove it" in shown(at, "markdown")
    table = next(t.value for t in at.dataframe if "contribution" in t.value.columns)
    assert list(table["column"]) == ["petal width (cm)", "petal length (cm)", "sepal width (cm)"]


def test_a_run_without_epochs_shows_no_empty_feature_space_heading(explore):
    open_run, _, _ = explore
    at = open_tab(open_run("iris"), "Embedding (UMAP)")
    assert not at.exception
    assert "Feature space over training" not in [h.value for h in at.subheader]


def test_a_run_parameter_with_markdown_is_shown_as_text_not_as_a_link(explore):
    """?run=[Session expired](https://…) once drew a clickable link inside the warning."""
    from markdown_it import MarkdownIt

    from tests.apptest_helpers import EXPLORE_PAGE, open_app

    phish = "[Session expired](https://example.com/phish) ![x](https://example.com/x.png)"
    at = open_app(EXPLORE_PAGE, run=phish)
    warning = shown(at, "warning")
    assert "There is no run" in warning
    rendered = MarkdownIt("commonmark").render(warning)
    assert "<a " not in rendered and "<img" not in rendered
    assert "example.com" not in warning  # a link's parameter that is no run id is not repeated
    at = open_app(EXPLORE_PAGE, run="20990101-000000-dead")
    assert "no run '20990101-000000-dead'" in shown(at, "warning")

"""The Runs page through AppTest: the picker follows a run by id, actions act on the run they
were drawn for, the live panel's pace, the table, and the comparison of finished runs.

The scheduler is frozen here (it starts nothing and marks nothing interrupted), so each
test moves its runs from status to status itself, exactly when it wants to.
"""

from __future__ import annotations

import json
import re
import time

import pytest
from streamlit.testing.v1 import AppTest

from models.jobs import JobManager
from models.processes import ProcessId
from models.spec import RunSpec
from models.store import RunStore
from tests.apptest_helpers import APP, RUNS_PAGE, TRAIN_PAGE, chart_specs, open_app, shown
from tests.factories import train_now

MLP = RunSpec("builtin:iris", "mlp", {"epochs": 10})
LOGREG = RunSpec("builtin:iris", "logreg", {})
PICKER = "runs_selected"
EMOJI = re.compile("[\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\ufe0f]")


@pytest.fixture
def store(workspace, monkeypatch) -> RunStore:
    monkeypatch.setattr(JobManager, "_start_queued", lambda self: None)
    monkeypatch.setattr(JobManager, "recover", lambda self: None)
    return RunStore(workspace)


def queue(store: RunStore, count: int, spec: RunSpec = MLP) -> list[str]:
    ids = []
    for _ in range(count):
        ids.append(store.create_run(spec, dataset_name="Iris flowers"))
        time.sleep(0.01)  # distinct creation times: the page lists newest first
    return ids


def mark_running(store: RunStore, run_id: str) -> None:
    """queued → running with this process as its worker, as the scheduler and a worker would."""
    with store.connect() as db:
        db.execute(
            "UPDATE runs SET status = 'running', started = ? WHERE id = ?", (time.time(), run_id)
        )
    store.mark_started(run_id, ProcessId.current())


def finish(store: RunStore, run_id: str, status: str = "succeeded") -> None:
    mark_running(store, run_id)
    store.finish(run_id, status, final_metrics={"accuracy": 0.9})


def pick(at: AppTest, run_id: str) -> AppTest:
    """Choose a run the way a person does: by the option that shows its id."""
    box = at.selectbox(key=PICKER)
    return box.select_index(next(i for i, o in enumerate(box.options) if run_id in o)).run()


def picked(at: AppTest) -> str:
    return str(at.selectbox(key=PICKER).value)


def test_the_picker_stays_on_a_run_whose_status_changes_and_cancel_hits_that_run(store):
    first, chosen, newest = queue(store, 3)
    at = pick(open_app(RUNS_PAGE), chosen)
    assert chosen in picked(at)
    mark_running(store, chosen)  # queued → running, as the scheduler would
    at.run()
    assert not at.exception
    assert chosen in picked(at), "the selection followed the run, not its label"
    at.button(key=f"cancel_{chosen}").click().run()
    assert store.get(chosen).cancel_requested
    assert not store.get(newest).cancel_requested and not store.get(first).cancel_requested
    store.finish(chosen, "cancelled")
    at.run()
    assert chosen in picked(at) and not at.exception


def test_delete_removes_the_run_it_was_drawn_for_and_the_picker_moves_on(store):
    older, newer = queue(store, 2)
    finish(store, older)
    finish(store, newer)
    at = pick(open_app(RUNS_PAGE), older)
    at.button(key=f"delete_{older}").click().run()
    assert not at.exception
    assert store.get(older) is None and store.get(newer) is not None
    assert not store.run_dir(older).exists()
    assert newer in picked(at)
    assert list(at.dataframe[0].value["id"]) == [newer]


def test_the_picker_opens_on_a_run_with_something_to_show_not_the_newest_queued(store):
    done, _ = queue(store, 2)
    finish(store, done)
    at = open_app(RUNS_PAGE)
    assert done in picked(at)
    at = open_app(RUNS_PAGE, run=_)  # the Train page's link names the run it queued
    assert _ in picked(at)


def test_a_run_without_epochs_is_not_promised_curves(store):
    (sklearn,) = queue(store, 1, LOGREG)
    mark_running(store, sklearn)
    at = open_app(RUNS_PAGE)
    captions = shown(at, "caption")
    assert "Curves appear after the first epoch" not in captions
    assert "without epochs" in captions
    (keras,) = queue(store, 1, MLP)
    mark_running(store, keras)
    at = pick(at.run(), keras)
    assert "Curves appear after the first epoch" in shown(at, "caption")


def test_the_table_has_fixed_widths_and_no_emoji(store):
    queued, running, done = queue(store, 3)
    mark_running(store, running)
    finish(store, done)
    at = open_app(RUNS_PAGE)
    table = at.dataframe[0]
    config = json.loads(table.proto.columns)
    assert config["metric"]["width"] == "medium" and config["progress"]["width"] == "large"
    text = " ".join(table.value["status"]) + " ".join(at.selectbox(key=PICKER).options)
    assert not EMOJI.search(text), text
    assert set(table.value["status"]) == {"queued", "running", "succeeded"}
    assert ":material/" in " ".join(m.value for m in at.markdown)  # the panel's status icon


def _timed_epochs(store: RunStore, run_id: str, seconds: list[float], rows: int) -> None:
    """Two epochs that took `seconds` each, as if logged by a worker at those times."""
    mark_running(store, run_id)
    store.start_fit(run_id, rows)
    for epoch in range(1, len(seconds) + 1):
        store.log_epoch(run_id, epoch, {"loss": 1.0 / epoch}, 10)
    start = time.time() - sum(seconds) - 1
    ends = [start + sum(seconds[:k]) for k in range(1, len(seconds) + 1)]
    with store.connect() as db:
        db.execute("UPDATE runs SET fit_started = ? WHERE id = ?", (start, run_id))
        for epoch, end in enumerate(ends, start=1):
            db.execute(
                "UPDATE epochs SET logged = ? WHERE run_id = ? AND epoch = ?", (end, run_id, epoch)
            )


def test_runs_and_train_pages_show_time_per_epoch_time_left_and_rows_per_second(store):
    (run_id,) = queue(store, 1, MLP)
    _timed_epochs(store, run_id, [10.0, 10.0], rows=500)
    at = open_app(RUNS_PAGE)
    progress = " ".join(bar.proto.text for bar in at.get("progress"))
    assert "epoch 2 of 10" in progress
    assert "10 s per epoch" in progress
    assert "about 1 min 20 s left" in progress  # 8 epochs × 10 s
    assert "50 rows/s" in progress  # 500 rows in 10 s
    (curves,) = chart_specs(at)
    assert curves["layout"]["xaxis"]["dtick"] == 1, "whole epochs, not 1.5 and 2.5"
    at = AppTest.from_file(APP, default_timeout=90).run()
    at.session_state["started_runs"] = [run_id]
    at.switch_page(TRAIN_PAGE).run()
    assert "about 1 min 20 s left" in " ".join(bar.proto.text for bar in at.get("progress"))


@pytest.fixture
def compared(store):
    """Two iris classifiers and a diabetes regressor (newest), all scikit-learn: fast."""
    forest = train_now(store, RunSpec("builtin:iris", "random_forest", {"n_estimators": 10}))
    logreg = train_now(store, LOGREG)
    diabetes = train_now(store, RunSpec("builtin:diabetes", "hist_gb", {"max_iter": 10}))
    return forest, logreg, diabetes


def test_comparison_keeps_to_one_dataset_and_task_and_follows_new_runs(store, compared):
    forest, logreg, diabetes = compared
    at = open_app(RUNS_PAGE)
    assert not at.exception
    assert "iris" in str(at.selectbox(key="compare_group").value)
    runs = at.multiselect(key=f"compare_runs_{at.selectbox(key='compare_group').value}")
    assert set(runs.value) == {forest, logreg}, "not the diabetes run"
    bars = next(spec for spec in chart_specs(at) if spec["data"][0]["type"] == "bar")
    names = {label for trace in bars["data"] for label in trace["y"]}
    assert names == {
        f"Random forest · #{forest[-4:]}",
        f"Logistic / ridge regression · #{logreg[-4:]}",
    }
    matrices = [s for s in chart_specs(at) if any(t["type"] == "heatmap" for t in s["data"])]
    assert len(matrices) == 2, "one confusion matrix per compared run"
    newer = train_now(store, RunSpec("builtin:iris", "hist_gb", {"max_iter": 10}))
    at.run()
    assert newer in at.multiselect(key=runs.key).value, "a run that finishes joins in"


def test_a_run_is_renamed_and_tagged_on_the_runs_page_and_stays_picked(store):
    first, second = queue(store, 2)
    at = pick(open_app(RUNS_PAGE), first)
    at.text_input(key=f"run_name_{first}").input("long shot")
    at.text_input(key=f"run_tags_{first}").input("deep, slow")
    next(b for b in at.button if b.label == "Save").click().run()
    assert not at.exception
    run = store.get(first)
    assert (run.name, run.tags) == ("long shot", ("deep", "slow"))
    assert first in picked(at)
    assert any(o.startswith("long shot · ") for o in at.selectbox(key=PICKER).options)


def test_the_runs_table_says_where_each_run_trained_and_on_what(store):
    here, there = queue(store, 2)
    for run_id, node in ((here, "laptop"), (there, "ray node 10.0.0.7 (1a2b3c4d)")):
        mark_running(store, run_id)
        store.mark_started(run_id, ProcessId.current(), node)
    at = open_app(RUNS_PAGE)
    table = at.dataframe[0].value
    assert dict(zip(table["id"], table["where"], strict=True)) == {
        here: "laptop",
        there: "ray node 10.0.0.7 (1a2b3c4d)",
    }
    assert any("warm worker" in caption.value for caption in at.sidebar.caption)

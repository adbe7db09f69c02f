"""Sweeps: the search space a person types, and a real pruned sweep through the job manager."""

from __future__ import annotations

import pytest

from models.groups import get_group, members
from models.jobs import JobManager
from models.spec import RunSpec
from models.store import RunStore
from models.sweeps.create import start_sweep
from models.sweeps.settings import SweepSettings
from models.sweeps.space import ParamRange, SpaceError, parse_range, parse_space
from tests.apptest_helpers import TRAIN_PAGE, chart_specs, open_app, open_explore, tab_labels
from tests.factories import wait_for

SWEEPS_PAGE = "dashboard/app_pages/sweeps.py"


def test_the_range_forms_a_person_types():
    assert parse_range("units", "8..128", 64) == ParamRange("units", "int", 8, 128)
    assert parse_range("lr", "1e-4..1e-1 log", 1e-3) == ParamRange("lr", "float", 1e-4, 0.1, True)
    assert parse_range("dropout", "0..1", 0.1).kind == "float", "a float default keeps floats"
    assert parse_range("units", "8, 16, 32", 64).values == (8, 16, 32)
    assert parse_range("cell", "lstm, gru", "lstm").values == ("lstm", "gru")
    assert parse_range("units", "64", 64) is None
    assert ParamRange("lr", "float", 1e-4, 1e-1, True).grid() == [1e-4, 0.001, 0.01, 0.1]
    assert ParamRange("units", "int", 1, 3).grid() == [1, 2, 3]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("128..8", "smaller to a larger"),
        ("0..1 log", "start above 0"),
        ("1..2 square", "only 'log'"),
        ("a..b", "not a number"),
        ("8, 8", "two different values"),
    ],
)
def test_a_range_that_cannot_be_swept_says_what_to_write(text, message):
    with pytest.raises(SpaceError, match=message):
        parse_range("units", text, 64)


def test_a_space_where_nothing_varies_is_refused():
    with pytest.raises(SpaceError, match="nothing varies"):
        parse_space({"units": "64"}, {"units": 64, "epochs": 5})
    ranges, fixed = parse_space({"units": "8, 16", "epochs": "3"}, {"units": 64, "epochs": 5})
    assert [r.name for r in ranges] == ["units"] and fixed == {"epochs": 3}


SWEPT = RunSpec(
    "builtin:digits",
    "mlp",
    {"epochs": 5, "batch_size": 4, "hidden_layers": 1, "validation_split": 0.2},
)


def test_a_pruned_sweep_of_eight_trials_finishes_and_its_best_trial_opens_in_explore(workspace):
    store = RunStore(workspace)
    ranges, fixed = parse_space(
        {"learning_rate": "1e-5..3e-2 log", "hidden_units": "8, 64"},
        {"learning_rate": 1e-3, "hidden_units": 64, **SWEPT.params},
    )
    base = {**SWEPT.__dict__, "params": fixed}
    settings = SweepSettings(base, ranges, budget=8, strategy="random", pruner="median", seed=3)
    manager = JobManager(store, 1, poll_s=0.1, embedding_service=False)
    try:
        group_id = start_sweep(store, "digits sweep", settings)
        state = lambda: get_group(store, group_id).settings["state"]  # noqa: E731
        wait_for(lambda: state() == "finished", timeout=400, interval=0.5)
    finally:
        manager.shutdown()
    group = get_group(store, group_id)
    trials = group.settings["trials"]
    assert len(trials) == 8 == len(members(store, group_id))
    stopped = [t for t in trials if t["state"] == "stopped early"]
    finished = [t for t in trials if t["state"] == "finished"]
    assert stopped and finished, [t["state"] for t in trials]
    assert all(len(store.history(t["run_id"])) < 5 for t in stopped), "cut short"
    assert all(len(store.history(t["run_id"])) == 5 for t in finished)
    best = group.settings["best"]
    assert best["value"] == min(t["value"] for t in finished), "lowest validation loss"
    run = store.get(best["run_id"])
    assert run.status == "succeeded"
    assert run.spec.params["learning_rate"] == best["params"]["learning_rate"]
    _check_sweeps_page(group_id, best["run_id"], len(stopped))
    at = open_explore(best["run_id"])  # where the sweep view's "Open in Explore" leads
    assert not at.exception and not at.warning, [w.value for w in at.warning]
    assert at.query_params["run"] == best["run_id"] and tab_labels(at)


def _check_sweeps_page(group_id: str, best_run: str, stopped: int) -> None:
    at = open_app(SWEEPS_PAGE, sweep=group_id)
    assert not at.exception
    table = at.dataframe[0].value
    assert len(table) == 8 and (table["state"] == "stopped early").sum() == stopped
    assert table.loc[table["best"] == "★", "run"].tolist() == [best_run]
    specs = chart_specs(at)
    assert specs[0]["data"][0]["type"] == "parcoords"
    curves = [t for t in specs[1]["data"] if t.get("name")]
    cut = [len(t["x"]) for t in curves if "stopped early" in t["name"]]
    full = [len(t["x"]) for t in curves if "(finished)" in t["name"]]
    assert len(cut) == stopped and max(cut) < min(full) == 5
    links = [link for link in at.get("page_link") if "Explore" in link.proto.label]
    assert links and best_run in links[0].proto.query_string


def test_the_train_page_starts_a_sweep_and_explains_a_bad_range(workspace):
    from models.groups import SWEEP, list_groups
    from models.sweeps.create import stop_sweep

    at = open_app(TRAIN_PAGE)
    at.selectbox(key="train_model").set_value("Keras MLP").run()
    at.segmented_control(key="train_mode").set_value("Sweep").run()
    assert at.text_input(key="s_mlp_learning_rate").value == "1e-4..1e-2 log"
    at.text_input(key="s_mlp_hidden_units").set_value("128..8").run()
    at.button(key="start_sweep").click().run()
    assert "must go from a smaller to a larger number" in at.error[0].value
    assert list_groups(RunStore(workspace), SWEEP) == [], "nothing started"
    at.text_input(key="s_mlp_hidden_units").set_value("8..128").run()
    at.number_input(key="s_mlp_budget").set_value(3).run()
    at.button(key="start_sweep").click().run()
    store = RunStore(workspace)
    (group,) = list_groups(store, SWEEP)
    stop_sweep(store, group.id)  # the page's job ends here; the driver is tested above
    ranges = {r["name"]: r for r in group.settings["sweep"]["ranges"]}
    assert ranges["hidden_units"]["kind"] == "int" and ranges["learning_rate"]["log"]
    assert group.settings["sweep"]["budget"] == 3
    assert "Sweep started: 3 trials" in at.success[0].value
    assert group.id in at.get("page_link")[-1].proto.query_string

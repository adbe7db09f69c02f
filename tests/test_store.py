"""The run store against a real SQLite file in tmp_path."""

import json
import sqlite3

import pytest

from models import store_schema
from models.processes import ProcessId
from models.spec import RunSpec
from models.store import SAVING, STOPPING, TERMINATING, RunStore

SPEC = RunSpec("builtin:iris", "mlp", {"epochs": 3}, seed=1)


@pytest.fixture
def store(tmp_path):
    return RunStore(tmp_path / "ws")


def test_created_run_is_queued_with_its_spec(store):
    run_id = store.create_run(SPEC, dataset_name="Iris")
    run = store.get(run_id)
    assert run.status == "queued"
    assert run.spec == SPEC
    assert run.epochs == 3
    assert store.run_dir(run_id).is_dir()


def test_database_uses_wal(store):
    with sqlite3.connect(store.path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_claim_takes_oldest_queued_once(store):
    first = store.create_run(SPEC)
    second = store.create_run(SPEC)
    assert store.claim_next_queued() == first
    assert store.claim_next_queued() == second
    assert store.claim_next_queued() is None
    assert store.get(first).status == "running"


def test_epochs_round_trip_with_nan_as_gap(store):
    run_id = store.create_run(SPEC)
    store.log_epoch(run_id, 1, {"loss": 1.5, "accuracy": 0.5}, 3)
    store.log_epoch(run_id, 2, {"loss": float("nan"), "accuracy": 0.7}, 3)
    history = store.history(run_id)
    assert list(history["epoch"]) == [1, 2]
    assert history["loss"].isna().tolist() == [False, True]
    run = store.get(run_id)
    assert (run.epoch, run.epochs) == (2, 3)
    assert run.progress == pytest.approx(2 / 3)


def test_empty_history_has_epoch_column(store):
    assert list(store.history(store.create_run(SPEC)).columns) == ["epoch"]


def test_cancel_of_queued_run_is_immediate(store):
    run_id = store.create_run(SPEC)
    store.request_cancel(run_id)
    assert store.get(run_id).status == "cancelled"


def test_cancel_of_running_run_sets_flag_seen_by_heartbeat(store):
    run_id = store.create_run(SPEC)
    store.claim_next_queued()
    assert store.heartbeat(run_id) is False
    store.request_cancel(run_id)
    assert store.get(run_id).status == "running"
    assert store.heartbeat(run_id) is True


def test_finish_records_metrics_and_errors(store):
    run_id = store.create_run(SPEC)
    store.claim_next_queued()
    store.finish(run_id, "failed", {"accuracy": 0.1}, error="ValueError: x", traceback="tb")
    run = store.get(run_id)
    assert run.status == "failed" and run.error == "ValueError: x" and run.traceback == "tb"
    assert run.final_metrics == {"accuracy": 0.1}
    assert run.finished is not None


def test_finish_if_running_never_overwrites_a_final_status(store):
    run_id = store.create_run(SPEC)
    store.claim_next_queued()
    store.finish(run_id, "succeeded", {})
    assert store.finish_if_running(run_id, "interrupted") is False
    assert store.get(run_id).status == "succeeded"


def test_delete_removes_row_epochs_and_folder(store):
    run_id = store.create_run(SPEC)
    store.log_epoch(run_id, 1, {"loss": 1.0}, 3)
    store.delete(run_id)
    assert store.get(run_id) is None
    assert not store.run_dir(run_id).exists()
    with sqlite3.connect(store.path) as db:
        assert db.execute("SELECT COUNT(*) FROM epochs").fetchone()[0] == 0


def test_run_dir_refuses_path_tricks(store):
    with pytest.raises(ValueError):
        store.run_dir("../etc")


def test_list_runs_filters_by_status(store):
    a = store.create_run(SPEC)
    store.create_run(SPEC)
    store.request_cancel(a)
    assert [r.id for r in store.list_runs(("cancelled",))] == [a]
    assert len(store.list_runs()) == 2


def test_spec_json_round_trip():
    assert RunSpec.from_json(SPEC.to_json()) == SPEC
    assert json.loads(SPEC.to_json())["model"] == "mlp"


def test_spec_rejects_bad_test_size():
    with pytest.raises(ValueError, match="test_size"):
        RunSpec("builtin:iris", "mlp", test_size=0.9)


# --- guarded status transitions ---------------------------------------------------

ME = ProcessId.current()


def test_finish_closes_only_a_running_run(store):
    run_id = store.create_run(SPEC)
    store.claim_next_queued()
    assert store.finish_if_running(run_id, "interrupted", "worker gone")
    assert store.finish(run_id, "succeeded", {"accuracy": 1.0}) is False
    run = store.get(run_id)
    assert run.status == "interrupted" and run.final_metrics == {}


def test_finish_and_mark_started_of_a_deleted_run_write_nothing_and_do_not_raise(store):
    run_id = store.create_run(SPEC, status="running")
    store.delete(run_id)
    assert store.finish(run_id, "failed", error="x") is False
    assert store.mark_started(run_id, ME) is False
    store.log_epoch(run_id, 1, {"loss": 1.0}, 3)
    assert store.get(run_id) is None


def test_mark_started_never_reopens_a_closed_run(store):
    run_id = store.create_run(SPEC)
    store.request_cancel(run_id)  # cancelled while queued
    assert store.mark_started(run_id, ME) is False
    assert store.get(run_id).status == "cancelled"


def test_mark_started_records_the_worker_by_pid_and_start_time(store):
    run_id = store.create_run(SPEC, status="running", origin="cli")
    assert store.mark_started(run_id, ME)
    assert store.get(run_id).worker == ME


def test_heartbeat_tells_the_worker_of_a_deleted_or_closed_run_to_stop(store):
    deleted = store.create_run(SPEC, status="running")
    store.delete(deleted)
    assert store.heartbeat(deleted) is True
    closed = store.create_run(SPEC, status="running")
    store.finish_if_running(closed, "interrupted")
    assert store.heartbeat(closed) is True


def test_a_saving_worker_cannot_be_claimed_for_termination(store):
    run_id = store.create_run(SPEC, status="running")
    assert store.enter_endgame(run_id, SAVING)
    assert store.claim_termination(run_id) is False
    assert store.get(run_id).endgame == SAVING


def test_a_worker_being_terminated_cannot_start_saving(store):
    run_id = store.create_run(SPEC, status="running")
    assert store.claim_termination(run_id)
    assert store.enter_endgame(run_id, STOPPING) is False
    assert store.enter_endgame(run_id, SAVING) is False
    assert store.get(run_id).endgame == TERMINATING


def test_a_stopping_worker_may_go_on_to_save(store):
    run_id = store.create_run(SPEC, status="running")
    assert store.enter_endgame(run_id, STOPPING)
    assert store.claim_termination(run_id) is False
    assert store.enter_endgame(run_id, SAVING)


def test_only_one_app_process_adopts_a_run(store):
    run_id = store.create_run(SPEC)
    dead_owner = ProcessId(999_999, 1.0)
    store.claim_next_queued(dead_owner)
    assert store.adopt(run_id, dead_owner, ME)
    assert store.adopt(run_id, dead_owner, ProcessId(ME.pid, ME.started + 1)) is False
    assert store.get(run_id).owner == ME


def test_a_store_from_before_the_new_columns_gets_them(tmp_path):
    folder = tmp_path / "old"
    (folder / "runs").mkdir(parents=True)
    old_schema = store_schema.SCHEMA
    for _, column, _ in store_schema.ADDED_COLUMNS:
        old_schema = "\n".join(
            line for line in old_schema.splitlines() if not line.strip().startswith(f"{column} ")
        )
    old_schema = old_schema.replace("DEFAULT 'app',\n);", "DEFAULT 'app'\n);")
    with sqlite3.connect(folder / "glassbox.db") as db:
        db.executescript(old_schema)
        db.execute(
            "INSERT INTO runs (id, created, status, spec) VALUES ('20240101-000000-abcd', 0,"
            " 'succeeded', ?)",
            (SPEC.to_json(),),
        )
    run = RunStore(folder).get("20240101-000000-abcd")
    assert run.status == "succeeded" and run.worker is None and run.endgame == ""


def test_a_workspace_made_before_names_and_epoch_times_gets_them_on_open(tmp_path):
    folder = tmp_path / "old"
    folder.mkdir()
    with sqlite3.connect(folder / "glassbox.db") as db:  # the first release's tables
        db.executescript(
            "CREATE TABLE runs (id TEXT PRIMARY KEY, created REAL NOT NULL, started REAL,"
            " finished REAL, status TEXT NOT NULL, spec TEXT NOT NULL, dataset_name TEXT NOT"
            " NULL DEFAULT '', epoch INTEGER NOT NULL DEFAULT 0, epochs INTEGER NOT NULL DEFAULT"
            " 0, progress REAL NOT NULL DEFAULT 0, phase TEXT NOT NULL DEFAULT '', pid INTEGER,"
            " heartbeat REAL, cancel_requested INTEGER NOT NULL DEFAULT 0, error TEXT, traceback"
            " TEXT, final_metrics TEXT, origin TEXT NOT NULL DEFAULT 'app');"
            "CREATE TABLE epochs (run_id TEXT NOT NULL, epoch INTEGER NOT NULL, metrics TEXT NOT"
            " NULL, PRIMARY KEY (run_id, epoch));"
        )
        db.execute(
            "INSERT INTO runs (id, created, status, spec) VALUES ('old-1', 1, 'succeeded', ?)",
            (SPEC.to_json(),),
        )
        db.execute("INSERT INTO epochs VALUES ('old-1', 1, '{\"loss\": 1}')")
    store = RunStore(folder)
    old = store.get("old-1")
    assert (old.name, old.tags, old.fit_started, old.rows_per_epoch) == ("", (), None, 0)
    assert store.epoch_times("old-1") == []  # logged before times were kept
    RunStore(folder)  # opening again changes nothing


def test_runs_are_named_and_tagged(store):
    run_id = store.create_run(SPEC, name=" first try ", tags="baseline, small,, baseline")
    run = store.get(run_id)
    assert (run.name, run.tags) == ("first try", ("baseline", "small"))
    store.label_run(run_id, "second", ["x"])
    assert (store.get(run_id).name, store.get(run_id).tags) == ("second", ("x",))


def test_epoch_end_times_and_the_fit_start_are_kept(store):
    run_id = store.create_run(SPEC)
    store.start_fit(run_id, 120)
    store.log_epoch(run_id, 1, {"loss": 1.0}, 3)
    store.log_epoch(run_id, 2, {"loss": 0.5}, 3)
    run, times = store.get(run_id), store.epoch_times(run_id)
    assert run.rows_per_epoch == 120 and len(times) == 2
    assert run.fit_started <= times[0] <= times[1]
    assert "logged" not in store.history(run_id).columns


def test_runs_of_a_dataset_follow_its_new_name(store):
    upload = RunSpec("upload:abc123", "logreg", {})
    on_it = store.create_run(upload, dataset_name="old.csv")
    store.create_run(SPEC, dataset_name="Iris")
    assert [run.id for run in store.runs_on_dataset("upload:abc123")] == [on_it]
    store.rename_dataset("upload:abc123", "credit.csv")
    assert store.get(on_it).dataset_name == "credit.csv"
    assert {run.dataset_name for run in store.list_runs()} == {"credit.csv", "Iris"}

"""The run store: SQLite (WAL) for status and metrics, a folder per run for artifacts.

Workers write, pages read. Each call opens its own short-lived connection, so the
store is safe from any thread or process; every write is one transaction, so a
worker killed mid-epoch leaves whole epochs or none.
"""

from __future__ import annotations

import json
import math
import os
import secrets
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from models.processes import ProcessId
from models.run_record import (  # noqa: F401 - re-exported: the store's vocabulary
    ACTIVE,
    FINISHED,
    SAVING,
    STOPPING,
    TERMINATING,
    TRAINING,
    Run,
    clean_tags,
    run_from_row,
)
from models.spec import RunSpec
from models.store_schema import create_or_upgrade

if TYPE_CHECKING:
    import pandas as pd


def default_workspace() -> Path:
    """Where runs and uploaded datasets live; GLASSBOX_WORKSPACE overrides ./workspace."""
    return Path(os.environ.get("GLASSBOX_WORKSPACE", "workspace")).resolve()


def _new_run_id() -> str:
    return time.strftime("%Y%m%d-%H%M%S") + "-" + secrets.token_hex(2)


def _clean_metrics(metrics: dict[str, Any]) -> dict[str, float | None]:
    """JSON has no NaN; store it as null so readers see a gap, not a parse error."""
    out: dict[str, float | None] = {}
    for key, value in metrics.items():
        number = float(value)
        out[key] = None if math.isnan(number) or math.isinf(number) else number
    return out


class RunStore:
    """Runs, their specs, status and metrics in `<workspace>/glassbox.db`."""

    def __init__(self, workspace: Path | str | None = None) -> None:
        self.workspace = Path(workspace) if workspace else default_workspace()
        self.workspace.mkdir(parents=True, exist_ok=True)
        (self.workspace / "runs").mkdir(exist_ok=True)
        self.path = self.workspace / "glassbox.db"
        with self.connect() as db:
            db.execute("PRAGMA journal_mode=WAL")
            create_or_upgrade(db)

    @contextmanager
    def connect(self) -> Iterator[sqlite3.Connection]:
        """A short-lived autocommit connection; use BEGIN IMMEDIATE for multi-statement writes."""
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        try:
            db.execute("PRAGMA foreign_keys=ON")
            db.execute("PRAGMA synchronous=NORMAL")
            db.row_factory = sqlite3.Row
            yield db
        finally:
            db.close()

    def _update(self, run_id: str, **fields: Any) -> None:
        names = ", ".join(f"{name} = ?" for name in fields)
        with self.connect() as db:
            db.execute(f"UPDATE runs SET {names} WHERE id = ?", (*fields.values(), run_id))

    # --- creating and reading -------------------------------------------------

    def create_run(
        self,
        spec: RunSpec,
        dataset_name: str = "",
        status: str = "queued",
        origin: str = "app",
        name: str = "",
        tags: str | list[str] | tuple[str, ...] = (),
        group: tuple[str, int] | None = None,
    ) -> str:
        """A new run; `group` = (group id, index) makes it a fold or trial (models/groups.py)."""
        run_id = _new_run_id()
        epochs = int(spec.params.get("epochs", 0) or 0)
        label = (name.strip(), ",".join(clean_tags(tags)))
        group_id, group_index = group or (None, None)
        with self.connect() as db:
            db.execute(
                "INSERT INTO runs (id, created, status, spec, dataset_name, epochs, origin,"
                " name, tags, group_id, group_index) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    run_id,
                    time.time(),
                    status,
                    spec.to_json(),
                    dataset_name,
                    epochs,
                    origin,
                    *label,
                    group_id,
                    group_index,
                ),
            )
        self.run_dir(run_id).mkdir(parents=True, exist_ok=True)
        return run_id

    def run_dir(self, run_id: str) -> Path:
        if not run_id.replace("-", "").isalnum():
            raise ValueError(f"not a run id: {run_id!r}")
        return self.workspace / "runs" / run_id

    def get(self, run_id: str) -> Run | None:
        with self.connect() as db:
            row = db.execute("SELECT * FROM runs WHERE id = ?", (run_id,)).fetchone()
        return run_from_row(row) if row else None

    def list_runs(self, statuses: tuple[str, ...] | None = None) -> list[Run]:
        query, args = "SELECT * FROM runs", ()
        if statuses:
            query += f" WHERE status IN ({','.join('?' * len(statuses))})"
            args = statuses
        with self.connect() as db:
            rows = db.execute(query + " ORDER BY created DESC", args).fetchall()
        return [run_from_row(row) for row in rows]

    def epoch_times(self, run_id: str) -> list[float]:
        """When each logged epoch ended, in epoch order (epochs logged before times were
        recorded are left out)."""
        with self.connect() as db:
            rows = db.execute(
                "SELECT logged FROM epochs WHERE run_id = ? AND logged IS NOT NULL ORDER BY epoch",
                (run_id,),
            ).fetchall()
        return [row["logged"] for row in rows]

    def runs_on_dataset(self, ref: str) -> list[Run]:
        """Runs trained (or queued) on one dataset reference, newest first."""
        with self.connect() as db:
            rows = db.execute(
                "SELECT * FROM runs WHERE json_extract(spec, '$.dataset') = ? ORDER BY created DESC",
                (ref,),
            ).fetchall()
        return [run_from_row(row) for row in rows]

    # --- what people change ----------------------------------------------------

    def label_run(self, run_id: str, name: str, tags: str | list[str] | tuple[str, ...]) -> None:
        """Name and tag a run (any time, running or not)."""
        self._update(run_id, name=name.strip(), tags=",".join(clean_tags(tags)))

    def rename_dataset(self, ref: str, dataset_name: str) -> None:
        """Show a renamed upload under its new name in every run trained on it."""
        with self.connect() as db:
            db.execute(
                "UPDATE runs SET dataset_name = ? WHERE json_extract(spec, '$.dataset') = ?",
                (dataset_name, ref),
            )

    def history(self, run_id: str) -> pd.DataFrame:
        """Per-epoch metrics as a frame with an `epoch` column (1-based)."""
        with self.connect() as db:
            rows = db.execute(
                "SELECT epoch, metrics FROM epochs WHERE run_id = ? ORDER BY epoch", (run_id,)
            ).fetchall()
        records = [{"epoch": row["epoch"], **json.loads(row["metrics"])} for row in rows]
        import pandas as pd

        return pd.DataFrame.from_records(records, columns=None if records else ["epoch"])

    # --- the scheduler's writes -------------------------------------------------

    def claim_next_queued(self, owner: ProcessId | None = None) -> str | None:
        """Move the oldest queued run to running; one transaction, so two claimers never share.

        `owner` is the app process whose job manager will look after the run.
        """
        with self.connect() as db:
            db.execute("BEGIN IMMEDIATE")
            row = db.execute(
                "SELECT id FROM runs WHERE status = 'queued' ORDER BY created LIMIT 1"
            ).fetchone()
            if row is None:
                db.execute("COMMIT")
                return None
            db.execute(
                "UPDATE runs SET status = 'running', started = ?, heartbeat = ?, phase = 'starting',"
                " owner_pid = ?, owner_started = ? WHERE id = ? AND status = 'queued'",
                (time.time(), time.time(), *_pid_and_start(owner), row["id"]),
            )
            db.execute("COMMIT")
            return row["id"]

    def claim_queued(self, run_id: str, owner: ProcessId | None = None) -> bool:
        """Move this queued run to running, as claim_next_queued does for the oldest; False if
        another claimer took it first or it is no longer queued (a group's worker taking its
        next member, models/crossval/runner.py)."""
        now = time.time()
        with self.connect() as db:
            cursor = db.execute(
                "UPDATE runs SET status = 'running', started = ?, heartbeat = ?, phase = 'starting',"
                " owner_pid = ?, owner_started = ? WHERE id = ? AND status = 'queued'",
                (now, now, *_pid_and_start(owner), run_id),
            )
            return cursor.rowcount > 0

    def adopt(self, run_id: str, previous: ProcessId | None, owner: ProcessId) -> bool:
        """Take over a running run from `previous` (its owner, now gone); only one taker wins."""
        with self.connect() as db:
            cursor = db.execute(
                "UPDATE runs SET owner_pid = ?, owner_started = ? WHERE id = ?"
                " AND status = 'running' AND owner_pid IS ? AND owner_started IS ?",
                (*_pid_and_start(owner), run_id, *_pid_and_start(previous)),
            )
            return cursor.rowcount > 0

    def request_cancel(self, run_id: str) -> None:
        """A queued run is cancelled at once; a running one is asked to stop."""
        with self.connect() as db:
            db.execute("BEGIN IMMEDIATE")
            db.execute(
                "UPDATE runs SET status = 'cancelled', finished = ? WHERE id = ? AND status = 'queued'",
                (time.time(), run_id),
            )
            db.execute("UPDATE runs SET cancel_requested = 1 WHERE id = ?", (run_id,))
            db.execute("COMMIT")

    def claim_termination(self, run_id: str) -> bool:
        """The job manager may kill the worker only while it neither stops nor saves by itself."""
        return self._move_endgame(run_id, (TRAINING,), TERMINATING)

    def finish_if_running(self, run_id: str, status: str, error: str | None = None) -> bool:
        """Close a run that is still marked running (the worker died or was stopped)."""
        with self.connect() as db:
            cursor = db.execute(
                "UPDATE runs SET status = ?, finished = ?, error = COALESCE(error, ?), phase = ''"
                " WHERE id = ? AND status = 'running'",
                (status, time.time(), error, run_id),
            )
            return cursor.rowcount > 0

    def delete(self, run_id: str) -> None:
        import shutil

        with self.connect() as db:
            db.execute("DELETE FROM runs WHERE id = ?", (run_id,))
        shutil.rmtree(self.run_dir(run_id), ignore_errors=True)

    # --- the worker's writes ----------------------------------------------------

    def mark_started(self, run_id: str, worker: ProcessId, node: str = "") -> bool:
        """Record the worker of a running run and where it runs (`node`: host or Ray node);
        False if the run is gone or already closed."""
        now = time.time()
        with self.connect() as db:
            cursor = db.execute(
                "UPDATE runs SET pid = ?, pid_started = ?, heartbeat = ?, phase = 'loading data',"
                " started = COALESCE(started, ?), node = ? WHERE id = ? AND status = 'running'",
                (worker.pid, worker.started, now, now, node, run_id),
            )
            return cursor.rowcount > 0

    def heartbeat(self, run_id: str) -> bool:
        """Record that the worker lives; returns whether it should stop.

        It should when a cancel was requested, and when the run was deleted or closed
        meanwhile: nobody waits for its results any more.
        """
        with self.connect() as db:
            db.execute("UPDATE runs SET heartbeat = ? WHERE id = ?", (time.time(), run_id))
            row = db.execute(
                "SELECT cancel_requested, status FROM runs WHERE id = ?", (run_id,)
            ).fetchone()
        return row is None or bool(row["cancel_requested"]) or row["status"] != "running"

    def enter_endgame(self, run_id: str, state: str) -> bool:
        """The worker says it is STOPPING or SAVING; False once the manager claimed its kill."""
        if state not in (STOPPING, SAVING):
            raise ValueError(f"a worker cannot enter {state!r}")
        allowed = (TRAINING,) if state == STOPPING else (TRAINING, STOPPING)
        return self._move_endgame(run_id, allowed, state)

    def _move_endgame(self, run_id: str, allowed: tuple[str, ...], state: str) -> bool:
        with self.connect() as db:
            cursor = db.execute(
                f"UPDATE runs SET endgame = ? WHERE id = ? AND status = 'running'"
                f" AND endgame IN ({','.join('?' * len(allowed))})",
                (state, run_id, *allowed),
            )
            return cursor.rowcount > 0 or self._endgame(db, run_id) == state

    @staticmethod
    def _endgame(db: sqlite3.Connection, run_id: str) -> str | None:
        row = db.execute("SELECT endgame FROM runs WHERE id = ?", (run_id,)).fetchone()
        return row["endgame"] if row else None

    def set_phase(self, run_id: str, phase: str) -> None:
        self._update(run_id, phase=phase)

    def set_progress(self, run_id: str, epoch: int, epochs: int, progress: float) -> None:
        self._update(run_id, epoch=epoch, epochs=epochs, progress=progress)

    def start_fit(self, run_id: str, rows_per_epoch: int) -> None:
        """The first epoch begins now: the clock per-epoch times and ETAs are measured from."""
        self._update(run_id, fit_started=time.time(), rows_per_epoch=int(rows_per_epoch))

    def log_epoch(self, run_id: str, epoch: int, metrics: dict[str, Any], epochs: int) -> None:
        """One transaction: the epoch row and the progress it implies land together."""
        with self.connect() as db:
            db.execute("BEGIN IMMEDIATE")
            if db.execute("SELECT 1 FROM runs WHERE id = ?", (run_id,)).fetchone():
                db.execute(
                    "INSERT OR REPLACE INTO epochs (run_id, epoch, metrics, logged)"
                    " VALUES (?, ?, ?, ?)",
                    (run_id, epoch, json.dumps(_clean_metrics(metrics)), time.time()),
                )
                db.execute(
                    "UPDATE runs SET epoch = ?, epochs = ?, progress = ?, heartbeat = ?"
                    " WHERE id = ?",
                    (epoch, epochs, epoch / max(epochs, 1), time.time(), run_id),
                )
            db.execute("COMMIT")

    def finish(
        self,
        run_id: str,
        status: str,
        final_metrics: dict[str, Any] | None = None,
        error: str | None = None,
        traceback: str | None = None,
    ) -> bool:
        """running → a final status; False (and nothing written) for a closed or deleted run."""
        if status not in FINISHED:
            raise ValueError(f"not a finished status: {status}")
        with self.connect() as db:
            cursor = db.execute(
                "UPDATE runs SET status = ?, finished = ?, final_metrics = ?, error = ?,"
                " traceback = ?, phase = '',"
                " progress = CASE WHEN ? = 'succeeded' THEN 1.0 ELSE progress END"
                " WHERE id = ? AND status = 'running'",
                (
                    status,
                    time.time(),
                    json.dumps(final_metrics or {}),
                    error,
                    traceback,
                    status,
                    run_id,
                ),
            )
            return cursor.rowcount > 0


def _pid_and_start(process: ProcessId | None) -> tuple[int | None, float | None]:
    return (process.pid, process.started) if process else (None, None)

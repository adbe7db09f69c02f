"""Explanation requests in the run store: the UI asks, the explain service answers.

A request is keyed by (run, what, key) — ("importance", ""), ("dependence",
column), ("contributions", hash of the row's values) — so asking twice is free and
a finished one is a cached file any tab reads at once. The table lives in the run
store's database (deleting a run deletes its requests) but is declared here, by
the only module that reads or writes it.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

from models.store import RunStore

IMPORTANCE = "importance"  # permutation importance, plus what comes with it (tasks.py)
DEPENDENCE = "dependence"
CONTRIBUTIONS = "contributions"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS explanations (
    run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    what TEXT NOT NULL,
    key TEXT NOT NULL,
    params TEXT NOT NULL,
    status TEXT NOT NULL,
    progress REAL NOT NULL DEFAULT 0,
    stage TEXT NOT NULL DEFAULT '',
    error TEXT,
    created REAL NOT NULL,
    seconds REAL,
    PRIMARY KEY (run_id, what, key)
);
"""


@dataclass(frozen=True)
class ExplainRequest:
    run_id: str
    what: str
    key: str
    params: dict[str, Any]
    status: str  # queued, running, done, failed
    progress: float
    stage: str
    error: str | None
    seconds: float | None


def _to_request(row) -> ExplainRequest:
    return ExplainRequest(
        row["run_id"],
        row["what"],
        row["key"],
        json.loads(row["params"]),
        row["status"],
        row["progress"],
        row["stage"],
        row["error"],
        row["seconds"],
    )


class ExplainQueue:
    def __init__(self, store: RunStore) -> None:
        self.store = store
        with store.connect() as db:
            db.executescript(_SCHEMA)

    def request(
        self, run_id: str, what: str, key: str = "", params: dict[str, Any] | None = None
    ) -> ExplainRequest:
        """Queue unless already queued, running or done; a failed one is queued again."""
        with self.store.connect() as db:
            db.execute(
                "INSERT INTO explanations (run_id, what, key, params, status, created)"
                " VALUES (?, ?, ?, ?, 'queued', ?) ON CONFLICT (run_id, what, key) DO UPDATE"
                " SET status = 'queued', error = NULL, progress = 0 WHERE status = 'failed'",
                (run_id, what, key, json.dumps(params or {}), time.time()),
            )
        return self.get(run_id, what, key)

    def ensure(
        self, run_id: str, what: str, key: str = "", params: dict[str, Any] | None = None
    ) -> ExplainRequest:
        """Queue only if never asked: polling a failure must not retry it over and over."""
        with self.store.connect() as db:
            db.execute(
                "INSERT INTO explanations (run_id, what, key, params, status, created)"
                " VALUES (?, ?, ?, ?, 'queued', ?) ON CONFLICT (run_id, what, key) DO NOTHING",
                (run_id, what, key, json.dumps(params or {}), time.time()),
            )
        return self.get(run_id, what, key)

    def redo(self, run_id: str, what: str, key: str = "") -> None:
        """Queue again whatever its state: a finished request whose cached file is gone."""
        self.update(run_id, what, key, status="queued", progress=0.0, error=None)

    def get(self, run_id: str, what: str, key: str = "") -> ExplainRequest | None:
        with self.store.connect() as db:
            row = db.execute(
                "SELECT * FROM explanations WHERE run_id = ? AND what = ? AND key = ?",
                (run_id, what, key),
            ).fetchone()
        return _to_request(row) if row else None

    def claim(self) -> ExplainRequest | None:
        """The oldest queued request, now running; one transaction, so two services never share."""
        with self.store.connect() as db:
            db.execute("BEGIN IMMEDIATE")
            row = db.execute(
                "SELECT * FROM explanations WHERE status = 'queued' ORDER BY created LIMIT 1"
            ).fetchone()
            if row is not None:
                db.execute(
                    "UPDATE explanations SET status = 'running', stage = ''"
                    " WHERE run_id = ? AND what = ? AND key = ?",
                    (row["run_id"], row["what"], row["key"]),
                )
            db.execute("COMMIT")
        return _to_request(row) if row else None

    def update(self, run_id: str, what: str, key: str, **fields: Any) -> None:
        names = ", ".join(f"{name} = ?" for name in fields)
        with self.store.connect() as db:
            db.execute(
                f"UPDATE explanations SET {names} WHERE run_id = ? AND what = ? AND key = ?",
                (*fields.values(), run_id, what, key),
            )

    def requeue_running(self) -> None:
        """A service that died mid-request leaves it running; the next one starts it over."""
        with self.store.connect() as db:
            db.execute("UPDATE explanations SET status = 'queued' WHERE status = 'running'")


def after_training(store: RunStore, run_id: str, modality: str) -> None:
    """What the worker asks for when a run has succeeded: a table's importance, so it is
    ready before anyone opens Explore."""
    if modality == "tabular":
        ExplainQueue(store).ensure(run_id, IMPORTANCE)

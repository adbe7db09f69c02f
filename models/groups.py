"""Groups of runs that belong together: the folds of a cross-validation, the trials of a sweep.

Every member is an ordinary run (Explore, Runs, cancel and delete work on it as on any
other); the group adds what no single run knows: its kind, its settings (k, the search
space, the best trial so far) and the order of its members. One table for both kinds, so
the Runs page shows any group as one row that expands, whatever made it.
"""

from __future__ import annotations

import json
import secrets
import time
from dataclasses import dataclass
from typing import Any

from models.run_record import ACTIVE, Run, run_from_row
from models.store import RunStore

CROSSVAL, SWEEP = "crossval", "sweep"


@dataclass(frozen=True)
class Group:
    id: str
    kind: str
    created: float
    name: str
    settings: dict[str, Any]


def create_group(store: RunStore, kind: str, name: str, settings: dict[str, Any]) -> str:
    group_id = "g" + time.strftime("%Y%m%d-%H%M%S") + "-" + secrets.token_hex(2)
    with store.connect() as db:
        db.execute(
            "INSERT INTO run_groups (id, kind, created, name, settings) VALUES (?, ?, ?, ?, ?)",
            (group_id, kind, time.time(), name, json.dumps(settings)),
        )
    return group_id


def _group(row) -> Group:
    return Group(row["id"], row["kind"], row["created"], row["name"], json.loads(row["settings"]))


def get_group(store: RunStore, group_id: str) -> Group | None:
    with store.connect() as db:
        row = db.execute("SELECT * FROM run_groups WHERE id = ?", (group_id,)).fetchone()
    return _group(row) if row else None


def list_groups(store: RunStore, kind: str | None = None) -> list[Group]:
    """Newest first."""
    query, args = "SELECT * FROM run_groups", ()
    if kind:
        query, args = query + " WHERE kind = ?", (kind,)
    with store.connect() as db:
        rows = db.execute(query + " ORDER BY created DESC", args).fetchall()
    return [_group(row) for row in rows]


def update_settings(store: RunStore, group_id: str, **changes: Any) -> None:
    """Merge `changes` into the group's settings in one transaction (e.g. a sweep's best trial)."""
    with store.connect() as db:
        db.execute("BEGIN IMMEDIATE")
        row = db.execute("SELECT settings FROM run_groups WHERE id = ?", (group_id,)).fetchone()
        if row is not None:
            settings = {**json.loads(row["settings"]), **changes}
            db.execute(
                "UPDATE run_groups SET settings = ? WHERE id = ?", (json.dumps(settings), group_id)
            )
        db.execute("COMMIT")


def members(store: RunStore, group_id: str) -> list[Run]:
    """The group's runs in their order (fold 0 first, trial 0 first)."""
    with store.connect() as db:
        rows = db.execute(
            "SELECT * FROM runs WHERE group_id = ? ORDER BY group_index, created", (group_id,)
        ).fetchall()
    return [run_from_row(row) for row in rows]


def group_status(runs: list[Run]) -> str:
    """One word for the whole group: running while any member is active, else how it ended."""
    statuses = {run.status for run in runs}
    if not runs:
        return "empty"
    if statuses & set(ACTIVE):
        return "running" if "running" in statuses else "queued"
    for status in ("failed", "interrupted", "cancelled"):
        if status in statuses:
            return status if len(statuses) == 1 else f"partly {status}"
    return "succeeded"


def cancel_group(store: RunStore, group_id: str) -> None:
    """Cancel every member still queued or running."""
    for run in members(store, group_id):
        if run.active:
            store.request_cancel(run.id)


def delete_group(store: RunStore, group_id: str) -> None:
    """Delete the group and its runs (folders too); active members are cancelled first."""
    cancel_group(store, group_id)
    for run in members(store, group_id):
        store.delete(run.id)
    with store.connect() as db:
        db.execute("DELETE FROM run_groups WHERE id = ?", (group_id,))

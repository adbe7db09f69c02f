"""One run as the dashboard and the job manager see it: a row of the runs table, decoded."""

from __future__ import annotations

import json
import sqlite3
import time
from dataclasses import dataclass, fields
from typing import Any

from models.processes import ProcessId
from models.spec import RunSpec

ACTIVE = ("queued", "running")
FINISHED = ("succeeded", "failed", "cancelled", "interrupted")

# How a running worker stands towards being stopped (the `endgame` column). A worker in
# STOPPING saw the cancel and stops at its next safe point; in SAVING it is past the
# point of no return, evaluating and saving; neither may be terminated. TERMINATING is
# the job manager's claim before it kills a worker that did neither in time.
TRAINING, STOPPING, SAVING, TERMINATING = "", "stopping", "saving", "terminating"
RAY_NODE = "ray node "  # how the `node` of a run trained on a Ray cluster begins


@dataclass(frozen=True)
class Run:
    """One row of the runs table, decoded."""

    id: str
    created: float
    started: float | None
    finished: float | None
    status: str
    spec: RunSpec
    dataset_name: str
    epoch: int
    epochs: int
    progress: float
    phase: str
    pid: int | None
    heartbeat: float | None
    cancel_requested: bool
    error: str | None
    traceback: str | None
    final_metrics: dict[str, Any]
    origin: str
    pid_started: float | None = None  # the worker's start time: pid and start time name it
    owner_pid: int | None = None  # the app process whose job manager looks after the run
    owner_started: float | None = None
    endgame: str = TRAINING

    name: str = ""
    tags: tuple[str, ...] = ()
    fit_started: float | None = None
    rows_per_epoch: int = 0
    group_id: str | None = None  # the cross-validation or sweep it belongs to (models/groups.py)
    group_index: int | None = None
    node: str = ""  # where it trained: this machine's host name, or "ray node <ip> <id>"

    @property
    def on_ray(self) -> bool:
        return self.node.startswith(RAY_NODE)

    @property
    def worker(self) -> ProcessId | None:
        if self.pid is None or self.pid_started is None:
            return None
        return ProcessId(self.pid, self.pid_started)

    @property
    def owner(self) -> ProcessId | None:
        if self.owner_pid is None or self.owner_started is None:
            return None
        return ProcessId(self.owner_pid, self.owner_started)

    @property
    def duration(self) -> float | None:
        if self.started is None:
            return None
        return (self.finished or time.time()) - self.started

    @property
    def active(self) -> bool:
        return self.status in ACTIVE


def clean_tags(tags: str | list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """'a, b,,a ' → ('a', 'b'): trimmed, no empties, no repeats, in the order given."""
    parts = tags.split(",") if isinstance(tags, str) else list(tags)
    return tuple(dict.fromkeys(t.strip() for t in parts if t.strip()))


# Columns stored in another form than the field holds; every other field is its column as is.
_DECODE = {
    "spec": RunSpec.from_json,
    "cancel_requested": bool,
    "final_metrics": lambda text: json.loads(text) if text else {},
    "tags": clean_tags,
}


def run_from_row(row: sqlite3.Row) -> Run:
    values = {field.name: row[field.name] for field in fields(Run)}
    for name, decode in _DECODE.items():
        values[name] = decode(values[name])
    return Run(**values)

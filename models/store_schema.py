"""The run store's tables, and the upgrade of a store written by an older Glassbox."""

from __future__ import annotations

import sqlite3

# Columns added after the first release: an older glassbox.db gets them on open.
# (table, column, declaration); defaults read as "not recorded", so old runs keep working.
ADDED_COLUMNS = (
    ("runs", "pid_started", "REAL"),
    ("runs", "owner_pid", "INTEGER"),
    ("runs", "owner_started", "REAL"),
    ("runs", "endgame", "TEXT NOT NULL DEFAULT ''"),
    ("runs", "name", "TEXT NOT NULL DEFAULT ''"),  # the person's name for the run
    ("runs", "tags", "TEXT NOT NULL DEFAULT ''"),  # comma-separated
    ("runs", "fit_started", "REAL"),  # when the first epoch began (after loading and prep)
    ("runs", "rows_per_epoch", "INTEGER NOT NULL DEFAULT 0"),  # training rows one epoch sees
    ("epochs", "logged", "REAL"),  # when the epoch ended
    ("runs", "group_id", "TEXT REFERENCES run_groups(id) ON DELETE CASCADE"),  # fold or trial of
    ("runs", "group_index", "INTEGER"),  # its place in the group: fold 0.., trial 0..
    ("runs", "node", "TEXT NOT NULL DEFAULT ''"),  # where it trained: host, or Ray node
)

SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    id TEXT PRIMARY KEY,
    created REAL NOT NULL,
    started REAL,
    finished REAL,
    status TEXT NOT NULL,
    spec TEXT NOT NULL,
    dataset_name TEXT NOT NULL DEFAULT '',
    epoch INTEGER NOT NULL DEFAULT 0,
    epochs INTEGER NOT NULL DEFAULT 0,
    progress REAL NOT NULL DEFAULT 0,
    phase TEXT NOT NULL DEFAULT '',
    pid INTEGER,
    heartbeat REAL,
    cancel_requested INTEGER NOT NULL DEFAULT 0,
    error TEXT,
    traceback TEXT,
    final_metrics TEXT,
    origin TEXT NOT NULL DEFAULT 'app',
    pid_started REAL,
    owner_pid INTEGER,
    owner_started REAL,
    endgame TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS epochs (
    run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    epoch INTEGER NOT NULL,
    metrics TEXT NOT NULL,
    PRIMARY KEY (run_id, epoch)
);
CREATE INDEX IF NOT EXISTS runs_status ON runs(status, created);
CREATE TABLE IF NOT EXISTS run_groups (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    created REAL NOT NULL,
    name TEXT NOT NULL DEFAULT '',
    settings TEXT NOT NULL DEFAULT '{}'
);
CREATE TABLE IF NOT EXISTS embeddings (
    run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    layer TEXT NOT NULL,
    key TEXT NOT NULL,
    settings TEXT NOT NULL,
    status TEXT NOT NULL,
    progress REAL NOT NULL DEFAULT 0,
    stage TEXT NOT NULL DEFAULT '',
    error TEXT,
    created REAL NOT NULL,
    seconds REAL,
    PRIMARY KEY (run_id, layer, key)
);
"""


def create_or_upgrade(db: sqlite3.Connection) -> None:
    """Create the tables, and add the columns an older store lacks.

    One transaction for the upgrade, so two processes opening an older store never
    add a column twice.
    """
    db.executescript(SCHEMA)
    db.execute("BEGIN IMMEDIATE")
    for table, name, declaration in ADDED_COLUMNS:
        present = {row[1] for row in db.execute(f"PRAGMA table_info({table})")}  # 1: the name
        if name not in present:
            db.execute(f"ALTER TABLE {table} ADD COLUMN {name} {declaration}")
    db.execute("COMMIT")

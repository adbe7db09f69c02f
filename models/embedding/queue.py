"""Embedding requests in the run store: the UI asks, the warm embedding service answers.

A request is keyed by (run, layer, settings), so asking twice is free and a
finished embedding is a cached file that any tab reads at once.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass

from models.embedding.compute import EmbeddingSettings
from models.store import RunStore


@dataclass(frozen=True)
class EmbeddingRequest:
    run_id: str
    layer: str
    key: str
    settings: EmbeddingSettings
    status: str  # queued, running, done, failed
    progress: float
    stage: str
    error: str | None
    seconds: float | None


def _to_request(row) -> EmbeddingRequest:
    return EmbeddingRequest(
        row["run_id"],
        row["layer"],
        row["key"],
        EmbeddingSettings(**json.loads(row["settings"])),
        row["status"],
        row["progress"],
        row["stage"],
        row["error"],
        row["seconds"],
    )


class EmbeddingQueue:
    def __init__(self, store: RunStore) -> None:
        self.store = store

    def request(self, run_id: str, layer: str, settings: EmbeddingSettings) -> EmbeddingRequest:
        """Queue unless already queued, running or done; a failed one is queued again."""
        key = settings.key()
        with self.store.connect() as db:
            db.execute("BEGIN IMMEDIATE")
            db.execute(
                "INSERT INTO embeddings (run_id, layer, key, settings, status, created)"
                " VALUES (?, ?, ?, ?, 'queued', ?)"
                " ON CONFLICT (run_id, layer, key) DO UPDATE SET status = 'queued', error = NULL,"
                " progress = 0 WHERE status = 'failed'",
                (run_id, layer, key, json.dumps(asdict(settings)), time.time()),
            )
            db.execute("COMMIT")
        return self.get(run_id, layer, settings)

    def redo(self, run_id: str, layer: str, settings: EmbeddingSettings) -> None:
        """Queue again whatever its state: a finished request whose cached file is gone."""
        self.update_key(run_id, layer, settings.key(), status="queued", progress=0.0, error=None)

    def ensure(self, run_id: str, layer: str, settings: EmbeddingSettings) -> None:
        """Queue only if never asked: a background suggestion must not retry a failure."""
        with self.store.connect() as db:
            db.execute(
                "INSERT INTO embeddings (run_id, layer, key, settings, status, created)"
                " VALUES (?, ?, ?, ?, 'queued', ?) ON CONFLICT (run_id, layer, key) DO NOTHING",
                (run_id, layer, settings.key(), json.dumps(asdict(settings)), time.time()),
            )

    def get(self, run_id: str, layer: str, settings: EmbeddingSettings) -> EmbeddingRequest | None:
        with self.store.connect() as db:
            row = db.execute(
                "SELECT * FROM embeddings WHERE run_id = ? AND layer = ? AND key = ?",
                (run_id, layer, settings.key()),
            ).fetchone()
        return _to_request(row) if row else None

    def claim(self) -> EmbeddingRequest | None:
        with self.store.connect() as db:
            db.execute("BEGIN IMMEDIATE")
            row = db.execute(
                "SELECT * FROM embeddings WHERE status = 'queued' ORDER BY created LIMIT 1"
            ).fetchone()
            if row is not None:
                db.execute(
                    "UPDATE embeddings SET status = 'running' WHERE run_id = ? AND layer = ? AND key = ?",
                    (row["run_id"], row["layer"], row["key"]),
                )
            db.execute("COMMIT")
        return _to_request(row) if row else None

    def update(self, request: EmbeddingRequest, **fields) -> None:
        self.update_key(request.run_id, request.layer, request.key, **fields)

    def update_key(self, run_id: str, layer: str, key: str, **fields) -> None:
        names = ", ".join(f"{name} = ?" for name in fields)
        with self.store.connect() as db:
            db.execute(
                f"UPDATE embeddings SET {names} WHERE run_id = ? AND layer = ? AND key = ?",
                (*fields.values(), run_id, layer, key),
            )

    def requeue_running(self) -> None:
        """A service that died mid-request leaves it running; the next one starts it over."""
        with self.store.connect() as db:
            db.execute("UPDATE embeddings SET status = 'queued' WHERE status = 'running'")

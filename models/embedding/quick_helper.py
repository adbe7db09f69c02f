"""The process that draws quick maps while the embedding service compiles UMAP.

A separate process, not a thread of the service: numba's compiler holds the
interpreter most of the time, which made a quick map take twice as long beside
it. The service writes one request per line (JSON) to its stdin; it draws the map
into the run's cache (models.embedding.cache.compute_quick), reports progress in
the request's row, and answers with the request's key on stdout. It ends when
its stdin closes: when the warm-up is done, or the service is gone.

    python -m models.embedding.quick_helper <workspace>
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from dataclasses import asdict
from pathlib import Path

from models.embedding.queue import EmbeddingQueue, EmbeddingRequest

ROOT = Path(__file__).resolve().parents[2]


def _key(request: EmbeddingRequest) -> str:
    return f"{request.run_id}/{request.layer}/{request.key}"


class QuickHelper:
    """The service's side: start the helper, hand it requests, learn which are drawn."""

    def __init__(self, workspace: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "models.embedding.quick_helper", str(workspace)],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.sent: set[str] = set()
        self.answered: set[str] = set()
        threading.Thread(target=self._read, name="quick-answers", daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.answered.add(line.strip())

    def draw(self, request: EmbeddingRequest) -> None:
        if self.process.stdin.closed or request.layer.startswith("snapshots:"):
            return
        line = json.dumps({"run_id": request.run_id, "layer": request.layer,
                           "settings": asdict(request.settings)})  # fmt: skip
        try:
            self.process.stdin.write(line + "\n")
            self.process.stdin.flush()
        except (BrokenPipeError, ValueError):
            return
        self.sent.add(_key(request))

    def drawing(self, request: EmbeddingRequest) -> bool:
        key = _key(request)
        return key in self.sent and key not in self.answered

    def drawn(self, request: EmbeddingRequest) -> bool:
        return _key(request) in self.answered

    def close(self) -> None:
        if not self.process.stdin.closed:
            try:
                self.process.stdin.close()
            except BrokenPipeError:
                pass


def main(workspace: str) -> None:
    """Warm the imports, then draw each request read from stdin."""
    import sklearn.decomposition  # noqa: F401  - imported before the first request, not during
    import sklearn.neighbors  # noqa: F401

    from models.store import RunStore

    queue = EmbeddingQueue(RunStore(workspace))
    for line in sys.stdin:
        asked = json.loads(line)
        try:
            draw(queue, asked["run_id"], asked["layer"], asked["settings"])
        except Exception:  # noqa: BLE001 - UMAP will compute it, or report what is wrong
            pass
        print(
            f"{asked['run_id']}/{asked['layer']}/{_settings(asked['settings']).key()}", flush=True
        )


def _settings(fields: dict):
    from models.embedding.settings import EmbeddingSettings

    return EmbeddingSettings(**fields)


def draw(queue: EmbeddingQueue, run_id: str, layer: str, fields: dict) -> None:
    """A quick map of a layer small enough for one, with its progress in the request's row."""
    import numpy as np

    from models.embedding.cache import compute_quick
    from models.embedding.quick import QUICK_MAX_POINTS

    settings = _settings(fields)
    run_dir = queue.store.run_dir(run_id)
    if (
        int(np.load(run_dir / "features" / f"{layer}.npy", mmap_mode="r").shape[0])
        > QUICK_MAX_POINTS
    ):
        return

    def progress(fraction: float, stage: str) -> None:
        queue.update_key(run_id, layer, settings.key(), progress=fraction,
                         stage=f"{stage} (UMAP is being compiled meanwhile)")  # fmt: skip

    compute_quick(run_dir, layer, settings, progress)


if __name__ == "__main__":
    main(sys.argv[1])

"""Compiling UMAP's code in a thread, and what that tells a waiting request.

The embedding service runs ``warm_up_steps`` here so that requests never queue
behind them; a request asks whether the steps it needs are done, and how long
they will roughly take, judged by how long they took the last time (kept in the
workspace) or, on a first start, by a guess from the benchmark machine.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from pathlib import Path

from models.embedding.layout import EXACT_KNN_MAX

TIMINGS_FILE = "embedding-warm-up.json"
# A first start has no timings yet: what the steps took on two busy cores.
GUESS_SECONDS = (40.0, 60.0, 40.0)


class Warming:
    """The warm-up steps in a daemon thread. The first step covers maps of up to
    EXACT_KNN_MAX points, the second bigger ones (see compute.warm_up_steps)."""

    def __init__(self, steps: list[Callable[[], None]], workspace: Path | None = None) -> None:
        self.steps = list(steps)
        self.path = None if workspace is None else Path(workspace) / TIMINGS_FILE
        self.expected = self._expected()
        self.finished = 0  # steps done (failed ones count: their request compiles itself)
        self.started = time.monotonic()
        self.thread = threading.Thread(target=self._run, name="umap-warm-up", daemon=True)

    def start(self) -> Warming:
        self.started = time.monotonic()
        self.thread.start()
        return self

    def _expected(self) -> list[float]:
        try:
            seconds = json.loads(self.path.read_text())["seconds"]
        except (AttributeError, OSError, ValueError, KeyError, TypeError):
            seconds = []
        guess = list(GUESS_SECONDS) + [GUESS_SECONDS[-1]] * len(self.steps)
        return [float(s) for s in seconds[: len(self.steps)]] + guess[
            len(seconds) : len(self.steps)
        ]

    def _run(self) -> None:
        took = []
        for step in self.steps:
            began = time.monotonic()
            try:
                step()
            except Exception:  # noqa: BLE001 - a request on that path compiles (or fails) itself
                pass
            took.append(time.monotonic() - began)
            self.finished += 1
        if self.path is not None:
            try:
                self.path.write_text(json.dumps({"seconds": took}))
            except OSError:
                pass

    def steps_needed(self, n_points: int) -> int:
        return min(1 if n_points <= EXACT_KNN_MAX else 2, len(self.steps))

    def done(self) -> bool:
        return self.finished >= len(self.steps)

    def ready_for(self, n_points: int) -> bool:
        return self.finished >= self.steps_needed(n_points)

    def seconds_left(self, n_points: int) -> float:
        """Roughly how long until a map of `n_points` can be computed with UMAP."""
        total = sum(self.expected[: self.steps_needed(n_points)])
        return max(total - (time.monotonic() - self.started), 0.0)

    def fraction(self, n_points: int) -> float:
        """How far the waiting has come, for a progress bar (never full before it is)."""
        total = sum(self.expected[: self.steps_needed(n_points)]) or 1.0
        return min((time.monotonic() - self.started) / total, 0.95)

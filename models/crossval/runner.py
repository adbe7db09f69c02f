"""The worker that trained one fold goes on with the group's next queued folds.

The job manager starts a worker for the first fold it claims, as for any run; when that
fold ends, `continue_group` claims the next queued fold of the same cross-validation and
trains it in the same process (a second manager slot, if there is one, may claim folds
too: every claim is one transaction, so no fold trains twice). Each fold keeps its own
run record, heartbeat and progress.

A fold taken over this way is not tracked by the job manager, so this process enforces
its cancel as the manager would: a fold that neither stops nor starts saving within the
grace after a cancel is closed as cancelled and the process exits (a scikit-learn fit
cannot stop halfway). If the process dies, the manager's recovery finds the fold's
worker gone and marks it interrupted; the folds still queued are claimed as usual.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable

from models.groups import CROSSVAL, get_group, members
from models.store import RunStore

CANCEL_GRACE_S = 3.0  # as the job manager's: time to stop or start saving after a cancel
WATCH_S = 0.5


def next_queued_fold(store: RunStore, group_id: str) -> str | None:
    return next((run.id for run in members(store, group_id) if run.status == "queued"), None)


def continue_group(
    store: RunStore, run_id: str, execute: Callable[[RunStore, str], str]
) -> list[str]:
    """Train the rest of `run_id`'s cross-validation here with `execute` (the worker's, passed
    in so the worker and this module do not import each other); returns the folds trained."""
    run = store.get(run_id)
    if run is None or run.group_id is None:
        return []
    group = get_group(store, run.group_id)
    if group is None or group.kind != CROSSVAL:
        return []  # other kinds of group schedule their members themselves
    trained = []
    while (fold_id := next_queued_fold(store, group.id)) is not None:
        if not store.claim_queued(fold_id):
            continue  # another worker took it
        watch = _CancelWatch(store, fold_id)
        watch.start()
        _forget_last_model()
        try:
            execute(store, fold_id)
        finally:
            watch.done.set()
        trained.append(fold_id)
    return trained


def _forget_last_model() -> None:
    """Keras keeps every model built in a process in its graph state; the next fold needs
    none of the last one's."""
    import sys

    if "keras" in sys.modules:
        sys.modules["keras"].backend.clear_session()


class _CancelWatch(threading.Thread):
    def __init__(self, store: RunStore, run_id: str) -> None:
        super().__init__(daemon=True, name=f"cancel-watch-{run_id}")
        self.store, self.run_id = store, run_id
        self.done = threading.Event()

    def run(self) -> None:
        asked = None
        while not self.done.wait(WATCH_S):
            try:
                run = self.store.get(self.run_id)
            except Exception:  # a locked database: look again
                continue
            if run is None or not run.cancel_requested:
                continue
            asked = asked or time.monotonic()
            if time.monotonic() - asked > CANCEL_GRACE_S and self.store.claim_termination(
                self.run_id
            ):
                self.store.finish_if_running(
                    self.run_id,
                    "cancelled",
                    "cancelled by the user while it trained; it was stopped before it had results",
                )
                os._exit(0)

"""Code that tests run in other processes: a worker whose saving is slow, and a bare app.

Spawned processes import this module by name, so it holds nothing but what they run.
"""

from __future__ import annotations

import sys
import time

SLOW_SAVE_S = 10.0  # longer than the job manager's cancel grace, several times over


def run_job_with_slow_save(workspace: str, run_id: str) -> None:
    """The real worker, with saving slowed down so a cancel can arrive while it saves."""
    from models import worker

    save = worker.save_outcome

    def slow_save(*args, **kwargs):
        time.sleep(SLOW_SAVE_S)
        save(*args, **kwargs)

    worker.save_outcome = slow_save
    worker.run_job(workspace, run_id)


def run_job_noting_warmth(workspace: str, run_id: str) -> None:
    """The real worker, after writing down what was already imported when the run arrived."""
    import json
    import os
    from pathlib import Path

    from models import worker

    loaded = {name: name in sys.modules for name in ("tensorflow", "sklearn.ensemble")}
    note = {"pid": os.getpid(), **loaded}
    if loaded["tensorflow"]:  # Keras numbers unnamed objects; cleared state starts at 1 again
        import keras

        note["keras_uid"] = keras.backend.get_uid("glassbox_probe")
    (Path(workspace) / f"warmth-{run_id}.json").write_text(json.dumps(note))
    worker.run_job(workspace, run_id)


def serve(workspace: str) -> None:
    """What an app server does for its runs: a job manager that starts queued runs, forever."""
    from models.jobs import JobManager
    from models.store import RunStore

    JobManager(RunStore(workspace), concurrency=1, poll_s=0.1, embedding_service=False)
    print("serving", flush=True)
    while True:
        time.sleep(60)


if __name__ == "__main__":
    serve(sys.argv[1])

"""A real `streamlit run app.py`, SIGKILLed while a run trains, then started again.

The worker outlives the killed server; the new server adopts it (README: "Restarts"):
the run goes on, counts against the concurrency limit, and can be cancelled.
"""

from __future__ import annotations

import os
import signal

import pytest

from models.store import RunStore
from tests.conftest import free_port, server_log, start_app, stop_app, wait_for_health
from tests.factories import FAST, SLOW_MLP, wait_for

pytestmark = pytest.mark.browser


def _serve(chromium, workspace):
    """A server with one page open: the job manager starts with the first session."""
    port = free_port()
    process = start_app(workspace, port)
    url = f"http://127.0.0.1:{port}"
    wait_for_health(url, process)
    context = chromium.new_context()
    page = context.new_page()
    page.goto(url)
    page.get_by_role("heading", name="Data").wait_for(timeout=60_000)
    return process, context


def test_a_run_survives_a_killed_server_and_the_next_server_adopts_it(chromium, tmp_path):
    workspace = tmp_path / "workspace"
    store = RunStore(workspace)
    first, first_page = _serve(chromium, workspace)
    second = second_page = None
    try:
        run_id = store.create_run(SLOW_MLP)
        wait_for(lambda: store.get(run_id).epoch >= 1, timeout=180)
        first.send_signal(signal.SIGKILL)
        first.wait()
        first_page.close()
        worker = store.get(run_id).worker
        assert worker.is_alive() and store.get(run_id).status == "running"

        second, second_page = _serve(chromium, workspace)
        wait_for(lambda: store.get(run_id).owner_pid == second.pid, timeout=60)
        queued = store.create_run(FAST)
        epoch = store.get(run_id).epoch
        wait_for(lambda: store.get(run_id).epoch >= epoch + 2, timeout=120)
        assert store.get(queued).status == "queued", "no second run beside the adopted one"

        store.request_cancel(run_id)
        wait_for(lambda: store.get(run_id).status == "cancelled", timeout=120)
        wait_for(lambda: store.get(queued).status == "succeeded", timeout=120)
        assert not worker.is_alive()
    except BaseException:
        log = server_log(workspace)
        print(log.read_text(errors="replace")[-4000:] if log.exists() else "no server log")
        raise
    finally:
        for process, context in ((first, first_page), (second, second_page)):
            if context is not None:
                context.close()
            if process is not None and process.poll() is None:
                stop_app(process)
        run = store.get(run_id) if "run_id" in locals() else None
        if run is not None and run.worker is not None and run.worker.is_alive():
            os.kill(run.worker.pid, signal.SIGKILL)

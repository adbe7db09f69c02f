"""Seconds to render the Explore page of a finished tabular run.

Measured two ways in one run: the page script through AppTest (server-side work),
and a real Chromium from navigation to the confusion matrix drawn. Goal ≤ 1.5 s.
"""

from __future__ import annotations

import os
import time

from _common import ROOT, temp_workspace

from models.spec import RunSpec
from models.store import RunStore
from models.worker import execute
from tests.conftest import CHROMIUM, CHROMIUM_ARGS, free_port, start_app, stop_app, wait_for_health

PARAMS = {"epochs": 10, "batch_size": 32, "hidden_units": 64, "hidden_layers": 2}


def finished_run(workspace) -> str:
    store = RunStore(workspace)
    run_id = store.create_run(RunSpec("builtin:digits", "mlp", PARAMS), "digits", status="running")
    assert execute(store, run_id) == "succeeded"
    from models.embedding import EmbeddingSettings
    from models.embedding_cache import compute_embedding

    compute_embedding(store.run_dir(run_id), "hidden_2", EmbeddingSettings())
    return run_id


def apptest_seconds(run_id: str) -> list[float]:
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    at.query_params["run"] = run_id
    at.switch_page("dashboard/page_explore.py")
    times = []
    for _ in range(3):
        started = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - started)
        assert not at.exception, at.exception
    return times


def browser_seconds(workspace, run_id: str) -> list[float]:
    from playwright.sync_api import sync_playwright

    port = free_port()
    process = start_app(workspace, port)
    try:
        url = f"http://127.0.0.1:{port}"
        wait_for_health(url, process)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(url)  # the server's first page, so imports are not counted below
            page.get_by_role("heading", name="Data").wait_for(timeout=60_000)
            seconds = []
            for _ in range(2):  # first and second visit in the same server
                started = time.perf_counter()
                page.goto(f"{url}/explore?run={run_id}")
                page.get_by_role("tab", name="Confusion & metrics").click(timeout=60_000)
                chart = page.locator(".js-plotly-plot").filter(has_text="predicted label")
                chart.first.wait_for(timeout=60_000)
                seconds.append(time.perf_counter() - started)
            browser.close()
    finally:
        stop_app(process)
    return seconds


def main() -> None:
    workspace = temp_workspace("explore")
    os.environ["GLASSBOX_WORKSPACE"] = str(workspace)
    run_id = finished_run(workspace)
    cold, *warm = apptest_seconds(run_id)
    first_visit, second_visit = browser_seconds(workspace, run_id)
    print(f"Explore script, first render (loads dataset + results): {cold:.2f} s")
    print(f"Explore script, later renders:                           {min(warm):.2f} s")
    print(
        f"Chromium, page load → confusion matrix drawn, 1st visit: {first_visit:.2f} s  (goal ≤ 1.5 s)"
    )
    print(f"Chromium, page load → confusion matrix drawn, 2nd visit: {second_visit:.2f} s")


if __name__ == "__main__":
    main()

"""Seconds to render the Explore page of a finished tabular run.

Measured two ways in one run: the page script through AppTest in a fresh process
(server-side work), and a real Chromium until a chart is drawn: the first visit
right after start-up (the server is still importing, and the browser loads
Plotly, 4.7 MB, for the first time), the first visit from a new browser once
the server is settled, a deep link (the page loads afresh), a click from another page of the app, and a
switch to the Confusion tab. Goal ≤ 1.5 s.
"""

from __future__ import annotations

import os
import time

from _common import explore_tab_seconds, print_explore_seconds, temp_workspace

from models.spec import RunSpec
from models.store import RunStore
from models.worker import execute
from tests.conftest import CHROMIUM, CHROMIUM_ARGS, free_port, start_app, stop_app, wait_for_health

PARAMS = {"epochs": 10, "batch_size": 32, "hidden_units": 64, "hidden_layers": 2}


def finished_run(workspace) -> str:
    store = RunStore(workspace)
    run_id = store.create_run(RunSpec("builtin:digits", "mlp", PARAMS), "digits", status="running")
    assert execute(store, run_id) == "succeeded"
    from models.embedding.cache import compute_embedding
    from models.embedding.compute import EmbeddingSettings

    compute_embedding(store.run_dir(run_id), "hidden_2", EmbeddingSettings())
    return run_id


def _drawn(page, text: str) -> None:
    page.locator(".js-plotly-plot").filter(has_text=text).first.wait_for(timeout=60_000)


def browser_seconds(workspace, run_id: str, rounds: int = 3) -> dict[str, float]:
    """Seconds until the chart is drawn, for the ways a person reaches Explore."""
    import statistics

    from playwright.sync_api import sync_playwright

    port = free_port()
    process = start_app(workspace, port)
    seconds: dict[str, list[float]] = {"deep link": [], "in-app": [], "tab switch": []}
    try:
        url = f"http://127.0.0.1:{port}"
        wait_for_health(url, process)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(url)  # the server's first page, so its start-up is not counted below
            page.get_by_role("heading", name="Data").wait_for(timeout=60_000)
            started = time.perf_counter()
            page.goto(f"{url}/explore?run={run_id}")
            _drawn(page, "epoch")
            first_visit = time.perf_counter() - started
            fresh = browser.new_page(viewport={"width": 1400, "height": 1000})  # empty cache
            started = time.perf_counter()
            fresh.goto(f"{url}/explore?run={run_id}")
            _drawn(fresh, "epoch")
            new_browser = time.perf_counter() - started
            fresh.close()
            for _ in range(rounds):
                started = time.perf_counter()
                page.goto(f"{url}/explore?run={run_id}")  # a bookmark: the page loads afresh
                _drawn(page, "epoch")
                seconds["deep link"].append(time.perf_counter() - started)
                page.get_by_role("link", name="Data").first.click()
                page.get_by_role("heading", name="Data").wait_for()
                started = time.perf_counter()
                page.get_by_role("link", name="Explore").first.click()  # the sidebar
                _drawn(page, "epoch")
                seconds["in-app"].append(time.perf_counter() - started)
                started = time.perf_counter()
                page.get_by_role("tab", name="Confusion & metrics").click()
                _drawn(page, "predicted label")
                seconds["tab switch"].append(time.perf_counter() - started)
            browser.close()
    finally:
        stop_app(process)
    medians = {name: statistics.median(values) for name, values in seconds.items()}
    return {"first visit": first_visit, "new browser": new_browser, **medians}


def main() -> None:
    workspace = temp_workspace("explore")
    os.environ["GLASSBOX_WORKSPACE"] = str(workspace)
    run_id = finished_run(workspace)
    at_once = explore_tab_seconds(workspace, run_id, ["Confusion & metrics"])
    settled = explore_tab_seconds(workspace, run_id, ["Confusion & metrics"], True)
    browser = browser_seconds(workspace, run_id)
    print("Explore script alone (AppTest, fresh process), right after the first page:")
    print_explore_seconds(at_once)
    print(" once the imports started after the first page are done:")
    print_explore_seconds(settled)
    print("Chromium, until the chart is drawn (goal ≤ 1.5 s):")
    print(f"  first visit right after start-up (deep link):         {browser['first visit']:.2f} s")
    print(
        f"  first visit from a new browser (loads Plotly, 4.7 MB): {browser['new browser']:.2f} s"
    )
    print(f"  deep link, the page loads afresh (median of 3):       {browser['deep link']:.2f} s")
    print(f"  from another page of the app (median of 3):           {browser['in-app']:.2f} s")
    print(f"  switching to the Confusion tab (median of 3):         {browser['tab switch']:.2f} s")


if __name__ == "__main__":
    main()

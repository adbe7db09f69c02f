"""Seconds to render the Explore page of finished tabular runs: a Keras MLP and a random forest.

Measured two ways in one run: the page script through AppTest in a fresh process
(server-side work), and a real Chromium until the first tab's chart is drawn:
the first visit right after start-up (the server is still importing, and the
browser loads Plotly, 4.7 MB, for the first time); a first visit to Explore from
a new browser, by deep link and by a click from the Data page after reading it
for a few seconds, with and without the Plotly prefetch the app does while a page
without charts is open (issue 14, goal ≤ 2 s); and for each run a deep link (the
page loads afresh), a return from another page of the app, and a switch to the
Confusion tab (goal ≤ 1.5 s).
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
# label: (model, params, text on its first tab's chart)
RUNS = {
    "Keras MLP": ("mlp", PARAMS, "epoch"),
    "scikit-learn forest": ("random_forest", {}, "predicted label"),
}
READING_S = 3.0  # how long the new browser stays on the Data page before clicking Explore


def finished_runs(workspace) -> dict[str, str]:
    store = RunStore(workspace)
    ids = {}
    for label, (model, params, _) in RUNS.items():
        spec = RunSpec("builtin:digits", model, params)
        run_id = ids[label] = store.create_run(spec, "digits", status="running")
        assert execute(store, run_id) == "succeeded"
    return ids


def _drawn(page, text: str) -> None:
    page.locator(".js-plotly-plot").filter(has_text=text).first.wait_for(timeout=60_000)


def _new_browser_via_data_page(browser, url: str, prefetch: bool) -> float:
    """A browser that never loaded Plotly reads the Data page, then clicks Explore."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})  # new context: no cache
    if not prefetch:  # the app's prefetch script finds itself already done
        page.add_init_script("window.glassboxPlotlyPrefetch = true;")
    page.goto(url)
    page.get_by_text("Choose a dataset").wait_for(timeout=60_000)
    time.sleep(READING_S)
    started = time.perf_counter()
    page.get_by_role("link", name="Explore").first.click()
    _drawn(page, "predicted label")  # the latest run, the forest, opens on its confusion matrix
    seconds = time.perf_counter() - started
    page.context.close()
    return seconds


def browser_seconds(workspace, run_ids: dict[str, str], rounds: int = 3) -> dict[str, float]:
    """Seconds until the chart is drawn, for the ways a person reaches Explore."""
    import statistics

    from playwright.sync_api import sync_playwright

    port = free_port()
    process = start_app(workspace, port)
    keras_run = run_ids["Keras MLP"]
    seconds: dict[str, list[float]] = {}
    try:
        url = f"http://127.0.0.1:{port}"
        wait_for_health(url, process)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(url)  # the server's first page, so its start-up is not counted below
            page.get_by_role("heading", name="Data").wait_for(timeout=60_000)
            started = time.perf_counter()
            page.goto(f"{url}/explore?run={keras_run}")
            _drawn(page, "epoch")
            found = {"first visit": time.perf_counter() - started}
            fresh = browser.new_page(viewport={"width": 1400, "height": 1000})  # empty cache
            started = time.perf_counter()
            fresh.goto(f"{url}/explore?run={keras_run}")
            _drawn(fresh, "epoch")
            found["new browser, deep link"] = time.perf_counter() - started
            fresh.context.close()
            for prefetch in (False, True):
                key = f"new browser, from Data, prefetch {'on' if prefetch else 'off'}"
                found[key] = _new_browser_via_data_page(browser, url, prefetch)
            for _ in range(rounds):
                for label, run_id in run_ids.items():
                    text = RUNS[label][2]
                    started = time.perf_counter()
                    page.goto(f"{url}/explore?run={run_id}")  # a bookmark: the page loads afresh
                    _drawn(page, text)
                    seconds.setdefault(f"{label}: deep link", []).append(
                        time.perf_counter() - started
                    )
                    page.get_by_role("link", name="Data").first.click()
                    page.get_by_role("heading", name="Data").wait_for()
                    started = time.perf_counter()
                    page.go_back()  # back to this run's Explore, inside the app
                    _drawn(page, text)
                    seconds.setdefault(f"{label}: from another page", []).append(
                        time.perf_counter() - started
                    )
                    started = time.perf_counter()
                    page.get_by_role("tab", name="Confusion & metrics").click()
                    _drawn(page, "predicted label")
                    seconds.setdefault(f"{label}: Confusion tab", []).append(
                        time.perf_counter() - started
                    )
            browser.close()
    finally:
        stop_app(process)
    return {**found, **{name: statistics.median(values) for name, values in seconds.items()}}


def main() -> None:
    workspace = temp_workspace("explore")
    os.environ["GLASSBOX_WORKSPACE"] = str(workspace)
    run_ids = finished_runs(workspace)
    for label, run_id in run_ids.items():
        at_once = explore_tab_seconds(workspace, run_id, ["Confusion & metrics"])
        settled = explore_tab_seconds(workspace, run_id, ["Confusion & metrics"], True)
        print(
            f"{label}: Explore script alone (AppTest, fresh process), right after the first page:"
        )
        print_explore_seconds(at_once)
        print(" once the imports started after the first page are done:")
        print_explore_seconds(settled)
    browser = browser_seconds(workspace, run_ids)
    print(f"Chromium, until the first chart is drawn (load {os.getloadavg()[0]:.1f}):")
    print(
        f"  first visit right after start-up (deep link):          {browser.pop('first visit'):.2f} s"
    )
    for name, value in browser.items():
        goal = "   (goal ≤ 2 s)" if "prefetch on" in name else ""
        goal = "   (goal ≤ 1.5 s)" if "another page" in name else goal
        print(f"  {name + ':':<54} {value:.2f} s{goal}")


if __name__ == "__main__":
    main()

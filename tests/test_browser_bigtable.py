"""A table from the machine's disk, in a real Chromium: Data → Train → Runs → Explore."""

from __future__ import annotations

import re

import pytest

from data.bigtable import synthetic
from models.store import RunStore
from tests.factories import wait_for

pytestmark = pytest.mark.browser


def test_a_file_in_the_data_folder_trains_and_explores(browser_page, tmp_path):
    page = browser_page
    workspace = tmp_path / "workspace"
    synthetic.write_csv(workspace / "data" / "events.csv", 4000, seed=2)

    page.get_by_text("A file or folder on this machine").click()
    page.get_by_test_id("stSelectbox").filter(has_text="Table in a data folder").first.click()
    page.get_by_role("option", name="events.csv").click()
    page.get_by_text("The first 50 rows").wait_for()
    page.get_by_text("4,000 rows counted").wait_for(timeout=120_000)
    page.get_by_role("button", name="Use this dataset for training").click()
    page.get_by_text("Selected for training").wait_for()
    page.get_by_text("Go to Train").click()
    page.get_by_text("A table read from disk").wait_for()
    epochs = page.get_by_test_id("stNumberInput").filter(has_text="Epochs").locator("input")
    epochs.fill("2")
    epochs.press("Enter")
    page.wait_for_timeout(1000)
    page.get_by_role("button", name="Start training").click()
    page.get_by_text("Queued run").wait_for()

    store = RunStore(workspace)
    run = wait_for(
        lambda: next((r for r in store.list_runs() if r.status in ("succeeded", "failed")), None),
        timeout=300,
        interval=1.0,
    )
    assert run.status == "succeeded", run.error
    assert run.spec.dataset == "path:events.csv" and run.spec.params["epochs"] == 2
    page.get_by_role("link", name="Runs").first.click()
    # The live header "<icon> succeeded · <run label>" (the table's cells are drawn on a canvas).
    page.get_by_text(re.compile(r"\bsucceeded · ")).first.wait_for()
    page.goto(page.url.split("/")[0] + "//" + page.url.split("/")[2] + f"/explore?run={run.id}")
    page.get_by_text("Accuracy").first.wait_for(timeout=120_000)
    shown = f"{run.final_metrics['accuracy']:.3f}"
    page.get_by_test_id("stMetricValue").filter(has_text=shown).first.wait_for()
    page.get_by_role("tab", name="Confusion & metrics").click()
    page.get_by_text("Counts over all").wait_for(timeout=60_000)

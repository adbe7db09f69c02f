"""A person's first session, in a real Chromium: upload a CSV, train an MLP, watch it, explore it."""

from __future__ import annotations

import os
import re
import signal

import pytest

from models.store import RunStore
from tests.factories import blobs_csv
from tests.test_jobs import wait_for

pytestmark = pytest.mark.browser
EPOCHS = 500  # far more than a run gets through before it is cancelled


def curve_points(page) -> int:
    """Epochs drawn in the live loss curve (Plotly keeps decoded traces in the div's _fullData)."""
    return page.evaluate(
        """() => {
            const plots = [...document.querySelectorAll('.js-plotly-plot')];
            const lengths = plots.flatMap(p => (p._fullData || []).map(t => (t.x || []).length));
            return lengths.length ? Math.max(...lengths) : 0;
        }"""
    )


def test_upload_train_watch_and_explore(browser_page, tmp_path):
    page = browser_page
    csv = tmp_path / "blobs.csv"
    csv.write_bytes(blobs_csv(rows=1200))

    page.get_by_text("Upload a CSV table").click()
    page.locator('input[type="file"]').first.set_input_files(str(csv))
    page.get_by_text("1,200 rows × 5 columns").wait_for()
    page.get_by_role("button", name="Use this dataset for training").click()
    page.get_by_text("Selected for training").wait_for()

    page.get_by_role("link", name="Train").first.click()
    page.get_by_role("heading", name="Train").wait_for()
    epochs = page.get_by_role("spinbutton", name="Epochs", exact=True)
    epochs.fill(str(EPOCHS))
    epochs.press("Enter")
    page.get_by_role("button", name="Start training").click()
    page.get_by_text(re.compile(r"Queued run \*?\*?\d{8}-")).wait_for()

    # However fast this machine trains, the run is held after its first epochs while the
    # page is checked, then let go, and cancelled instead of awaited (it keeps its results).
    store = RunStore(tmp_path / "workspace")
    run = wait_for(lambda: next((r for r in store.list_runs() if r.epoch >= 1), None))
    os.kill(run.pid, signal.SIGSTOP)
    try:
        held = store.get(run.id).epoch
        page.get_by_role("link", name="Runs").first.click()
        page.get_by_text(f"epoch {held} of {EPOCHS}").first.wait_for(state="attached")
        page.wait_for_function(
            f"""() => [...document.querySelectorAll('.js-plotly-plot')]
                .some(p => (p._fullData || []).some(t => (t.x || []).length === {held}))""",
        )
    finally:
        os.kill(run.pid, signal.SIGCONT)
    page.wait_for_function(
        f"""() => [...document.querySelectorAll('.js-plotly-plot')]
                .some(p => (p._fullData||[]).some(t => (t.x||[]).length > {held}))""",
        timeout=120_000,
    )
    assert curve_points(page) > held, "the curve gained epochs without a reload"

    store.request_cancel(run.id)
    # The live header: "<icon> cancelled · <run label>" (statuses are words with Material icons).
    page.get_by_text(re.compile(r"\bcancelled · ")).first.wait_for(
        state="attached", timeout=120_000
    )
    assert store.get(run.id).epoch < EPOCHS
    page.get_by_role("link", name="Explore").first.click()
    page.get_by_role("tab", name="Confusion & metrics").click()
    page.get_by_text("Samples of the cell").wait_for()
    heatmap = page.locator(".js-plotly-plot").filter(has_text="class_0")
    heatmap.first.wait_for()
    assert page.get_by_text("All misclassified").count() >= 1

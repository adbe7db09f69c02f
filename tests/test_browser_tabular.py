"""A person's first session, in a real Chromium: upload a CSV, train an MLP, watch it, explore it."""

from __future__ import annotations

import re

import pytest

from tests.factories import blobs_csv

pytestmark = pytest.mark.browser


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
    epochs.fill("40")
    epochs.press("Enter")
    batch = page.get_by_role("slider", name="Batch size")
    batch.focus()
    for _ in range(2):
        batch.press("ArrowLeft")  # 32 → 8: more steps per epoch, so the run lasts long enough
    page.get_by_role("button", name="Start training").click()
    page.get_by_text(re.compile(r"Queued run \*?\*?\d{8}-")).wait_for()

    page.get_by_role("link", name="Runs").first.click()
    page.get_by_text(re.compile(r"epoch [1-9]\d* of 40")).first.wait_for(
        state="attached", timeout=120_000
    )
    page.wait_for_function(
        "() => [...document.querySelectorAll('.js-plotly-plot')].some(p => (p._fullData||[]).some(t => (t.x||[]).length >= 1))",
        timeout=60_000,
    )
    first = curve_points(page)
    page.wait_for_function(
        f"""() => [...document.querySelectorAll('.js-plotly-plot')]
                .some(p => (p._fullData||[]).some(t => (t.x||[]).length > {first}))""",
        timeout=60_000,
    )
    assert curve_points(page) > first, "the curve gained epochs without a reload"

    page.get_by_text(re.compile(r"succeeded · ")).first.wait_for(state="attached", timeout=240_000)
    page.get_by_role("link", name="Explore").first.click()
    page.get_by_role("tab", name="Confusion & metrics").click()
    page.get_by_text("Samples of the cell").wait_for()
    heatmap = page.locator(".js-plotly-plot").filter(has_text="class_0")
    heatmap.first.wait_for()
    assert page.get_by_text("All misclassified").count() >= 1

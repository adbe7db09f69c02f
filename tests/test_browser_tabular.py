"""A person's first session, in a real Chromium: upload a CSV, train an MLP, watch it, explore it."""

from __future__ import annotations

import os
import re
import signal
import time

import pytest

from models.store import RunStore
from tests.factories import blobs_csv, wait_for

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


def upload_and_train_on(page, csv, payload: bytes, rows: str) -> None:
    """Upload a CSV on the Data page, select it for training and open the Train page."""
    csv.write_bytes(payload)
    page.get_by_text("Upload a CSV table").click()
    page.locator('input[type="file"]').first.set_input_files(str(csv))
    page.get_by_text(f"{rows} rows × 5 columns").wait_for()
    page.get_by_role("button", name="Use this dataset for training").click()
    page.get_by_text("Selected for training").wait_for()
    page.get_by_role("link", name="Train").first.click()
    page.get_by_role("heading", name="Train").wait_for()


def test_upload_train_watch_and_explore(browser_page, tmp_path):
    page = browser_page
    upload_and_train_on(page, tmp_path / "blobs.csv", blobs_csv(rows=1200), "1,200")
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


def test_cross_validate_an_upload_then_judge_a_fold_by_roc_threshold_and_calibration(
    browser_page, tmp_path
):
    """Two classes uploaded, 3-fold cross-validation started on Train, the group as one row
    on Runs that opens into its folds, and on Explore the folds together, ROC and the
    threshold explorer."""
    page = browser_page
    upload_and_train_on(page, tmp_path / "two.csv", blobs_csv(600, classes=2, seed=1), "600")
    page.get_by_label("Model").click()
    page.get_by_role("option", name="Logistic / ridge regression").click()
    page.get_by_text("Cross-validate with k folds").click()
    slider = page.get_by_role("slider", name="Folds (k)")
    slider.focus()
    for _ in range(2):
        slider.press("ArrowLeft")  # 5 → 3
    page.get_by_role("button", name="Start cross-validation").click()
    page.get_by_text("Queued 3 folds").wait_for()

    page.get_by_role("link", name="Runs").first.click()
    # The table's row (a canvas grid: its cells are in the page, not visible as text)
    page.get_by_text("3 of 3 folds done").first.wait_for(state="attached", timeout=180_000)
    page.get_by_text(re.compile(r"cross-validation · 3 folds$")).first.click()
    page.get_by_text(re.compile(r"succeeded · 3 of 3 folds done · accuracy")).first.wait_for()
    for fold in (1, 2, 3):
        page.get_by_text(re.compile(rf"^fold {fold} · .*succeeded")).first.wait_for()
    page.get_by_role("link", name="Explore together →").click()
    page.locator(".js-plotly-plot").filter(has_text="ROC per fold and their mean").first.wait_for()
    assert page.get_by_text("3 of 3 folds finished").count() == 1

    page.get_by_role("tab", name="ROC & precision-recall").click()
    page.locator(".js-plotly-plot").filter(has_text="ROC curve (legend: AUC)").first.wait_for()
    page.get_by_role("tab", name="Threshold").click()
    page.get_by_text("Best F1 on the test split").wait_for()
    confusion = page.locator(".js-plotly-plot").filter(has_text="Confusion at 0.50")
    confusion.first.wait_for()
    threshold = page.get_by_role("slider").first
    threshold.focus()
    for _ in range(20):
        threshold.press("ArrowRight")
    page.locator(".js-plotly-plot").filter(has_text="Confusion at 0.70").first.wait_for()
    count_marks = """() => [...document.querySelectorAll('.js-plotly-plot')]
          .flatMap(p => (p._fullData || []).filter(t => t.name === 'threshold 0.70'))
          .length"""
    deadline = time.monotonic() + 30  # the curves redraw after the confusion matrix does
    while page.evaluate(count_marks) < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
    marks = page.evaluate(count_marks)
    assert marks == 2, "the chosen threshold is marked on the ROC and the precision-recall curve"
    page.get_by_role("tab", name="Calibration").click()
    page.get_by_text("Expected calibration error").first.wait_for()

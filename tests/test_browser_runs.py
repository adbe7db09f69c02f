"""The Runs page in a real Chromium: the picked run stays picked while its status changes,
and its Cancel button stops that run and no other (issue 10 fault 1, issue 11.1).

Runs are queued straight into the server's store; the server's scheduler trains them one
at a time, so the picked run goes queued → running while the page is open. The test
waits for states, never for a time.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from models.spec import RunSpec
from models.store import RunStore

pytestmark = pytest.mark.browser

FIRST = RunSpec("builtin:iris", "mlp", {"epochs": 15, "batch_size": 8, "hidden_units": 8})
LONG = RunSpec("builtin:digits", "mlp", {"epochs": 400, "batch_size": 8})


def wait_until(page, predicate, timeout_s: float = 240) -> None:
    """Poll between page waits (the page keeps rendering meanwhile)."""
    for _ in range(int(timeout_s * 2)):
        if predicate():
            return
        page.wait_for_timeout(500)
    raise AssertionError("the state waited for never came")


def shown_by(picker) -> str:
    """What the selectbox shows: its text and its input's value."""
    return picker.inner_text() + " ".join(
        field.input_value() for field in picker.locator("input").all()
    )


def test_the_picked_run_stays_picked_through_its_status_changes(browser_page, tmp_path: Path):
    page = browser_page
    store = RunStore(tmp_path / "workspace")
    store.create_run(FIRST, dataset_name="Iris flowers")
    picked = store.create_run(LONG, dataset_name="Digits")
    newest = store.create_run(LONG, dataset_name="Digits")

    page.get_by_role("link", name="Runs").first.click()
    page.get_by_role("heading", name="Runs").wait_for()
    picker = (
        page.get_by_test_id("stSelectbox").filter(has=page.get_by_text("Run", exact=True)).first
    )
    picker.click()
    page.get_by_role("option", name=re.compile(picked)).click()
    wait_until(page, lambda: picked in shown_by(picker), timeout_s=30)
    assert store.get(picked).status == "queued"

    wait_until(page, lambda: store.get(picked).status == "running")
    # the picked run's own progress, drawn once it trains (not a queued run's empty panel)
    progress = page.get_by_test_id("stProgress").filter(
        has_text=re.compile(r"epoch [1-9]\d* of 400")
    )
    progress.first.wait_for(timeout=120_000)
    assert picked in shown_by(picker), f"the picker moved to {shown_by(picker)!r}"

    page.get_by_role("button", name="Cancel").click()
    wait_until(page, lambda: store.get(picked).status == "cancelled", timeout_s=60)
    assert not store.get(newest).cancel_requested, "the newest run was never chosen"
    store.request_cancel(newest)  # leave nothing queued behind the test

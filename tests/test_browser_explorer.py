"""In a real Chromium: the embedding the service computes appears, and a dragged box lists samples."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from models.spec import RunSpec
from models.store import RunStore
from tests.factories import train_now

pytestmark = pytest.mark.browser

# How many plotted points fall inside a box given in page pixels, from Plotly's own axes.
POINTS_IN_BOX = """(gd, box) => {
    const layout = gd._fullLayout;
    const drag = gd.querySelector('.nsewdrag').getBoundingClientRect();
    const xs = [box.x0, box.x1].map(px => layout.xaxis.p2d(px - drag.left)).sort((a, b) => a - b);
    const ys = [box.y0, box.y1].map(px => layout.yaxis.p2d(px - drag.top)).sort((a, b) => a - b);
    let inside = 0;
    for (const trace of gd._fullData) {
        for (let i = 0; i < trace.x.length; i++) {
            const x = trace.x[i], y = trace.y[i];
            if (x >= xs[0] && x <= xs[1] && y >= ys[0] && y <= ys[1]) inside++;
        }
    }
    return inside;
}"""


def test_box_selection_on_the_embedding_lists_the_selected_samples(browser_page, tmp_path):
    page = browser_page
    store = RunStore(tmp_path / "workspace")  # the app_server's workspace
    run_id = train_now(store, RunSpec("builtin:iris", "mlp", {"epochs": 3, "hidden_units": 8}))
    assert store.get(run_id).status == "succeeded"

    page.goto(page.url.rstrip("/") + f"/explore?run={run_id}")
    page.get_by_role("tab", name="Embedding (UMAP)").click(timeout=60_000)
    panel = page.get_by_role("tabpanel", name="Embedding (UMAP)")
    chart = panel.locator(".js-plotly-plot").first
    chart.wait_for(timeout=240_000)  # the app's embedding service computes the map meanwhile
    points = chart.evaluate("gd => gd._fullData.reduce((n, t) => n + t.x.length, 0)")
    assert points == 30  # every iris test sample

    chart.hover()
    chart.locator('.modebar-btn[data-title="Box Select"]').click()
    area = chart.locator(".nsewdrag").first.bounding_box()
    box = {
        "x0": area["x"] + 4,
        "y0": area["y"] + 4,
        "x1": area["x"] + area["width"] * 0.6,
        "y1": area["y"] + area["height"] - 4,
    }
    expected = chart.evaluate(POINTS_IN_BOX, box)
    assert 0 < expected < 30, "the box should catch some points, not all"
    page.mouse.move(box["x0"], box["y0"])
    page.mouse.down()
    page.mouse.move((box["x0"] + box["x1"]) / 2, (box["y0"] + box["y1"]) / 2, steps=5)
    page.mouse.move(box["x1"], box["y1"], steps=5)
    page.mouse.up()

    summary = panel.get_by_text(re.compile(r"\d+ selected samples"))
    summary.wait_for(timeout=60_000)
    assert int(re.search(r"(\d+) selected", summary.inner_text()).group(1)) == expected
    expect(panel.get_by_role("button", name="Download the selection as CSV")).to_be_visible()
    expect(panel.locator('[data-testid="stDataFrame"]')).to_have_count(2)  # cells and samples

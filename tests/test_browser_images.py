"""In a real Chromium: upload a zip of class folders, train a CNN, and open its image views."""

from __future__ import annotations

import re

import numpy as np
import pytest
from playwright.sync_api import expect

from tests.image_samples import shapes_zip, write_class_folders

pytestmark = pytest.mark.browser


def test_upload_zip_train_cnn_and_look_inside(browser_page, tmp_path):
    page = browser_page
    archive = tmp_path / "shapes.zip"
    archive.write_bytes(shapes_zip())

    page.get_by_text("Upload images").click()
    page.locator('input[type="file"]').first.set_input_files(str(archive))
    page.get_by_text("36 images, 32×32 px colour, 3 classes").wait_for(timeout=60_000)
    page.get_by_text(re.compile(r"1 file\(s\) skipped")).wait_for()
    # The gallery's thumbnails push the button down as they load; click it once they have,
    # as a person would: a click while they shift can land beside it.
    page.wait_for_function("[...document.images].every((image) => image.complete)")
    page.get_by_role("button", name="Use this dataset for training").click()
    page.get_by_text("Selected for training").wait_for()

    page.get_by_role("link", name="Train").first.click()
    page.get_by_role("heading", name="Train").wait_for()
    page.get_by_text("Conv → batch norm → ReLU blocks").wait_for()  # the CNN is the first model
    epochs = page.get_by_role("spinbutton", name="Epochs", exact=True)
    epochs.fill("3")
    epochs.press("Enter")
    page.get_by_role("button", name="Start training").click()
    page.get_by_text(re.compile(r"Queued run \*?\*?\d{8}-")).wait_for()

    page.get_by_role("link", name="Runs").first.click()
    page.get_by_role("link", name="Explore →").wait_for(timeout=240_000)
    page.get_by_role("link", name="Explore →").click()

    page.get_by_role("tab", name="Filters & activations").click()
    filters = page.get_by_role("tabpanel", name="Filters & activations")
    filters.get_by_text("First-layer filters").wait_for(timeout=90_000)
    filters.get_by_text("Channels to show").wait_for()
    expect(filters.locator(".js-plotly-plot")).to_have_count(2)  # kernels, activation maps

    page.get_by_role("tab", name="Grad-CAM").click()
    gradcam = page.get_by_role("tabpanel", name="Grad-CAM")
    gradcam.locator(".js-plotly-plot").filter(has_text="Grad-CAM for '").first.wait_for()

    page.get_by_role("tab", name="Embedding (UMAP)").click()
    umap = page.get_by_role("tabpanel", name="Embedding (UMAP)")
    chart = umap.locator(".js-plotly-plot").first
    chart.wait_for(timeout=180_000)
    points = chart.evaluate("p => (p._fullData || []).reduce((n, t) => n + (t.x || []).length, 0)")
    assert points == 8  # one point per test image: the default 20 % of 36
    chart.scroll_into_view_if_needed()
    x, y = chart.evaluate(
        """p => {
            const trace = p._fullData.find(t => (t.x || []).length);
            const xa = p._fullLayout.xaxis, ya = p._fullLayout.yaxis;
            const box = p.getBoundingClientRect();
            return [box.left + xa._offset + xa.l2p(trace.x[0]),
                    box.top + ya._offset + ya.l2p(trace.y[0])];
        }"""
    )
    page.mouse.move(x - 20, y - 20)
    page.mouse.move(x, y, steps=5)
    hover = umap.locator(".hoverlayer .hovertext").first
    hover.wait_for()
    assert hover.text_content().count("██") >= 12  # the image drawn in the hover, row by row


def test_folder_upload_reads_class_folders(browser_page, tmp_path):
    page = browser_page
    write_class_folders(tmp_path / "pets")
    page.get_by_text("Upload images").click()
    page.get_by_text("Folder of class folders").click()
    # The radio's rerun swaps the zip uploader for a directory one; until it lands, the
    # first file input is still the zip's, which cannot take a folder.
    folder_input = page.locator('input[type="file"][webkitdirectory]')
    folder_input.wait_for(state="attached")
    folder_input.set_input_files(str(tmp_path / "pets"))
    page.get_by_text("36 images, 32×32 px colour, 3 classes").wait_for(timeout=60_000)
    page.get_by_text(re.compile(r"1 file\(s\) skipped")).wait_for()
    expect(page.get_by_text("cross — 12 images")).to_have_count(1)


def test_block_art_hover_renders_as_coloured_pixels(chromium, tmp_path):
    """The UMAP hover thumbnail: Plotly must turn the spans into coloured text, not escape them."""
    from dashboard.modality.image_hover import block_art

    image = np.zeros((8, 8, 3), dtype=np.uint8)
    image[:, 4:] = (255, 0, 0)
    import plotly.graph_objects as go

    fig = go.Figure(
        go.Scatter(
            x=[0],
            y=[0],
            mode="markers",
            marker={"size": 40},
            text=[block_art(image, 8)],
            hovertemplate="point<br>%{text}<extra></extra>",
        )
    )
    html = tmp_path / "hover.html"
    fig.write_html(html, include_plotlyjs=True, full_html=True)
    page = chromium.new_page()
    try:
        page.goto(html.as_uri())
        plot = page.locator(".js-plotly-plot")
        plot.wait_for()
        box = page.locator(".point").first.bounding_box()
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        label = page.locator(".hoverlayer .hovertext")
        label.wait_for()
        assert "<span" not in label.text_content()  # markup was rendered, not shown
        assert label.text_content().count("██") >= 8
        fills = page.evaluate(
            """() => [...document.querySelectorAll('.hoverlayer tspan')]
                    .map(t => getComputedStyle(t).fill)"""
        )
        assert "rgb(255, 0, 0)" in fills and "rgb(0, 0, 0)" in fills
    finally:
        page.close()

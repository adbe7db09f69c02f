"""In a real Chromium: upload a text CSV, train the Transformer, and open its attention view."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.text_samples import review_frame

pytestmark = pytest.mark.browser


def pick_option(page, label: str, option: str) -> None:
    page.get_by_test_id("stSelectbox").filter(has_text=label).first.click()
    page.get_by_role("option", name=option).click()


def test_upload_train_transformer_and_see_attention(browser_page, tmp_path):
    page = browser_page
    csv = tmp_path / "reviews.csv"
    csv.write_bytes(review_frame(200).to_csv(index=False).encode("utf-8"))

    page.get_by_text("Upload a text CSV").click()
    page.locator('input[type="file"]').first.set_input_files(str(csv))
    page.get_by_text("200 texts, 2 labels").wait_for()
    page.get_by_text("Proposed sequence length").wait_for()
    page.get_by_role("button", name="Use this dataset for training").click()
    page.get_by_text("Selected for training").wait_for()

    page.get_by_role("link", name="Train").first.click()
    page.get_by_role("heading", name="Train").wait_for()
    pick_option(page, "Model", "Transformer encoder")
    page.get_by_text("classifying from a [CLS] token").wait_for()
    epochs = page.get_by_role("spinbutton", name="Epochs", exact=True)
    expect(epochs).to_have_count(1)  # the previous model's widgets are gone
    epochs.fill("3")
    epochs.press("Enter")
    page.get_by_role("button", name="Start training").click()
    page.get_by_text(re.compile(r"Queued run \*?\*?\d{8}-")).wait_for()

    page.get_by_role("link", name="Runs").first.click()
    # The Runs page offers "Explore →" for the selected run once it has succeeded.
    page.get_by_role("link", name="Explore →").wait_for(timeout=240_000)
    page.get_by_role("link", name="Explore →").click()
    page.get_by_role("tab", name="Attention").click()
    page.get_by_text("[CLS] itself receives").wait_for(timeout=90_000)
    panel = page.get_by_role("tabpanel", name="Attention")
    heatmap = panel.locator(".js-plotly-plot").filter(has_text="Layer 2, mean of heads")
    heatmap.first.wait_for()
    expect(panel.get_by_text("Attention each token receives")).to_have_count(1, timeout=30_000)
    assert page.get_by_role("tab", name="Try a sentence").count() == 1

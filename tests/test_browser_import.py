"""In a real Chromium: models made outside Glassbox open, evaluate and show their views; the
downloads work, and the report opens offline with its charts drawn."""

from __future__ import annotations

import re
import zipfile

import numpy as np
import pytest
from playwright.sync_api import expect

from tests import import_models as built

pytestmark = pytest.mark.browser


def _load(page, path) -> None:
    page.get_by_role("link", name="Load a model").first.click()
    page.get_by_role("heading", name="Load a model").wait_for()
    page.locator('input[type="file"]').first.set_input_files(str(path))


def _evaluate_and_explore(page) -> None:
    page.get_by_role("button", name="Evaluate").click(timeout=120_000)
    queued = page.get_by_text("Queued imported run")
    queued.wait_for()
    run_id = re.search(r"Queued imported run (\S+);", queued.inner_text()).group(1)
    page.get_by_role("link", name="Go to Runs").click()
    # The link opens this run, even while it waits behind others and a finished one is newer.
    expect(page).to_have_url(re.compile(f"run={run_id}"))
    page.get_by_role("link", name="Explore →").wait_for(timeout=240_000)
    page.get_by_role("link", name="Explore →").click()
    page.get_by_role("heading", name="Explore").wait_for()


def test_a_notebook_cnn_opens_shows_its_views_and_every_download_works(browser_page, tmp_path):
    page = browser_page
    _load(page, built.digits_cnn(tmp_path))
    page.get_by_text("keras model reading image input (8×8×1), making 10 outputs").wait_for(
        timeout=120_000
    )
    page.get_by_text("0–1 (divided by 255)").wait_for()  # no Rescaling layer: notebook scaling
    _evaluate_and_explore(page)
    tabs = [page.get_by_role("tab", name=name) for name in ("Filters & activations", "Grad-CAM")]
    for tab in tabs:
        expect(tab).to_be_visible()
    page.get_by_role("tab", name="Grad-CAM").click()
    gradcam = page.get_by_role("tabpanel", name="Grad-CAM")
    gradcam.locator(".js-plotly-plot").filter(has_text="Grad-CAM for '").first.wait_for(
        timeout=120_000
    )

    page.get_by_text("Download this run").click()
    with page.expect_download() as bundle_download:
        page.get_by_role("button", name="Model bundle (.zip)").click()
    bundle = tmp_path / "bundle.zip"
    bundle_download.value.save_as(bundle)
    assert {"model.keras", "labels.json", "README.md"} <= set(zipfile.ZipFile(bundle).namelist())
    with page.expect_download() as report_download:
        page.get_by_role("button", name="Report (.html)").click()
    report = tmp_path / "report.html"
    report_download.value.save_as(report)

    offline = page.context.browser.new_context(offline=True)
    try:
        opened = offline.new_page()
        opened.goto(report.as_uri())
        opened.wait_for_function("document.body.dataset.drawn === 'yes'", timeout=60_000)
        expect(opened.locator(".js-plotly-plot")).to_have_count(3)  # confusion, per-class, map
    finally:
        offline.close()


def test_a_text_model_and_a_skops_pipeline_open_and_predict(browser_page, tmp_path):
    from data.builtin_text import load_chinese_reviews

    page = browser_page
    data = load_chinese_reviews()
    rows = np.arange(0, len(data), 20)
    labels = np.searchsorted(sorted(set(data.labels)), data.labels[rows])
    _load(page, built.text_model(tmp_path, [str(t) for t in data.texts[rows]], labels, 2))
    page.get_by_text("reading text input").wait_for(timeout=120_000)
    _evaluate_and_explore(page)
    page.get_by_role("tab", name="Try a sentence").click()
    sentence = page.get_by_role("tabpanel", name="Try a sentence")
    sentence.locator(".js-plotly-plot").first.wait_for(timeout=120_000)

    _load(page, built.iris_pipeline(tmp_path))
    page.get_by_text("sklearn model reading table input").wait_for(timeout=120_000)
    page.get_by_text(
        re.compile("The model reads these columns, in this order: sepal length")
    ).wait_for()
    _evaluate_and_explore(page)
    expect(page.get_by_role("tab", name="Try a row")).to_be_visible()


def test_a_lambda_layer_is_refused_on_the_page(browser_page, tmp_path):
    page = browser_page
    _load(page, built.lambda_model(tmp_path))
    page.get_by_text(re.compile("The model has a Lambda layer")).wait_for(timeout=120_000)
    expect(page.get_by_role("button", name="Evaluate")).to_have_count(0)

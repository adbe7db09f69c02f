"""In a real server and Chromium: the explain service the app starts answers a finished table
run's importance and a row's contributions, and the tabs draw them."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from models.spec import RunSpec
from models.store import RunStore
from tests.explain_samples import save_table, two_column_table
from tests.factories import train_now

pytestmark = pytest.mark.browser


def test_importance_and_contributions_come_from_the_apps_explain_service(
    browser_page, app_server, tmp_path
):
    page = browser_page
    store = RunStore(tmp_path / "workspace")
    ref = save_table(store, two_column_table(600), "uploaded.csv")
    spec = RunSpec(ref, "random_forest", {"n_estimators": 30}, dataset_options={"target": "label"})
    run_id = train_now(store, spec)  # its importance is queued for the app's service

    page.goto(f"{app_server}/explore?run={run_id}&view={quote('Feature importance')}")
    chart = page.locator(".js-plotly-plot").filter(has_text="Permutation importance")
    chart.first.wait_for(timeout=120_000)
    bars = page.evaluate(
        """() => [...document.querySelectorAll('.js-plotly-plot')]
              .flatMap(p => (p._fullData || []).filter(t => t.type === 'bar'))
              .map(t => [...t.y])[0]"""
    )
    assert sorted(bars[-2:]) == ["a", "b"], bars  # the two columns the label is made of
    page.locator(".js-plotly-plot").filter(has_text="Partial dependence of P(yes)").first.wait_for()

    page.get_by_role("tab", name="Row contributions").click()
    waterfall = page.locator(".js-plotly-plot").filter(has_text="What moved P(yes)")
    waterfall.first.wait_for(timeout=120_000)
    assert page.get_by_text("this row").count() >= 1

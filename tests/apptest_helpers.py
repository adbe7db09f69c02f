"""Driving the app through streamlit.testing.v1.AppTest: opening pages, tabs, reading charts.

Shared by every page test, so a change in how the app is opened (its file, its
pages, how long a first run may take) is made once.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
TRAIN_PAGE = "dashboard/app_pages/train.py"
RUNS_PAGE = "dashboard/app_pages/runs.py"
EXPLORE_PAGE = "dashboard/app_pages/explore.py"
TIMEOUT = 90  # seconds a script run may take: the first Explore run loads TensorFlow


@contextmanager
def app_workspace(folder: Path) -> Iterator[Path]:
    """Point the app (run in this process) at `folder`, with Streamlit's caches emptied
    before and after so no page sees another workspace's store or datasets."""
    import streamlit as st

    before = os.environ.get("GLASSBOX_WORKSPACE")
    os.environ["GLASSBOX_WORKSPACE"] = str(folder)
    st.cache_resource.clear()
    st.cache_data.clear()
    try:
        yield folder
    finally:
        st.cache_resource.clear()
        if before is None:
            os.environ.pop("GLASSBOX_WORKSPACE", None)
        else:
            os.environ["GLASSBOX_WORKSPACE"] = before


def open_app(page: str | None = None, **params: str) -> AppTest:
    """Run once (AppTest resolves st.navigation pages only after a run), then open `page`."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    for name, value in params.items():
        at.query_params[name] = value
    if page:
        at.switch_page(page)
    return at.run()


def open_explore(run_id: str) -> AppTest:
    """The Explore page on one run (its ?run= deep link)."""
    return open_app(EXPLORE_PAGE, run=run_id)


def tab_labels(at: AppTest) -> list[str]:
    return [tab.label for tab in at.tabs]


def open_tab(at: AppTest, label: str) -> AppTest:
    """Explore renders only the open tab; this is the click on another one."""
    assert label in tab_labels(at), tab_labels(at)
    at.session_state["view"] = label
    return at.run()


def chart_specs(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def chart_titles(at: AppTest) -> list[str]:
    titles = []
    for spec in chart_specs(at):
        title = spec.get("layout", {}).get("title", {})
        titles.append(title.get("text", "") if isinstance(title, dict) else str(title))
    return titles


def shown(at: AppTest, element: str) -> str:
    """The text of every element of one type ("markdown", "caption", "info", …), joined."""
    return " ".join(str(item.value) for item in getattr(at, element))


def table_with(at: AppTest, column: str) -> pd.DataFrame:
    """The first table with `column` (AppTest does not expose a dataframe's key)."""
    return next(table.value for table in at.dataframe if column in table.value.columns)


def upload(at: AppTest, name: str, payload: bytes) -> AppTest:
    at.radio(key="data_source").set_value("Upload a CSV table").run()
    return at.file_uploader(key="csv_upload").set_value((name, payload, "text/csv")).run()


def errors(at: AppTest) -> str:
    return " ".join(element.value for element in at.error)

"""The runs this session started, with their progress and pace, under the Start button."""

from __future__ import annotations

import streamlit as st

from dashboard.plain_text import md
from dashboard.runs_page.live import show_progress
from dashboard.runs_page.run_table import run_label, status_markdown
from models.store import RunStore

SHOWN = 3  # the latest runs started here


@st.fragment(run_every=1.0)
def started_runs(store: RunStore, run_ids: list[str]) -> None:
    st.markdown("**Started here**")
    for run_id in reversed(run_ids[-SHOWN:]):
        run = store.get(run_id)
        if run is None:
            continue
        st.caption(f"{status_markdown(run)} · {md(run_label(run))}")
        show_progress(store, run)
    st.page_link(
        "dashboard/app_pages/runs.py",
        label="Watch it on the Runs page →",
        icon=":material/monitoring:",
        query_params={"run": run_ids[-1]},
    )

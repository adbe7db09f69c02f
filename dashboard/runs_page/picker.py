"""Picking one run, by its id, on the Runs and Explore pages.

The options are run ids; the labels show only what stays put while a run trains
(dashboard.runs_page.run_table.run_label), and the selection is the id itself, so a
run changing status never moves the picker to another run.
"""

from __future__ import annotations

import streamlit as st

from dashboard.runs_page.run_table import run_label
from models.store import FINISHED, Run


def default_run(runs: list[Run], wanted: str | None = None) -> str:
    """The run asked for (?run=), else the newest running one, else the newest finished one,
    else the newest queued one: a queued run has nothing to show yet."""
    ids = [run.id for run in runs]
    if wanted in ids:
        return wanted
    for statuses in (("running",), FINISHED):
        found = next((run.id for run in runs if run.status in statuses), None)
        if found:
            return found
    return ids[0]


def pick_run(runs: list[Run], key: str, default: str, label: str = "Run") -> str:
    """A selectbox over the runs' ids (newest first); `default` until the person picks one."""
    by_id = {run.id: run for run in runs}
    ids = list(by_id)
    return st.selectbox(
        label,
        ids,
        index=ids.index(default),
        format_func=lambda run_id: run_label(by_id[run_id]) if run_id in by_id else run_id,
        key=key,
    )

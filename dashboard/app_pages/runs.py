"""Runs page: every run with its status; live progress and curves; cancel, delete, compare."""

import streamlit as st

from dashboard.runs_page.compare import render_comparison
from dashboard.runs_page.labels import edit_labels
from dashboard.runs_page.live import run_panel, runs_table
from dashboard.runs_page.picker import default_run, pick_run
from dashboard.services import get_manager, get_store

st.title("Runs")
store, manager = get_store(), get_manager()
with st.sidebar:
    most = 4 if manager.executor.name == "local" else 64  # a cluster takes many more
    manager.set_concurrency(
        st.number_input("Runs trained at once", 1, most, manager.concurrency, key="concurrency")
    )
    st.caption(f":material/dns: Runs train on {manager.executor.describe()}.")

runs = store.list_runs()
runs_table(store, [run.id for run in runs])
if not runs:
    st.stop()
picked = pick_run(runs, "runs_selected", default_run(runs, st.query_params.get("run")))
edit_labels(store, next(run for run in runs if run.id == picked))
run_panel(store, manager, picked)
render_comparison(store)

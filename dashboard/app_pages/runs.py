"""Runs page: every run with its status; live progress and curves; cancel, delete, compare."""

import streamlit as st

from dashboard.figures.training import training_curves
from dashboard.runs_page.compare import render_comparison
from dashboard.runs_page.run_table import run_label, runs_frame
from dashboard.services import get_manager, get_store

st.title("Runs")
store, manager = get_store(), get_manager()
with st.sidebar:
    manager.set_concurrency(
        st.number_input("Runs trained at once", 1, 4, manager.concurrency, key="concurrency")
    )


@st.fragment(run_every=1.0)
def live_runs() -> None:
    runs = store.list_runs()
    if not runs:
        st.info("No runs yet. Start one on the Train page.")
        return
    st.dataframe(runs_frame(runs), hide_index=True, key="runs_table")
    by_label = {run_label(run): run for run in runs}
    label = st.selectbox("Run", list(by_label), key="runs_selected")
    run = by_label[label]
    cols = st.columns(4)
    if run.active and cols[0].button("Cancel", key=f"cancel_{run.id}"):
        manager.cancel(run.id)
        st.toast(f"Cancelling {run.id}…")
    if not run.active and cols[1].button("Delete", key=f"delete_{run.id}"):
        store.delete(run.id)
        st.rerun(scope="fragment")
    if run.status == "succeeded":
        cols[2].page_link(
            "dashboard/app_pages/explore.py", label="Explore →", query_params={"run": run.id}
        )
    if run.status == "running" and run.epochs:
        st.progress(min(run.progress, 1.0), text=f"epoch {run.epoch} of {run.epochs} · {run.phase}")
    if run.error:
        st.error(run.error)
        with st.expander("Traceback"):
            st.code(run.traceback or "", language="text")
    history = store.history(run.id)
    if len(history):
        st.plotly_chart(training_curves(history), key="live_curves")
    elif run.status in ("queued", "running"):
        st.caption("Curves appear after the first epoch.")


live_runs()
render_comparison(store)

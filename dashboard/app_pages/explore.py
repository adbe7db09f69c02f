"""Explore page: look inside one finished run. Deep link: ?run=<id>."""

import re

import streamlit as st

from dashboard.explore.context import load_context
from dashboard.explore.export_panel import render_downloads
from dashboard.explore.headline import render_headline
from dashboard.plain_text import md
from dashboard.runs_page.picker import pick_run
from dashboard.services import get_store, preload_keras, preload_skops, warm_up_model
from dashboard.views import views_for
from models.capabilities import TOKEN_SALIENCY

st.title("Explore")
store = get_store()
runs = [run for run in store.list_runs() if run.status in ("succeeded", "running", "cancelled")]
if not runs:
    st.info("No runs to explore yet. Train one on the Train page.")
    st.stop()
ids = [run.id for run in runs]
wanted = st.query_params.get("run")
if wanted and wanted not in ids:
    # Only something shaped like a run id is repeated back: a link's parameter is not text
    # this app should show people.
    named = f" '{md(wanted)}'" if re.fullmatch(r"[\w-]{1,40}", wanted) else ""
    st.warning(f"There is no run{named} with results; showing the latest instead.")
run_id = pick_run(runs, "explore_run", wanted if wanted in ids else ids[0])
run = runs[ids.index(run_id)]
st.query_params["run"] = run.id

ctx = load_context(store, run)
render_headline(ctx)
if ctx.results is not None:  # nothing to take away before the run has saved results
    render_downloads(ctx)
notes = ctx.results.notes if ctx.results else []
if notes:
    with st.expander(f"Notes on the data and the training ({len(notes)})"):
        for note in notes:
            st.caption(f":material/info: {md(note)}")
views = views_for(ctx)  # exactly those whose needs the run meets
if not views:
    st.info("This run has no results yet.")
    st.stop()
# Only the open tab runs (the others cost nothing), and ?view=<tab> links to one.
tabs = st.tabs([view.title for view in views], key="view", bind="query-params")
for view, tab in zip(views, tabs, strict=True):
    if tab.open:
        with tab:
            view.render(ctx)
if ctx.runs_keras_model:  # while the person reads this tab, for the tabs that run the model
    warm_up_model(str(ctx.run_dir), TOKEN_SALIENCY in ctx.capabilities, preload_keras())
elif ctx.runs_skops_model:
    preload_skops()

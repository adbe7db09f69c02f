"""Sweeps page: every hyperparameter sweep, and one in detail. Deep link: ?sweep=<id>."""

import streamlit as st

from dashboard.services import get_store
from dashboard.sweeps_page.panel import live_sweep
from models.groups import SWEEP, list_groups

st.title("Sweeps")
store = get_store()
sweeps = list_groups(store, SWEEP)
if not sweeps:
    st.info("No sweeps yet. On the Train page, switch to **Sweep** to search hyperparameters.")
    st.stop()
labels = {group.id: f"{group.name} · {group.id}" for group in sweeps}  # stable while it runs
wanted = st.query_params.get("sweep")
ids = list(labels)
chosen = st.selectbox(
    "Sweep",
    ids,
    index=ids.index(wanted) if wanted in ids else 0,
    format_func=labels.get,
    key="sweep_picked",
)
st.query_params["sweep"] = chosen
running = next(g for g in sweeps if g.id == chosen).settings.get("state") in ("running", "stopping")
live_sweep(store, chosen, 2.0 if running else None)

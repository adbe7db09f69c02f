"""Side-by-side comparison of finished runs: headline metrics and curves."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.figures.comparison import curves_comparison_figure, runs_comparison_figure
from dashboard.runs_page.run_table import run_label
from models.registry import model_label
from models.store import RunStore


def render_comparison(store: RunStore) -> None:
    finished = store.list_runs(("succeeded",))
    if len(finished) < 2:
        return
    st.subheader("Compare runs")
    by_label = {run_label(run): run for run in finished}
    picked = st.multiselect("Runs", list(by_label), default=list(by_label)[:4], key="compare_runs")
    runs = [by_label[label] for label in picked]
    if not runs:
        return
    frame = pd.DataFrame(
        [{"run": run.id, "model": model_label(run.spec.model), **run.final_metrics} for run in runs]
    )
    metrics = [c for c in frame.columns if c not in ("run", "model") and frame[c].notna().any()]
    metric = st.selectbox("Metric", metrics, key="compare_metric")
    st.plotly_chart(runs_comparison_figure(frame, metric), key="compare_chart")
    histories = {run.id: store.history(run.id) for run in runs}
    histories = {rid: h for rid, h in histories.items() if len(h)}
    curve_metrics = sorted({c for h in histories.values() for c in h.columns if c != "epoch"})
    if curve_metrics:
        curve = st.selectbox("Curve", curve_metrics, key="compare_curve")
        st.plotly_chart(curves_comparison_figure(histories, curve), key="compare_curves")

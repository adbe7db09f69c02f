"""Classification runs: confusion matrix linked to its samples, and per-class metrics."""

from __future__ import annotations

import numpy as np
import streamlit as st

import dashboard.views.confusion_links as links
from dashboard.explore.context import ExploreContext
from dashboard.explore.sample_display import show_samples
from dashboard.figures.classification import confusion_matrix_figure, per_class_metrics_figure
from dashboard.plain_text import md
from dashboard.views.base import View
from models.tabular.stream_results import exact_confusion, per_class_report, sample_caption


def _cell_from_selection(event) -> tuple[int, int] | None:
    points = (event or {}).get("selection", {}).get("points", []) if event else []
    for point in points:
        data = point.get("customdata")
        if data is not None and len(data) >= 2:
            return int(data[0]), int(data[1])
    return None


def render(ctx: ExploreContext) -> None:
    results, names = ctx.results, ctx.results.class_names
    matrix = exact_confusion(results)  # every test row, also of a streamed table
    normalize = st.toggle("Row-normalised", key="cm_normalize")
    if caption := sample_caption(results):
        st.caption(md(caption))
    event = st.plotly_chart(
        confusion_matrix_figure(matrix, names, normalize),
        on_select="rerun",
        selection_mode=("points", "box"),
        key="confusion",
    )
    cells = links.confusion_cells(results)
    links.apply_pending_cell(ctx.run.id, list(cells))
    picked_cell = _cell_from_selection(event)
    if picked_cell is not None and picked_cell != st.session_state.get(f"cm_click_{ctx.run.id}"):
        st.session_state[f"cm_click_{ctx.run.id}"] = picked_cell
        label = next((k for k, v in cells.items() if v == picked_cell), links.ALL_WRONG)
        st.session_state[links.cell_key(ctx.run.id)] = label
    label = st.selectbox(
        "Samples of the cell (click a cell above, or pick one; the Embedding tab highlights it)",
        list(cells),
        key=links.cell_key(ctx.run.id),
    )
    links.follow_cell(ctx.run.id, label)
    rows = links.cell_rows(results, cells[label])
    if results.proba is not None:
        rows = rows[np.argsort(-results.proba[rows].max(axis=1), kind="stable")]
    st.markdown(f"**{md(label)}** — {len(rows):,} test samples, most confident first")
    show_samples(ctx, rows, key="cell_samples")
    st.markdown("**Per-class precision, recall and F1**")
    report = per_class_report(results)
    st.plotly_chart(per_class_metrics_figure(report), key="per_class")
    st.dataframe(report.round(3), key="per_class_table")


VIEW = View("Confusion & metrics", render, task="classification")

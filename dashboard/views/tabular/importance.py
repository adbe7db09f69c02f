"""Tables: which columns the model needs (permutation importance), and how the prediction
moves with one of them (partial dependence with ICE lines). Any table model, any task."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.explore.context import ExploreContext
from dashboard.figures.importance import dependence_figure, importance_figure, importance_note
from dashboard.plain_text import md
from dashboard.views.base import View
from dashboard.views.tabular.panels import pick_output, run_store, wait_for
from models.capabilities import FEATURES
from models.explain import ask
from models.explain.permutation import METRIC_LABELS, Importance
from models.explain.queue import DEPENDENCE, IMPORTANCE


def importance_table(importance: Importance) -> pd.DataFrame:
    """Every column with its mean and spread for every metric, most important first."""
    table = pd.DataFrame({"column": importance.columns})
    for metric in importance.metrics:
        table[METRIC_LABELS[metric]] = importance.mean(metric)
        table[f"± ({metric})"] = importance.std(metric)
    first = METRIC_LABELS[importance.metrics[0]]
    return table.sort_values(first, ascending=False, kind="stable").reset_index(drop=True)


def _caption(importance: Importance, metric: str) -> str:
    rows = f"{importance.rows:,} test rows"
    if importance.rows < importance.total_rows:
        rows = f"{importance.rows:,} of the {importance.total_rows:,} test rows (a fixed sample)"
    return (
        f"Each column was shuffled {importance.repeats} times over {rows}; its one-hot levels, "
        "date parts and missing-value flag move together. The model's "
        f"{metric.replace('_', '-')} on the unshuffled rows is "
        f"{importance.baseline[metric]:.4f}. A bar whose whisker crosses zero is noise."
    )


def render(ctx: ExploreContext) -> None:
    store, run_id = run_store(), ctx.run.id
    importance = wait_for(
        lambda: ask.importance(store, run_id),
        "feature importance",
        lambda: ask.retry(store, run_id, IMPORTANCE),
        f"imp_{run_id}",
    )
    if importance is None:
        return
    metric = st.radio(
        "Importance as the",
        importance.metrics,
        format_func=METRIC_LABELS.get,
        horizontal=True,
        key=f"imp_metric_{run_id}",
    )
    note = importance_note(importance)
    if note:
        st.caption(f"ℹ️ {md(note)}")
    st.plotly_chart(importance_figure(importance, metric), key="importance_chart")
    st.caption(_caption(importance, metric))
    with st.expander(f"All {len(importance.columns)} columns"):
        st.dataframe(importance_table(importance).round(4), hide_index=True, key="imp_table")
    show_dependence(ctx, importance, metric)


def show_dependence(ctx: ExploreContext, importance: Importance, metric: str) -> None:
    store, run_id = run_store(), ctx.run.id
    st.subheader("Partial dependence")
    ranked = [importance.columns[i] for i in importance.ranked(metric)]
    left, right = st.columns(2)
    column = left.selectbox("Column (most important first)", ranked, key=f"pd_column_{run_id}")
    outputs = ctx.results.class_names if ctx.classification else ["prediction"]
    with right:
        output = pick_output(outputs, f"pd_output_{run_id}", "Show the probability of")
    dependence = wait_for(
        lambda: ask.dependence(store, run_id, column),
        f"partial dependence of '{column}'",
        lambda: ask.retry(store, run_id, DEPENDENCE, column),
        f"pd_{run_id}",
    )
    if dependence is None:
        return
    st.plotly_chart(dependence_figure(dependence, output), key="dependence_chart")
    st.caption(
        f"Every one of {dependence.rows} test rows was given each value of '{column}' in "
        "turn, all else unchanged. Grey: single rows (ICE); red: their mean. Lines that "
        "run apart mean the column works together with others."
    )


VIEW = View("Feature importance", render, needs=frozenset({FEATURES}), modality="tabular")

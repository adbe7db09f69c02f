"""Tables, for models with attention over columns: what [CLS] reads for one row, per class,
column × column, and beside the permutation importance of the same columns.

Everything shown was read from the model over the test rows in the background
(models.explain.attention), so this view runs no model and needs no TensorFlow.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from dashboard.explore.context import ExploreContext
from dashboard.figures.importance import importance_figure
from dashboard.figures.table_attention import (
    attention_and_importance_figure,
    class_column_figure,
    cls_attention_figure,
)
from dashboard.figures.text import attention_heatmap_figure
from dashboard.views.base import View
from dashboard.views.tabular.panels import run_store, wait_for
from models.capabilities import TABLE_ATTENTION
from models.explain import ask
from models.explain.attention import TableAttention
from models.explain.permutation import METRIC_LABELS
from models.explain.queue import IMPORTANCE

ROLLOUT = -1  # the layer picker's entry for the rollout over all layers
MEAN, EACH = -1, -2  # the head picker's entries besides single heads


def cls_weights(attention: TableAttention, rows: np.ndarray, layer: int, head: int) -> np.ndarray:
    """[CLS]'s attention over the columns (not itself), for the sampled rows given:
    (rows, columns), or (rows, heads, columns) for each head."""
    if layer == ROLLOUT:
        return attention.rollout[rows][:, 1:]
    weights = attention.cls[rows, layer][:, :, 1:]
    if head == MEAN:
        return weights.mean(axis=1)
    return weights if head == EACH else weights[:, head]


def class_means(weights: np.ndarray, labels: np.ndarray, n_classes: int) -> np.ndarray:
    """(classes, columns): the rows' weights averaged per class (zeros for an absent class)."""
    means = np.zeros((n_classes, weights.shape[-1]))
    for label in range(n_classes):
        chosen = weights[labels == label]
        if len(chosen):
            means[label] = chosen.mean(axis=0)
    return means


def _layer_name(layer: int) -> str:
    return "rollout over all layers" if layer == ROLLOUT else f"layer {layer + 1}"


def _head_name(head: int) -> str:
    return {MEAN: "mean of heads", EACH: "each head"}.get(head, f"head {head + 1}")


def _pickers(attention: TableAttention, key: str) -> tuple[int, int]:
    left, right = st.columns(2)
    layers = [*range(attention.n_layers), ROLLOUT]
    layer = left.selectbox(
        "Layer", layers, index=attention.n_layers - 1, format_func=_layer_name, key=f"{key}_l"
    )
    heads = [MEAN, EACH, *range(attention.n_heads)]
    head = right.selectbox(
        "Head", heads, format_func=_head_name, key=f"{key}_h", disabled=layer == ROLLOUT
    )
    return layer, head


def show_row(ctx: ExploreContext, attention: TableAttention, layer: int, head: int, key: str):
    columns = attention.tokens[1:]
    test_rows = attention.test_rows
    picked = st.selectbox(
        "Test row",
        range(len(test_rows)),
        format_func=lambda i: f"row {test_rows[i]}",
        key=f"{key}_row",
    )
    st.dataframe(ctx.sample_table(test_rows[[picked]]), hide_index=True, key=f"{key}_row_table")
    weights = cls_weights(attention, np.array([picked]), layer, head)[0]
    title = f"[CLS] → columns, {_layer_name(layer)}" + (
        "" if layer == ROLLOUT else f", {_head_name(head)}"
    )
    st.plotly_chart(cls_attention_figure(weights, columns, title), key=f"{key}_row_chart")


def show_classes(ctx: ExploreContext, attention: TableAttention, layer: int, head: int, key: str):
    names = ctx.results.class_names
    labels = ctx.results.y_true[attention.test_rows]
    every = np.arange(len(attention.test_rows))
    weights = cls_weights(attention, every, layer, MEAN if head == EACH else head)
    figure = class_column_figure(
        class_means(weights, labels, len(names)),
        names,
        attention.tokens[1:],
        f"[CLS] → columns averaged over the test rows of each true class, {_layer_name(layer)}",
    )
    st.plotly_chart(figure, key=f"{key}_classes")


def show_column_map(attention: TableAttention, layer: int, head: int, key: str) -> None:
    if layer == ROLLOUT:
        st.caption("Pick a layer to see its column × column attention.")
        return
    maps = attention.columns_map[layer]
    matrix = maps.mean(axis=0) if head in (MEAN, EACH) else maps[head]
    title = f"Column × column attention, {_layer_name(layer)}, " + (
        _head_name(MEAN) if head == EACH else _head_name(head)
    )
    st.plotly_chart(attention_heatmap_figure(matrix, attention.tokens, title), key=f"{key}_map")


def show_beside_importance(attention: TableAttention, key: str, run_id: str) -> None:
    found = ask.importance(run_store(), run_id)
    if not found.ready:
        st.caption("The permutation importance appears here once it is computed.")
        return
    importance = found.result
    metric = importance.metrics[0]
    by_name = dict(zip(importance.columns, importance.mean(metric), strict=True))
    columns = attention.tokens[1:]
    if set(columns) != set(by_name):
        st.caption("This model's tokens are not the importance's columns; nothing to compare.")
        return
    received = attention.rollout[:, 1:].mean(axis=0)
    scores = np.array([by_name[c] for c in columns])
    left, right = st.columns(2)
    left.plotly_chart(importance_figure(importance, metric), key=f"{key}_importance")
    label = METRIC_LABELS[metric]
    right.plotly_chart(
        attention_and_importance_figure(received, scores, columns, label), key=f"{key}_agree"
    )
    from scipy.stats import spearmanr

    rho = spearmanr(received, scores).statistic if len(columns) > 2 else float("nan")
    st.caption(
        f"Rank correlation of attention and importance over the columns: {rho:.2f} "
        "(1: they order the columns alike; near 0: attention is not where the model's "
        "accuracy comes from)."
    )


def render(ctx: ExploreContext) -> None:
    store, run_id, key = run_store(), ctx.run.id, f"tatt_{ctx.run.id}"
    attention = wait_for(
        lambda: ask.table_attention(store, run_id),
        "attention over columns",
        lambda: ask.retry(store, run_id, IMPORTANCE),
        key,
    )
    if attention is None:
        return
    st.caption(
        "Every column is one token; the prediction is read from the [CLS] token, so what "
        "[CLS] attends to is what the decision read. Rows of attention sum to 1."
    )
    layer, head = _pickers(attention, key)
    st.subheader("One row")
    show_row(ctx, attention, layer, head, key)
    if ctx.classification:
        st.subheader("Per class")
        show_classes(ctx, attention, layer, head, key)
    st.subheader("Column × column")
    show_column_map(attention, layer, head, key)
    st.subheader("Attention and importance")
    show_beside_importance(attention, key, run_id)


VIEW = View("Column attention", render, needs=frozenset({TABLE_ATTENTION}), modality="tabular")

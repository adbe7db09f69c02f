"""Charts of attention over a table's columns: one row's, per class, and beside importance."""

from __future__ import annotations

import html

import numpy as np
import plotly.graph_objects as go

from dashboard.figures.style import (
    MUTED_COLOR,
    SEQUENTIAL_SCALE,
    TRAIN_COLOR,
    apply_layout,
    clamp,
    qualitative_palette,
)


def _escaped(names: list[str]) -> list[str]:
    return [html.escape(str(name), quote=False) for name in names]


def cls_attention_figure(weights: np.ndarray, columns: list[str], title: str) -> go.Figure:
    """What [CLS] attends to, one bar per column; rows are (heads, columns) to show each
    head beside the others, or (columns,) for one head, their mean or a rollout."""
    weights = np.atleast_2d(np.asarray(weights, dtype=float))
    if weights.shape[1] != len(columns):
        raise ValueError(
            f"{weights.shape[1]} attention weights for {len(columns)} columns; pass [CLS]'s "
            "weights over the columns only (drop its weight on itself first)"
        )
    names = _escaped(columns)
    colours = qualitative_palette(len(weights))
    fig = go.Figure()
    for head, row in enumerate(weights):
        fig.add_trace(
            go.Bar(
                x=names,
                y=row,
                name=f"head {head + 1}" if len(weights) > 1 else "attention",
                marker_color=colours[head] if len(weights) > 1 else TRAIN_COLOR,
                hovertemplate="%{x}: %{y:.3f}<extra>%{fullData.name}</extra>",
            )
        )
    apply_layout(fig, title=title, height=360, barmode="group")
    fig.update_xaxes(type="category", tickangle=-45)
    fig.update_yaxes(title_text="attention from [CLS]", rangemode="tozero")
    return fig


def class_column_figure(
    matrix: np.ndarray, classes: list[str], columns: list[str], title: str
) -> go.Figure:
    """Classes (rows) × columns: [CLS]'s attention averaged over the test rows of each class."""
    matrix = np.asarray(matrix, dtype=float)
    fig = go.Figure(
        go.Heatmap(
            z=matrix,
            x=_escaped(columns),
            y=_escaped(classes),
            colorscale=SEQUENTIAL_SCALE,
            zmin=0.0,
            hovertemplate="class %{y}, column %{x}: %{z:.3f}<extra></extra>",
            colorbar={"title": {"text": "attention"}, "thickness": 12},
        )
    )
    apply_layout(fig, title=title, height=int(clamp(160 + 28 * len(classes), 260, 700)))
    fig.update_xaxes(type="category", tickangle=-45)
    fig.update_yaxes(type="category", autorange="reversed")
    return fig


def attention_and_importance_figure(
    attention: np.ndarray, importance: np.ndarray, columns: list[str], importance_label: str
) -> go.Figure:
    """Each column as a point: attention from [CLS] across, permutation importance up.
    Points along a rising diagonal are columns where the two measures agree."""
    fig = go.Figure(
        go.Scatter(
            x=np.asarray(attention, dtype=float),
            y=np.asarray(importance, dtype=float),
            mode="markers+text",
            text=_escaped(columns),
            textposition="top center",
            marker={"size": 9, "color": TRAIN_COLOR},
            hovertemplate="%{text}<br>attention %{x:.3f}<br>importance %{y:.4f}<extra></extra>",
        )
    )
    fig.add_hline(y=0, line_color=MUTED_COLOR, line_width=1)
    apply_layout(fig, title="Attention beside permutation importance", height=420)
    fig.update_xaxes(title_text="mean attention from [CLS] (rollout, test rows)")
    fig.update_yaxes(title_text=importance_label)
    return fig

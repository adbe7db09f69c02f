"""Charts of a classifier's outcomes: confusion matrix, per-class scores, balance, probabilities."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard.figures.style import (
    ACCENT_COLOR,
    MUTED_COLOR,
    SEQUENTIAL_SCALE,
    apply_layout,
    clamp,
    message_figure,
    qualitative_palette,
)
from dashboard.plain_text import plot_texts

MAX_CLASSES_WITH_CELL_TEXT = 30
HORIZONTAL_ABOVE = 15
SCORE_COLUMNS = ("precision", "recall", "f1")


def normalize_rows(cm: np.ndarray) -> np.ndarray:
    """Row shares (recall per true class); a class absent from the data keeps a row of zeros."""
    cm = np.asarray(cm, dtype=float)
    totals = cm.sum(axis=1, keepdims=True)
    return np.divide(cm, totals, out=np.zeros_like(cm), where=totals > 0)


def confusion_matrix_figure(
    cm: np.ndarray, class_names: list[str], normalize: bool = False
) -> go.Figure:
    """Heatmap plus an invisible scatter over the cells, because heatmaps emit no selections.

    Each scatter point's customdata is ``[true_idx, pred_idx]``, so a click or box in
    ``st.plotly_chart(on_select="rerun")`` tells the page which cells were chosen.
    """
    cm = np.asarray(cm)
    names = plot_texts(class_names)
    n = len(names)
    if cm.ndim != 2 or cm.shape != (n, n):
        raise ValueError(
            f"confusion matrix has shape {cm.shape} but there are {n} class names; "
            "pass a square (n_classes, n_classes) matrix in the same order as class_names"
        )
    if len(set(names)) != n:
        raise ValueError("class names must be unique; rename duplicated classes before plotting")
    if n == 0:
        return message_figure("No classes to show", title="Confusion matrix")
    shares = normalize_rows(cm)
    z = shares if normalize else cm.astype(float)
    counts = cm.astype(np.int64) if np.all(np.mod(cm, 1) == 0) else cm
    show_text = n <= MAX_CLASSES_WITH_CELL_TEXT
    cell_text = (
        np.char.add(np.char.mod("%.1f", shares * 100), "%")
        if normalize
        else np.char.mod("%d" if counts.dtype.kind == "i" else "%.3g", counts)
    )
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=names,
            y=names,
            colorscale=SEQUENTIAL_SCALE,
            zmin=0,
            zmax=1 if normalize else None,
            text=cell_text if show_text else None,
            texttemplate="%{text}" if show_text else None,
            colorbar={"title": {"text": "row share" if normalize else "count"}, "thickness": 12},
            hoverinfo="skip",
            xgap=1 if n <= 60 else 0,
            ygap=1 if n <= 60 else 0,
        )
    )
    fig.add_trace(_cell_selector(counts, shares, names))
    height = int(clamp(260 + 22 * n, 340, 900))
    apply_layout(
        fig, title="Confusion matrix", height=height, dragmode="select", clickmode="event+select"
    )
    fig.update_xaxes(title_text="predicted label", type="category", tickangle=-45 if n > 8 else 0)
    fig.update_yaxes(title_text="true label", type="category", autorange="reversed")
    return fig


def _cell_selector(counts: np.ndarray, shares: np.ndarray, names: list[str]) -> go.Scatter:
    """Near-invisible square markers at every cell centre that carry the hover and the selection."""
    n = len(names)
    true_idx, pred_idx = np.divmod(np.arange(n * n), n)
    labels = np.asarray(names, dtype=object)
    hover = (
        "true: "
        + labels[true_idx]
        + "<br>predicted: "
        + labels[pred_idx]
        + "<br>count: "
        + np.char.mod("%.6g", counts.ravel()).astype(object)
        + "<br>share of true class: "
        + np.char.mod("%.1f", shares.ravel() * 100).astype(object)
        + "%"
    )
    plot_px = clamp(260 + 22 * n, 340, 900) - 140
    return go.Scatter(
        x=labels[pred_idx],
        y=labels[true_idx],
        customdata=np.column_stack([true_idx, pred_idx]),
        mode="markers",
        marker={
            "symbol": "square",
            "size": clamp(plot_px / n, 3, 40),
            "color": "#000000",
            "opacity": 0.01,
            "line": {"width": 0},
        },
        selected={"marker": {"opacity": 0.25}},
        unselected={"marker": {"opacity": 0.01}},
        hovertext=hover,
        hovertemplate="%{hovertext}<extra></extra>",
        showlegend=False,
        name="cells",
    )


def per_class_metrics_figure(report: pd.DataFrame) -> go.Figure:
    """Grouped precision / recall / F1 bars per class; support sits in the hover, not the bars."""
    missing = [c for c in (*SCORE_COLUMNS, "support") if c not in report.columns]
    if missing:
        raise ValueError(
            f"per-class report lacks columns {missing}; "
            "it needs precision, recall, f1 and support, indexed by class name"
        )
    if report.empty:
        return message_figure("No classes to show", title="Per-class metrics")
    names = np.asarray(plot_texts(report.index), dtype=object)
    horizontal = len(names) > HORIZONTAL_ABOVE
    support = report["support"].to_numpy()
    fig = go.Figure()
    for column, color in zip(SCORE_COLUMNS, qualitative_palette(3), strict=True):
        values = report[column].to_numpy(dtype=float)
        axes = {"y": names, "x": values} if horizontal else {"x": names, "y": values}
        value_ref = "%{x:.3f}" if horizontal else "%{y:.3f}"
        name_ref = "%{y}" if horizontal else "%{x}"
        fig.add_trace(
            go.Bar(
                **axes,
                orientation="h" if horizontal else "v",
                name=column,
                marker_color=color,
                customdata=support,
                hovertemplate=f"class {name_ref}<br>{column}: {value_ref}"
                "<br>support: %{customdata}<extra></extra>",
            )
        )
    height = int(clamp(120 + 3 * 14 * len(names), 360, 2400)) if horizontal else 380
    apply_layout(
        fig,
        title="Per-class metrics",
        height=height,
        barmode="group",
        legend={"orientation": "h", "y": 1.0, "yanchor": "bottom", "x": 1.0, "xanchor": "right"},
    )
    score_axis = {"range": [0, 1.05], "title_text": "score"}
    class_axis = {"type": "category", "title_text": "class"}
    if horizontal:
        fig.update_xaxes(**score_axis)
        fig.update_yaxes(**class_axis, autorange="reversed")
    else:
        fig.update_yaxes(**score_axis)
        fig.update_xaxes(**class_axis)
    return fig


def class_balance_figure(counts: pd.Series) -> go.Figure:
    """Samples per class, largest first, so imbalance shows at a glance."""
    counts = counts.sort_values(ascending=False, kind="stable")
    if counts.empty or counts.sum() == 0:
        return message_figure("No labelled samples", title="Class balance")
    names = np.asarray(plot_texts(counts.index), dtype=object)
    values = counts.to_numpy()
    percent = values / values.sum() * 100
    horizontal = len(names) > HORIZONTAL_ABOVE
    axes = {"y": names, "x": values} if horizontal else {"x": names, "y": values}
    fig = go.Figure(
        go.Bar(
            **axes,
            orientation="h" if horizontal else "v",
            marker_color=qualitative_palette(1)[0],
            customdata=percent,
            text=values if len(names) <= 30 else None,
            textposition="outside",
            hovertemplate="class %{" + ("y" if horizontal else "x") + "}<br>"
            "%{" + ("x" if horizontal else "y") + "} samples (%{customdata:.1f}%)<extra></extra>",
        )
    )
    height = int(clamp(100 + 18 * len(names), 360, 2400)) if horizontal else 340
    apply_layout(fig, title="Class balance", height=height)
    count_axis = {"title_text": "samples"}
    class_axis = {"type": "category", "title_text": "class"}
    if horizontal:
        fig.update_xaxes(**count_axis)
        fig.update_yaxes(**class_axis, autorange="reversed")
    else:
        fig.update_yaxes(**count_axis)
        fig.update_xaxes(**class_axis)
    return fig


def class_probabilities_figure(
    probabilities: np.ndarray, class_names: list[str], top_k: int = 10
) -> go.Figure:
    """The model's top guesses for one sample, highest on top, the predicted class in colour."""
    probabilities = np.asarray(probabilities, dtype=float).ravel()
    names = plot_texts(class_names)
    if len(probabilities) != len(names):
        raise ValueError(
            f"{len(probabilities)} probabilities for {len(names)} class names; "
            "pass one probability per class, in class_names order"
        )
    if len(names) == 0:
        return message_figure("No classes to show", title="Class probabilities")
    order = np.argsort(-probabilities, kind="stable")[: max(1, top_k)]
    predicted = order[0]
    colors = [ACCENT_COLOR if i == predicted else MUTED_COLOR for i in order]
    fig = go.Figure(
        go.Bar(
            x=probabilities[order],
            y=[names[i] for i in order],
            orientation="h",
            marker_color=colors,
            text=[f"{p:.1%}" for p in probabilities[order]],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="class %{y}<br>probability %{x:.2%}<extra></extra>",
        )
    )
    apply_layout(
        fig,
        title=f"Predicted: {names[predicted]}",
        height=int(clamp(80 + 28 * len(order), 220, 700)),
    )
    fig.update_xaxes(range=[0, 1.12], tickformat=".0%", title_text="probability")
    fig.update_yaxes(type="category", autorange="reversed")
    return fig

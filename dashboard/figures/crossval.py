"""Charts of a cross-validation: each fold's scores as points, and ROC per fold with the mean."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from dashboard.figures.evaluation import reference_line, square_axes
from dashboard.figures.style import (
    ACCENT_COLOR,
    apply_layout,
    message_figure,
    qualitative_palette,
)
from dashboard.plain_text import plot_text
from models.evaluation.curves import Curve

MAX_METRICS = 6


def fold_scores_figure(rows: Sequence[dict], fold_labels: Sequence[str]) -> go.Figure:
    """One panel per metric (their scales differ: accuracy and log-loss, R² and MAE): every
    fold's score as a point, and the mean with ± one std as a bar."""
    from plotly.subplots import make_subplots

    rows = list(rows)[:MAX_METRICS]
    if not rows:
        return message_figure("No fold has finished yet", title="Scores per fold")
    fig = make_subplots(1, len(rows), subplot_titles=[r["metric"] for r in rows])
    colors = qualitative_palette(len(fold_labels))
    for column, row in enumerate(rows, start=1):
        for fold, (label, value) in enumerate(zip(fold_labels, row["folds"], strict=True)):
            if value is None:
                continue
            fig.add_trace(
                go.Scatter(
                    x=[-0.3 + 0.4 * fold / max(len(fold_labels) - 1, 1)],
                    y=[value],
                    mode="markers",
                    marker={"color": colors[fold], "size": 10},
                    name=label,
                    legendgroup=label,
                    showlegend=column == 1,
                    hovertemplate=f"{label}<br>{row['metric']} %{{y:.4f}}<extra></extra>",
                ),
                row=1,
                col=column,
            )
        fig.add_trace(
            go.Scatter(
                x=[0.3],
                y=[row["mean"]],
                error_y={"type": "data", "array": [row["std"] or 0.0], "color": ACCENT_COLOR},
                mode="markers",
                marker={"color": ACCENT_COLOR, "size": 12, "symbol": "diamond"},
                name="mean ± std",
                legendgroup="mean",
                showlegend=column == 1,
                hovertemplate=f"{row['metric']} {row['mean']:.4f} ± {row['std'] or 0.0:.4f}<extra></extra>",
            ),
            row=1,
            col=column,
        )
        fig.update_xaxes(visible=False, range=[-0.4, 0.6], row=1, col=column)
    apply_layout(fig, title="Scores per fold (points) and their mean ± std", height=380)
    fig.update_layout(margin={"t": 80})  # the title above the panels' own titles
    return fig


def fold_roc_figure(folds: Sequence[Curve], mean: Curve, spread: np.ndarray) -> go.Figure:
    """Each fold's ROC curve thin, the mean over folds bold inside a ± one std band."""
    if not folds:
        return message_figure("No fold has a ROC curve yet", title="ROC per fold")
    fig = go.Figure()
    upper, lower = np.minimum(mean.y + spread, 1), np.maximum(mean.y - spread, 0)
    fig.add_trace(
        go.Scatter(
            x=np.concatenate([mean.x, mean.x[::-1]]),
            y=np.concatenate([upper, lower[::-1]]),
            fill="toself",
            fillcolor="rgba(214, 39, 40, 0.12)",
            line={"width": 0},
            name="± 1 std",
            hoverinfo="skip",
        )
    )
    fig.add_trace(reference_line([0, 1], [0, 1], "chance"))
    for curve, color in zip(folds, qualitative_palette(len(folds)), strict=True):
        name = f"{plot_text(curve.label)} (AUC {curve.area:.3f})"
        fig.add_trace(_roc_line(curve, name, {"color": color, "width": 1}, 0.7))
    areas = np.array([c.area for c in folds])
    std = float(np.std(areas, ddof=1)) if len(areas) > 1 else 0.0
    name = f"mean (AUC {mean.area:.3f} ± {std:.3f})"
    fig.add_trace(_roc_line(mean, name, {"color": ACCENT_COLOR, "width": 3}, 1.0))
    apply_layout(
        fig,
        title="ROC per fold and their mean",
        height=420,
        legend={"y": 0.02, "yanchor": "bottom", "x": 0.98, "xanchor": "right"},
    )
    square_axes(fig, "false positive rate", "true positive rate")
    return fig


def _roc_line(curve: Curve, name: str, line: dict, opacity: float) -> go.Scatter:
    return go.Scatter(
        x=curve.x,
        y=curve.y,
        mode="lines",
        name=name,
        line=line,
        opacity=opacity,
        hovertemplate=f"{curve.label}<br>FPR %{{x:.3f}}<br>TPR %{{y:.3f}}<extra></extra>",
    )

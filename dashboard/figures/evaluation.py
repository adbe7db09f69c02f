"""ROC, precision-recall and reliability charts, from models.evaluation's numbers.

Each curve's points carry their threshold, shown on hover. Marks (the threshold the
explorer sits at, the F1-optimal one, the default 0.5) are points given by the caller,
so the same chart serves the ROC tab and the threshold explorer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from dashboard.figures.style import (
    ACCENT_COLOR,
    MUTED_COLOR,
    apply_layout,
    message_figure,
    qualitative_palette,
)
from dashboard.plain_text import plot_text
from models.evaluation.calibration import Reliability
from models.evaluation.curves import MACRO, MICRO, Curve

AVERAGE_STYLE = {MICRO: "dash", MACRO: "dot"}


@dataclass(frozen=True)
class Mark:
    """A point to mark on a curve: where a given threshold puts the classifier."""

    label: str
    x: float
    y: float
    threshold: float
    color: str = ACCENT_COLOR
    symbol: str = "circle"


def _threshold_text(thresholds: np.ndarray) -> list[str]:
    """'0.731'; ROC's first point has an infinite threshold (nothing called positive)."""
    return [
        "— (an average)"
        if np.isnan(t)
        else ("above every score" if np.isinf(t) else f"{min(t, 1.0):.3f}")
        for t in np.asarray(thresholds, dtype=float)
    ]


def _curve_traces(fig: go.Figure, curves: Sequence[Curve], x_name: str, y_name: str) -> None:
    colors = qualitative_palette(len(curves))
    for curve, color in zip(curves, colors, strict=True):
        average = curve.label in AVERAGE_STYLE
        label = plot_text(curve.label)  # a class name, from people's data
        fig.add_trace(
            go.Scatter(
                x=curve.x,
                y=curve.y,
                mode="lines",
                name=f"{label} ({curve.area:.3f})",
                line={
                    "color": "#444" if average else color,
                    "dash": AVERAGE_STYLE.get(curve.label),
                },
                customdata=_threshold_text(curve.thresholds),
                hovertemplate=(
                    f"{label}<br>{x_name} %{{x:.3f}}<br>{y_name} %{{y:.3f}}"
                    "<br>threshold %{customdata}<extra></extra>"
                ),
            )
        )


def _marks(fig: go.Figure, marks: Sequence[Mark]) -> None:
    for mark in marks:
        fig.add_trace(
            go.Scatter(
                x=[mark.x],
                y=[mark.y],
                mode="markers",
                name=plot_text(mark.label),
                marker={
                    "color": mark.color,
                    "size": 12,
                    "symbol": mark.symbol,
                    "line": {"width": 1, "color": "white"},
                },
                hovertemplate=f"{plot_text(mark.label)}<br>threshold {mark.threshold:.3f}<extra></extra>",
            )
        )


def reference_line(x: list[float], y: list[float], name: str) -> go.Scatter:
    """A thin dashed line a model is judged against (chance, perfect calibration)."""
    line = {"color": MUTED_COLOR, "dash": "dash", "width": 1}
    return go.Scatter(x=x, y=y, mode="lines", name=name, line=line, hoverinfo="skip")


def legend_below(fig: go.Figure) -> go.Figure:
    """For a narrow column: the legend under the plot, where it covers no curve."""
    fig.update_layout(
        legend={"orientation": "h", "x": 0, "xanchor": "left", "y": -0.22, "yanchor": "top"},
        height=500,
    )
    return fig


def square_axes(fig: go.Figure, x_title: str, y_title: str) -> None:
    fig.update_xaxes(title_text=x_title, range=[-0.01, 1.01], constrain="domain")
    fig.update_yaxes(title_text=y_title, range=[-0.01, 1.02])


def roc_figure(curves: Sequence[Curve], marks: Sequence[Mark] = (), title: str = "") -> go.Figure:
    """ROC curves with the chance diagonal; the legend gives each curve's AUC."""
    if not curves:
        return message_figure("No ROC curve: the test split has a single class", title="ROC")
    fig = go.Figure()
    fig.add_trace(reference_line([0, 1], [0, 1], "chance (0.5)"))
    _curve_traces(fig, curves, "false positive rate", "true positive rate")
    _marks(fig, marks)
    apply_layout(
        fig,
        title=title or "ROC curve (legend: AUC)",
        height=420,
        legend={"y": 0.02, "yanchor": "bottom", "x": 0.98, "xanchor": "right"},
    )
    square_axes(fig, "false positive rate", "true positive rate (recall)")
    return fig


def pr_figure(
    curves: Sequence[Curve], prevalence: float | None = None, marks: Sequence[Mark] = ()
) -> go.Figure:
    """Precision against recall; `prevalence` draws the line a model that guesses reaches."""
    if not curves:
        return message_figure(
            "No precision-recall curve: the test split has a single class",
            title="Precision-recall",
        )
    fig = go.Figure()
    if prevalence is not None:
        line = reference_line([0, 1], [prevalence] * 2, f"chance ({prevalence:.3f})")
        fig.add_trace(line)
    _curve_traces(fig, curves, "recall", "precision")
    _marks(fig, marks)
    apply_layout(
        fig,
        title="Precision-recall (legend: average precision)",
        height=420,
        legend={"y": 0.02, "yanchor": "bottom", "x": 0.02, "xanchor": "left"},
    )
    square_axes(fig, "recall", "precision")
    return fig


def reliability_figure(bins: Reliability) -> go.Figure:
    """Observed frequency against mean predicted probability per bin (the diagonal is
    perfect calibration), with each bin's row count as bars on a second axis."""
    if not len(bins.count):
        return message_figure("No test rows to calibrate on", title="Reliability")
    fig = go.Figure()
    centers = (bins.lower + bins.upper) / 2
    fig.add_trace(
        go.Bar(
            x=centers,
            y=bins.count,
            width=(bins.upper - bins.lower) * 0.9,
            name="rows in bin",
            marker_color=MUTED_COLOR,
            opacity=0.35,
            yaxis="y2",
            customdata=np.stack([bins.lower, bins.upper], axis=1),
            hovertemplate="bin %{customdata[0]:.1f}–%{customdata[1]:.1f}<br>"
            "%{y:,} rows<extra></extra>",
        )
    )
    fig.add_trace(reference_line([0, 1], [0, 1], "perfectly calibrated"))
    fig.add_trace(
        go.Scatter(
            x=bins.predicted,
            y=bins.observed,
            mode="lines+markers",
            name="this model",
            line={"color": ACCENT_COLOR},
            text=[f"{c:,}" for c in bins.count],
            hovertemplate="mean predicted %{x:.3f}<br>observed %{y:.3f}<br>"
            "%{text} rows<extra></extra>",
        )
    )
    apply_layout(
        fig,
        title=f"Reliability — expected calibration error {bins.ece:.3f}",
        height=420,
        yaxis2={
            "overlaying": "y",
            "side": "right",
            "title": {"text": "rows per bin"},
            "tickmode": "auto",
            "tickformat": "d",
            "showgrid": False,
            "rangemode": "tozero",
        },
        legend={"y": 0.98, "yanchor": "top", "x": 0.02, "xanchor": "left"},
    )
    fig.update_xaxes(title_text=f"mean predicted {bins.what}", range=[0, 1])
    fig.layout.yaxis.update(title_text="observed frequency", range=[0, 1.02])  # not the counts
    return fig

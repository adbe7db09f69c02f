"""A sweep's trials: parameters against the score, curves side by side, what mattered."""

from __future__ import annotations

import math
from typing import Any

import plotly.graph_objects as go

from dashboard.figures.style import (
    ACCENT_COLOR,
    MUTED_COLOR,
    NUMERIC_SCALE,
    TRAIN_COLOR,
    apply_layout,
    epoch_axis,
    message_figure,
)

STOPPED_EARLY = "stopped early"


def _dimension(name: str, values: list[Any], log: bool) -> dict[str, Any]:
    """One axis: numbers as they are (log10 on a log range), anything else as ticks."""
    if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values) and not (
        log and any(v <= 0 for v in values)
    ):
        if log:
            shown = [math.log10(v) for v in values]
            return {"label": f"{name} (log10)", "values": shown}
        return {"label": name, "values": values}
    labels = sorted({str(v) for v in values})
    index = {label: i for i, label in enumerate(labels)}
    return {
        "label": name,
        "values": [index[str(v)] for v in values],
        "tickvals": list(range(len(labels))),
        "ticktext": labels,
    }


def parallel_coordinates(
    trials: list[dict[str, Any]], metric: str, log_params: set[str] | None = None
) -> go.Figure:
    """One line per trial with a score, through its parameters to the score, coloured by it."""
    scored = [t for t in trials if t.get("value") is not None and t.get("params")]
    if len(scored) < 2:
        return message_figure("Parallel coordinates appear once two trials have a score")
    names = sorted({name for t in scored for name in t["params"]})
    scored = [t for t in scored if all(name in t["params"] for name in names)]
    log_params = log_params or set()
    dimensions = [
        _dimension(name, [t["params"][name] for t in scored], name in log_params) for name in names
    ]
    scores = [t["value"] for t in scored]
    dimensions.append({"label": metric, "values": scores})
    fig = go.Figure(
        go.Parcoords(
            line={
                "color": scores,
                "colorscale": NUMERIC_SCALE,
                "showscale": True,
                "colorbar": {"title": {"text": metric}},
            },
            dimensions=dimensions,
        )
    )
    fig = apply_layout(fig, f"Trials: parameters and {metric}", height=460)
    # Axis names sit above the axes: room for them under the title and at both ends.
    return fig.update_layout(margin={"t": 110, "l": 70, "r": 40, "b": 30}, title_y=0.97)


def overlaid_curves(curves: list[dict[str, Any]], metric: str) -> go.Figure:
    """Each trial's per-epoch metric; trials stopped early are grey and end where they stopped.

    `curves`: dicts with label, epochs, values, state and best (the best trial is drawn last,
    in the accent colour).
    """
    drawn = [c for c in curves if c["epochs"]]
    if not drawn:
        return message_figure(f"No trial has recorded {metric} yet")
    fig = go.Figure()
    for curve in sorted(drawn, key=lambda c: c.get("best", False)):
        stopped = curve["state"] == STOPPED_EARLY
        colour = ACCENT_COLOR if curve.get("best") else MUTED_COLOR if stopped else TRAIN_COLOR
        fig.add_trace(
            go.Scatter(
                x=curve["epochs"],
                y=curve["values"],
                mode="lines+markers",
                name=f"{curve['label']} ({curve['state']})",
                line={"color": colour, "dash": "dot" if stopped else "solid", "width": 1.5},
                marker={"size": 4, "symbol": "x" if stopped else "circle"},
                opacity=0.9 if not stopped else 0.7,
            )
        )
        if stopped:  # where the pruner cut it
            fig.add_trace(
                go.Scatter(
                    x=[curve["epochs"][-1]],
                    y=[curve["values"][-1]],
                    mode="markers",
                    marker={"symbol": "x", "size": 11, "color": MUTED_COLOR},
                    showlegend=False,
                    hoverinfo="skip",
                )
            )
    fig = apply_layout(fig, f"{metric} per epoch, every trial", height=420)
    fig.update_yaxes(title_text=metric)
    epoch_axis(fig, max(max(c["epochs"]) for c in drawn))
    return fig


def importance_bars(importance: dict[str, float]) -> go.Figure:
    """Each parameter's share of how much the score varied across finished trials."""
    if not importance:
        return message_figure("Parameter importance needs three finished trials")
    ordered = sorted(importance.items(), key=lambda item: item[1])
    fig = go.Figure(
        go.Bar(
            x=[value for _, value in ordered],
            y=[name for name, _ in ordered],
            orientation="h",
            marker_color=TRAIN_COLOR,
            text=[f"{value:.0%}" for _, value in ordered],
            textposition="auto",
        )
    )
    fig = apply_layout(fig, "Parameter importance", height=120 + 40 * len(ordered))
    fig.update_xaxes(title_text="share of the score's variation", tickformat=".0%", range=[0, 1])
    return fig

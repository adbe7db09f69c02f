"""Shared look of every dashboard figure, so charts side by side read as one app.

Kept apart from the figure modules so a colour or margin change happens once.
"""

from __future__ import annotations

import math

import plotly.graph_objects as go
from plotly.colors import qualitative

TEMPLATE = "plotly_white"
# Train and validation keep the same colour in every chart that shows both.
TRAIN_COLOR = "#1f77b4"
VALIDATION_COLOR = "#ff7f0e"
ACCENT_COLOR = "#d62728"
MUTED_COLOR = "#9aa5b1"
SEQUENTIAL_SCALE = "Blues"
NUMERIC_SCALE = "Viridis"


def qualitative_palette(n: int) -> list[str]:
    """Enough distinct colours for n categories; cycles only past 24, where no palette helps."""
    base = qualitative.Plotly if n <= len(qualitative.Plotly) else qualitative.Dark24
    return [base[i % len(base)] for i in range(n)]


def apply_layout(fig: go.Figure, title: str = "", height: int = 400, **layout: object) -> go.Figure:
    """Tight margins and one template: Streamlit columns are narrow, whitespace is costly."""
    fig.update_layout(
        template=TEMPLATE,
        title={"text": title, "x": 0.0, "xanchor": "left", "font": {"size": 15}} if title else None,
        height=height,
        margin={"l": 10, "r": 10, "t": 45 if title else 15, "b": 10},
        **layout,
    )
    return fig


def message_figure(message: str, height: int = 300, title: str = "") -> go.Figure:
    """An empty chart that says why it is empty, instead of a blank box that looks broken."""
    fig = go.Figure()
    fig.add_annotation(
        text=message,
        x=0.5,
        y=0.5,
        xref="paper",
        yref="paper",
        showarrow=False,
        font={"size": 15, "color": MUTED_COLOR},
    )
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return apply_layout(fig, title=title, height=height)


MAX_EPOCH_TICKS = 10


def epoch_axis(fig: go.Figure, last_epoch: int) -> go.Figure:
    """Whole epochs on every x axis (Plotly would put ticks at 1.5, 2.5 for a short run),
    at most MAX_EPOCH_TICKS of them."""
    step = max(1, math.ceil(int(last_epoch) / MAX_EPOCH_TICKS))
    fig.update_xaxes(tickmode="linear", tick0=0 if step > 1 else 1, dtick=step, tickformat="d")
    return fig


def clamp(value: float, low: float, high: float) -> float:
    return max(low, min(high, value))

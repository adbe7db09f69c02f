"""Learning curves, drawn from the per-epoch history a training run records."""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from dashboard.figures.style import (
    TRAIN_COLOR,
    VALIDATION_COLOR,
    apply_layout,
    epoch_axis,
    message_figure,
)

EMPTY_MESSAGE = "No epochs recorded yet"
_FIRST_FAMILIES = ("loss", "accuracy")


def metric_families(history: pd.DataFrame) -> list[tuple[str, str | None, str | None]]:
    """(family, train column, validation column) for each metric worth a subplot.

    Loss and accuracy always get a panel; any other metric only when it comes as an
    ``x`` / ``val_x`` pair, because unpaired extras are usually bookkeeping (learning
    rate, timings) rather than something to judge over- or under-fitting by.
    """
    numeric = [
        c
        for c in history.columns
        if c != "epoch" and pd.api.types.is_numeric_dtype(history[c]) and history[c].notna().any()
    ]
    present = set(numeric)
    names: list[str] = []
    for column in numeric:
        name = column.removeprefix("val_")
        if name not in names:
            names.append(name)
    families = []
    for name in sorted(names, key=lambda n: (_rank(n), names.index(n))):
        train = name if name in present else None
        val = f"val_{name}" if f"val_{name}" in present else None
        if name in _FIRST_FAMILIES or (train and val):
            families.append((name, train, val))
    return families


def _rank(name: str) -> int:
    return _FIRST_FAMILIES.index(name) if name in _FIRST_FAMILIES else len(_FIRST_FAMILIES)


def training_curves(history: pd.DataFrame) -> go.Figure:
    """One panel per metric family; train solid, validation dashed, colours fixed per split."""
    if history is None or history.empty or "epoch" not in history.columns:
        return message_figure(EMPTY_MESSAGE, title="Training curves")
    families = metric_families(history)
    if not families:
        return message_figure(EMPTY_MESSAGE, title="Training curves")
    history = history.sort_values("epoch")
    cols = min(len(families), 2)
    rows = math.ceil(len(families) / cols)
    fig = make_subplots(
        rows=rows,
        cols=cols,
        subplot_titles=[name for name, _, _ in families],
        horizontal_spacing=0.12,
        vertical_spacing=0.18 if rows > 1 else 0.0,
    )
    shown: set[str] = set()
    for i, (name, train, val) in enumerate(families):
        row, col = i // cols + 1, i % cols + 1
        for column, split, color, dash in (
            (train, "train", TRAIN_COLOR, "solid"),
            (val, "validation", VALIDATION_COLOR, "dash"),
        ):
            if column is None:
                continue
            points = history[["epoch", column]].dropna()
            fig.add_trace(
                go.Scatter(
                    x=points["epoch"].to_numpy(),
                    y=points[column].to_numpy(dtype=float),
                    name=split,
                    legendgroup=split,
                    showlegend=split not in shown,
                    mode="lines+markers" if len(points) <= 30 else "lines",
                    line={"color": color, "dash": dash, "width": 2},
                    marker={"size": 5},
                    hovertemplate=f"{split} {name}<br>epoch %{{x}}: %{{y:.4g}}<extra></extra>",
                ),
                row=row,
                col=col,
            )
            shown.add(split)
        fig.update_xaxes(title_text="epoch", row=row, col=col)
        fig.update_yaxes(title_text=name, row=row, col=col)
    apply_layout(
        fig,
        height=300 * rows + 40,
        hovermode="x unified",
        # Legend in the top margin, clear of the subplot titles.
        legend={
            "orientation": "h",
            "yref": "container",
            "y": 1.0,
            "yanchor": "top",
            "x": 1.0,
            "xanchor": "right",
        },
    )
    fig.update_layout(margin={"t": 60})
    return epoch_axis(fig, int(history["epoch"].max()))

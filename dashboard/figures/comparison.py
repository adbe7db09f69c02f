"""Charts that put several training runs side by side."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard.figures.style import (
    apply_layout,
    clamp,
    epoch_axis,
    message_figure,
    qualitative_palette,
)
from dashboard.plain_text import plot_text, plot_texts

LOWER_IS_BETTER = ("loss", "mae", "mse", "rmse", "mape", "error")


def lower_is_better(metric: str) -> bool:
    """Error-like metrics rank ascending; scores such as accuracy or AUC rank descending."""
    name = metric.lower()
    return any(word in name for word in LOWER_IS_BETTER)


def runs_comparison_figure(runs: pd.DataFrame, metric: str) -> go.Figure:
    """One bar per run, best on top, coloured by model type.

    Horizontal bars because run labels (model + settings + time) are long.
    Runs without a value for the metric are left out and counted in the title.
    """
    missing = [c for c in ("run", "model", metric) if c not in runs.columns]
    if missing:
        raise ValueError(
            f"runs table lacks columns {missing}; it needs 'run', 'model' and the metric column"
        )
    if runs["run"].duplicated().any():
        raise ValueError("run labels must be unique; add a time or an index to repeated labels")
    values = pd.to_numeric(runs[metric], errors="coerce")
    scored = runs.assign(_value=values).dropna(subset=["_value"])
    if scored.empty:
        return message_figure(f"No run has recorded {metric} yet", title=f"Runs by {metric}")
    ascending = lower_is_better(metric)
    scored = scored.sort_values("_value", ascending=ascending, kind="stable")
    order = plot_texts(scored["run"])
    models = list(dict.fromkeys(scored["model"].astype(str)))
    fig = go.Figure()
    for model, color in zip(models, qualitative_palette(len(models)), strict=True):
        part = scored[scored["model"].astype(str) == model]
        fig.add_trace(
            go.Bar(
                x=part["_value"].to_numpy(dtype=float),
                y=plot_texts(part["run"]),
                orientation="h",
                name=plot_text(model),
                marker_color=color,
                text=[f"{v:.4g}" for v in part["_value"]],
                textposition="outside",
                cliponaxis=False,
                hovertemplate="run %{y}<br>model %{fullData.name}<br>"
                + f"{metric}: %{{x:.4g}}<extra></extra>",
            )
        )
    title = f"Runs by {metric} ({'lower' if ascending else 'higher'} is better)"
    skipped = len(runs) - len(scored)
    if skipped:
        title += f" — {skipped} without a value"
    apply_layout(
        fig,
        title=title,
        height=int(clamp(110 + 30 * len(order), 240, 1200)),
        barmode="overlay",
        legend={"title": {"text": "model"}},
    )
    fig.update_xaxes(title_text=metric)
    fig.update_yaxes(
        type="category", categoryorder="array", categoryarray=order, autorange="reversed"
    )
    return fig


def curves_comparison_figure(histories: dict[str, pd.DataFrame], metric: str) -> go.Figure:
    """The same metric over epochs for several runs, to see which learns faster or overfits."""
    fig = go.Figure()
    usable = {
        label: frame[["epoch", metric]].dropna()
        for label, frame in histories.items()
        if {"epoch", metric} <= set(frame.columns) and frame[metric].notna().any()
    }
    if not usable:
        return message_figure(f"No run has recorded {metric} yet", title=f"{metric} by epoch")
    for (label, points), color in zip(
        usable.items(), qualitative_palette(len(usable)), strict=True
    ):
        points = points.sort_values("epoch")
        fig.add_trace(
            go.Scatter(
                x=points["epoch"].to_numpy(),
                y=points[metric].to_numpy(dtype=float),
                mode="lines+markers" if len(points) <= 30 else "lines",
                name=plot_text(label),
                line={"color": color, "width": 2},
                marker={"size": 5},
                hovertemplate="%{fullData.name}<br>epoch %{x}: %{y:.4g}<extra></extra>",
            )
        )
    apply_layout(fig, title=f"{metric} by epoch", height=380, hovermode="closest")
    fig.update_xaxes(title_text="epoch")
    fig.update_yaxes(title_text=metric)
    return epoch_axis(fig, max(int(points["epoch"].max()) for points in usable.values()))

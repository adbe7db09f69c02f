"""Charts of why a table model predicts what it does: importance, partial dependence, contributions.

Column names come from people's files, so they are HTML-escaped before they reach
Plotly, which renders a subset of HTML in labels and hovers.
"""

from __future__ import annotations

import html

import numpy as np
import plotly.graph_objects as go

from dashboard.figures.style import (
    ACCENT_COLOR,
    MUTED_COLOR,
    TRAIN_COLOR,
    apply_layout,
    clamp,
    message_figure,
)
from models.explain.contributions import Contributions
from models.explain.dependence import Dependence
from models.explain.permutation import METRIC_LABELS, Importance

TOP_COLUMNS = 30  # bars an importance chart draws; the table below it lists every column
TOP_CONTRIBUTIONS = 15  # columns a contributions chart names; the rest are summed
POSITIVE_COLOR = "#2ca02c"


def _escaped(names: list[str]) -> list[str]:
    return [html.escape(str(name), quote=False) for name in names]


def importance_note(importance: Importance, top: int = TOP_COLUMNS) -> str | None:
    """What the chart leaves out, when it leaves anything out."""
    if len(importance.columns) <= top:
        return None
    return (
        f"The chart shows the {top} most important of {len(importance.columns)} columns; "
        "the table below lists all of them."
    )


def importance_figure(importance: Importance, metric: str, top: int = TOP_COLUMNS) -> go.Figure:
    """Mean importance per column with its spread (± one standard deviation over repeats),
    most important at the top; a bar near zero whose whisker crosses zero is noise."""
    if not importance.columns:
        return message_figure("This model has no input columns to rank.")
    order = importance.ranked(metric)[:top][::-1]
    names = _escaped([importance.columns[i] for i in order])
    drops = importance.drops[metric][order]
    fig = go.Figure(
        go.Bar(
            x=drops.mean(axis=1),
            y=names,
            orientation="h",
            marker_color=TRAIN_COLOR,
            error_x={"type": "data", "array": drops.std(axis=1), "color": MUTED_COLOR},
            customdata=np.column_stack([drops.std(axis=1), drops.min(axis=1), drops.max(axis=1)]),
            hovertemplate="%{y}: %{x:.4f} ± %{customdata[0]:.4f}<br>repeats from "
            "%{customdata[1]:.4f} to %{customdata[2]:.4f}<extra></extra>",
        )
    )
    label = METRIC_LABELS.get(metric, metric)
    fig.add_vline(x=0, line_color=MUTED_COLOR, line_width=1)
    apply_layout(
        fig,
        title=f"Permutation importance: {label} when a column is shuffled",
        height=int(clamp(120 + 22 * len(order), 260, 900)),
    )
    fig.update_xaxes(
        title_text=f"{label} ({importance.repeats} shuffles of {importance.rows} rows)"
    )
    return fig


def _output_label(outputs: list[str], index: int) -> str:
    if outputs == ["prediction"]:
        return "prediction"
    return f"P({html.escape(str(outputs[index]), quote=False)})"


def dependence_figure(dependence: Dependence, output: int = 0) -> go.Figure:
    """ICE lines (one per sampled row, thin) and their mean, the partial dependence (thick)."""
    column = html.escape(dependence.column, quote=False)
    y_label = _output_label(dependence.outputs, output)
    grid = dependence.grid if dependence.ordered else _escaped(dependence.grid)
    fig = go.Figure()
    mode = "lines" if dependence.ordered else "markers"
    for index, line in enumerate(dependence.ice[:, :, output]):
        fig.add_trace(
            go.Scatter(
                x=grid,
                y=line,
                mode=mode,
                line={"color": MUTED_COLOR, "width": 1},
                marker={"color": MUTED_COLOR, "size": 4},
                opacity=0.45,
                name="one row (ICE)",
                legendgroup="ice",
                showlegend=index == 0,
                hoverinfo="skip",
            )
        )
    fig.add_trace(
        go.Scatter(
            x=grid,
            y=dependence.average[:, output],
            mode="lines+markers",
            line={"color": ACCENT_COLOR, "width": 3},
            name=f"mean of {dependence.rows} rows (partial dependence)",
            hovertemplate=f"{column} = %{{x}}<br>{y_label}: %{{y:.4f}}<extra></extra>",
        )
    )
    apply_layout(fig, title=f"Partial dependence of {y_label} on {column}", height=420)
    fig.update_layout(legend={"orientation": "h", "y": -0.2})
    fig.update_xaxes(title_text=column, type=None if dependence.ordered else "category")
    fig.update_yaxes(title_text=y_label)
    return fig


def contributions_figure(
    contributions: Contributions, output: int = 0, top: int = TOP_CONTRIBUTIONS
) -> go.Figure:
    """A waterfall from the average prediction to this row's: each column's push up or down,
    strongest first; columns past `top` are summed into one step."""
    values = contributions.values[:, output]
    order = list(np.argsort(-np.abs(values), kind="stable"))
    shown, rest = order[:top], order[top:]
    labels = [
        f"{html.escape(contributions.columns[i], quote=False)} = "
        f"{html.escape(contributions.shown[i], quote=False)}"
        for i in shown
    ]
    steps = [float(values[i]) for i in shown]
    if rest:
        labels.append(f"{len(rest)} other columns")
        steps.append(float(values[rest].sum()))
    base, final = float(contributions.base[output]), float(contributions.prediction[output])
    y_label = _output_label(contributions.outputs, output)
    fig = go.Figure(
        go.Waterfall(
            orientation="h",
            measure=["absolute", *["relative"] * len(steps), "total"],
            y=["average prediction", *labels, "this row"],
            x=[base, *steps, final],
            increasing={"marker": {"color": POSITIVE_COLOR}},
            decreasing={"marker": {"color": ACCENT_COLOR}},
            totals={"marker": {"color": TRAIN_COLOR}},
            connector={"line": {"color": MUTED_COLOR}},
            hovertemplate="%{y}: %{x:+.4f}<extra></extra>",
        )
    )
    apply_layout(
        fig,
        title=f"What moved {y_label} from the average to this row's",
        height=int(clamp(140 + 26 * (len(steps) + 2), 300, 900)),
    )
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title_text=y_label)
    return fig

"""Charts that describe a dataset before any model sees it."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard.figures.style import ACCENT_COLOR, apply_layout, clamp, message_figure
from dashboard.plain_text import plot_texts

MAX_BARS = 60


def missing_label(share: float, count: int | None) -> str:
    """'12.5%', or the row count where a percentage would round to nothing: 2 gaps in
    10,000 rows read '0.0%' and looked like none."""
    if count is not None and share < 0.001:
        return f"{count:,} row{'s' if count != 1 else ''}"
    return f"{share:.1%}"


def missing_values_figure(missing: pd.Series, counts: pd.Series | None = None) -> go.Figure:
    """Share of missing cells per column, worst first; `counts` (missing rows per column, same
    index) label the columns whose share is too small to show as a percentage.

    Complete columns are left out (the title counts them): a wide table of pixels or
    one-hot columns would otherwise bury the few columns that need attention.
    """
    missing = pd.to_numeric(missing, errors="coerce").fillna(0.0)
    if (missing < 0).any() or (missing > 1).any():
        raise ValueError(
            "missing values must be fractions between 0 and 1 per column; "
            "pass frame.isna().mean() rather than frame.isna().sum()"
        )
    affected = missing[missing > 0].sort_values(ascending=False, kind="stable")
    title = "Missing values"
    if affected.empty:
        return message_figure("No missing values", height=200, title=title)
    title += f" — {len(affected)} of {len(missing)} columns incomplete"
    if len(affected) > MAX_BARS:
        title += f" (worst {MAX_BARS} shown)"
        affected = affected.iloc[:MAX_BARS]
    names = plot_texts(affected.index)
    fig = go.Figure(
        go.Bar(
            x=affected.to_numpy(),
            y=names,
            orientation="h",
            marker_color=ACCENT_COLOR,
            text=[
                missing_label(v, None if counts is None else int(counts[name]))
                for name, v in affected.items()
            ],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="column %{y}<br>%{x:.1%} of rows missing<extra></extra>",
        )
    )
    apply_layout(fig, title=title, height=int(clamp(90 + 22 * len(names), 200, 1500)))
    fig.update_xaxes(range=[0, 1.1], tickformat=".0%", title_text="rows missing")
    fig.update_yaxes(type="category", autorange="reversed")
    return fig

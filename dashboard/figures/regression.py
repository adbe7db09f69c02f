"""Charts of a regressor's outcomes: predictions against truth, and what is left over."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from dashboard.figures.style import ACCENT_COLOR, TRAIN_COLOR, apply_layout, message_figure

WEBGL_ABOVE = 1000


def _paired(y_true: object, y_pred: object) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Finite (true, pred) pairs plus their original positions, so hovers and selections
    still name the right sample after NaNs are dropped."""
    true = np.asarray(y_true, dtype=float).reshape(-1)
    pred = np.asarray(y_pred, dtype=float).reshape(-1)
    if true.shape != pred.shape:
        raise ValueError(
            f"y_true has {true.size} values but y_pred has {pred.size}; "
            "pass one prediction per sample (flatten (N, 1) model outputs)"
        )
    keep = np.isfinite(true) & np.isfinite(pred)
    return true[keep], pred[keep], np.flatnonzero(keep)


def _scatter_class(n: int) -> type[go.Scatter] | type[go.Scattergl]:
    return go.Scattergl if n > WEBGL_ABOVE else go.Scatter


def _marker(n: int) -> dict:
    return {"size": 6 if n <= WEBGL_ABOVE else 4, "opacity": 0.7, "color": TRAIN_COLOR}


def predicted_vs_actual_figure(y_true: np.ndarray, y_pred: np.ndarray) -> go.Figure:
    """Points on the dashed identity line are perfect predictions; distance from it is error."""
    true, pred, index = _paired(y_true, y_pred)
    if true.size == 0:
        return message_figure("No predictions to show", title="Predicted vs actual")
    low = float(min(true.min(), pred.min()))
    high = float(max(true.max(), pred.max()))
    pad = (high - low) * 0.03 or 1.0
    fig = go.Figure(
        _scatter_class(true.size)(
            x=true,
            y=pred,
            mode="markers",
            marker=_marker(true.size),
            customdata=np.column_stack([index, pred - true]),
            hovertemplate="sample %{customdata[0]}<br>actual %{x:.4g}<br>predicted %{y:.4g}"
            "<br>error %{customdata[1]:.4g}<extra></extra>",
            name="samples",
            showlegend=False,
        )
    )
    fig.add_trace(
        go.Scatter(
            x=[low - pad, high + pad],
            y=[low - pad, high + pad],
            mode="lines",
            line={"color": ACCENT_COLOR, "dash": "dash", "width": 1.5},
            name="perfect prediction",
            hoverinfo="skip",
        )
    )
    apply_layout(fig, title="Predicted vs actual", height=420, dragmode="lasso")
    fig.update_xaxes(title_text="actual", range=[low - pad, high + pad])
    fig.update_yaxes(title_text="predicted", range=[low - pad, high + pad])
    fig.update_layout(legend={"x": 0.01, "y": 0.99, "xanchor": "left", "yanchor": "top"})
    return fig


def residuals_figure(y_true: np.ndarray, y_pred: np.ndarray) -> go.Figure:
    """Residual (actual minus predicted) against prediction: structure here is bias left unmodelled."""
    true, pred, index = _paired(y_true, y_pred)
    if true.size == 0:
        return message_figure("No predictions to show", title="Residuals")
    residual = true - pred
    fig = go.Figure(
        _scatter_class(true.size)(
            x=pred,
            y=residual,
            mode="markers",
            marker=_marker(true.size),
            customdata=np.column_stack([index, true]),
            hovertemplate="sample %{customdata[0]}<br>predicted %{x:.4g}<br>actual "
            "%{customdata[1]:.4g}<br>residual %{y:.4g}<extra></extra>",
            name="samples",
            showlegend=False,
        )
    )
    fig.add_hline(y=0, line={"color": ACCENT_COLOR, "dash": "dash", "width": 1.5})
    apply_layout(fig, title="Residuals", height=380, dragmode="lasso")
    fig.update_xaxes(title_text="predicted")
    fig.update_yaxes(title_text="residual (actual − predicted)", zeroline=False)
    return fig

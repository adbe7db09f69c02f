"""Views of what a text model looks at: attention matrices and per-token shading."""

from __future__ import annotations

import html
import re

import numpy as np
import plotly.graph_objects as go

from dashboard.figures.style import apply_layout, clamp

MAX_TICK_LABELS = 60
POSITIVE_RGB = "214, 39, 40"  # red: pushes towards the class / receives attention
NEGATIVE_RGB = "31, 119, 180"  # blue: pushes away from the class (signed saliency)
_CJK = re.compile(
    "[\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af"
    "\uf900-\ufaff\uff00-\uffef\U00020000-\U0002fa1f]"
)
# Characters that st.markdown would read as markup even inside our spans.
_MARKDOWN_ENTITIES = str.maketrans(
    {"$": "&#36;", "*": "&#42;", "_": "&#95;", "`": "&#96;", "~": "&#126;", "[": "&#91;",
     "]": "&#93;", "\\": "&#92;", "\n": " ", "\r": " "}
)  # fmt: skip


def attention_heatmap_figure(
    attention: np.ndarray, tokens: list[str], title: str = ""
) -> go.Figure:
    """Query (rows) by key (columns) attention weights.

    Axes use token positions, not token strings, because a sentence repeats words
    and a categorical axis would merge them; the strings go on the tick labels.
    """
    weights = np.asarray(attention, dtype=float)
    t = len(tokens)
    if weights.shape != (t, t):
        raise ValueError(
            f"attention has shape {weights.shape} for {t} tokens; pass one head's (T, T) "
            "matrix (average or pick a head first) and the T tokens it covers"
        )
    labels = np.array([html.escape(str(tok), quote=False) for tok in tokens], dtype=object)
    hover = labels[:, None] + " → " + labels[None, :] if t else np.empty((0, 0), dtype=object)
    step = max(1, int(np.ceil(t / MAX_TICK_LABELS)))
    ticks = np.arange(0, t, step)
    fig = go.Figure(
        go.Heatmap(
            z=weights,
            x=np.arange(t),
            y=np.arange(t),
            colorscale="Viridis",
            zmin=0.0,
            zmax=float(max(weights.max(), 1e-12)) if t else 1.0,
            text=hover,
            hovertemplate="%{text}: %{z:.3f}<extra></extra>",
            colorbar={"title": {"text": "weight"}, "thickness": 12},
        )
    )
    apply_layout(fig, title=title, height=int(clamp(200 + 14 * t, 320, 900)))
    tick_text = list(labels[ticks])
    fig.update_xaxes(
        title_text="key", tickvals=ticks, ticktext=tick_text, tickangle=-60, side="bottom"
    )
    fig.update_yaxes(title_text="query", tickvals=ticks, ticktext=tick_text, autorange="reversed")
    return fig


def _is_cjk_char(token: str) -> bool:
    return len(token) == 1 and bool(_CJK.match(token))


def _normalise(weights: np.ndarray) -> np.ndarray:
    """Scale by the largest magnitude so zero stays zero and signs survive: [0, 1] for
    attention, [-1, 1] for signed saliency."""
    weights = np.nan_to_num(np.asarray(weights, dtype=float), nan=0.0, posinf=0.0, neginf=0.0)
    peak = np.abs(weights).max() if weights.size else 0.0
    return weights / peak if peak > 0 else np.zeros_like(weights)


def token_highlight_html(tokens: list[str], weights: np.ndarray, label: str = "") -> str:
    """The text with each token shaded by its weight, as self-contained safe HTML.

    Every token is escaped (text comes from users), markdown characters are turned
    into entities so ``st.markdown(unsafe_allow_html=True)`` cannot reinterpret them,
    and single CJK characters are joined without spaces so Chinese or Japanese reads
    as written. Render with ``st.html`` or ``st.markdown(..., unsafe_allow_html=True)``.
    """
    raw = np.asarray(weights, dtype=float).reshape(-1)
    if len(tokens) != raw.size:
        raise ValueError(f"{len(tokens)} tokens but {raw.size} weights; pass one weight per token")
    scaled = _normalise(raw)
    parts: list[str] = []
    previous_cjk = False
    for token, value, weight in zip(tokens, raw, scaled, strict=True):
        text = str(token)
        cjk = _is_cjk_char(text)
        if parts and not (cjk and previous_cjk):
            parts.append(" ")
        previous_cjk = cjk
        rgb = POSITIVE_RGB if weight >= 0 else NEGATIVE_RGB
        alpha = round(0.75 * abs(float(weight)), 3)
        tooltip = html.escape(f"{value:.4g}", quote=True)
        body = html.escape(text, quote=True).translate(_MARKDOWN_ENTITIES)
        parts.append(
            f'<span title="{tooltip}" style="background-color: rgba({rgb}, {alpha}); '
            f'padding: 1px 2px; border-radius: 3px;">{body}</span>'
        )
    heading = ""
    if label:
        safe_label = html.escape(label, quote=True).translate(_MARKDOWN_ENTITIES)
        heading = f'<div style="font-weight: 600; margin-bottom: 4px;">{safe_label}</div>'
    return f'<div style="line-height: 2.0;">{heading}<div>{"".join(parts)}</div></div>'

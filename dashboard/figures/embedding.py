"""Scatter plots of 2-D / 3-D projections (UMAP, PCA) of samples or learned representations.

Built for up to ~100k points: hover text is made with vectorised string operations,
coordinates travel as float32, and highlighting splits traces instead of sending a
per-point opacity array.
"""

from __future__ import annotations

import html

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard.figures.style import MUTED_COLOR, NUMERIC_SCALE, apply_layout, qualitative_palette

MAX_HOVER_CHARS = 80
MAX_INT_CATEGORIES = 20
FADED_OPACITY = 0.15
NORMAL_OPACITY = 0.85
MISSING_LABEL = "(missing)"


def is_categorical(values: pd.Series) -> bool:
    """Labels, flags and small integer codes get a legend; anything else a colour bar."""
    dtype = values.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        return True
    if pd.api.types.is_bool_dtype(dtype) or not pd.api.types.is_numeric_dtype(dtype):
        return True
    return pd.api.types.is_integer_dtype(dtype) and values.nunique() <= MAX_INT_CATEGORIES


def _escape(values: pd.Series) -> pd.Series:
    """Plotly hover labels read a subset of HTML, so user text must not smuggle tags in."""
    for char, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;")):
        values = values.str.replace(char, entity, regex=False)
    return values


def hover_values(hover: pd.DataFrame) -> np.ndarray:
    """Hover columns as short, escaped strings, one column per hover field.

    Column names go into the hover template once per trace rather than into every
    point's text, which keeps a 100k-point figure several times smaller.
    """
    out = np.empty((len(hover), len(hover.columns)), dtype=object)
    for j, column in enumerate(hover.columns):
        series = hover[column]
        if pd.api.types.is_float_dtype(series.dtype):
            values = pd.Series(
                np.char.mod("%.4g", series.to_numpy(dtype=float)), index=series.index
            )
        else:
            values = series.astype(str)
        long = values.str.len() > MAX_HOVER_CHARS
        if long.any():
            values = values.where(~long, values.str.slice(0, MAX_HOVER_CHARS - 3) + "...")
        out[:, j] = _escape(values).to_numpy(dtype=object)
    return out


def _customdata(ids: np.ndarray, hover: pd.DataFrame | None) -> tuple[np.ndarray, str]:
    """Per-point ``[id, hover values...]`` and the hover-template lines that show them."""
    if hover is None or hover.columns.empty:
        return ids.reshape(-1, 1), ""
    values = hover_values(hover.reset_index(drop=True))
    data = np.empty((len(ids), 1 + values.shape[1]), dtype=object)
    data[:, 0] = ids
    data[:, 1:] = values
    lines = "".join(
        f"<br><b>{html.escape(str(c))}</b>: %{{customdata[{j + 1}]}}"
        for j, c in enumerate(hover.columns)
    )
    return data, lines


def _groups(color: pd.Series) -> tuple[list[tuple[str, np.ndarray, str | None]], bool]:
    """(name, point indices, fixed colour) per trace, and whether a colour bar is needed."""
    if is_categorical(color):
        if color.isna().any():
            color = color.astype(object).where(color.notna(), MISSING_LABEL)
        try:
            codes, names = pd.factorize(color, sort=True)
        except TypeError:  # mixed types that cannot be ordered: keep first-seen order
            codes, names = pd.factorize(color, sort=False)
        order = np.argsort(codes, kind="stable")
        bounds = np.searchsorted(codes[order], np.arange(len(names) + 1))
        palette = qualitative_palette(len(names))
        groups = [
            (str(name), order[bounds[k] : bounds[k + 1]], palette[k])
            for k, name in enumerate(names)
        ]
        return groups, False
    values = color.to_numpy(dtype=float)
    finite = np.isfinite(values)
    groups = [("value", np.flatnonzero(finite), None)]
    if not finite.all():
        groups.append((MISSING_LABEL, np.flatnonzero(~finite), MUTED_COLOR))
    return groups, True


def _validate(
    coords: np.ndarray,
    color: pd.Series,
    hover: pd.DataFrame | None,
    point_ids: np.ndarray,
    highlight: np.ndarray | None,
) -> None:
    if coords.ndim != 2 or coords.shape[1] not in (2, 3):
        raise ValueError(
            f"coords has shape {coords.shape}; pass (N, 2) or (N, 3) projected coordinates"
        )
    n = len(coords)
    for name, other in (("color", color), ("hover", hover), ("point_ids", point_ids)):
        if other is not None and len(other) != n:
            raise ValueError(f"{name} has {len(other)} rows but coords has {n}; give one per point")
    if highlight is not None and highlight.shape != (n,):
        raise ValueError(f"highlight must be a boolean mask of length {n}, one flag per point")


def embedding_figure(
    coords: np.ndarray,
    color: np.ndarray | pd.Series,
    color_name: str,
    hover: pd.DataFrame | None = None,
    point_ids: np.ndarray | None = None,
    highlight: np.ndarray | None = None,
) -> go.Figure:
    """Projected points coloured by a label or value, ready for lasso selection in Streamlit.

    Every point's ``customdata[0]`` is its id, so a selection maps back to samples
    whichever trace (category, faded or highlighted layer) the point sits in.
    """
    coords = np.asarray(coords)
    color = pd.Series(np.asarray(color) if not isinstance(color, pd.Series) else color.array)
    ids = np.arange(len(coords)) if point_ids is None else np.asarray(point_ids)
    mask = None if highlight is None else np.asarray(highlight, dtype=bool)
    _validate(coords, color, hover, ids, mask)
    three_d = coords.shape[1] == 3
    xyz = coords.astype(np.float32)
    customdata, hover_template = _customdata(ids, hover)
    groups, numeric = _groups(color)
    name = html.escape(color_name)
    value_ref = "%{marker.color:.4g}" if numeric else "%{fullData.name}"
    template = f"<b>{name}</b>: {value_ref}<br>point %{{customdata[0]}}"
    template += hover_template + "<extra></extra>"
    base_size = _marker_size(len(coords), three_d)
    values = color.to_numpy(dtype=float) if numeric else None

    # (points in layer, opacity, size, is the top layer); faded points go first so
    # highlighted ones are drawn over them.
    layers = [(None, NORMAL_OPACITY, base_size, True)]
    if mask is not None:
        layers = [(~mask, FADED_OPACITY, base_size, False), (mask, 1.0, base_size + 2, True)]
    trace_cls = go.Scatter3d if three_d else go.Scattergl
    fig = go.Figure()
    for layer, opacity, size, on_top in layers:
        for group_name, index, fixed_color in groups:
            idx = index if layer is None else index[layer[index]]
            if idx.size == 0:
                continue
            # One legend entry per group, on its most visible trace.
            legend_here = on_top or mask is None or not mask[index].any()
            marker: dict = {"size": size, "opacity": opacity, "line": {"width": 0}}
            if fixed_color is None:
                marker.update(color=values[idx], coloraxis="coloraxis")
            else:
                marker["color"] = fixed_color
            fig.add_trace(
                trace_cls(
                    x=xyz[idx, 0],
                    y=xyz[idx, 1],
                    **({"z": xyz[idx, 2]} if three_d else {}),
                    mode="markers",
                    name=group_name,
                    legendgroup=group_name,
                    showlegend=fixed_color is not None and legend_here,
                    marker=marker,
                    customdata=customdata[idx],
                    hovertemplate=template,
                )
            )
    _finish_layout(fig, color, color_name, numeric, three_d)
    return fig


def _marker_size(n: int, three_d: bool) -> int:
    size = 6 if n <= 2_000 else 4 if n <= 20_000 else 3
    return max(2, size - 2) if three_d else size


def _finish_layout(
    fig: go.Figure, color: pd.Series, color_name: str, numeric: bool, three_d: bool
) -> None:
    apply_layout(
        fig,
        height=560,
        uirevision="embedding",
        legend={"title": {"text": color_name}, "itemsizing": "constant"},
    )
    if numeric:
        values = color.to_numpy(dtype=float)
        finite = values[np.isfinite(values)]
        fig.update_layout(
            coloraxis={
                "colorscale": NUMERIC_SCALE,
                "cmin": float(finite.min()) if finite.size else 0.0,
                "cmax": float(finite.max()) if finite.size else 1.0,
                "colorbar": {"title": {"text": color_name}, "thickness": 12},
            }
        )
    if three_d:
        hidden = {"showticklabels": False, "title": {"text": ""}, "showspikes": False}
        fig.update_layout(scene={"xaxis": hidden, "yaxis": hidden, "zaxis": hidden})
    else:
        fig.update_layout(dragmode="lasso", hovermode="closest")
        fig.update_xaxes(showticklabels=False, zeroline=False, title_text="")
        fig.update_yaxes(showticklabels=False, zeroline=False, title_text="")


def _axis_range(values: np.ndarray) -> list[float]:
    low, high = float(np.nanmin(values)), float(np.nanmax(values))
    pad = (high - low) * 0.05 or 1.0
    return [low - pad, high + pad]


def embedding_frames_figure(
    frames: list[np.ndarray], epochs: list[int], color: np.ndarray, color_name: str
) -> go.Figure:
    """How a representation's 2-D projection moves as training proceeds, one frame per epoch.

    Axes are fixed to the range of all frames together so points never leave the view.
    """
    if not frames or len(frames) != len(epochs):
        raise ValueError(
            f"got {len(frames)} frames for {len(epochs)} epochs; pass one (N, 2) array per epoch"
        )
    stacked = np.stack([np.asarray(f, dtype=np.float32) for f in frames])
    if stacked.ndim != 3 or stacked.shape[2] != 2:
        raise ValueError("every frame must be an (N, 2) array with the same N; project to 2-D")
    color = pd.Series(np.asarray(color))
    if len(color) != stacked.shape[1]:
        raise ValueError(f"color has {len(color)} values but frames have {stacked.shape[1]} points")
    groups, numeric = _groups(color)
    values = color.to_numpy(dtype=float) if numeric else None
    trace_cls = go.Scattergl if stacked.shape[1] > 1000 else go.Scatter
    size = _marker_size(stacked.shape[1], False)
    value_ref = "%{marker.color:.4g}" if numeric else "%{fullData.name}"
    template = (
        f"<b>{html.escape(color_name)}</b>: {value_ref}<br>point %{{customdata[0]}}<extra></extra>"
    )

    def traces(coords: np.ndarray) -> list[go.Scatter | go.Scattergl]:
        out = []
        for group_name, idx, fixed_color in groups:
            marker: dict = {"size": size, "opacity": NORMAL_OPACITY, "line": {"width": 0}}
            if fixed_color is None:
                marker.update(color=values[idx], coloraxis="coloraxis")
            else:
                marker["color"] = fixed_color
            out.append(
                trace_cls(
                    x=coords[idx, 0],
                    y=coords[idx, 1],
                    mode="markers",
                    name=group_name,
                    showlegend=not numeric or fixed_color is not None,
                    marker=marker,
                    customdata=idx.reshape(-1, 1),
                    hovertemplate=template,
                )
            )
        return out

    names = [f"epoch {e}" for e in epochs]
    fig = go.Figure(
        data=traces(stacked[0]),
        frames=[go.Frame(data=traces(c), name=n) for c, n in zip(stacked, names, strict=True)],
    )
    play = {"frame": {"duration": 600, "redraw": True}, "transition": {"duration": 0}}
    fig.update_layout(
        updatemenus=[
            {
                "type": "buttons",
                "direction": "left",
                "x": 0.0,
                "y": -0.02,
                "xanchor": "left",
                "yanchor": "top",
                "showactive": False,
                "buttons": [
                    {
                        "label": "▶ play",
                        "method": "animate",
                        "args": [None, {**play, "fromcurrent": True}],
                    },
                    {
                        "label": "❚❚ pause",
                        "method": "animate",
                        "args": [[None], {"mode": "immediate", **play}],
                    },
                ],
            }
        ],
        sliders=[
            {
                "active": 0,
                "x": 0.18,
                "len": 0.82,
                "y": -0.02,
                "yanchor": "top",
                "currentvalue": {"visible": True, "prefix": "", "xanchor": "right"},
                "steps": [
                    {"label": n, "method": "animate", "args": [[n], {"mode": "immediate", **play}]}
                    for n in names
                ],
            }
        ],
    )
    _finish_layout(fig, color, color_name, numeric, three_d=False)
    fig.update_layout(margin={"b": 90})
    fig.update_xaxes(range=_axis_range(stacked[..., 0]), autorange=False)
    fig.update_yaxes(range=_axis_range(stacked[..., 1]), autorange=False)
    return fig

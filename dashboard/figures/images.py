"""Pictures of pixels: sample galleries, conv kernels, activation maps and saliency overlays."""

from __future__ import annotations

import base64
import io
import math

import numpy as np
import plotly.graph_objects as go
from PIL import Image

from dashboard.figures.style import apply_layout, message_figure
from dashboard.plain_text import plot_text

ASSUMED_WIDTH_PX = 700  # a wide Streamlit column; tiles are sized against it
OVERLAY_SCALE = "Turbo"


def _as_tiles(images: np.ndarray) -> tuple[np.ndarray, bool]:
    """(N, H, W) maps or (N, H, W, 3) uint8 RGB, and whether they are RGB."""
    images = np.asarray(images)
    if images.ndim == 4 and images.shape[-1] == 1:
        images = images[..., 0]
    if images.ndim == 3:
        return images, False
    if images.ndim == 4 and images.shape[-1] == 3:
        if images.dtype != np.uint8:
            raise ValueError(
                "RGB images must be uint8; convert with np.clip(x * 255, 0, 255).astype(np.uint8)"
            )
        return images, True
    raise ValueError(
        f"images has shape {images.shape}; pass (N, H, W) maps or (N, H, W, 3) uint8 RGB "
        "(for activations of shape (H, W, C) use np.moveaxis(a, -1, 0))"
    )


def image_grid_figure(
    images: np.ndarray,
    titles: list[str] | None = None,
    cols: int = 8,
    colorscale: str = "gray",
) -> go.Figure:
    """A grid of small images with square pixels and no axes.

    Single-channel tiles get their own colour range (zmin/zmax = tile min/max) so a
    kernel with tiny weights is as readable as one with large weights; hover still
    shows the raw value.
    """
    tiles, rgb = _as_tiles(images)
    n = len(tiles)
    if n == 0:
        return message_figure("No images to show")
    if titles is not None and len(titles) != n:
        raise ValueError(f"{len(titles)} titles for {n} images; pass one title per image or None")
    cols = max(1, min(cols, n))
    rows = math.ceil(n / cols)
    title_px = 16 if titles else 0
    height = int(rows * (ASSUMED_WIDTH_PX / cols + title_px) + 10)
    title_frac = title_px / height
    gap = 0.01
    traces, layout, annotations = [], {}, []
    for i, tile in enumerate(tiles):
        row, col = divmod(i, cols)
        suffix = "" if i == 0 else str(i + 1)
        x_dom = [col / cols + gap / 2, (col + 1) / cols - gap / 2]
        y_dom = [1 - (row + 1) / rows + gap / 2, 1 - row / rows - title_frac - gap / 2]
        label = plot_text(titles[i]) if titles else f"image {i}"
        traces.append(_tile_trace(tile, rgb, colorscale, label, f"x{suffix}", f"y{suffix}"))
        hidden = {"visible": False, "constrain": "domain"}
        layout[f"xaxis{suffix}"] = {**hidden, "domain": x_dom, "anchor": f"y{suffix}"}
        layout[f"yaxis{suffix}"] = {
            **hidden,
            "domain": y_dom,
            "anchor": f"x{suffix}",
            "autorange": "reversed",
            "scaleanchor": f"x{suffix}",
        }
        if titles:
            annotations.append(
                {
                    "text": label,
                    "x": sum(x_dom) / 2,
                    "y": y_dom[1],
                    "xref": "paper",
                    "yref": "paper",
                    "yanchor": "bottom",
                    "showarrow": False,
                    "font": {"size": 11},
                }
            )
    fig = go.Figure(data=traces, layout={**layout, "annotations": annotations})
    apply_layout(fig, height=height, showlegend=False)
    fig.update_layout(margin={"l": 5, "r": 5, "t": 5, "b": 5})
    return fig


def _tile_trace(
    tile: np.ndarray, rgb: bool, colorscale: str, label: str, xaxis: str, yaxis: str
) -> go.Image | go.Heatmap:
    if rgb:
        return go.Image(
            z=tile,
            xaxis=xaxis,
            yaxis=yaxis,
            hovertemplate=f"{label}<br>x %{{x}}, y %{{y}}<br>rgb %{{z}}<extra></extra>",
        )
    values = tile.astype(np.float32)
    finite = values[np.isfinite(values)]
    low = float(finite.min()) if finite.size else 0.0
    high = float(finite.max()) if finite.size else 1.0
    return go.Heatmap(
        z=values,
        zmin=low,
        zmax=high if high > low else low + 1.0,
        colorscale=colorscale,
        showscale=False,
        xaxis=xaxis,
        yaxis=yaxis,
        hovertemplate=f"{label}<br>x %{{x}}, y %{{y}}<br>value %{{z:.4g}}<extra></extra>",
    )


def resize_bilinear(values: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """Bilinear resize of a 2-D map with pixel-centre alignment (as image libraries do),
    so a 7x7 Grad-CAM map lines up with the 224x224 image it explains."""
    values = np.asarray(values, dtype=np.float64)
    if values.ndim != 2:
        raise ValueError(f"heatmap has shape {values.shape}; pass a 2-D (h, w) map")
    out_h, out_w = shape

    def coords(n_in: int, n_out: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        src = (np.arange(n_out) + 0.5) * (n_in / n_out) - 0.5
        src = np.clip(src, 0, n_in - 1)
        low = np.floor(src).astype(int)
        high = np.minimum(low + 1, n_in - 1)
        return low, high, src - low

    y0, y1, wy = coords(values.shape[0], out_h)
    x0, x1, wx = coords(values.shape[1], out_w)
    top = values[y0][:, x0] * (1 - wx) + values[y0][:, x1] * wx
    bottom = values[y1][:, x0] * (1 - wx) + values[y1][:, x1] * wx
    return top * (1 - wy[:, None]) + bottom * wy[:, None]


def _to_rgb(image: np.ndarray) -> np.ndarray:
    image = np.asarray(image)
    if image.dtype != np.uint8:
        raise ValueError(
            "image must be uint8; convert with np.clip(x * 255, 0, 255).astype(np.uint8)"
        )
    if image.ndim == 3 and image.shape[-1] in (1, 3, 4):
        image = image[..., :3] if image.shape[-1] != 1 else image[..., 0]
    if image.ndim == 2:
        return np.repeat(image[..., None], 3, axis=-1)
    if image.ndim == 3 and image.shape[-1] == 3:
        return image
    raise ValueError(f"image has shape {image.shape}; pass (H, W) or (H, W, C) with C in 1, 3, 4")


def heatmap_overlay_figure(
    image: np.ndarray, heatmap: np.ndarray, alpha: float = 0.45, title: str = ""
) -> go.Figure:
    """An importance map (Grad-CAM, attention rollout) laid over the image it explains."""
    rgb = _to_rgb(image)
    h, w = rgb.shape[:2]
    heat = np.nan_to_num(np.asarray(heatmap, dtype=np.float64), nan=0.0)
    heat = np.clip(resize_bilinear(heat, (h, w)), 0.0, 1.0).astype(np.float32)
    fig = go.Figure(go.Image(z=rgb, hoverinfo="skip"))
    fig.add_trace(
        go.Heatmap(
            z=heat,
            zmin=0.0,
            zmax=1.0,
            colorscale=OVERLAY_SCALE,
            opacity=float(np.clip(alpha, 0.0, 1.0)),
            colorbar={"title": {"text": "importance"}, "thickness": 12},
            hovertemplate="x %{x}, y %{y}<br>importance %{z:.3f}<extra></extra>",
        )
    )
    apply_layout(fig, title=title, height=int(min(520, max(260, 380 * h / max(w, 1)))))
    fig.update_xaxes(visible=False, range=[-0.5, w - 0.5], constrain="domain")
    fig.update_yaxes(visible=False, range=[h - 0.5, -0.5], scaleanchor="x", constrain="domain")
    return fig


def thumbnail_data_uri(image: np.ndarray, size: int = 64) -> str:
    """A small PNG as a data URI, for hover cards and HTML galleries.

    Small images are enlarged with nearest-neighbour so a 28x28 digit stays crisp;
    large ones are shrunk smoothly.
    """
    image = np.asarray(image)
    if image.dtype != np.uint8:
        raise ValueError(
            "image must be uint8; convert with np.clip(x * 255, 0, 255).astype(np.uint8)"
        )
    if image.ndim == 3 and image.shape[-1] == 1:
        image = image[..., 0]
    if image.ndim not in (2, 3) or (image.ndim == 3 and image.shape[-1] not in (3, 4)):
        raise ValueError(
            f"image has shape {image.shape}; pass (H, W) or (H, W, C) with C in 1, 3, 4"
        )
    picture = Image.fromarray(image)
    h, w = image.shape[:2]
    scale = size / max(h, w)
    target = (max(1, round(w * scale)), max(1, round(h * scale)))
    resample = Image.Resampling.NEAREST if scale >= 1 else Image.Resampling.LANCZOS
    buffer = io.BytesIO()
    picture.resize(target, resample).save(buffer, format="PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")

"""The picture itself in the UMAP hover of an image run.

Plotly's hover labels cannot show <img> (they are SVG text with a few tags:
<br>, <b>, <span style>), so the thumbnail is drawn as coloured block
characters — one "██" per pixel of a small copy of the image. It is a real
look at the sample (shape, colour, position), cheap to send, and needs nothing
but the figure itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import plotly.graph_objects as go
from PIL import Image

if TYPE_CHECKING:
    from dashboard.explore.context import ExploreContext

BLOCK = "██"  # two characters ≈ one square pixel in a monospace font
LEVELS = 8  # colour levels per channel: fewer levels → longer runs → smaller figures
# Thumbnail side by number of points, so the hover payload stays a few MB at most.
SIDE_BY_POINTS = ((1_000, 12), (4_000, 8))


def hover_side(n_points: int) -> int:
    """Pixels a side of the hover thumbnail for this many points; 0 = too many to send."""
    return next((side for limit, side in SIDE_BY_POINTS if n_points <= limit), 0)


def _colour(rgb: np.ndarray) -> str:
    """#rgb short hex of a colour already quantised to LEVELS levels per channel."""
    digits = np.rint(rgb / (LEVELS - 1) * 15).astype(int)
    return "#" + "".join(f"{d:x}" for d in digits)


def block_art(image: np.ndarray, side: int) -> str:
    """The image as rows of coloured blocks for a Plotly hover label.

    Neighbouring pixels of the same colour share one <span>, so flat
    backgrounds cost almost nothing.
    """
    image = np.asarray(image)
    picture = Image.fromarray(image[..., 0] if image.shape[-1] == 1 else image)
    height, width = image.shape[:2]
    scale = min(1.0, side / max(height, width))
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    small = np.asarray(picture.convert("RGB").resize(size, Image.Resampling.BOX), dtype=float)
    levels = np.rint(small / 255 * (LEVELS - 1))
    lines = []
    for row in levels:
        runs, start = [], 0
        for col in range(1, len(row) + 1):
            if col == len(row) or not np.array_equal(row[col], row[start]):
                runs.append(
                    f'<span style="color:{_colour(row[start])}">{BLOCK * (col - start)}</span>'
                )
                start = col
        lines.append("".join(runs))
    return "<br>".join(lines)


def add_image_hover(fig: go.Figure, ctx: ExploreContext) -> go.Figure:
    """Add the thumbnail of each point's image to its hover; points are found by customdata[0].

    Works on any figure whose traces carry the test-set row in customdata[0]
    (what `embedding_figure` does). Leaves the figure alone when there are too
    many points or no images.
    """
    if ctx.dataset is None or ctx.results is None:
        return fig
    side = hover_side(len(ctx.results.y_true))
    if side == 0:
        return fig
    images = ctx.dataset.data.images
    test_index = ctx.results.test_index
    art: dict[int, str] = {}
    for trace in fig.data:
        if trace.customdata is None or not trace.hovertemplate:
            continue
        rows = [int(item[0]) for item in trace.customdata]
        for row in rows:
            if row not in art:
                art[row] = block_art(images[test_index[row]], side)
        trace.text = [art[row] for row in rows]
        trace.hovertemplate = trace.hovertemplate.replace(
            "<extra></extra>", "<br>%{text}<extra></extra>"
        )
    fig.update_layout(
        hoverlabel={"bgcolor": "white", "font": {"family": "DejaVu Sans Mono, monospace"}}
    )
    return fig

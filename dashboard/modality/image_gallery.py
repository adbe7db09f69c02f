"""Galleries of test images with what the model made of them.

Used wherever a set of test samples is shown for an image run (a confusion-matrix
cell, the misclassified samples, a lasso selection on the UMAP), and the
thumbnails by the Data page's image summary.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
import streamlit as st
from PIL import Image

if TYPE_CHECKING:
    from dashboard.explore.context import ExploreContext

THUMB_PX = 72
PER_PAGE = 48


def thumbnail(image: np.ndarray, size: int = THUMB_PX) -> np.ndarray:
    """uint8 (size, size[, 3]) for st.image: small images enlarged with crisp pixels.

    The browser would blur an 8×8 digit shown at 72 px; enlarging it here with
    nearest-neighbour keeps every pixel a visible square.
    """
    image = np.asarray(image)
    if image.ndim == 3 and image.shape[-1] == 1:
        image = image[..., 0]
    height, width = image.shape[:2]
    scale = size / max(height, width)
    target = (max(1, round(width * scale)), max(1, round(height * scale)))
    resample = Image.Resampling.NEAREST if scale >= 1 else Image.Resampling.LANCZOS
    return np.asarray(Image.fromarray(image).resize(target, resample))


def caption(ctx: ExploreContext, test_row: int) -> str:
    """'#12 ✓ cat 97%' or '#40 ✗ dog → cat 61%': index, verdict, classes, confidence."""
    results = ctx.results
    names = results.class_names
    true, pred = int(results.y_true[test_row]), int(results.y_pred[test_row])
    confidence = "" if results.proba is None else f" {results.proba[test_row].max():.0%}"
    if true == pred:
        return f"#{test_row} ✓ {names[true]}{confidence}"
    return f"#{test_row} ✗ {names[true]} → {names[pred]}{confidence}"


def render_gallery(ctx: ExploreContext, test_rows: np.ndarray, key: str) -> None:
    """Thumbnails of the given test rows (positions in the test set), a page at a time."""
    test_rows = np.asarray(test_rows, dtype=int)
    if ctx.dataset is None or ctx.results is None or len(test_rows) == 0:
        st.caption("No images to show.")
        return
    pages = math.ceil(len(test_rows) / PER_PAGE)
    page, page_key = 1, f"{key}_page_{ctx.run.id}"
    if pages > 1:
        if st.session_state.get(page_key, 1) > pages:  # the set shrank since the last look
            st.session_state[page_key] = pages
        page = int(
            st.number_input(
                f"Page (of {pages}, {PER_PAGE} images each)",
                min_value=1,
                max_value=pages,
                step=1,
                key=page_key,
            )
        )
    shown = test_rows[(page - 1) * PER_PAGE : page * PER_PAGE]
    images = ctx.dataset.data.images[ctx.results.test_index[shown]]
    st.image(
        [thumbnail(image) for image in images],
        caption=[caption(ctx, int(row)) for row in shown],
        width=THUMB_PX + 28,
    )

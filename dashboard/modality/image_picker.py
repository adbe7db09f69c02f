"""Choosing the one image the probing views look at: a test image, or one uploaded on the spot.

Every image tab shows its own picker (a tab cannot draw outside itself), but they
share one choice per run: changing it in one tab changes it in the others, so
Grad-CAM and the activation maps always talk about the same picture.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import streamlit as st

from dashboard.modality.base import PickedSample
from dashboard.modality.image_gallery import thumbnail
from dashboard.plain_text import md

if TYPE_CHECKING:
    from dashboard.explore.context import ExploreContext

TEST, UPLOAD = "Test image", "Upload an image"
ALL, WRONG = "All test images", "Misclassified"


def image_shape(ctx: ExploreContext) -> tuple[int, int, int]:
    shape = ctx.results.meta.get("image_shape")
    if shape:
        return tuple(int(v) for v in shape)
    return tuple(int(v) for v in ctx.dataset.data.images.shape[1:])


def _shared(ctx: ExploreContext) -> dict:
    return st.session_state.setdefault(
        f"image_pick_{ctx.run.id}", {"source": TEST, "subset": ALL, "position": 0}
    )


def _synced(ctx: ExploreContext, view: str, field: str, allowed=None) -> str:
    """This view's widget key for a shared field, primed with the shared value."""
    shared, key = _shared(ctx), f"{view}_{field}_{ctx.run.id}"
    value = shared[field]
    if allowed is not None and value not in allowed:
        value = shared[field] = allowed[0]
    st.session_state[key] = value
    return key


def _store(ctx: ExploreContext, field: str, key: str) -> None:
    _shared(ctx)[field] = st.session_state[key]


def _subsets(ctx: ExploreContext) -> dict[str, np.ndarray]:
    results = ctx.results
    subsets = {ALL: np.arange(len(results.y_true)), WRONG: np.flatnonzero(~results.correct)}
    for index, name in enumerate(results.class_names):
        subsets[f"True class: {name}"] = np.flatnonzero(results.y_true == index)
    return {label: rows for label, rows in subsets.items() if len(rows)}


def _pick_test_image(ctx: ExploreContext, view: str) -> PickedSample | None:
    subsets = _subsets(ctx)
    left, right = st.columns([2, 3])
    key = _synced(ctx, view, "subset", list(subsets))
    subset = left.selectbox(
        "Which test images", list(subsets), key=key, on_change=_store, args=(ctx, "subset", key)
    )
    rows = subsets[subset]
    shared = _shared(ctx)
    shared["position"] = min(int(shared["position"]), len(rows) - 1)
    key = _synced(ctx, view, "position")
    position = right.number_input(
        f"Image number in this set (0 … {len(rows) - 1:,})",
        min_value=0,
        max_value=len(rows) - 1,
        step=1,
        key=key,
        on_change=_store,
        args=(ctx, "position", key),
        help="The caption under the image shows its number in the whole test set.",
    )
    row = int(rows[int(position)])
    image = ctx.dataset.data.images[ctx.results.test_index[row]]
    names = ctx.results.class_names
    return PickedSample(image, f"test image #{row} (true: {names[ctx.results.y_true[row]]})", row)


def _decode_upload(ctx: ExploreContext, upload) -> np.ndarray | None:
    """The upload normalised exactly like the run's data: same size and channels."""
    from data.images import ImageDecodeError, decode_image

    height, width, channels = image_shape(ctx)
    try:
        image = decode_image(upload.getvalue(), height, channels)
    except ImageDecodeError as error:
        st.error(f"Could not read **{md(upload.name)}**: {md(error.reason)}")
        return None
    if width != height:
        from PIL import Image

        resized = Image.fromarray(image.squeeze()).resize((width, height))
        image = np.asarray(resized).reshape(height, width, channels)
    return image


def _pick_upload(ctx: ExploreContext, view: str) -> PickedSample | None:
    shared = _shared(ctx)
    upload = st.file_uploader(
        "An image of your own (PNG, JPEG, BMP, WebP, GIF)",
        type=["png", "jpg", "jpeg", "bmp", "webp", "gif"],
        key=f"{view}_upload_{ctx.run.id}",
    )
    if upload is not None and upload.file_id != shared.get("upload_id"):
        image = _decode_upload(ctx, upload)
        if image is None:
            return None
        shared.update(upload_id=upload.file_id, upload_name=upload.name, upload=image)
    if "upload" not in shared:
        st.caption("Upload an image to see what the model makes of it.")
        return None
    height, width, channels = image_shape(ctx)
    label = f"uploaded {shared['upload_name']} (resized to {height}×{width}×{channels})"
    return PickedSample(shared["upload"], label)


def pick_image(ctx: ExploreContext, view: str) -> PickedSample | None:
    """The picker widgets (keys unique per view and run); None until there is an image."""
    sources = [TEST, UPLOAD] if ctx.dataset is not None else [UPLOAD]
    key = _synced(ctx, view, "source", sources)
    source = st.radio(
        "Image", sources, horizontal=True, key=key, on_change=_store, args=(ctx, "source", key)
    )
    if source == TEST:
        return _pick_test_image(ctx, view)
    return _pick_upload(ctx, view)


def show_picked(picked: PickedSample, size: int = 160) -> None:
    """The picked image (uint8, the run's own shape) with its name."""
    st.image(thumbnail(picked.value, size), caption=picked.label, width=size)

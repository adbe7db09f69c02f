"""The summary of an image set: size, class counts, a few examples of each class."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from dashboard.chosen_dataset import Choice, offer
from dashboard.figures.classification import class_balance_figure
from dashboard.modality.image_gallery import thumbnail
from dashboard.plain_text import md, md_list
from data.dataset import Dataset

PER_CLASS = 8
MAX_CLASS_ROWS = 12  # more classes than this: pick which to look at
FEW_IMAGES = 10


def describe(images: np.ndarray, n_classes: int) -> str:
    n, height, width, channels = images.shape
    colour = "colour" if channels == 3 else "greyscale"
    return f"{n:,} images, {height}×{width} px {colour}, {n_classes} classes"


def render_images(dataset: Dataset) -> None:
    """Counts per class, a small gallery per class, and the button that picks the set."""
    from data.images import gallery_indices

    data = dataset.data
    counts = pd.Series(data.labels).astype(str).value_counts()
    st.markdown(f"**{md(dataset.name)}** — {describe(data.images, len(counts))}")
    small = counts[counts < FEW_IMAGES]
    if len(small):
        st.warning(
            f"{len(small)} class(es) have fewer than {FEW_IMAGES} images "
            f"({md_list(small.index[:8], quote='')}): expect shaky results for them; add images if you can."
        )
    st.plotly_chart(class_balance_figure(counts), key=f"image_balance_{dataset.ref}")
    picks = gallery_indices(data.labels, per_class=PER_CLASS)
    shown = list(picks)
    if len(shown) > MAX_CLASS_ROWS:
        shown = st.multiselect(
            "Classes to show examples of",
            list(picks),
            default=list(picks)[:MAX_CLASS_ROWS],
            key=f"image_gallery_classes_{dataset.ref}",
        )
    st.markdown("**Examples per class**")
    for name in shown:
        st.caption(f"{md(name)} — {counts[name]:,} images")
        st.image([thumbnail(data.images[i], 56) for i in picks[name]], width=56)
    offer(Choice(dataset.ref, dataset.name, "image"), key="use_image_dataset")

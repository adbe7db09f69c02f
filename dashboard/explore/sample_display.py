"""Shows a set of test samples the way their modality reads best."""

from __future__ import annotations

import numpy as np
import streamlit as st

from dashboard.explore.context import ExploreContext


def show_samples(ctx: ExploreContext, test_rows: np.ndarray, key: str, limit: int = 500) -> None:
    """Rows of a table, texts, or a gallery of images; `test_rows` index the test set."""
    if len(test_rows) == 0:
        st.caption("No samples here.")
        return
    if len(test_rows) > limit:
        st.caption(f"Showing the first {limit:,} of {len(test_rows):,}.")
        test_rows = test_rows[:limit]
    if ctx.dataset is not None and ctx.dataset.kind == "image":
        from dashboard.explore.image_gallery import render_gallery

        render_gallery(ctx, test_rows, key=key)
        return
    st.dataframe(ctx.sample_table(test_rows), hide_index=True, key=key)

"""Shows a set of test samples the way their kind of data reads best (a table, a gallery)."""

from __future__ import annotations

import numpy as np
import streamlit as st

from dashboard.explore.context import ExploreContext


def show_samples(ctx: ExploreContext, test_rows: np.ndarray, key: str, limit: int = 500) -> None:
    """At most `limit` samples, drawn by the run's modality adapter.

    `test_rows` are positions in the test set.
    """
    if len(test_rows) == 0:
        st.caption("No samples here.")
        return
    if len(test_rows) > limit:
        st.caption(f"Showing the first {limit:,} of {len(test_rows):,}.")
        test_rows = test_rows[:limit]
    ctx.modality.show_samples(ctx, test_rows, key=key)

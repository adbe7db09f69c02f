"""A box or lasso on the embedding, turned into samples, a small confusion matrix and a CSV.

The turning (event → rows → table → CSV) is pure, so tests check it without a
mouse; `render_selection` only lays it out.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from dashboard.explore.context import ExploreContext
from dashboard.views.confusion_links import confusion_counts


def selected_rows(event: Any) -> np.ndarray:
    """Sorted test rows of the selected points (each point's customdata[0] is its row)."""
    if not event:
        return np.array([], dtype=int)
    selection = event.get("selection", {}) if hasattr(event, "get") else {}
    picked = set()
    for point in selection.get("points", []) or []:
        data = point.get("customdata")
        if data is None:
            continue
        first = data[0] if isinstance(data, (list, tuple)) else data
        try:
            picked.add(int(first))
        except (TypeError, ValueError):
            continue
    return np.array(sorted(picked), dtype=int)


def selection_table(ctx: ExploreContext, rows: np.ndarray) -> pd.DataFrame:
    """The selected samples with label, prediction and confidence; least confident first.

    Least confident first puts the samples a person most wants to look at (the
    doubtful ones) at the top of a big selection.
    """
    table = ctx.sample_table(np.asarray(rows, dtype=int))
    if "confidence" in table:
        table = table.sort_values("confidence", kind="stable").reset_index(drop=True)
    return table


def table_csv(table: pd.DataFrame) -> bytes:
    return table.to_csv(index=False).encode("utf-8")


def selection_cells(ctx: ExploreContext, rows: np.ndarray) -> pd.DataFrame:
    """Where the selected points sit in the confusion matrix: true × predicted counts."""
    results = ctx.results
    counts = confusion_counts(results.y_true[rows], results.y_pred[rows], len(results.class_names))
    names = pd.Index(results.class_names)
    return pd.DataFrame(counts, index=names.rename("true ↓ / predicted →"), columns=names)


def _verdict(ctx: ExploreContext, rows: np.ndarray) -> str:
    results = ctx.results
    if not ctx.classification:
        error = np.abs(results.y_true[rows] - results.y_pred[rows]).mean()
        return f"mean absolute error {error:.4g}"
    wrong = int((~results.correct[rows]).sum())
    return f"{wrong:,} misclassified ({wrong / len(rows):.0%})"


def render_selection(ctx: ExploreContext, rows: np.ndarray, key: str) -> None:
    """The selected samples, where they fall in the confusion matrix, and a CSV of them."""
    from dashboard.explore.sample_display import show_samples

    run_id = ctx.run.id
    st.markdown(f"**{len(rows):,} selected samples** — {_verdict(ctx, rows)}")
    table = selection_table(ctx, rows)
    st.download_button(
        "Download the selection as CSV",
        table_csv(table),
        file_name=f"{run_id}-selection.csv",
        mime="text/csv",
        key=f"{key}_csv_{run_id}",
    )
    if ctx.classification:
        cells = selection_cells(ctx, rows)
        nonzero = cells.loc[cells.sum(axis=1) > 0, cells.sum(axis=0) > 0]
        st.caption("Where the selection falls in the confusion matrix (true × predicted):")
        st.dataframe(nonzero, key=f"{key}_cells_{run_id}")
    show_samples(ctx, table["test row"].to_numpy(), key=f"{key}_samples_{run_id}")

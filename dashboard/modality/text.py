"""Texts: a sample is one text; tables show it in a "text" column, pickers by a snippet."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import streamlit as st

from dashboard.modality.base import Modality, PickedSample

if TYPE_CHECKING:
    import pandas as pd

    from dashboard.explore.context import ExploreContext
    from data.dataset import Dataset, TextData

TEXT_LENGTH = "text length (characters)"
MAX_EXAMPLES = 1000  # test texts listed in the picker
SNIPPET_CHARS = 70


def snippet(text: str) -> str:
    """The text on one line, cut to SNIPPET_CHARS with an ellipsis."""
    flat = " ".join(str(text).split())
    return flat if len(flat) <= SNIPPET_CHARS else flat[: SNIPPET_CHARS - 1] + "…"


class TextModality(Modality):
    kind = "text"

    def render_summary(self, dataset: Dataset) -> None:
        from dashboard.data_page.text_summary import render_text

        render_text(dataset)

    def sample_values(self, data: TextData, dataset_rows: np.ndarray) -> pd.DataFrame:
        import pandas as pd

        return pd.DataFrame({"text": data.texts[dataset_rows]})

    def colour_columns(self, data: TextData) -> list[str]:
        return [TEXT_LENGTH]

    def column_values(self, data: TextData, name: str, dataset_rows: np.ndarray) -> pd.Series:
        import pandas as pd

        if name != TEXT_LENGTH:
            raise KeyError(name)
        return pd.Series(pd.Series(data.texts[dataset_rows]).str.len().to_numpy())

    def pick_sample(self, ctx: ExploreContext, key: str) -> PickedSample | None:
        """A test text, from all of them or only the misclassified ones."""
        if ctx.dataset is None:
            st.info("This run's dataset is no longer there, so it has no test texts to pick.")
            return None
        results, names = ctx.results, ctx.results.class_names
        wrong = np.flatnonzero(~results.correct)
        only_wrong = st.toggle(
            f"Only misclassified ({len(wrong):,})",
            key=f"{key}_wrong_{ctx.run.id}",
            disabled=len(wrong) == 0,
        )
        rows = wrong if only_wrong and len(wrong) else np.arange(len(results.y_true))
        if len(rows) > MAX_EXAMPLES:
            st.caption(f"Listing the first {MAX_EXAMPLES:,} of {len(rows):,} test texts.")
            rows = rows[:MAX_EXAMPLES]
        texts = ctx.dataset.data.texts

        def describe(row: int) -> str:
            true, pred = names[results.y_true[row]], names[results.y_pred[row]]
            mark = "✓" if true == pred else f"✗ {true} →"
            return f"#{row} · {mark} {pred} · {snippet(texts[results.test_index[row]])}"

        row = int(
            st.selectbox(
                "Test example", rows.tolist(), format_func=describe, key=f"{key}_row_{ctx.run.id}"
            )
        )
        return PickedSample(str(texts[results.test_index[row]]), f"test text #{row}", row)

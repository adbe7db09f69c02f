"""The interface every kind of data (tables, images, texts) offers the pages and views.

Pages and views ask a dataset's or run's adapter instead of testing its kind, so a
new kind of data is one adapter module, not a branch in every file that shows a
sample. The defaults here are what any data can do: list its samples as a table.

Nothing heavy is imported at module level: the Data page imports the adapters on
its first render, which must not load pandas.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import streamlit as st

from dashboard.plain_text import md

if TYPE_CHECKING:
    import pandas as pd
    import plotly.graph_objects as go

    from dashboard.explore.context import ExploreContext
    from data.dataset import Data, Dataset


@dataclass(frozen=True)
class PickedSample:
    """One sample chosen for a probing view, in the form the run's model reads."""

    value: Any  # an image (uint8 H×W×C) or a text
    label: str  # how the sample is named on screen
    test_row: int | None = None  # position in the test set; None for one made on the spot

    @property
    def is_new(self) -> bool:
        return self.test_row is None


class Modality:
    """What differs per kind of data. Subclasses override what their data does differently."""

    kind: str | None = None  # "tabular", "image", "text"; None when the data is unknown

    def render_summary(self, dataset: Dataset) -> None:
        """The Data page's look at a loaded dataset, ending with its "use this dataset" button."""
        st.info(f"There is no summary for '{md(dataset.name)}' yet.")

    def sample_values(self, data: Data, dataset_rows: np.ndarray) -> pd.DataFrame:
        """The samples themselves as table columns; no columns when a table cannot show them."""
        import pandas as pd

        return pd.DataFrame(index=range(len(dataset_rows)))

    def colour_columns(self, data: Data) -> list[str]:
        """Names of the sample values the embedding can be coloured by."""
        return []

    def column_values(self, data: Data, name: str, dataset_rows: np.ndarray) -> pd.Series:
        """One of `colour_columns` for the given samples, in their order."""
        raise KeyError(name)

    def show_samples(self, ctx: ExploreContext, test_rows: np.ndarray, key: str) -> None:
        """Draw a set of test samples (positions in the test set) the way this data reads best."""
        st.dataframe(ctx.sample_table(test_rows), hide_index=True, key=key)

    def with_hover_pictures(self, figure: go.Figure, ctx: ExploreContext) -> go.Figure:
        """The embedding figure with the samples themselves added to its hover, if they fit."""
        return figure

    def pick_sample(self, ctx: ExploreContext, key: str) -> PickedSample | None:
        """The picker of the one sample a probing view looks at; None until one is chosen."""
        st.info("Samples of this kind of data cannot be picked one by one yet.")
        return None

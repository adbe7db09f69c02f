"""Tables: a sample is a row; its columns are what a table, a hover or a colour shows."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from dashboard.modality.base import Modality

if TYPE_CHECKING:
    import pandas as pd

    from data.dataset import Dataset, TabularData

MAX_CATEGORIES = 30  # a text column with more distinct values is not a useful colour


class TabularModality(Modality):
    kind = "tabular"

    def render_summary(self, dataset: Dataset) -> None:
        from dashboard.data_page.tabular_summary import render_tabular

        render_tabular(dataset)

    def sample_values(self, data: TabularData, dataset_rows: np.ndarray) -> pd.DataFrame:
        frame = data.frame.drop(columns=[data.target]).iloc[dataset_rows]
        return frame.reset_index(drop=True)

    def colour_columns(self, data: TabularData) -> list[str]:
        """Columns that make a readable colour: numbers, or few categories."""
        import pandas as pd

        frame = data.frame.drop(columns=[data.target])
        columns = []
        for name in frame.columns:
            series = frame[name]
            numeric = pd.api.types.is_numeric_dtype(series.dtype)
            if numeric or series.nunique(dropna=True) <= MAX_CATEGORIES:
                columns.append(str(name))
        return columns

    def column_values(self, data: TabularData, name: str, dataset_rows: np.ndarray) -> pd.Series:
        frame = data.frame.drop(columns=[data.target])
        matches = [column for column in frame.columns if str(column) == name]
        if not matches:
            raise KeyError(name)
        return frame[matches[0]].iloc[dataset_rows].reset_index(drop=True)

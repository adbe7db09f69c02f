"""A streamed table's fitted transform, saved where an in-memory run saves its preprocessor.

Explore's "Try a row", "Score a CSV", contributions and importance all read
`preprocessor.joblib` as a fitted ColumnTransformer: its input columns
(`feature_names_in_`), `transform(frame)`, and which outputs each step made
(`transformers_`, `output_indices_`, read by models.tabular.columns). This wrapper
answers the same questions from data.bigtable's TableTransform, so those views work
on a run trained from a table on disk without knowing how it was prepared. Plain data
and numpy: it unpickles without TensorFlow.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa

from data.bigtable.transform import TableTransform
from data.tabular_prep import DATE_PARTS

if TYPE_CHECKING:
    import pandas as pd

ROLES = ("numeric", "boolean", "datetime", "categorical")


class StreamPreprocessor:
    """`transform(frame)` turns raw rows into the model's inputs, as training did."""

    def __init__(self, table_transform: TableTransform) -> None:
        self.table_transform = table_transform
        stats = table_transform.stats
        used = set(stats.feature_columns)  # in the file's order, as a ColumnTransformer has them
        self.feature_names_in_ = np.asarray(
            [c for c in stats.schema.names if c in used], dtype=object
        )
        self.transformers_ = [(role, None, list(stats.roles.get(role, []))) for role in ROLES]
        self.output_indices_ = _output_spans(table_transform)

    def get_feature_names_out(self) -> np.ndarray:
        return np.asarray(self.table_transform.feature_names, dtype=object)

    def transform(self, frame: pd.DataFrame) -> np.ndarray:
        columns = list(self.feature_names_in_)
        batch = pa.RecordBatch.from_pandas(frame[columns], preserve_index=False)
        return self.table_transform.features(batch)


def _output_spans(table_transform: TableTransform) -> dict[str, slice]:
    """Which outputs each role makes, in TableTransform's order (the ColumnTransformer's)."""
    stats = table_transform.stats
    widths = {
        "numeric": len(stats.numeric) + len(stats.indicators),
        "boolean": len(stats.boolean),
        "datetime": sum(
            len(DATE_PARTS) + (column in stats.hour_columns) for column in stats.datetime
        ),
        "categorical": sum(
            len(vocab.levels) + int(vocab.other) for vocab in stats.categorical.values()
        ),
    }
    spans, start = {}, 0
    for role in ROLES:
        spans[role] = slice(start, start + widths[role])
        start += widths[role]
    return spans

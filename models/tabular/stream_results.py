"""A streamed run's results as Explore reads them: exact counts, and its sample of test rows.

A run trained on a table on disk (models.tabular.stream_training) saves predictions and
features for a fixed random sample of test rows, like an in-memory run saves them for all
of its test rows, and the raw values of those rows in TEST_ROWS. Explore then works on
that sample as it would on a small table: the dataset it gets is the sample (row i of the
sample is test row i), so no view reads the big table, and the run still explores after the
file moved. Metrics and the confusion matrix come from meta.json's exact tallies over every
test row, never from the sample.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from data.dataset import Dataset, TabularData

if TYPE_CHECKING:
    from data.bigtable.stats import TableStats
    from data.bigtable.streamed import StreamedTable
    from models.artifacts import RunResults

TEST_ROWS = "test_rows.parquet"


def save_test_rows(
    table: StreamedTable, stats: TableStats, rows: np.ndarray, run_dir: Path
) -> None:
    """The raw values of the sampled test rows (by row number in the table), read in one
    pass with data.bigtable.reader.rows_at."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from data.bigtable.preview import reading_source
    from data.bigtable.reader import TableReader, rows_at

    reader = TableReader(reading_source(table.source, stats.copy), table.bad_lines, stats.schema)
    found = rows_at(reader, rows) if len(rows) else reader.schema.empty_table()
    plain = [
        pa.field(f.name, f.type.value_type if pa.types.is_dictionary(f.type) else f.type)
        for f in found.schema
    ]
    found = found.cast(pa.schema(plain))
    target = Path(run_dir) / TEST_ROWS
    partial = target.with_name(target.name + ".tmp")
    pq.write_table(found, partial)
    os.replace(partial, target)


def sample_dataset(run_dir: Path, ref: str) -> Dataset | None:
    """The run's sample of test rows as a small table, or None for a run not streamed."""
    run_dir = Path(run_dir)
    path, meta_path = run_dir / TEST_ROWS, run_dir / "meta.json"
    if not path.exists() or not meta_path.exists():
        return None
    streamed = json.loads(meta_path.read_text()).get("streamed")
    if not streamed:
        return None
    import pandas as pd

    frame = pd.read_parquet(path)
    description = (
        f"A fixed random sample of {len(frame):,} of the {streamed['test_rows']:,} test rows of "
        f"{streamed['table']}, saved with the run."
    )
    data = TabularData(frame=frame, target=streamed["target"])
    return Dataset(ref, streamed["table"], data, description)


def table_rows(results: RunResults) -> np.ndarray:
    """Each saved test row's row number in the dataset: for a streamed run, in the table on
    disk (its saved rows are numbered 0..n-1 as the sample)."""
    sampled = results.meta.get("streamed", {}).get("sample_rows")
    return results.test_index if sampled is None else np.asarray(sampled, np.int64)


def sample_caption(results: RunResults) -> str | None:
    """What a streamed run's counts and listed rows each cover; None for other runs."""
    streamed = results.meta.get("streamed")
    if not streamed:
        return None
    return (
        f"Counts over all {streamed['test_rows']:,} test rows of {streamed['table']}; the rows "
        f"listed come from a fixed random sample of {len(results.y_true):,} of them."
    )


def exact_confusion(results: RunResults) -> np.ndarray:
    """True × predicted counts over every test row (a streamed run's tally), else from the
    saved predictions."""
    counted = results.meta.get("streamed", {}).get("confusion")
    if counted is not None:
        return np.asarray(counted, np.int64)
    from models.metrics import confusion

    return confusion(results.y_true, results.y_pred, len(results.class_names))


def exact_scores(results: RunResults) -> tuple[dict[str, float], dict[str, float]]:
    """(metrics, baseline) over every test row: a streamed run's tallies, else the saved
    predictions (models.metrics.summary and baseline_summary)."""
    from models.metrics import baseline_summary, summary

    counted = results.meta.get("test_metrics")
    if counted:
        confusion = results.meta.get("streamed", {}).get("confusion")
        if confusion is not None:
            from models.tabular.stream_metrics import baseline_from_counts

            return dict(counted), baseline_from_counts(np.asarray(confusion).sum(axis=1))
        return dict(counted), baseline_summary(results.task, results.y_true)
    scores = summary(results.task, results.y_true, results.y_pred, results.proba)
    return scores, baseline_summary(results.task, results.y_true, len(results.class_names))


def per_class_report(results: RunResults):
    """Precision, recall, F1 and support per class, from exact_confusion."""
    import pandas as pd

    from models.tabular.stream_metrics import per_class

    precision, recall, f1, support = per_class(exact_confusion(results))
    return pd.DataFrame(
        {"precision": precision, "recall": recall, "f1": f1, "support": support},
        index=pd.Index(results.class_names, name="class"),
    )

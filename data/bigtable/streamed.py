"""A big table as a dataset: what `load_dataset("path:...")` returns, and its preparation.

Loading a streamed table reads nothing but the folder listing; the rows are read by the
passes that need them. `prepare_stream` is the one call a trainer makes: the profile
(cached), the training statistics (cached per target, split and task) and the fitted
transform, with one progress hook over both passes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from data.bigtable.cache import cached
from data.bigtable.preview import profile
from data.bigtable.reader import BadLines
from data.bigtable.rowkeys import SplitPlan
from data.bigtable.sources import TableSource
from data.bigtable.stats import table_stats
from data.bigtable.transform import TableTransform
from data.dataset import Kind

Progress = Callable[[float], None]


@dataclass(frozen=True)
class StreamedTable:
    """A table read from disk batch by batch; `target` is the column to predict."""

    source: TableSource
    target: str
    bad_lines: BadLines = "fail"
    key_column: str | None = None
    workspace: Path | None = None  # where profiles, statistics and CSV copies are cached
    kind: Kind = field(default="tabular", init=False)
    streamed: bool = field(default=True, init=False)


def prepare_stream(
    table: StreamedTable,
    workspace: Path,
    split: SplitPlan,
    task: str | None = None,
    progress: Progress | None = None,
) -> TableTransform:
    """Profile, statistics and transform, each pass computed once per version of the files."""
    report = progress or (lambda fraction: None)
    table_profile = profile(table.source, workspace, table.bad_lines, lambda f: report(0.5 * f))
    params = {
        "target": table.target,
        "split": [split.test, split.validation, split.seed, split.key_column],
        "task": task,
        "bad_lines": table.bad_lines,
    }
    stats = cached(
        workspace,
        table.source,
        "stats",
        params,
        lambda: table_stats(
            table.source,
            table_profile,
            table.target,
            split,
            task,
            table.bad_lines,
            lambda f: report(0.5 + 0.5 * f),
        ),
    )
    report(1.0)
    return TableTransform(stats)

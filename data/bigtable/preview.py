"""What a big table holds, shown before anything is loaded into memory.

Two steps, because a person should see the columns at once but an exact count of a 5 GB
CSV takes a full read: `quick_look` reads only the first rows (and Parquet's footers,
which hold the row count), `profile` streams the whole table once with a progress hook
and counts rows, gaps and the values of every column with few distinct values, so the
class balance of whichever target is chosen later is already known. It also keeps a
uniform random sample of rows (the same rows every time), from which column types and
roles are inferred with the same code as the in-memory path, and writes a CSV's rows to a
Parquet copy that every later pass reads instead (faster to decode, and its row groups can
be read in any order). All of it is kept in the workspace by the table's identity.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from data.bigtable.cache import cached, entry_path
from data.bigtable.convert import label_texts
from data.bigtable.reader import BadLines, ColumnTypeError, TableReader
from data.bigtable.rowkeys import BottomK, unit_hash
from data.bigtable.sources import TableSource, copy_source
from data.dataset import DatasetError

HEAD_ROWS = 1000
SAMPLE_ROWS = 10_000  # the uniform sample that column roles are inferred from
COUNTED_VALUES = 200  # a column with more distinct values gets no value counts
SAMPLE_SEED = 7_919  # not a split seed, so the sample is independent of the splits
MAX_RETYPES = 20  # passes restarted because a CSV column changed kind deep in the file
Progress = Callable[[float], None]  # fraction done, 0..1


@dataclass(frozen=True)
class QuickLook:
    """The columns and first rows; the row count when the files store it (Parquet)."""

    name: str
    format: str
    files: int
    bytes: int
    schema: pa.Schema
    head: pa.Table
    rows: int | None


@dataclass(frozen=True)
class TableProfile:
    """One full pass: exact counts, gaps per column, value counts, a random sample."""

    rows: int
    schema: pa.Schema
    missing: dict[str, int]
    value_counts: dict[str, dict[str, int] | None]  # None: too many distinct values
    sample: pa.Table  # SAMPLE_ROWS rows chosen by a fixed hash of the row number
    skipped_lines: int = 0
    skipped_examples: list[int] = field(default_factory=list)
    missing_columns: dict[str, list[str]] = field(default_factory=dict)
    retyped: dict[str, str] = field(default_factory=dict)  # column -> what was found
    copy: str | None = None  # a CSV's Parquet copy, read by every later pass

    def class_balance(self, target: str) -> dict[str, int] | None:
        """Rows per value of the target, commonest first; None if it has too many values."""
        counts = self.value_counts.get(target)
        if counts is None:
            return None
        return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))

    def notes(self) -> list[str]:
        notes = []
        if self.skipped_lines:
            shown = ", ".join(map(str, self.skipped_examples[:5]))
            notes.append(
                f"Skipped {self.skipped_lines:,} line(s) whose number of fields differs from "
                f"the header (first at line {shown})."
            )
        for column, found in self.retyped.items():
            notes.append(
                f"Column {column!r} changes kind of value deep in the file ({found} throughout)."
            )
        for column, files in self.missing_columns.items():
            notes.append(
                f"Column {column!r} is missing from {len(files)} file(s) (such as "
                f"{files[0]!r}); its values there count as gaps."
            )
        if self.copy:
            size = Path(self.copy).stat().st_size if Path(self.copy).exists() else 0
            notes.append(
                f"A Parquet copy of the CSV ({size / 1e6:,.0f} MB) is kept in the workspace: "
                "later passes read it faster, and training reads its parts in a random order."
            )
        if len(self.sample) < self.rows:
            notes.append(
                f"Column types and roles are judged on a random sample of {len(self.sample):,} "
                f"of the {self.rows:,} rows."
            )
        return notes


def quick_look(source: TableSource, bad_lines: BadLines = "skip") -> QuickLook:
    """Only what the start of the table and the Parquet footers tell: fast at any size."""
    reader = TableReader(source, bad_lines)
    batches, rows = [], 0
    for batch in reader.batches(ahead=False):
        batches.append(batch)
        rows += batch.num_rows
        if rows >= HEAD_ROWS:
            break
    head = reader.schema.empty_table()
    if batches:
        head = pa.Table.from_batches(batches).slice(0, HEAD_ROWS).cast(reader.schema)
    return QuickLook(
        name=source.name,
        format=source.format,
        files=len(source.files),
        bytes=source.size,
        schema=reader.schema,
        head=head,
        rows=reader.stored_rows(),
    )


def profile(
    source: TableSource,
    workspace: Path,
    bad_lines: BadLines = "fail",
    progress: Progress | None = None,
) -> TableProfile:
    """The full pass, computed once per version of the files (cached in the workspace)."""
    params = {"bad_lines": bad_lines, "sample": SAMPLE_ROWS, "counted": COUNTED_VALUES}
    copy = None
    if source.format == "csv":
        copy = entry_path(workspace, source, "copy", params, ".parquet")
    return cached(
        workspace, source, "profile", params, lambda: _profile(source, bad_lines, progress, copy)
    )


def reading_source(source: TableSource, copy: str | None) -> TableSource:
    """The table to read: a CSV's Parquet copy while it exists, else the table itself."""
    if copy and Path(copy).exists():
        return copy_source(source, Path(copy))
    return source


def _profile(
    source: TableSource, bad_lines: BadLines, progress: Progress | None, copy: Path | None
) -> TableProfile:
    """The pass; a CSV column whose guessed type fails deep in the file is widened (whole
    numbers to decimals, anything else to text) and the pass starts again, so the types
    it settles hold for every row, and every later pass reads with them. A CSV is copied
    to Parquet on the way (converting costs little next to parsing it)."""
    types, retyped = None, {}
    for _ in range(MAX_RETYPES):
        reader = TableReader(source, bad_lines, types)
        try:
            found = _one_pass(reader, progress, copy)
        except ColumnTypeError as exc:
            types = _widened(reader.schema, exc.column)
            kind = "decimal numbers" if types.field(exc.column).type == pa.float64() else "text"
            retyped[exc.column] = f"{exc.where}; read as {kind}"
            continue
        return replace(found, retyped=retyped, copy=str(copy) if copy else None)
    raise DatasetError(
        f"The columns of {source.name} keep changing kind of value deep in the file; write "
        "every column with one kind of value (numbers, dates or text)."
    )


def _widened(schema: pa.Schema, column: str) -> pa.Schema:
    index = schema.get_field_index(column)
    kind = schema.field(index).type
    wider = pa.float64() if pa.types.is_integer(kind) else pa.string()
    return schema.set(index, pa.field(column, wider))


def _one_pass(reader: TableReader, progress: Progress | None, copy: Path | None) -> TableProfile:
    with _CopyWriter(copy, reader.schema) as writer:
        found = _gather(reader, progress, writer)
    return found


class _CopyWriter:
    """Writes the batches of a pass to Parquet, kept only if the pass gets to its end."""

    def __init__(self, path: Path | None, schema: pa.Schema) -> None:
        self.path, self.schema, self.writer = path, schema, None
        self.partial = path.with_suffix(f".partial{os.getpid()}") if path else None

    def __enter__(self) -> _CopyWriter:
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.writer = pq.ParquetWriter(self.partial, self.schema)
        return self

    def write(self, batch: pa.RecordBatch) -> None:
        if self.writer is not None:
            self.writer.write_table(pa.Table.from_batches([batch]).cast(self.schema))

    def __exit__(self, kind, value, traceback) -> None:
        if self.writer is None:
            return
        self.writer.close()
        if kind is None:
            os.replace(self.partial, self.path)
        else:
            self.partial.unlink(missing_ok=True)


def _gather(reader: TableReader, progress: Progress | None, writer: _CopyWriter) -> TableProfile:
    names = reader.schema.names
    missing = dict.fromkeys(names, 0)
    counts: dict[str, dict[str, int] | None] = {
        f.name: ({} if _countable(f.type) else None) for f in reader.schema
    }
    sampler = BottomK(SAMPLE_ROWS)
    rows = 0
    on_bytes = (lambda done, total: progress(done / max(total, 1))) if progress else None
    for batch in reader.batches(progress=on_bytes):
        for name, column in zip(names, batch.columns, strict=True):
            missing[name] += column.null_count
            if counts[name] is not None:
                counts[name] = _add_counts(counts[name], column)
        units = unit_hash(np.arange(rows, rows + batch.num_rows, dtype=np.int64), SAMPLE_SEED)
        sampler.offer(batch, units)
        writer.write(batch)
        rows += batch.num_rows
    sample, _ = sampler.result()
    sample = sample.cast(reader.schema) if sample is not None else reader.schema.empty_table()
    return TableProfile(
        rows=rows,
        schema=reader.schema,
        missing=missing,
        value_counts=counts,
        sample=sample,
        skipped_lines=reader.report.skipped_count,
        skipped_examples=list(reader.report.skipped_lines),
        missing_columns=dict(reader.report.missing_columns),
    )


def _countable(kind: pa.DataType) -> bool:
    return not (pa.types.is_temporal(kind) or pa.types.is_null(kind))


def _add_counts(into: dict[str, int], column: pa.Array) -> dict[str, int] | None:
    """Value counts merged into `into`; None once the column has too many distinct values."""
    pairs = pc.value_counts(column.drop_null())
    if len(pairs) > COUNTED_VALUES:
        return None
    values = label_texts(pairs.field("values")).to_pylist()
    for value, count in zip(values, pairs.field("counts").to_pylist(), strict=True):
        into[value] = into.get(value, 0) + count
    return into if len(into) <= COUNTED_VALUES else None

"""Record batches from a table on disk, in file order, with one schema for every file.

Everything that reads a big table (preview, statistics, training, evaluation) goes through
`TableReader.batches`, so all of them see the same columns parsed to the same types. CSV
column types are fixed from the first block of the first file and then imposed on every
block and file: a streaming parser that re-guessed per block could call a column numbers in
one part and text in another. Each file is checked against the size and modification time
it had when the table was opened, before and after every batch, so a file replaced or
deleted mid-read fails the read instead of mixing two versions.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pyarrow as pa
import pyarrow.csv as pcsv
import pyarrow.parquet as pq

from data.bigtable.conform import add_partitions, conform, is_text, with_partitions
from data.bigtable.prefetch import read_ahead
from data.bigtable.sources import DataFile, TableSource
from data.dataset import DatasetError

BadLines = Literal["fail", "skip"]
CSV_BLOCK_BYTES = 4 << 20
PARQUET_BATCH_ROWS = 64 * 1024
_CONVERSION = re.compile(r"In CSV column #(\d+): Row #(\d+): CSV conversion error to (\w+)")
Progress = Callable[[int, int], None]  # (bytes done, bytes in total)


@dataclass(frozen=True)
class RowGroup:
    """A Parquet row group: readable on its own, at a known row number of the table."""

    file: DataFile
    index: int
    first_row: int
    rows: int


class ColumnTypeError(DatasetError):
    """A CSV value deep in the file that the column's type, guessed at the start, can't hold."""

    def __init__(self, message: str, column: str, where: str) -> None:
        super().__init__(message)
        self.column, self.where = column, where


@dataclass
class ReadReport:
    """What a read met on the way; filled while batches are being read."""

    skipped_lines: list[int] = field(default_factory=list)  # line numbers, first few only
    skipped_count: int = 0
    missing_columns: dict[str, list[str]] = field(default_factory=dict)  # column -> files


class TableReader:
    """Reads a `TableSource`; `schema` is the table's columns and types for every file.

    A CSV's types are guessed from its first block unless `csv_types` gives them (the
    profile pass settles them for the whole file; see data.bigtable.preview).
    """

    def __init__(
        self,
        source: TableSource,
        bad_lines: BadLines = "fail",
        csv_types: pa.Schema | None = None,
    ) -> None:
        self.source, self.bad_lines = source, bad_lines
        self.report = ReadReport()
        self._file_schemas: dict[str, pa.Schema] = {}
        self._footers: dict[str, pq.FileMetaData] = {}
        self._bad_line: DatasetError | None = None
        if source.format == "csv":
            self.schema = self._csv_schema(csv_types)
        else:
            self.schema = self._parquet_schema()

    def batches(
        self,
        columns: list[str] | None = None,
        progress: Progress | None = None,
        ahead: bool = True,
    ) -> Iterator[pa.RecordBatch]:
        """The table's rows in order, as record batches holding `columns` (default: all);
        read ahead on a thread unless `ahead` is False (a look at the first rows only)."""
        wanted = list(columns) if columns is not None else self.schema.names
        unknown = [c for c in wanted if c not in self.schema.names]
        if unknown:
            raise DatasetError(
                f"{self.source.name} has no column {unknown[0]!r}; its columns are "
                f"{', '.join(self.schema.names[:30])}."
            )
        target_schema = pa.schema([self.schema.field(c) for c in wanted])
        positioned = self._positioned(target_schema)
        for batch, position in read_ahead(positioned) if ahead else positioned:
            yield batch
            if progress is not None:
                progress(position, self.source.size)

    def _positioned(self, schema: pa.Schema) -> Iterator[tuple[pa.RecordBatch, int]]:
        """Batches of every file and how many bytes of the table lie before each one's end."""
        done = 0
        for data_file in self.source.files:
            _check_unchanged(data_file)
            read = self._csv_file if self.source.format == "csv" else self._parquet_file
            for batch, position in read(data_file, schema):
                _check_unchanged(data_file)
                yield batch, done + min(position, data_file.size)
            done += data_file.size

    def stored_rows(self) -> int | None:
        """Parquet files say how many rows they hold; a CSV has to be read to know."""
        if self.source.format != "parquet":
            return None
        return sum(self._footer(f).num_rows for f in self.source.files)

    # CSV -----------------------------------------------------------------------------------

    def _csv_schema(self, given: pa.Schema | None) -> pa.Schema:
        if given is not None:
            given = pa.schema([f for f in given if f.name not in self.source.partition_columns])
        first = self.source.files[0]
        schema = given or self._csv_header(first, 0)
        fields = [pa.field(f.name, pa.string()) if pa.types.is_null(f.type) else f for f in schema]
        for data_file in self.source.files[0 if given else 1 :]:
            names = self._csv_header(data_file, 64 << 10).names
            if names != schema.names:
                raise DatasetError(
                    f"{_relative(self.source, data_file)!r} has the columns {names[:8]}, but "
                    f"{_relative(self.source, first)!r} has {schema.names[:8]}. Every CSV file "
                    "of one table needs the same header; move the others to their own folder."
                )
        return with_partitions(pa.schema(fields), self.source)

    def _csv_header(self, data_file: DataFile, block: int) -> pa.Schema:
        """Columns and types guessed from the first block (`block` bytes; 0: the usual)."""
        reader = self._open_csv(data_file, None, block)
        self._raw.close()
        return reader.schema

    def _open_csv(
        self, data_file: DataFile, types: pa.Schema | None, block: int = 0
    ) -> pcsv.CSVStreamingReader:
        try:
            self._raw = pa.OSFile(str(data_file.path))
        except OSError as exc:
            raise _unreadable(self.source, data_file, exc) from None
        compression = data_file.compression
        stream = pa.CompressedInputStream(self._raw, compression) if compression else self._raw
        convert = pcsv.ConvertOptions(
            column_types={f.name: f.type for f in types} if types is not None else None,
            include_columns=types.names if types is not None else None,
            strings_can_be_null=True,
            quoted_strings_can_be_null=True,
        )
        block = block or CSV_BLOCK_BYTES
        handler = self._bad_line_handler(data_file) if types is not None else _skip
        parse = pcsv.ParseOptions(invalid_row_handler=handler)
        try:
            return pcsv.open_csv(
                stream,
                read_options=pcsv.ReadOptions(block_size=block, use_threads=False),
                parse_options=parse,
                convert_options=convert,
            )
        except pa.ArrowInvalid as exc:
            raise self._csv_error(data_file, exc) from None
        except (OSError, EOFError) as exc:
            raise _unreadable(self.source, data_file, exc) from None

    def _csv_file(
        self, data_file: DataFile, schema: pa.Schema
    ) -> Iterator[tuple[pa.RecordBatch, int]]:
        """Batches and how far into the file (in bytes on disk) each one ends."""
        own = [f for f in schema if f.name not in data_file.partition]
        reader = self._open_csv(data_file, pa.schema(own))
        raw = self._raw
        try:
            while True:
                try:
                    batch = reader.read_next_batch()
                except StopIteration:
                    return
                except pa.ArrowInvalid as exc:
                    raise self._csv_error(data_file, exc) from None
                except OSError as exc:
                    raise _unreadable(self.source, data_file, exc) from None
                yield add_partitions(batch, data_file, schema), raw.tell()
        finally:
            raw.close()

    def _bad_line_handler(self, data_file: DataFile) -> Callable:
        """Skips and counts a ragged line, or keeps its description for the error.

        The parser may offer the same line twice (once when it cuts blocks), and lines come
        in order, so a number not above the last one seen is a repeat.
        """
        report, last = self.report, [0]

        def handle(row: pcsv.InvalidRow) -> str:
            if row.number is not None and row.number <= last[0]:
                return "skip" if self.bad_lines == "skip" else "error"
            last[0] = row.number or last[0]
            if self.bad_lines == "skip":
                report.skipped_count += 1
                if len(report.skipped_lines) < 10:
                    report.skipped_lines.append(row.number)
                return "skip"
            self._bad_line = DatasetError(
                f"Line {row.number} of {_relative(self.source, data_file)!r} has "
                f"{row.actual_columns} fields where the header has {row.expected_columns} "
                f"(it starts {row.text[:60]!r}). Usually a text value holds the delimiter "
                "without quotes: fix that line, or choose to skip bad lines (they are counted "
                "and reported)."
            )
            return "error"

        return handle

    def _csv_error(self, data_file: DataFile, exc: pa.ArrowInvalid) -> DatasetError:
        text = str(exc)
        if self._bad_line is not None:
            return self._bad_line
        match = _CONVERSION.search(text)
        if match:
            column = self.schema.names[int(match.group(1))]
            value = text.rsplit("invalid value", 1)[-1].strip()
            where = f"line {match.group(2)} of {_relative(self.source, data_file)!r} holds {value}"
            return ColumnTypeError(
                f"Column {column!r} held only {match.group(3)} values in its first rows, but "
                f"{where}. Fix that value in the file, or write the column with one kind of value.",
                column,
                where,
            )
        return DatasetError(
            f"{_relative(self.source, data_file)!r} could not be read as CSV ({text}). "
            "Open it in the program that made it and export it again as CSV UTF-8."
        )

    # Parquet -------------------------------------------------------------------------------

    def _parquet_schema(self) -> pa.Schema:
        """One schema for all files; a column whose types can't be reconciled is refused."""
        schemas: dict[DataFile, pa.Schema] = {}
        for data_file in self.source.files:
            try:
                schemas[data_file] = pq.read_schema(data_file.path)
            except (pa.ArrowInvalid, OSError) as exc:
                raise _unreadable(self.source, data_file, exc) from None
        try:
            unified = pa.unify_schemas(list(schemas.values()), promote_options="permissive")
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            raise self._diverging(schemas) from None
        unified = pa.schema(  # one text type: large strings (as pandas writes them) as strings
            [pa.field(f.name, pa.string()) if is_text(f.type) else f for f in unified]
        )
        for name in unified.names:
            lacking = [_relative(self.source, f) for f, s in schemas.items() if name not in s.names]
            if lacking:
                self.report.missing_columns[name] = lacking
        self._file_schemas = {str(f.path): s for f, s in schemas.items()}
        return with_partitions(unified, self.source)

    def _diverging(self, schemas: dict[DataFile, pa.Schema]) -> DatasetError:
        seen: dict[str, tuple[pa.DataType, DataFile]] = {}
        for data_file, schema in schemas.items():
            for f in schema:
                first = seen.setdefault(f.name, (f.type, data_file))
                if first[0] != f.type:
                    return DatasetError(
                        f"The Parquet files disagree on column {f.name!r}: it is {first[0]} in "
                        f"{_relative(self.source, first[1])!r} but {f.type} in "
                        f"{_relative(self.source, data_file)!r}. Rewrite the files with one type "
                        "for it (for example with one Spark job), or move the odd files out."
                    )
        return DatasetError(f"The Parquet files in {self.source.name!r} have different columns.")

    def _parquet_file(
        self, data_file: DataFile, schema: pa.Schema, row_groups: list[int] | None = None
    ) -> Iterator[tuple[pa.RecordBatch, int]]:
        own = self._file_schemas[str(data_file.path)]
        present = [f.name for f in schema if f.name in own.names]
        texts = [name for name in present if is_text(own.field(name).type)]
        try:
            # pre_buffer (pyarrow's default) fetched every row group's column chunks ahead
            # and held them: a 2 GB file read whole took 2.4 GB and twice the time
            parquet = pq.ParquetFile(
                data_file.path,
                metadata=self._footer(data_file),
                read_dictionary=texts,
                pre_buffer=False,
            )
            rows, done = max(parquet.metadata.num_rows, 1), 0
            batches = parquet.iter_batches(PARQUET_BATCH_ROWS, row_groups, columns=present)
            for batch in batches:
                done += batch.num_rows
                position = data_file.size * done // rows
                yield conform(add_partitions(batch, data_file, schema), schema), position
        except (pa.ArrowInvalid, OSError) as exc:
            raise _unreadable(self.source, data_file, exc) from None

    def _footer(self, data_file: DataFile) -> pq.FileMetaData:
        """A file's footer, parsed once: a training epoch reads row groups one by one, and
        a file of a thousand row groups has a footer of megabytes."""
        key = str(data_file.path)
        if key not in self._footers:
            self._footers[key] = pq.read_metadata(data_file.path)
        return self._footers[key]

    def row_groups(self) -> list[RowGroup]:
        """Every row group of a Parquet table with the number of its first row, in file
        order; a training epoch can read them in any order and still know each row's key."""
        found, first = [], 0
        for data_file in self.source.files:
            metadata = self._footer(data_file)
            for index in range(metadata.num_row_groups):
                rows = metadata.row_group(index).num_rows
                found.append(RowGroup(data_file, index, first, rows))
                first += rows
        return found

    def row_group_batches(self, group: RowGroup, columns: list[str]) -> Iterator[pa.RecordBatch]:
        schema = pa.schema([self.schema.field(c) for c in columns])
        _check_unchanged(group.file)
        for batch, _ in self._parquet_file(group.file, schema, [group.index]):
            _check_unchanged(group.file)
            yield batch


def rows_at(reader: TableReader, rows: np.ndarray, columns: list[str] | None = None) -> pa.Table:
    """The rows at these positions in the table (sorted row numbers), in one pass: how a
    view shows the raw values of a few sampled rows of a table that is never loaded."""
    wanted = np.asarray(rows, dtype=np.int64)
    found, first = [], 0
    for batch in reader.batches(columns):
        last = first + batch.num_rows
        inside = wanted[(wanted >= first) & (wanted < last)]
        if len(inside):
            found.append(batch.take(pa.array(inside - first)))
        first = last
        if first > wanted[-1]:
            break
    schema = pa.schema([reader.schema.field(c) for c in columns or reader.schema.names])
    if not found:
        return schema.empty_table()
    # a CSV's Parquet copy hands text back dictionary-encoded: the table's types are plain
    return pa.Table.from_batches(found).cast(schema)


def _skip(row: pcsv.InvalidRow) -> str:
    """Guessing the types from the first block: its bad lines are reported by the real read."""
    return "skip"


def _check_unchanged(data_file: DataFile) -> None:
    for original in data_file.made_from:
        _check_unchanged(original)
    try:
        info = os.stat(data_file.path)
    except FileNotFoundError:
        raise DatasetError(
            f"{str(data_file.path)!r} was deleted while it was being read. Put the file back "
            "(or choose the table again) and start once more."
        ) from None
    if info.st_size != data_file.size or info.st_mtime_ns != data_file.mtime_ns:
        raise DatasetError(
            f"{str(data_file.path)!r} changed while it was being read (it was {data_file.size:,} "
            f"bytes, now {info.st_size:,}). Wait until whatever writes it has finished, then "
            "choose the table again."
        )


def _unreadable(source: TableSource, data_file: DataFile, exc: Exception) -> DatasetError:
    if isinstance(exc, FileNotFoundError) or not data_file.path.exists():
        _check_unchanged(data_file)
    kind = "Parquet" if source.format == "parquet" else "CSV"
    return DatasetError(
        f"{_relative(source, data_file)!r} could not be read as {kind} ({exc}). It may be "
        "damaged or still being written; write it again, or move it out of the folder."
    )


def _relative(source: TableSource, data_file: DataFile) -> str:
    if data_file.path == source.path:
        return source.name
    return data_file.path.relative_to(source.path).as_posix()

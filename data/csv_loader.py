"""Turn the bytes of an uploaded CSV into a DataFrame, or say exactly what is wrong with it.

People upload whatever their spreadsheet produced: semicolons and decimal commas from a
European Excel, Windows-1252 accents, UTF-16 from "Unicode text", an .xlsx renamed to .csv.
Each case is either handled with a note the page shows (so nothing changes silently) or
refused with a `DatasetError` that says how to fix the file.

Ragged rows (more fields than the header) are skipped with a note when they are rare -- at
most 1 % of the rows, and always at least one -- because a stray broken line in a large
export is common and dropping it costs little. When there are more, the file is almost
certainly being split wrongly (usually a delimiter inside an unquoted text value), so the
rows that survive would be a biased sample; we refuse and name the first offending lines.
"""

from __future__ import annotations

import csv
import io
import re
import warnings
from dataclasses import dataclass
from itertools import islice

import pandas as pd

from data.csv_encoding import HEAD_CHARS, Decoding, detect_encoding
from data.dataset import DatasetError

MAX_CSV_BYTES = 200 * 1024 * 1024  # matches server.maxUploadSize = 200 in .streamlit/config.toml

DELIMITERS = (",", ";", "\t", "|")
_DELIMITER_NAMES = {",": "commas", ";": "semicolons", "\t": "tabs", "|": "pipes ('|')"}
_CHUNK_ROWS = 100_000  # parsed at a time: peak memory is the frame plus one chunk, not 3x it
_SAMPLE_ROWS = 200
_RAGGED_TOLERANCE = 0.01

_BAD_LINE = re.compile(r"Skipping line (\d+): expected (\d+) fields, saw (\d+)")
_DECIMAL_COMMA = re.compile(r"[-+]?(?:\d{1,3}(?:\.\d{3})+|\d+),\d+(?:[eE][-+]?\d+)?")
_PLAIN_INTEGER = re.compile(r"[-+]?\d+")


@dataclass(frozen=True)
class CsvLoadResult:
    """The parsed table plus what was done to it, so the page can show the notes."""

    frame: pd.DataFrame
    notes: list[str]
    encoding: str
    delimiter: str


def read_csv_bytes(raw: bytes, max_bytes: int = MAX_CSV_BYTES) -> CsvLoadResult:
    """Parse an upload; every fix-up it makes is listed in `notes`, every refusal explains itself."""
    _check_size(raw, max_bytes)
    if not raw or raw.isspace():
        raise DatasetError(
            "The file is empty. Upload a CSV with a header line of column names and at least "
            "one row of values below it."
        )
    decoding = detect_encoding(raw)
    notes = list(decoding.notes)
    if decoding.complete and not decoding.head.strip("\ufeff \t\r\n"):
        raise DatasetError(
            "The file contains only blank lines. Upload a CSV with a header and rows."
        )
    sample = _sample(decoding)
    delimiter, pad_header = _choose_delimiter(sample)
    if delimiter != ",":
        notes.append(f"Columns are separated by {_DELIMITER_NAMES[delimiter]}, not commas.")
    raw_names = _rows(sample, delimiter)[0] + ([""] * pad_header)
    names, blank, name_notes = _clean_names(raw_names)
    frame, bad_lines = _parse(raw, decoding, delimiter, names)
    notes += _ragged_notes(bad_lines, len(frame) + len(bad_lines), delimiter)
    frame, empty_notes = _drop_empty(frame, blank)
    kept_blank = [name for name in blank if name in frame.columns]
    if kept_blank:
        notes.append(f"Columns without a name were called {', '.join(map(repr, kept_blank))}.")
    notes += name_notes
    notes += empty_notes
    if delimiter != ",":
        notes += _convert_decimal_commas(frame, delimiter)
    _check_shape(frame, names)
    return CsvLoadResult(frame=frame, notes=notes, encoding=decoding.encoding, delimiter=delimiter)


def _mb(n_bytes: int) -> str:
    size = n_bytes / (1024 * 1024)
    return f"{size:.1f} MB" if size >= 0.1 else f"{size:.6f} MB ({n_bytes} bytes)"


def _check_size(raw: bytes, max_bytes: int) -> None:
    if len(raw) > max_bytes:
        raise DatasetError(
            f"The file is {_mb(len(raw))}, over the {_mb(max_bytes)} upload limit. Put it in a "
            "data folder on the machine running Glassbox (GLASSBOX_DATA_ROOTS, by default "
            "<workspace>/data) and choose it on the Data page under 'A file or folder on this "
            "machine': it is then read from disk in batches, at any size. Or upload a smaller "
            "sample of the rows."
        )


def _sample(decoding: Decoding) -> str:
    """The head of the file in whole lines, with one kind of line ending."""
    sample = decoding.head[:HEAD_CHARS]
    if not (decoding.complete and len(decoding.head) <= HEAD_CHARS) and "\n" in sample:
        sample = sample[: sample.rindex("\n")]
    return sample.replace("\r\n", "\n").replace("\r", "\n")


def _rows(sample: str, delimiter: str) -> list[list[str]]:
    reader = csv.reader(io.StringIO(sample), delimiter=delimiter, skipinitialspace=True)
    rows = (row for row in reader if any(field.strip() for field in row))
    return list(islice(rows, _SAMPLE_ROWS))


def _score(rows: list[list[str]]) -> tuple[float, int, int] | None:
    """(share of data rows agreeing with the header, header width, trailing pad) or None.

    A data row "agrees" when it has as many fields as the header, or one more that is empty:
    some exporters end every data line with a delimiter but not the header line.
    """
    width = len(rows[0]) if rows else 0
    if width < 2:
        return None
    data = rows[1:]
    if not data:
        return 1.0, width, 0
    exact = sum(len(row) == width for row in data)
    padded = sum(len(row) == width + 1 and not row[-1].strip() for row in data)
    pad = 1 if padded > 0.9 * len(data) else 0
    return (exact + padded) / len(data), width, pad


def _choose_delimiter(sample: str) -> tuple[str, int]:
    """Sniffer's guess when it is at least as consistent as the best candidate, else the best."""
    scores = {d: s for d in DELIMITERS if (s := _score(_rows(sample, d))) is not None}
    if not scores:
        first = sample.split("\n", 1)[0][:80]
        raise DatasetError(
            f"Found a single column (header {first!r}) with none of , ; tab | between values. "
            "If your file uses another delimiter (such as spaces or ':'), re-save it as CSV "
            "with commas; if the first line is a title rather than the column names, delete "
            "it. A dataset needs at least one feature column and a target column."
        )
    best = max(scores, key=lambda d: scores[d][:2])
    try:
        sniffed = csv.Sniffer().sniff(sample[:20_000], delimiters="".join(DELIMITERS)).delimiter
    except csv.Error:
        sniffed = best
    if sniffed in scores and scores[sniffed][0] >= scores[best][0]:
        best = sniffed
    return best, scores[best][2]


def _clean_names(raw_names: list[str]) -> tuple[list[str], list[str], list[str]]:
    """Unique, non-blank names; blank ones become column_N and duplicates get ' (2)', ' (3)'."""
    stripped = [name.strip() for name in raw_names]
    names = [name or f"column_{i}" for i, name in enumerate(stripped, start=1)]
    taken, counts, unique, renamed = set(names), {}, [], {}
    for name in names:
        if name not in counts:
            counts[name] = 1
            unique.append(name)
            continue
        k = counts[name] + 1
        while f"{name} ({k})" in taken:
            k += 1
        counts[name] = k
        new = f"{name} ({k})"
        taken.add(new)
        unique.append(new)
        renamed.setdefault(name, [name]).append(new)
    notes = [
        f"Column name {name!r} appears {len(new)} times; renamed them {', '.join(map(repr, new))}."
        for name, new in renamed.items()
    ]
    blank = [final for final, name in zip(unique, stripped, strict=True) if not name]
    return unique, blank, notes


def _parse(
    raw: bytes, decoding: Decoding, delimiter: str, names: list[str]
) -> tuple[pd.DataFrame, list[tuple]]:
    """The frame and the (line, fields) of each ragged row pandas skipped.

    Read in chunks of rows straight from the bytes, each chunk split into its columns
    at once: at the peak the table is in memory once, plus one chunk and one column.
    A column whose chunks disagree on its type (numbers in one, text in another) is
    read again as text throughout, which is what reading in one piece gives.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", pd.errors.ParserWarning)
        pieces = _read_columns(raw, decoding, delimiter, names)
    mixed = _mixed_columns(pieces)
    if mixed:
        with warnings.catch_warnings():  # the skipped rows were counted in the first pass
            warnings.simplefilter("ignore", pd.errors.ParserWarning)
            pieces = _read_columns(raw, decoding, delimiter, names, dict.fromkeys(mixed, str))
    frame = _combine(pieces, names)
    bad = [
        (int(m.group(1)), int(m.group(3)))
        for warning in caught
        for m in _BAD_LINE.finditer(str(warning.message))
    ]
    return frame, bad


def _read_columns(
    raw: bytes,
    decoding: Decoding,
    delimiter: str,
    names: list[str],
    dtype: dict[str, type] | None = None,
) -> dict[str, list[pd.Series]]:
    """Each column as the list of its pieces, one per chunk of rows."""
    pieces: dict[str, list[pd.Series]] = {name: [] for name in names}
    try:
        reader = pd.read_csv(
            io.BytesIO(raw),
            sep=delimiter,
            header=0,
            names=names,
            index_col=False,
            on_bad_lines="warn",
            skipinitialspace=True,
            low_memory=False,
            encoding=decoding.encoding,
            encoding_errors=decoding.errors,
            dtype=dtype,
            chunksize=_CHUNK_ROWS,
        )
        with reader:
            for chunk in reader:
                for name in names:
                    pieces[name].append(chunk[name].copy())  # frees the chunk's block
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise DatasetError(
            f"Could not read the file as CSV ({exc}). This usually means a double quote "
            'is opened and never closed; make sure quoted values look like "like this".'
        ) from exc
    return pieces


def _mixed_columns(pieces: dict[str, list[pd.Series]]) -> list[str]:
    """Columns whose values are of different kinds in different chunks (numbers and text)."""
    return [
        name
        for name, parts in pieces.items()
        if len(kinds := _kinds_if_dtypes_differ(parts)) > 1 and not kinds <= {"i", "u", "f"}
    ]


def _combine(pieces: dict[str, list[pd.Series]], names: list[str]) -> pd.DataFrame:
    """One frame, joined column by column; a text column with empty chunks stays text."""
    if not any(pieces.values()):
        return pd.DataFrame(columns=names)
    columns = {}
    for name in names:
        parts = pieces.pop(name)
        column = parts[0] if len(parts) == 1 else pd.concat(parts, ignore_index=True)
        if _kinds_if_dtypes_differ(parts) == {"text"}:
            column = column.astype(next(p.dtype for p in parts if p.notna().any()))
        columns[name] = column
        parts.clear()
    return pd.DataFrame(columns, copy=False)


def _kinds_if_dtypes_differ(parts: list[pd.Series]) -> set[str]:
    """The kinds of a column's values in its pieces, when their dtypes are not all the same."""
    if len({str(part.dtype) for part in parts}) <= 1:
        return set()
    return {_kind(part.dropna()) for part in parts} - {None}


def _kind(values: pd.Series) -> str | None:
    if values.empty:
        return None
    if pd.api.types.is_string_dtype(values):
        return "text"
    return values.infer_objects().dtype.kind


def _ragged_notes(bad: list[tuple], n_rows: int, delimiter: str) -> list[str]:
    if not bad:
        return []
    lines = ("line " if len(bad) == 1 else "lines ") + ", ".join(str(n) for n, _ in bad[:5])
    if len(bad) > max(1, int(_RAGGED_TOLERANCE * n_rows)):
        raise DatasetError(
            f"{len(bad)} of {n_rows} rows have more values than the header has column names "
            f"(first at {lines}). Usually a text value contains the delimiter "
            f"{delimiter!r} without being wrapped in double quotes; quote such values or "
            "remove the stray delimiters, then upload again."
        )
    return [f"Skipped {len(bad)} row(s) with more values than column names ({lines})."]


def _drop_empty(frame: pd.DataFrame, blank: list[str]) -> tuple[pd.DataFrame, list[str]]:
    """Drop unnamed all-empty columns (trailing delimiters) and rows with no value at all."""
    notes = []
    empty_cols = [c for c in blank if c in frame.columns and frame[c].isna().all()]
    if empty_cols:
        frame = frame.drop(columns=empty_cols)
        notes.append(f"Dropped {len(empty_cols)} unnamed empty column(s).")
    empty_rows = frame.isna().all(axis=1)
    if empty_rows.any():
        frame = _restore_integers(frame.loc[~empty_rows].reset_index(drop=True))
        notes.append(f"Dropped {int(empty_rows.sum())} empty row(s).")
    return frame, notes


def _restore_integers(frame: pd.DataFrame) -> pd.DataFrame:
    """An empty row made pandas read whole-number columns as float; undo that once it is gone."""
    for col in frame.columns:
        series = frame[col]
        if pd.api.types.is_float_dtype(series) and series.notna().all():
            if (series == series.round()).all() and series.abs().max() < 2**53:
                frame[col] = series.astype("int64")
    return frame


def _convert_decimal_commas(frame: pd.DataFrame, delimiter: str) -> list[str]:
    """Turn text columns like '1,5' into floats; in place, returns a note naming them.

    With ';' a decimal comma is certain (that is why Excel chose ';'). With tabs or pipes
    '1,234' may be a thousands separator, so a column qualifies only if some value has a
    fraction that is not exactly three digits long.
    """
    converted = []
    for col in frame.columns:
        series = frame[col]
        if pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series):
            continue
        values = series.dropna().astype(str).str.strip()
        if values.empty or not values.head(100).str.contains(",", regex=False).any():
            continue
        decimal = values.str.fullmatch(_DECIMAL_COMMA)
        if not decimal.any() or not (decimal | values.str.fullmatch(_PLAIN_INTEGER)).all():
            continue
        if delimiter != ";" and _all_three_digit_fractions(values[decimal]):
            continue
        plain = series.astype(str).str.strip().str.replace(".", "", regex=False)
        frame[col] = pd.to_numeric(plain.str.replace(",", ".", regex=False), errors="coerce")
        converted.append(col)
    if not converted:
        return []
    return [
        f"Read {', '.join(map(repr, converted))} as numbers written with a decimal comma "
        "(1,5 = 1.5)."
    ]


def _all_three_digit_fractions(values: pd.Series) -> bool:
    fractions = values.str.extract(r",(\d+)", expand=False).str.len()
    return bool((fractions == 3).all())


def _check_shape(frame: pd.DataFrame, names: list[str]) -> None:
    if len(frame) == 0:
        header = ", ".join(map(repr, names[:8]))
        raise DatasetError(
            f"The file has column names ({header}) but no rows of values below them. "
            "Upload a file that contains the data, not only the header."
        )
    if frame.shape[1] < 2:
        raise DatasetError(
            f"Found a single column ({frame.columns[0]!r}). If your file uses another "
            "delimiter than , ; tab or |, re-save it as CSV with commas. A dataset needs at "
            "least one feature column and a target column."
        )

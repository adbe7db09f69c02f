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

import codecs
import csv
import io
import re
import warnings
from dataclasses import dataclass
from itertools import islice

import pandas as pd

from data.dataset import DatasetError

MAX_CSV_BYTES = 200 * 1024 * 1024  # matches server.maxUploadSize = 200 in .streamlit/config.toml

DELIMITERS = (",", ";", "\t", "|")
_DELIMITER_NAMES = {",": "commas", ";": "semicolons", "\t": "tabs", "|": "pipes ('|')"}
_SAMPLE_CHARS = 200_000
_SAMPLE_ROWS = 200
_RAGGED_TOLERANCE = 0.01

_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"%PDF-", "PDF document"),
    (b"PK\x03\x04", "zip archive or Excel .xlsx workbook"),
    (b"PK\x05\x06", "zip archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "Excel .xls workbook"),
    (b"\x1f\x8b", "gzip-compressed file"),
    (b"SQLite format 3\x00", "SQLite database"),
)
_BOMS = (  # UTF-32 LE must come before UTF-16 LE: its BOM starts with the same two bytes.
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13)) + b"\x7f"
_BAD_LINE = re.compile(r"Skipping line (\d+): expected (\d+) fields, saw (\d+)")
_DECIMAL_COMMA = re.compile(r"[-+]?(?:\d{1,3}(?:\.\d{3})+|\d+),\d+(?:[eE][-+]?\d+)?")
_PLAIN_INTEGER = re.compile(r"[-+]?\d+")
_EXPORT_HINT = "Open it in the program that made it and save or export it as 'CSV UTF-8'."


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
    if not raw.strip():
        raise DatasetError(
            "The file is empty. Upload a CSV with a header line of column names and at least "
            "one row of values below it."
        )
    text, encoding, notes = _decode(raw)
    if not text.strip("\ufeff \t\r\n"):
        raise DatasetError(
            "The file contains only blank lines. Upload a CSV with a header and rows."
        )
    delimiter, pad_header = _choose_delimiter(text)
    if delimiter != ",":
        notes.append(f"Columns are separated by {_DELIMITER_NAMES[delimiter]}, not commas.")
    raw_names = _read_header(text, delimiter) + ([""] * pad_header)
    names, blank, name_notes = _clean_names(raw_names)
    frame, bad_lines = _parse(text, delimiter, names)
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
    return CsvLoadResult(frame=frame, notes=notes, encoding=encoding, delimiter=delimiter)


def _mb(n_bytes: int) -> str:
    size = n_bytes / (1024 * 1024)
    return f"{size:.1f} MB" if size >= 0.1 else f"{size:.6f} MB ({n_bytes} bytes)"


def _check_size(raw: bytes, max_bytes: int) -> None:
    if len(raw) > max_bytes:
        raise DatasetError(
            f"The file is {_mb(len(raw))}, over the {_mb(max_bytes)} upload limit. Put it in a "
            "data folder on the machine running Glassbox (GLASSBOX_DATA_ROOTS, by default "
            "<workspace>/data) and choose it as a file on this machine: it is then read from "
            "disk in batches, at any size. Or upload a smaller sample of the rows."
        )


def _decode(raw: bytes) -> tuple[str, str, list[str]]:
    """Text, the encoding used, and a note when the encoding was a guess the user should check."""
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            try:
                return raw.decode(encoding), encoding, []
            except UnicodeDecodeError as exc:
                raise DatasetError(
                    f"The file starts with a {encoding.upper()} marker but is not valid "
                    f"{encoding.upper()} text ({exc.reason} at byte {exc.start}). {_EXPORT_HINT}"
                ) from exc
    _check_not_binary(raw)
    utf16 = _bomless_utf16(raw)
    if utf16:
        note = f"Decoded as {utf16.upper()} (the file has no byte-order mark); check the values."
        return raw.decode(utf16, errors="replace"), utf16, [note]
    try:
        return raw.decode("utf-8"), "utf-8", []
    except UnicodeDecodeError:
        pass
    sample = raw[:65536]
    if sum(b >= 0x80 for b in sample) > 0.3 * len(sample):
        raise DatasetError(
            "This looks like a binary file, or text in an encoding other than UTF-8 or "
            f"Windows-1252: most of its bytes are not ordinary text. {_EXPORT_HINT}"
        )
    for encoding in ("cp1252", "latin-1"):
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        return (
            text,
            encoding,
            [
                f"Decoded as {encoding} because the file is not valid UTF-8; if accented "
                "letters look wrong, re-save the file as 'CSV UTF-8' and upload it again."
            ],
        )
    raise AssertionError("latin-1 decodes every byte string")  # pragma: no cover


def _check_not_binary(raw: bytes) -> None:
    if _bomless_utf16(raw):
        return
    for magic, kind in _MAGIC:
        if raw.startswith(magic):
            raise DatasetError(
                f"This looks like a binary file ({kind}?), not CSV text. {_EXPORT_HINT}"
            )
    sample = raw[:65536]
    if b"\x00" in sample:
        raise DatasetError(
            "This looks like a binary file (it contains NUL bytes, which text never does), "
            f"perhaps a spreadsheet or database file. {_EXPORT_HINT}"
        )
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    if controls > 0.01 * len(sample):
        raise DatasetError(
            f"This looks like a binary file: {controls} of its first {len(sample)} bytes are "
            f"control characters that text files do not contain. {_EXPORT_HINT}"
        )


def _bomless_utf16(raw: bytes) -> str | None:
    """UTF-16 without a BOM puts a NUL beside every ASCII character, always on the same side."""
    sample = raw[:4096]
    half = max(len(sample) // 2, 1)
    even, odd = sample[0::2].count(0) / half, sample[1::2].count(0) / half
    if len(sample) % 2 == 0 and odd > 0.3 and even < 0.02:
        return "utf-16-le"
    if len(sample) % 2 == 0 and even > 0.3 and odd < 0.02:
        return "utf-16-be"
    return None


def _sample(text: str) -> str:
    sample = text[:_SAMPLE_CHARS]
    if len(text) > _SAMPLE_CHARS and "\n" in sample:
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


def _choose_delimiter(text: str) -> tuple[str, int]:
    """Sniffer's guess when it is at least as consistent as the best candidate, else the best."""
    sample = _sample(text)
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


def _read_header(text: str, delimiter: str) -> list[str]:
    return _rows(_sample(text), delimiter)[0]


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


def _parse(text: str, delimiter: str, names: list[str]) -> tuple[pd.DataFrame, list[tuple]]:
    """The frame and the (line, fields) of each ragged row pandas skipped."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", pd.errors.ParserWarning)
        try:
            frame = pd.read_csv(
                io.StringIO(text),
                sep=delimiter,
                header=0,
                names=names,
                index_col=False,
                on_bad_lines="warn",
                skipinitialspace=True,
                low_memory=False,
            )
        except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
            raise DatasetError(
                f"Could not read the file as CSV ({exc}). This usually means a double quote "
                'is opened and never closed; make sure quoted values look like "like this".'
            ) from exc
    bad = [
        (int(m.group(1)), int(m.group(3)))
        for warning in caught
        for m in _BAD_LINE.finditer(str(warning.message))
    ]
    return frame, bad


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

"""Which text encoding an uploaded CSV is in, found without decoding the whole file at once.

A 150 MB upload decoded to one string costs another 150 MB, and four times that once
it is read through a StringIO; so the file is checked in slices, only its head is kept
as text (for the delimiter and header), and pandas decodes the rest as it parses.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass, field

from data.dataset import DatasetError

EXPORT_HINT = "Open it in the program that made it and save or export it as 'CSV UTF-8'."
HEAD_CHARS = 200_000  # what the delimiter and header are read from
_SLICE_BYTES = 4 << 20

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


@dataclass(frozen=True)
class Decoding:
    """How to decode the file, its first characters, and a note when the encoding is a guess."""

    encoding: str
    errors: str  # "strict", or "replace" for a guess that may meet bytes it cannot decode
    head: str  # at least HEAD_CHARS characters of the start, or all of a shorter file
    complete: bool  # the head is the whole file
    notes: list[str] = field(default_factory=list)


def detect_encoding(raw: bytes) -> Decoding:
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            error = _first_error(raw, encoding)
            if error is not None:
                reason, position = error
                raise DatasetError(
                    f"The file starts with a {encoding.upper()} marker but is not valid "
                    f"{encoding.upper()} text ({reason} at byte {position}). {EXPORT_HINT}"
                )
            return _decoding(raw, encoding)
    _check_not_binary(raw)
    utf16 = _bomless_utf16(raw)
    if utf16:
        note = f"Decoded as {utf16.upper()} (the file has no byte-order mark); check the values."
        return _decoding(raw, utf16, "replace", note)
    if _first_error(raw, "utf-8") is None:
        return _decoding(raw, "utf-8")
    sample = raw[:65536]
    if sum(b >= 0x80 for b in sample) > 0.3 * len(sample):
        raise DatasetError(
            "This looks like a binary file, or text in an encoding other than UTF-8 or "
            f"Windows-1252: most of its bytes are not ordinary text. {EXPORT_HINT}"
        )
    encoding = "cp1252" if _first_error(raw, "cp1252") is None else "latin-1"
    return _decoding(
        raw,
        encoding,
        note=f"Decoded as {encoding} because the file is not valid UTF-8; if accented "
        "letters look wrong, re-save the file as 'CSV UTF-8' and upload it again.",
    )


def _decoding(raw: bytes, encoding: str, errors: str = "strict", note: str = "") -> Decoding:
    head_bytes = 4 * HEAD_CHARS + 4  # four bytes per character at most (UTF-32)
    decoder = codecs.getincrementaldecoder(encoding)(errors)
    head = decoder.decode(raw[:head_bytes], final=len(raw) <= head_bytes)
    return Decoding(encoding, errors, head, len(raw) <= head_bytes, [note] if note else [])


def _first_error(raw: bytes, encoding: str) -> tuple[str, int] | None:
    """(reason, byte offset) of the first byte that does not decode; slice by slice."""
    decoder = codecs.getincrementaldecoder(encoding)()
    view = memoryview(raw)
    for start in range(0, max(len(raw), 1), _SLICE_BYTES):
        pending = len(decoder.getstate()[0])
        try:
            decoder.decode(
                view[start : start + _SLICE_BYTES], final=start + _SLICE_BYTES >= len(raw)
            )
        except UnicodeDecodeError as exc:
            return exc.reason, start - pending + exc.start
    return None


def _check_not_binary(raw: bytes) -> None:
    if _bomless_utf16(raw):
        return
    for magic, kind in _MAGIC:
        if raw.startswith(magic):
            raise DatasetError(
                f"This looks like a binary file ({kind}?), not CSV text. {EXPORT_HINT}"
            )
    sample = raw[:65536]
    if b"\x00" in sample:
        raise DatasetError(
            "This looks like a binary file (it contains NUL bytes, which text never does), "
            f"perhaps a spreadsheet or database file. {EXPORT_HINT}"
        )
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    if controls > 0.01 * len(sample):
        raise DatasetError(
            f"This looks like a binary file: {controls} of its first {len(sample)} bytes are "
            f"control characters that text files do not contain. {EXPORT_HINT}"
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

"""The default archive and image limits README promises, pinned at their boundaries."""

from __future__ import annotations

import struct
import zipfile
import zlib

import numpy as np
import pytest

from data.dataset import DatasetError
from data.image_archive import (
    MAX_ARCHIVE_BYTES,
    MAX_ARCHIVE_ENTRIES,
    MAX_COMPRESSION_RATIO,
    ArchiveLimits,
    read_image_zip,
)
from data.images import MAX_IMAGE_PIXELS, ImageDecodeError, decode_image
from tests.zip_samples import make_zip


def lying_zip(entries: dict[str, tuple[bytes, int]]) -> bytes:
    """Stored entries whose central directory declares the given uncompressed sizes."""
    payloads = {name: payload for name, (payload, _) in entries.items()}
    raw = bytearray(make_zip(payloads, zipfile.ZIP_STORED))
    for name, (_, declared) in entries.items():
        struct.pack_into("<I", raw, _central_record(raw, name) + 24, declared)
    return bytes(raw)


def _central_record(raw: bytearray, name: str) -> int:
    start = raw.find(b"PK\x01\x02")
    while start != -1:
        length = struct.unpack_from("<H", raw, start + 28)[0]
        if raw[start + 46 : start + 46 + length] == name.encode():
            return start
        start = raw.find(b"PK\x01\x02", start + 4)
    raise AssertionError(f"{name} has no central directory record")


def refusal(upload: bytes) -> str:
    with pytest.raises(DatasetError) as refused:
        read_image_zip(upload)
    return str(refused.value)


def test_the_documented_limits_are_the_defaults() -> None:
    assert (MAX_ARCHIVE_ENTRIES, MAX_ARCHIVE_BYTES) == (50_000, 1024**3)
    assert (MAX_COMPRESSION_RATIO, MAX_IMAGE_PIXELS) == (100, 40_000_000)
    limits = ArchiveLimits()
    assert (limits.max_entries, limits.max_total_bytes) == (MAX_ARCHIVE_ENTRIES, MAX_ARCHIVE_BYTES)
    assert limits.max_entry_ratio == limits.max_total_ratio == MAX_COMPRESSION_RATIO
    assert limits.max_pixels == MAX_IMAGE_PIXELS


@pytest.mark.parametrize("entries, refused", [(50_000, False), (50_001, True)])
def test_a_zip_may_hold_50_000_entries_and_no_more(entries: int, refused: bool) -> None:
    names = {f"a/{i}.txt": b"" for i in range(entries)}
    message = refusal(make_zip(names, zipfile.ZIP_STORED))
    assert ("the limit is 50,000" in message) is refused, message


@pytest.mark.parametrize("extra_byte, refused", [(0, False), (1, True)])
def test_a_zip_may_declare_1_gib_and_no_more(extra_byte: int, refused: bool) -> None:
    half = 1 << 29
    upload = lying_zip({"a/0.png": (b"x", half), "b/0.png": (b"y", half + extra_byte)})
    message = refusal(upload)
    assert ("the limit is 1.0 GB" in message) is refused, message


@pytest.mark.parametrize("ratio, refused", [(100, False), (101, True)])
def test_an_entry_may_expand_100_to_1_and_no_more(ratio: int, refused: bool) -> None:
    stored = np.random.default_rng(3).bytes(20_000)  # over the 1 MiB floor once declared
    message = refusal(lying_zip({"cats/x.bmp": (stored, ratio * len(stored))}))
    assert ("zip bomb" in message) is refused, message


def _png_header(width: int, height: int) -> bytes:
    """A PNG that says how big it is, with no pixels behind the claim."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", b"") + chunk(b"IEND", b"")


@pytest.mark.parametrize("width, refused", [(8000, False), (8001, True)])
def test_an_image_may_have_40_megapixels_and_no_more(width: int, refused: bool) -> None:
    """Only the header is read: 8000 × 5000 is exactly 40 MP."""
    with pytest.raises(ImageDecodeError) as error:
        decode_image(_png_header(width, 5000), 32, 1)
    assert ("over the limit of 40,000,000" in str(error.value)) is refused, error.value

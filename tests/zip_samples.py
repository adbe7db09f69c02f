"""Small images and zips the archive tests build for themselves."""

from __future__ import annotations

import io
import zipfile

from PIL import Image

RED, BLUE = (220, 20, 20), (20, 20, 220)


def png(colour=RED, size=(20, 14), mode="RGB") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, colour).save(buffer, "PNG")
    return buffer.getvalue()


def make_zip(entries: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, raw in entries.items():
            archive.writestr(zipfile.ZipInfo(name), raw, compress_type=method)
    return buffer.getvalue()

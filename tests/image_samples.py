"""Image files tests make for themselves: class folders of drawn shapes, as PNGs or a zip."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from PIL import Image

from data.builtin_images import make_shapes


def class_images(n_per_class: int = 12) -> dict[str, bytes]:
    """Three classes of 32 px shapes as PNG files by relative path, plus one file to skip."""
    data = make_shapes(n_per_class=n_per_class * 3, size=32, seed=5)
    files: dict[str, bytes] = {"notes.txt": b"not an image"}
    counts: dict[str, int] = {}
    for image, label in zip(data.images, data.labels, strict=True):
        if label not in ("circle", "square", "cross") or counts.get(label, 0) >= n_per_class:
            continue
        counts[label] = counts.get(label, 0) + 1
        png = io.BytesIO()
        Image.fromarray(image).save(png, format="PNG")
        files[f"{label}/{counts[label]:03d}.png"] = png.getvalue()
    return files


def shapes_zip(n_per_class: int = 12) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, payload in class_images(n_per_class).items():
            archive.writestr(f"shapes/{name}", payload)
    return buffer.getvalue()


def write_class_folders(root: Path, n_per_class: int = 12) -> None:
    for name, payload in class_images(n_per_class).items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(payload)

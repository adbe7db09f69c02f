"""Read a person's images, one folder per class, from a zip or a folder upload.

Everything is decoded from memory and nothing is ever extracted to disk, so an
entry named "../../etc/x.png" is only ever a string to report. A zip is untrusted:
its entry count, declared sizes and compression ratios are checked before any
entry is inflated, and every entry is then read through a byte cap, because the
sizes in a zip header are whatever its maker wrote.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import BinaryIO

import numpy as np

from data.dataset import DatasetError, ImageData
from data.images import (
    IMAGE_EXTENSIONS,
    MAX_IMAGE_PIXELS,
    ImageDecodeError,
    check_target_shape,
    decode_image,
    gallery_indices,
)

__all__ = [
    "MAX_ARCHIVE_BYTES",
    "MAX_ARCHIVE_ENTRIES",
    "MAX_COMPRESSION_RATIO",
    "ArchiveLimits",
    "ImageLoadResult",
    "gallery_indices",
    "read_capped",
    "read_image_files",
    "read_image_zip",
]

_JUNK_FILES = frozenset({"thumbs.db", "desktop.ini", "ehthumbs.db"})
_SPLIT_NAMES = frozenset({"train", "training", "test", "testing", "val", "valid", "validation"})
_CHUNK = 1 << 20

# The limits README promises; each number lives here once.
MAX_ARCHIVE_ENTRIES = 50_000
MAX_ARCHIVE_BYTES = 1 << 30  # 1 GiB, uncompressed
MAX_COMPRESSION_RATIO = 100.0  # 100:1, per entry and for the archive as a whole


@dataclass(frozen=True)
class ArchiveLimits:
    """How much an upload may cost us; the defaults fit a laptop with room to spare."""

    max_entries: int = MAX_ARCHIVE_ENTRIES
    max_total_bytes: int = MAX_ARCHIVE_BYTES
    max_entry_bytes: int = 100 << 20
    max_entry_ratio: float = MAX_COMPRESSION_RATIO
    max_total_ratio: float = MAX_COMPRESSION_RATIO
    max_pixels: int = MAX_IMAGE_PIXELS
    max_images: int = 20_000
    # A file smaller than this cannot hurt however well it compresses, and a plain
    # BMP icon can legitimately shrink 200:1, so ratios are judged above it only.
    ratio_floor_bytes: int = 1 << 20


@dataclass(frozen=True)
class ImageLoadResult:
    data: ImageData
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (entry name, reason)
    notes: list[str] = field(default_factory=list)
    class_counts: dict[str, int] = field(default_factory=dict)


class _CapExceeded(Exception):
    pass


def read_image_zip(
    source: bytes | BinaryIO,
    size: int = 32,
    channels: int = 3,
    limits: ArchiveLimits = ArchiveLimits(),  # noqa: B008 - frozen, so sharing is safe
) -> ImageLoadResult:
    """Images from a zip whose class folders sit at its root or inside one top folder."""
    check_target_shape(size, channels)
    stream = io.BytesIO(bytes(source)) if isinstance(source, bytes | bytearray) else source
    archive_bytes = stream.seek(0, io.SEEK_END)
    stream.seek(0)
    try:
        archive = zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as exc:
        raise DatasetError(
            f"this file is not a readable zip archive ({exc}); put one folder per class "
            "(e.g. cats/, dogs/) in a folder, compress it to .zip and upload that"
        ) from exc
    with archive:
        infos = archive.infolist()
        _check_declared(infos, archive_bytes, limits)
        by_name: dict[str, zipfile.ZipInfo] = {}
        skipped: list[tuple[str, str]] = []
        for info in infos:
            if info.is_dir():
                continue
            if _is_symlink(info):
                skipped.append((info.filename, "symbolic link, not a file"))
            elif info.flag_bits & 0x1:
                skipped.append((info.filename, "encrypted entry; zip it without a password"))
            else:
                by_name[info.filename.replace("\\", "/")] = info
        used = {"bytes": 0}

        def read(name: str) -> bytes:
            return _read_member(archive, by_name[name], limits, used)

        sizes = {name: info.file_size for name, info in by_name.items()}
        return _load(sizes, read, size, channels, limits, skipped)


def read_image_files(
    files: Sequence[tuple[str, bytes]],
    size: int = 32,
    channels: int = 3,
    limits: ArchiveLimits = ArchiveLimits(),  # noqa: B008 - frozen, so sharing is safe
) -> ImageLoadResult:
    """Images from a folder upload, given as (relative path, bytes) pairs."""
    check_target_shape(size, channels)
    if len(files) > limits.max_entries:
        raise DatasetError(
            f"the upload has {len(files):,} files; the limit is {limits.max_entries:,}. "
            "Upload fewer images per class."
        )
    total = sum(len(raw) for _, raw in files)
    if total > limits.max_total_bytes:
        raise DatasetError(
            f"the upload holds {_size(total)}; the limit is {_size(limits.max_total_bytes)}. "
            "Upload fewer or smaller images."
        )
    contents = {name.replace("\\", "/"): raw for name, raw in files}  # no copies of big uploads
    sizes = {name: len(raw) for name, raw in contents.items()}
    return _load(sizes, contents.__getitem__, size, channels, limits, [])


def read_capped(stream: BinaryIO, cap: int) -> bytes:
    """Read a stream to its end, but never hold more than `cap` bytes of it."""
    chunks: list[bytes] = []
    total = 0
    while chunk := stream.read(min(_CHUNK, cap - total + 1)):
        total += len(chunk)
        if total > cap:
            raise _CapExceeded(total)
        chunks.append(chunk)
    return b"".join(chunks)


def _check_declared(
    infos: list[zipfile.ZipInfo], archive_bytes: int, limits: ArchiveLimits
) -> None:
    """Refuse a zip on its own headers' word before inflating a single byte."""
    if len(infos) > limits.max_entries:
        raise DatasetError(
            f"the zip has {len(infos):,} entries; the limit is {limits.max_entries:,}. "
            "Zip fewer images per class."
        )
    declared = sum(info.file_size for info in infos)
    if declared > limits.max_total_bytes:
        raise DatasetError(
            f"the zip would expand to {_size(declared)}; the limit is "
            f"{_size(limits.max_total_bytes)}. Zip fewer or smaller images."
        )
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > limits.ratio_floor_bytes and ratio > limits.max_entry_ratio:
            raise _bomb_error(info.filename, info.file_size, ratio, limits.max_entry_ratio)
    overall = declared / max(archive_bytes, 1)
    if declared > limits.ratio_floor_bytes and overall > limits.max_total_ratio:
        raise _bomb_error("the archive as a whole", declared, overall, limits.max_total_ratio)


def _read_member(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: ArchiveLimits, used: dict[str, int]
) -> bytes:
    """Inflate one entry through caps taken from the limits, not from its header."""
    caps = {
        "total": limits.max_total_bytes - used["bytes"],
        "entry": limits.max_entry_bytes,
        "ratio": max(limits.ratio_floor_bytes, int(info.compress_size * limits.max_entry_ratio)),
    }
    which = min(caps, key=caps.__getitem__)
    try:
        with archive.open(info) as handle:
            raw = read_capped(handle, caps[which])
    except _CapExceeded as exc:
        if which == "ratio":
            raise _bomb_error(
                info.filename,
                exc.args[0],
                exc.args[0] / max(info.compress_size, 1),
                limits.max_entry_ratio,
            ) from exc
        if which == "entry":
            raise ImageDecodeError(
                f"file is over the per-file limit of {_size(limits.max_entry_bytes)}"
            ) from exc
        raise DatasetError(
            f"the zip expands to more than {_size(limits.max_total_bytes)} (its headers "
            "said less); zip fewer or smaller images"
        ) from exc
    except (zipfile.BadZipFile, EOFError, OSError) as exc:
        raise ImageDecodeError(f"damaged zip entry: {exc}") from exc
    except NotImplementedError as exc:
        raise ImageDecodeError(f"{exc}; re-create the zip with standard compression") from exc
    used["bytes"] += len(raw)
    return raw


def _bomb_error(what: str, expanded: int, ratio: float, limit: float) -> DatasetError:
    return DatasetError(
        f"{what} expands {ratio:,.0f}:1 (to {_size(expanded)}), over the {limit:,.0f}:1 "
        "compression-ratio limit; this looks like a zip bomb. Zip the image files "
        "themselves (PNG/JPEG are already compressed) and try again."
    )


def _load(
    sizes: dict[str, int],
    read: Callable[[str], bytes],
    size: int,
    channels: int,
    limits: ArchiveLimits,
    skipped: list[tuple[str, str]],
) -> ImageLoadResult:
    """The part shared by zips and folder uploads: screen, group, decode, check."""
    candidates: list[str] = []
    for name in sorted(sizes):
        reason = _screen(name)
        if reason:
            skipped.append((name, reason))
        elif reason is not None:
            candidates.append(name)
    assigned = _assign_classes(candidates, skipped)
    chosen, notes = _subsample(assigned, limits.max_images)
    images: list[np.ndarray] = []
    labels: list[str] = []
    for name in chosen:
        try:
            if sizes[name] > limits.max_entry_bytes:
                raise ImageDecodeError(
                    f"file is {_size(sizes[name])}, over the per-file limit of "
                    f"{_size(limits.max_entry_bytes)}"
                )
            images.append(decode_image(read(name), size, channels, limits.max_pixels))
            labels.append(assigned[name])
        except ImageDecodeError as exc:
            skipped.append((name, exc.reason))
    return _finish(images, labels, skipped, notes, size, channels)


def _screen(name: str) -> str | None:
    """'' keeps an image; None drops OS junk silently; any other text is a skip reason."""
    parts = [part for part in name.split("/") if part not in ("", ".")]
    if name.startswith("/") or re.match(r"^[A-Za-z]:", name) or ".." in parts:
        return "unsafe path (absolute or outside the folder); not read"
    if not parts or "__MACOSX" in parts or any(part.startswith(".") for part in parts):
        return None
    if parts[-1].lower() in _JUNK_FILES:
        return None
    suffix = "." + parts[-1].rsplit(".", 1)[-1].lower() if "." in parts[-1] else ""
    if suffix not in IMAGE_EXTENSIONS:
        return f"not an image file ({suffix or 'no extension'}); use PNG, JPEG, BMP, WebP or GIF"
    return ""


def _assign_classes(names: list[str], skipped: list[tuple[str, str]]) -> dict[str, str]:
    """Class = first folder under the common root; loose files at the root are skipped.

    A zip made by compressing a folder has that folder as its one top level, while
    one made by selecting the class folders has them at the root: leading folders
    shared by every image are peeled off until the class folders show.
    """
    parts = {name: [p for p in name.split("/") if p not in ("", ".")] for name in names}
    depth = 0
    while True:
        folders = {p[depth] for p in parts.values() if len(p) > depth + 1}
        deeper = any(len(p) > depth + 2 for p in parts.values())
        if len(folders) != 1 or not deeper:
            break
        depth += 1
    assigned: dict[str, str] = {}
    for name, path in parts.items():
        if len(path) > depth + 1:
            assigned[name] = unicodedata.normalize("NFC", path[depth])  # macOS writes NFD
        else:
            skipped.append((name, "not inside a class folder; put it in the folder of its class"))
    return assigned


def _subsample(assigned: dict[str, str], max_images: int) -> tuple[list[str], list[str]]:
    """Keep at most max_images, in the classes' own proportions, the same ones every time."""
    names = sorted(assigned)
    if len(names) <= max_images:
        return names, []
    by_class: dict[str, list[str]] = {}
    for name in names:
        by_class.setdefault(assigned[name], []).append(name)
    share = {label: len(members) * max_images / len(names) for label, members in by_class.items()}
    quota = {label: int(value) for label, value in share.items()}
    leftover = max_images - sum(quota.values())
    for label in sorted(share, key=lambda key: quota[key] - share[key])[:leftover]:
        quota[label] += 1
    chosen = sorted(name for label, members in by_class.items() for name in members[: quota[label]])
    note = (
        f"Kept {len(chosen):,} of {len(names):,} images (the limit), in each class's "
        "proportion; upload fewer images to use them all."
    )
    return chosen, [note]


def _finish(
    images: list[np.ndarray],
    labels: list[str],
    skipped: list[tuple[str, str]],
    notes: list[str],
    size: int,
    channels: int,
) -> ImageLoadResult:
    """Drop classes too small to split, then insist on two classes to tell apart."""
    label_array = np.asarray(labels, dtype=str)
    names, counts = np.unique(label_array, return_counts=True)
    small = [str(name) for name, count in zip(names, counts, strict=True) if count < 2]
    if small:
        notes.append(
            f"Dropped {len(small)} class(es) with fewer than 2 images ({', '.join(small[:10])}): "
            "a class needs at least 2 images, one to train on and one to test on."
        )
    keep = ~np.isin(label_array, small)
    if not keep.any():
        reasons = "; ".join(f"{name}: {why}" for name, why in skipped[:3])
        raise DatasetError(
            "no usable images were found"
            + (f" ({reasons})" if reasons else "")
            + ". Upload PNG, JPEG, BMP, WebP or GIF files in one folder per class."
        )
    kept_names = sorted({str(label) for label in label_array[keep]})
    if len(kept_names) < 2:
        raise DatasetError(
            f"only one class was found ({kept_names[0]!r}); need at least two class folders, "
            "e.g. cats/ and dogs/, each holding that class's images"
        )
    if set(kept_names) <= _SPLIT_NAMES:
        notes.append(
            f"The class folders are named {', '.join(kept_names)}, which look like data "
            "splits; put one folder per class (e.g. cats/, dogs/) at the top instead."
        )
    stacked = np.stack([image for image, ok in zip(images, keep, strict=True) if ok])
    stacked = stacked.reshape(-1, size, size, channels)
    data = ImageData(images=stacked, labels=label_array[keep])
    counts_kept = {name: int((data.labels == name).sum()) for name in kept_names}
    return ImageLoadResult(data=data, skipped=skipped, notes=notes, class_counts=counts_kept)


def _is_symlink(info: zipfile.ZipInfo) -> bool:
    return (info.external_attr >> 16) & 0o170000 == 0o120000


def _size(count: int) -> str:
    for unit, scale in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if count >= scale:
            return f"{count / scale:,.1f} {unit}"
    return f"{count} bytes"

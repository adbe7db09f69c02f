"""One place that turns a dataset reference into a loaded dataset.

References are strings so a run spec stays plain JSON: `builtin:<key>` for sets we
ship, `upload:<hash>` for files a person uploaded, `path:<path in a data root>` for a
table read from this machine's disk (data.bigtable).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from data.dataset import Dataset, DatasetError, ImageData, Kind, TabularData

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class CatalogEntry:
    ref: str
    name: str
    kind: Kind
    description: str


def builtin_catalog() -> list[CatalogEntry]:
    """Every built-in set, without loading any of them."""
    from data.builtin_images import BUILTIN_IMAGE_DESCRIPTIONS
    from data.builtin_tabular import BUILTIN_TABULAR
    from data.builtin_text import BUILTIN_TEXT_DESCRIPTIONS

    entries = [
        CatalogEntry(f"builtin:{key}", name, "tabular", text)
        for key, (name, _, text) in BUILTIN_TABULAR.items()
    ]
    entries += [
        CatalogEntry(f"builtin:{key}", _title(key), "image", text)
        for key, text in BUILTIN_IMAGE_DESCRIPTIONS.items()
    ]
    entries += [
        CatalogEntry(f"builtin:{key}", _title(key), "text", text)
        for key, text in BUILTIN_TEXT_DESCRIPTIONS.items()
    ]
    return entries


_NAMES = {
    "digits-images": "Digits (8×8 images)",
    "shapes": "Shapes (generated)",
    "mnist-5k": "MNIST (5,000 digits)",
    "chinese_reviews": "Chinese shopping reviews",
}


def _title(key: str) -> str:
    return _NAMES.get(key) or key.replace("-", " ").replace("_", " ").capitalize()


def load_dataset(ref: str, workspace: Path, options: dict[str, Any] | None = None) -> Dataset:
    """Load by reference; `options` holds the user's choices (target, text/label columns)."""
    options = options or {}
    if ref.startswith("path:"):
        return _load_path(ref, Path(workspace), options)
    if ref.startswith("builtin:"):
        dataset = _load_builtin(ref, options)
    elif ref.startswith("upload:"):
        dataset = _load_upload(ref, Path(workspace), options)
    else:
        raise DatasetError(
            f"unknown dataset reference {ref!r}: expected builtin:<name>, upload:<id> or "
            "path:<file or folder in a data folder>"
        )
    return _with_target(dataset, options.get("target"))


def _with_target(dataset: Dataset, target: str | None) -> Dataset:
    """A table's target is the user's choice; the loader's is only the default."""
    data = dataset.data
    if data.kind != "tabular" or not target or target == data.target:
        return dataset
    if target not in data.frame.columns:
        raise DatasetError(
            f"column {target!r} is not in {dataset.name}; columns: {', '.join(map(str, data.frame.columns))}"
        )
    return replace(dataset, data=TabularData(frame=data.frame, target=target))


def _load_builtin(ref: str, options: dict[str, Any]) -> Dataset:
    key = ref.removeprefix("builtin:")
    from data.builtin_tabular import BUILTIN_TABULAR

    if key in BUILTIN_TABULAR:
        name, loader, text = BUILTIN_TABULAR[key]
        return Dataset(ref=ref, name=name, data=loader(), description=text)
    from data.builtin_images import BUILTIN_IMAGE_DESCRIPTIONS, BUILTIN_IMAGE_SETS

    if key in BUILTIN_IMAGE_SETS:
        data = BUILTIN_IMAGE_SETS[key]()
        return Dataset(ref, _title(key), data, BUILTIN_IMAGE_DESCRIPTIONS[key])
    from data.builtin_text import BUILTIN_TEXT_DESCRIPTIONS, BUILTIN_TEXT_SETS

    if key in BUILTIN_TEXT_SETS:
        return Dataset(ref, _title(key), BUILTIN_TEXT_SETS[key](), BUILTIN_TEXT_DESCRIPTIONS[key])
    known = ", ".join(entry.ref for entry in builtin_catalog())
    raise DatasetError(f"no built-in dataset {key!r}; choose one of: {known}")


def _load_path(ref: str, workspace: Path, options: dict[str, Any]) -> Dataset:
    """A table on disk, streamed: only its files are listed here, nothing is read."""
    from data.bigtable.sources import resolve_ref
    from data.bigtable.streamed import StreamedTable

    source = resolve_ref(ref, workspace)
    target = options.get("target")
    if not target:
        from data.bigtable.reader import TableReader

        target = TableReader(source, "skip").schema.names[-1]
    data = StreamedTable(
        source,
        target=target,
        bad_lines=options.get("bad_lines", "fail"),
        key_column=options.get("key_column"),
        workspace=workspace,
    )
    return Dataset(source.ref, source.name, data, f"{source.format} on disk, streamed")


def path_catalog(workspace: Path) -> list[CatalogEntry]:
    """Tables in the data folders (files and folders one level down), without reading them."""
    from data.bigtable.sources import data_roots, is_table_path

    entries = []
    for root in data_roots(workspace):
        for path in sorted(root.iterdir()) if root.is_dir() else []:
            if path.name.startswith((".", "_")) or not (path.is_dir() or is_table_path(path)):
                continue
            entries.append(
                CatalogEntry(f"path:{path.name}", path.name, "tabular", f"on disk in {root}")
            )
    return entries


def _load_upload(ref: str, workspace: Path, options: dict[str, Any]) -> Dataset:
    from data.dataset_store import read_meta, upload_dir

    meta = read_meta(workspace, ref)
    folder = upload_dir(workspace, ref)
    name = meta.get("name", ref)
    if meta["kind"] == "image":
        with np.load(folder / "images.npz", allow_pickle=False) as arrays:
            data = ImageData(images=arrays["images"], labels=arrays["labels"].astype(str))
        return Dataset(ref, name, data)
    from data.csv_loader import read_csv_bytes

    frame = read_csv_bytes((folder / "source.csv").read_bytes()).frame
    if meta["kind"] == "text":
        from data.text_columns import detect_text_columns, validate_text_dataset

        text_col, label_col = options.get("text_column"), options.get("label_column")
        if not (text_col and label_col):
            guessed_text, guessed_label = detect_text_columns(frame)
            text_col, label_col = text_col or guessed_text, label_col or guessed_label
        return Dataset(ref, name, validate_text_dataset(frame, text_col, label_col).data)
    return uploaded_table(ref, name, frame, meta, options)


def uploaded_table(
    ref: str, name: str, frame: pd.DataFrame, meta: dict[str, Any], options: dict[str, Any]
) -> Dataset:
    """An uploaded CSV as a dataset; its target is the chosen column, else the proposed one."""
    from data.target_proposal import propose_target

    target = options.get("target") or meta.get("target") or propose_target(frame).column
    if target not in frame.columns:
        raise DatasetError(
            f"column {target!r} is not in {name}; columns: {', '.join(frame.columns)}"
        )
    return Dataset(ref, name, TabularData(frame=frame, target=target))


def save_image_upload(workspace: Path, name: str, data: ImageData) -> str:
    """Images are stored already normalised, so training never decodes the zip again."""
    from data.dataset_store import save_upload

    labels = data.labels.astype(str)
    buffer = io.BytesIO()
    np.savez_compressed(buffer, images=data.images, labels=labels)
    identity = {"images": data.images.tobytes(), "labels": "\n".join(labels).encode()}
    meta = {"shape": list(data.images.shape)}
    return save_upload(workspace, "image", name, {"images.npz": buffer.getvalue()}, meta, identity)

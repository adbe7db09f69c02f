"""Uploaded datasets, kept in the workspace by content hash.

The client's file name is shown to people but never used as a path: the folder is
the hash of the bytes, so uploading the same file twice stores it once and a run's
dataset reference still resolves after a restart.

Several sessions may save the same upload at once. Each file is written under a
temporary name of its own in the target folder and renamed into place, and meta.json
comes last: a reader sees a whole file or none, and an upload with a meta.json has
all its files.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from data.dataset import DatasetError, Kind

_PREFIX = "upload:"


def content_ref(kind: Kind, files: dict[str, bytes]) -> str:
    digest = hashlib.sha256(kind.encode())
    for name in sorted(files):
        digest.update(name.encode() + b"\0" + hashlib.sha256(files[name]).digest())
    return _PREFIX + digest.hexdigest()[:20]


def upload_dir(workspace: Path, ref: str) -> Path:
    key = ref.removeprefix(_PREFIX)
    if not ref.startswith(_PREFIX) or not key.isalnum():
        raise DatasetError(f"{ref!r} is not an uploaded-dataset reference")
    return Path(workspace) / "datasets" / key


def save_upload(
    workspace: Path,
    kind: Kind,
    name: str,
    files: dict[str, bytes],
    meta: dict[str, Any] | None = None,
    identity: dict[str, bytes] | None = None,
) -> str:
    """Store files (our own fixed names: 'source.csv', 'images.npz') and return the reference.

    `identity` is what the reference hashes when the stored bytes are not stable
    (a compressed archive carries timestamps); by default the files themselves.
    """
    ref = content_ref(kind, identity or files)
    folder = upload_dir(workspace, ref)
    folder.mkdir(parents=True, exist_ok=True)
    if not _complete(folder, files):  # stored before: the same bytes, no need to write them
        for file_name, payload in files.items():
            _atomic_write(folder / file_name, payload)
    info = {"kind": kind, "name": name, "saved": time.time(), **(meta or {})}
    _atomic_write(folder / "meta.json", json.dumps(info).encode())
    return ref


def read_meta(workspace: Path, ref: str) -> dict[str, Any]:
    path = upload_dir(workspace, ref) / "meta.json"
    if not path.exists():
        raise DatasetError(
            f"the uploaded dataset {ref} is not in the workspace any more; upload it again"
        )
    return json.loads(path.read_text())


def list_uploads(workspace: Path) -> list[tuple[str, dict[str, Any]]]:
    """(ref, meta) of every stored upload, newest first."""
    root = Path(workspace) / "datasets"
    found = []
    for meta_path in root.glob("*/meta.json") if root.exists() else []:
        found.append((_PREFIX + meta_path.parent.name, json.loads(meta_path.read_text())))
    return sorted(found, key=lambda item: item[1].get("saved", 0), reverse=True)


def _complete(folder: Path, files: dict[str, bytes]) -> bool:
    return (folder / "meta.json").exists() and all((folder / name).exists() for name in files)


def _atomic_write(path: Path, payload: bytes) -> None:
    """A temporary name no other writer shares, in the same folder, so the rename is atomic."""
    handle, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(payload)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def rename_upload(workspace: Path, ref: str, name: str) -> None:
    """Give a stored upload a new display name (its folder and reference stay)."""
    name = name.strip()
    if not name:
        raise DatasetError("A dataset needs a name; type one before renaming.")
    meta = read_meta(workspace, ref)
    meta["name"] = name
    _atomic_write(upload_dir(workspace, ref) / "meta.json", json.dumps(meta).encode())


def delete_upload(workspace: Path, ref: str) -> None:
    """Remove a stored upload and its files. Runs trained on it keep their results."""
    import shutil

    shutil.rmtree(upload_dir(workspace, ref), ignore_errors=True)

"""Datasets travel to Ray nodes by content, once per cluster and once per node.

Built-in datasets ship inside the installed packages, so only the name travels. An
upload is already stored under its content hash (data/dataset_store.py); its folder is
packed and put into Ray's object store once, the first time a run needs it, and every
later run passes the same reference. A node unpacks it into its own cache folder the
first time, so the next run on that node reads it from disk and fetches nothing.
"""

from __future__ import annotations

import threading
from pathlib import Path

from data.dataset import DatasetError
from models.executors.ray_store import pack_folder, unpack_folder


class DatasetDepot:
    """The app's side: one object-store reference per uploaded dataset."""

    def __init__(self, workspace: str) -> None:
        self.workspace = Path(workspace)
        self._refs: dict[str, object] = {}
        self._lock = threading.Lock()
        self.uploads = 0  # how many datasets were put into the object store

    def package(self, ref: str) -> list:
        """What a run needs to find its dataset on a node: [] for a built-in, else [object]."""
        if ref.startswith("builtin:"):
            return []
        if not ref.startswith("upload:"):
            raise DatasetError(
                f"{ref} is read from a folder on this machine, which Ray nodes cannot see; "
                "upload the file on the Data page, or train it with GLASSBOX_EXECUTOR=local"
            )
        from data.dataset_store import read_meta, upload_dir

        with self._lock:
            if ref not in self._refs:
                import ray

                read_meta(self.workspace, ref)  # a clear message if it was deleted
                self._refs[ref] = ray.put(pack_folder(upload_dir(self.workspace, ref)))
                self.uploads += 1
            return [self._refs[ref]]


def materialise(workspace: Path, ref: str, package: list) -> None:
    """The node's side: make the upload's folder exist in this node's workspace."""
    if not package:
        return
    from data.dataset_store import upload_dir

    folder = upload_dir(workspace, ref)
    if (folder / "meta.json").exists():
        return  # this node has it from an earlier run
    import ray

    unpack_folder(ray.get(package[0]), folder)

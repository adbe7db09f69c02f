"""How a run on another machine reports to the app's store, with nothing shared but Ray.

A Ray worker cannot open the app's SQLite file or write into its run folders. The
`StoreWriter` actor lives on the app's own node and owns a real RunStore there; the
worker holds a `RemoteStore`, which offers the run-store calls the worker code makes
(models/worker.py is the same on both executors) and forwards each to the actor.
Calls whose answer the worker needs (heartbeat: should it stop? endgame claims,
finish) wait for it; progress and epochs are sent without waiting, in order, since
one caller's calls to an actor run in the order they were made.

The run's folder is written on the worker's node and travels once, packed, through
Ray's object store when the run closes (finished, failed or cancelled), before the
store marks it closed: a reader never sees a finished run without its files.
"""

from __future__ import annotations

import io
import os
import shutil
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from models.artifacts import META
from models.processes import ProcessId
from models.run_record import RAY_NODE, Run


def pack_folder(folder: Path) -> bytes:
    """A folder's files as one zip (already compressed arrays are stored as they are)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for path in sorted(Path(folder).rglob("*")):
            if path.is_file() and not path.name.startswith(".results-"):
                archive.write(path, path.relative_to(folder).as_posix())
    return buffer.getvalue()


def unpack_folder(blob: bytes, folder: Path) -> None:
    """Unpack beside the target, then move entries in with meta.json last (as save_outcome)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".incoming-", dir=folder))
    try:
        with zipfile.ZipFile(io.BytesIO(blob)) as archive:
            for name in archive.namelist():
                if name.startswith("/") or ".." in Path(name).parts:
                    raise ValueError(f"refusing a packed file outside its folder: {name}")
            archive.extractall(staging)
        entries = sorted(staging.iterdir(), key=lambda path: path.name == META)
        for entry in entries:
            target = folder / entry.name
            if target.is_dir():
                shutil.rmtree(target)
            os.replace(entry, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


class StoreWriter:
    """The app node's end: a RunStore plus what only the app's node can do for a run.

    Decorated with ray.remote where it is created (models/executors/ray_executor.py),
    so this module imports no Ray and its logic is testable without a cluster.
    """

    def __init__(self, workspace: str) -> None:
        from models.store import RunStore

        self.store = RunStore(workspace)

    def mark_started(self, run_id: str, worker: ProcessId, node: str) -> bool:
        return self.store.mark_started(run_id, worker, node)

    def get(self, run_id: str) -> Run | None:
        return self.store.get(run_id)

    def heartbeat(self, run_id: str) -> bool:
        return self.store.heartbeat(run_id)

    def enter_endgame(self, run_id: str, state: str) -> bool:
        return self.store.enter_endgame(run_id, state)

    def set_phase(self, run_id: str, phase: str) -> None:
        self.store.set_phase(run_id, phase)

    def set_progress(self, run_id: str, epoch: int, epochs: int, progress: float) -> None:
        self.store.set_progress(run_id, epoch, epochs, progress)

    def start_fit(self, run_id: str, rows: int) -> None:
        self.store.start_fit(run_id, rows)

    def log_epoch(self, run_id: str, epoch: int, metrics: dict[str, Any], epochs: int) -> None:
        self.store.log_epoch(run_id, epoch, metrics, epochs)

    def epochs_logged(self, run_id: str) -> int:
        return len(self.store.history(run_id))

    def finish(self, run_id: str, status: str, files: list, **details: Any) -> bool:
        """Unpack the run's folder first (if the run is still open), then close the run."""
        run = self.store.get(run_id)
        if run is None or run.status != "running":
            return False
        if files:
            blob = files[0]
            if not isinstance(blob, bytes):  # an object reference, kept unresolved until here
                import ray

                blob = ray.get(blob)
            unpack_folder(blob, self.store.run_dir(run_id))
        return self.store.finish(run_id, status, **details)

    def after_success(self, run_id: str, layer: str | None, modality: str) -> None:
        from models.worker import after_success

        after_success(self.store, run_id, layer, modality)


class _History:
    """Stands in for the history frame where the worker only counts its rows."""

    def __init__(self, rows: int) -> None:
        self.rows = rows

    def __len__(self) -> int:
        return self.rows


class RemoteStore:
    """The worker's end: the run-store calls models.worker makes, sent to the StoreWriter."""

    def __init__(self, writer, workspace: Path, node: str) -> None:
        self.writer, self.workspace, self.node = writer, Path(workspace), node
        (self.workspace / "runs").mkdir(parents=True, exist_ok=True)

    def _ask(self, method: str, *args: Any, **kwargs: Any) -> Any:
        import ray

        return ray.get(getattr(self.writer, method).remote(*args, **kwargs))

    def _tell(self, method: str, *args: Any) -> None:
        getattr(self.writer, method).remote(*args)

    def run_dir(self, run_id: str) -> Path:
        folder = self.workspace / "runs" / run_id
        folder.mkdir(exist_ok=True)  # this node's copy; the app's node made its own
        return folder

    def mark_started(self, run_id: str, worker: ProcessId, node: str = "") -> bool:
        return self._ask("mark_started", run_id, worker, self.node)

    def get(self, run_id: str) -> Run | None:
        return self._ask("get", run_id)

    def heartbeat(self, run_id: str) -> bool:
        return self._ask("heartbeat", run_id)

    def enter_endgame(self, run_id: str, state: str) -> bool:
        return self._ask("enter_endgame", run_id, state)

    def set_phase(self, run_id: str, phase: str) -> None:
        self._tell("set_phase", run_id, phase)

    def set_progress(self, run_id: str, epoch: int, epochs: int, progress: float) -> None:
        self._tell("set_progress", run_id, epoch, epochs, progress)

    def start_fit(self, run_id: str, rows: int) -> None:
        self._tell("start_fit", run_id, rows)

    def log_epoch(self, run_id: str, epoch: int, metrics: dict[str, Any], epochs: int) -> None:
        self._tell("log_epoch", run_id, epoch, metrics, epochs)

    def history(self, run_id: str) -> _History:
        return _History(self._ask("epochs_logged", run_id))

    def finish(self, run_id: str, status: str, **details: Any) -> bool:
        import ray

        folder = self.workspace / "runs" / run_id
        files = [ray.put(pack_folder(folder))] if folder.is_dir() else []
        try:
            return self._ask("finish", run_id, status, files, **details)
        finally:
            shutil.rmtree(folder, ignore_errors=True)  # the app's node has it now

    def after_success(self, run_id: str, layer: str | None, modality: str) -> None:
        self._tell("after_success", run_id, layer, modality)


def node_label(ip: str, node_id: str) -> str:
    return f"{RAY_NODE}{ip} ({node_id[:8]})"

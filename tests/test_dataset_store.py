"""Uploads saved by several sessions at once: every reader sees a whole file or none."""

from __future__ import annotations

import multiprocessing
import threading

from data.dataset_store import content_ref, list_uploads, read_meta, save_upload, upload_dir

PAYLOAD = b"x,y\n" + b"1,2\n" * 2_000_000  # 8 MB: big enough that a write takes a while
WRITERS = 4
ROUNDS = 3


def _save(workspace: str, name: str) -> None:
    save_upload(workspace, "tabular", name, {"source.csv": PAYLOAD})


def _read_until(path, stop: threading.Event, seen: list[int]) -> None:
    while not stop.is_set():
        try:
            seen.append(len(path.read_bytes()))
        except FileNotFoundError:
            continue


def _check_concurrent_saves(workspace, start_writers) -> None:
    """Rounds of writers that all start at once; each round finds the upload incomplete."""
    target = upload_dir(workspace, content_ref("tabular", {"source.csv": PAYLOAD}))
    path = target / "source.csv"
    stop, seen = threading.Event(), []
    reader = threading.Thread(target=_read_until, args=(path, stop, seen))
    reader.start()
    try:
        for _ in range(ROUNDS):
            (target / "meta.json").unlink(missing_ok=True)
            start_writers()
    finally:
        stop.set()
        reader.join()
    assert set(seen) <= {len(PAYLOAD)}, "a reader saw part of the file"
    assert path.read_bytes() == PAYLOAD
    assert sorted(p.name for p in target.iterdir()) == ["meta.json", "source.csv"]
    assert read_meta(workspace, "upload:" + target.name)["kind"] == "tabular"


def test_threads_saving_the_same_upload_never_tear_it(tmp_path):
    errors: list[BaseException] = []

    def save(name: str) -> None:
        try:
            _save(str(tmp_path), name)
        except BaseException as error:  # the reported FileNotFoundError
            errors.append(error)

    def start_writers() -> None:
        threads = [threading.Thread(target=save, args=(f"s{k}",)) for k in range(WRITERS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    _check_concurrent_saves(tmp_path, start_writers)
    assert errors == []


def test_processes_saving_the_same_upload_never_tear_it(tmp_path):
    context = multiprocessing.get_context("spawn")

    def start_writers() -> None:
        processes = [
            context.Process(target=_save, args=(str(tmp_path), f"p{k}")) for k in range(WRITERS)
        ]
        for process in processes:
            process.start()
        for process in processes:
            process.join(60)
        assert [process.exitcode for process in processes] == [0] * WRITERS

    _check_concurrent_saves(tmp_path, start_writers)


def test_saving_a_stored_upload_again_renames_it_without_rewriting_its_files(tmp_path):
    ref = save_upload(tmp_path, "tabular", "first.csv", {"source.csv": PAYLOAD})
    source = upload_dir(tmp_path, ref) / "source.csv"
    written = source.stat().st_mtime_ns, source.stat().st_ino
    assert save_upload(tmp_path, "tabular", "second.csv", {"source.csv": PAYLOAD}) == ref
    assert (source.stat().st_mtime_ns, source.stat().st_ino) == written
    assert [meta["name"] for _, meta in list_uploads(tmp_path)] == ["second.csv"]

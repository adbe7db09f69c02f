"""Reading a table's next batches on a thread while the current one is worked on.

Decoding Parquet and parsing CSV run in Arrow's C++ code without Python's lock, so one
thread reading ahead lets the second core decode while the first computes statistics or
prepares training rows. At most `depth` batches wait, so memory stays bounded. The
reading generator is started, advanced and closed on the reading thread only; its errors
reach the consumer as they were raised, and a consumer that stops early stops the thread.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from typing import TypeVar

T = TypeVar("T")
_END = object()


def read_ahead(items: Iterator[T], depth: int = 2) -> Iterator[T]:
    """The items of `items` in order, produced up to `depth` ahead on another thread."""
    waiting: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(entry: tuple) -> bool:
        while not stop.is_set():
            try:
                waiting.put(entry, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in items:
                if not put((item, None)):
                    return
            put((_END, None))
        except BaseException as exc:  # handed to the consumer, who raises it
            put((_END, exc))
        finally:
            close = getattr(items, "close", None)
            if close is not None:
                close()

    thread = threading.Thread(target=produce, name="glassbox-read-ahead", daemon=True)
    thread.start()
    try:
        while True:
            item, error = waiting.get()
            if item is _END:
                if error is not None:
                    raise error
                return
            yield item
    finally:
        stop.set()
        if thread is not threading.current_thread():  # a collector may finalise us there
            thread.join()

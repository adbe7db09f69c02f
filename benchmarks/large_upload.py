"""A 10⁶ × 20 CSV (~150 MB) on the Data page: the first preview, later clicks, peak memory.

Drives the real page through AppTest in this process, so the process's RSS is the
server's. Goals (issue 10): after the first preview, a click on the Data page ≤ 1 s;
peak RSS ≤ 3× the file size. Streamlit holds the upload's bytes in memory as long as
it sits in the uploader (AppTest holds a second copy while it hands the file over),
so the peak is also given above the RSS the process had when the page received the
upload: what reading, storing and summarising the file cost.
"""

from __future__ import annotations

import os
import resource
import threading
import time
from pathlib import Path

from _common import ROOT, temp_workspace

ROWS, COLUMNS = 1_000_000, 20
CLICK_GOAL_S = 1.0
PEAK_GOAL = 3.0  # × the file size


def write_csv(path: Path) -> int:
    """Numbers with four decimals and a three-class label: ~150 MB."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        rng.normal(0, 40, (ROWS, COLUMNS - 1)), columns=[f"x{k}" for k in range(COLUMNS - 1)]
    )
    frame["label"] = rng.choice(["low", "mid", "high"], ROWS)
    frame.to_csv(path, index=False, float_format="%.4f")
    return path.stat().st_size


class PeakRss:
    """Samples this process's RSS every 5 ms while in the `with` block."""

    def __enter__(self) -> PeakRss:
        import psutil

        self._process, self.peak = psutil.Process(), 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._process.memory_info().rss)
            self._stop.wait(0.005)

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self._process.memory_info().rss)


def rss() -> int:
    import psutil

    return psutil.Process().memory_info().rss


def timed(action) -> tuple[object, float]:
    start = time.perf_counter()
    result = action()
    return result, time.perf_counter() - start


def main() -> None:
    folder = temp_workspace("large-upload")
    os.environ["GLASSBOX_WORKSPACE"] = str(folder / "workspace")
    csv = folder / "large.csv"
    size = write_csv(csv)
    mb = 1e6

    from streamlit.testing.v1 import AppTest

    import dashboard.data_page.sources as sources
    import data.csv_loader

    received: list[int] = []
    parses: list[int] = []
    read_upload, parse = sources._read_csv_upload, data.csv_loader.read_csv_bytes

    def note_rss_on_arrival(upload):  # instrumentation only: the page's own functions run
        received.append(rss())
        return read_upload(upload)

    def count_parse(*args, **kwargs):
        parses.append(1)
        return parse(*args, **kwargs)

    sources._read_csv_upload = note_rss_on_arrival
    data.csv_loader.read_csv_bytes = count_parse

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600).run()
    at.radio(key="data_source").set_value("Upload a CSV table").run()
    before_file = rss()
    uploader = at.file_uploader(key="csv_upload")
    with PeakRss() as first_peak:
        _, first = timed(
            lambda: uploader.set_value(("large.csv", csv.read_bytes(), "text/csv")).run()
        )
    assert not at.exception, at.exception
    shown = " ".join(m.value for m in at.markdown)
    assert f"{ROWS:,} rows" in shown, shown[:300]
    target = next(k for k in at.session_state if str(k).startswith("target_"))
    clicks = {
        "rerun (any click)": lambda: at.run(),
        "choose another target": lambda: at.selectbox(key=target).set_value("x0").run(),
        "choose the label again": lambda: at.selectbox(key=target).set_value("label").run(),
        "use it for training": lambda: at.button(key="use_dataset").click().run(),
    }
    with PeakRss() as click_peak:
        seconds = {name: timed(action)[1] for name, action in clicks.items()}
    assert not at.exception, at.exception
    after = rss()
    lifetime_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024

    peak = max(first_peak.peak, click_peak.peak, lifetime_peak)
    print(f"file: {ROWS:,} × {COLUMNS} CSV, {size / mb:.0f} MB")
    print(f"first preview (read, check, store, summary): {first:6.2f} s")
    for name, value in seconds.items():
        verdict = "ok" if value <= CLICK_GOAL_S else "over"
        print(f"later click, {name:<24} {value:6.2f} s   (goal ≤ {CLICK_GOAL_S:.0f} s: {verdict})")
    print(f"RSS before the upload:              {before_file / mb:6.0f} MB")
    print(f"RSS when the page received it:      {received[0] / mb:6.0f} MB")
    print(
        f"peak RSS:                           {peak / mb:6.0f} MB = {peak / size:.1f}× the file"
        f"   (goal ≤ {PEAK_GOAL:.0f}×)"
    )
    for label, since in (("the upload", before_file), ("the page received it", received[0])):
        grew = peak - since
        print(
            f"peak above the RSS before {label + ':':<22} {grew / mb:6.0f} MB = {grew / size:.1f}×"
        )
    print(f"RSS after the clicks:               {after / mb:6.0f} MB")
    print(f"times the file was parsed: {len(parses)} (once for the first preview)")


if __name__ == "__main__":
    main()

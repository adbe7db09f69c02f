"""Helpers the benchmark scripts share: a private workspace, a served app, Chromium."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def temp_workspace(prefix: str) -> Path:
    return Path(tempfile.mkdtemp(prefix=f"glassbox-bench-{prefix}-"))


def loaded_libraries(pid: int) -> str:
    """The shared objects a process has mapped: tells whether it loaded TensorFlow or numba."""
    return Path(f"/proc/{pid}/maps").read_text()


_EXPLORE_TABS_SCRIPT = """
import json, sys, time
from streamlit.testing.v1 import AppTest
import threading
app, run_id, wanted, wait = sys.argv[1], sys.argv[2], json.loads(sys.argv[3]), sys.argv[4] == "1"
def background_imports():
    start = time.perf_counter()
    for thread in threading.enumerate():
        if wait and thread.name in ("glassbox-preload", "glassbox-warm-up"):
            thread.join()
    return time.perf_counter() - start
at = AppTest.from_file(app, default_timeout=300).run()
start_up = background_imports()
at.query_params["run"] = run_id
at.switch_page("dashboard/app_pages/explore.py")
start = time.perf_counter(); at.run(); page = time.perf_counter() - start
background = background_imports()
tabs = [tab.label for tab in at.tabs]
times = {}
for label in wanted:
    if label in tabs:
        at.session_state["view"] = label  # the click on the tab
        start = time.perf_counter(); at.run(); first = time.perf_counter() - start
        start = time.perf_counter(); at.run(); again = time.perf_counter() - start
        times[label] = [first, again]
errors = [str(e.value) for e in at.exception]
print(json.dumps({"start_up": start_up, "page": page, "background": background, "tabs": tabs, "times": times,
                  "errors": errors}))
"""


def explore_tab_seconds(
    workspace: Path, run_id: str, tabs: list[str], wait_for_background: bool = False
) -> dict:
    """Explore on a finished run, in a fresh Python process as a person's first visit is:
    the page with its default tab, then each of ``tabs`` opened (first render, then a rerun).

    Opened at once, right after the first page, the page pays for the imports the app
    starts in the background after it, and the first probing tab for importing
    TensorFlow and loading the model. ``wait_for_background`` lets that work finish
    first (the imports, and the model loaded and its saliency traced ahead), as it does
    while a person reads the first page and then the first tab; the wait is printed. The
    rerun is what every later click costs."""
    import json
    import os
    import subprocess

    env = {**os.environ, "GLASSBOX_WORKSPACE": str(workspace), "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-c", _EXPLORE_TABS_SCRIPT, str(ROOT / "app.py"), run_id]
    done = subprocess.run(
        [*command, json.dumps(tabs), "1" if wait_for_background else "0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        nan = float("nan")
        return {
            "start_up": nan,
            "page": nan,
            "background": nan,
            "tabs": [],
            "times": {},
            "errors": [done.stderr[-800:]],
        }
    return json.loads(done.stdout.strip().splitlines()[-1])


def print_explore_seconds(timing: dict) -> None:
    if timing["start_up"] > 0.05:
        print(f"  (waited {timing['start_up']:.1f} s for the imports started after the first page)")
    print(f"  page with its default tab: {timing['page']:.2f} s")
    if timing["background"] > 0.05:
        print(f"  (then waited {timing['background']:.1f} s for the background imports)")
    for label, (first, again) in timing["times"].items():
        print(f"  {label:<24} first open {first:5.2f} s, rerun {again:5.2f} s")
    if timing["errors"]:
        print(f"  errors: {timing['errors']}")

"""Opening an uploaded model in a process of its own, and reading what it found.

The app process never loads a person's model file: `start` runs
models.importing.describe in a child process that writes description.json next to
the stored file. The state lives in that file, not in st.session_state, so a page
refresh finds the answer again.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

ANSWER = "description.json"
_STARTED: dict[str, subprocess.Popen] = {}


def answer_path(model_path: Path) -> Path:
    return Path(model_path).parent / f"{Path(model_path).name}.{ANSWER}"


def start(model_path: Path) -> None:
    """Open the file in the background, once per stored file."""
    key = str(model_path)
    if answer_path(model_path).exists() or (key in _STARTED and _STARTED[key].poll() is None):
        return
    root = Path(__file__).resolve().parents[2]
    _STARTED[key] = subprocess.Popen(
        [sys.executable, "-m", "models.importing.describe", key, str(answer_path(model_path))],
        cwd=root,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def answer(model_path: Path) -> dict[str, Any] | None:
    """{"summary": …} or {"refused": …}; None while the file is still being opened."""
    path = answer_path(model_path)
    if path.exists():
        return json.loads(path.read_text())
    process = _STARTED.get(str(model_path))
    if process is not None and process.poll() not in (None, 0):
        return {"refused": "Opening the model stopped unexpectedly; upload the file again."}
    return None

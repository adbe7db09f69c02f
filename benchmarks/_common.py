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

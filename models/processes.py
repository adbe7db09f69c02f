"""Telling a live worker from a dead one, across restarts of the app.

A pid alone is not proof: once a worker is gone its pid can be given to any other
program, so a process is named by its pid and its start time together. A heartbeat
is no proof either: a paused or busy process stops beating but is still alive.
"""

from __future__ import annotations

import os
import signal
from dataclasses import dataclass

import psutil

_SAME_START_S = 0.01  # start times of one process agree to the clock tick; another differs


@dataclass(frozen=True)
class ProcessId:
    """A process as it can be found again: the pid and when that process started."""

    pid: int
    started: float

    @classmethod
    def current(cls) -> ProcessId:
        found = cls.of(os.getpid())
        assert found is not None, "this process exists"
        return found

    @classmethod
    def of(cls, pid: int) -> ProcessId | None:
        """The process now running under `pid`, or None when there is none."""
        try:
            return cls(pid, psutil.Process(pid).create_time())
        except (psutil.NoSuchProcess, psutil.ZombieProcess, ValueError):
            return None

    def is_alive(self) -> bool:
        """True while this very process runs, paused or not; a zombie has ended."""
        try:
            process = psutil.Process(self.pid)
            if abs(process.create_time() - self.started) > _SAME_START_S:
                return False
            return process.status() != psutil.STATUS_ZOMBIE
        except (psutil.NoSuchProcess, psutil.ZombieProcess, ValueError):
            return False
        except psutil.AccessDenied:
            return True

    def terminate(self) -> bool:
        """Send SIGTERM if the process is still this one; returns whether it was sent."""
        if not self.is_alive():
            return False
        try:
            os.kill(self.pid, signal.SIGTERM)
        except ProcessLookupError:
            return False
        return True

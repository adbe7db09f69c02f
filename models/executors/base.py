"""The two things the job manager needs from any executor: start a run, and a handle to it."""

from __future__ import annotations

from typing import Protocol


class JobHandle(Protocol):
    """One run on its way through an executor; reads like a process to the job manager.

    `exitcode` is None while the run trains, 0 when its worker code returned (however the
    run ended: the store says that), and a negative signal number or other code when the
    worker died under it.
    """

    @property
    def exitcode(self) -> int | None: ...

    def is_alive(self) -> bool: ...

    def terminate(self) -> None:
        """Stop the run now, whatever it is doing (a cancel past its grace, shutdown)."""

    def join(self, timeout: float) -> None: ...

    def ended_how(self) -> str:
        """Why the run ended without its worker closing it, in words for the run's error."""


class Executor(Protocol):
    """Starts claimed runs; the run store stays the only record of how they went."""

    name: str

    def describe(self) -> str:
        """Where runs train, for the Runs page (e.g. 'this machine, 2 warm workers')."""

    def start(self, run_id: str, target=None) -> JobHandle:
        """Start the run (already claimed: status running). `target(workspace, run_id)` is
        the worker entry point; None means models.worker.run_job."""

    def set_concurrency(self, value: int) -> None: ...

    def shutdown(self) -> None:
        """Stop idle workers and release what the executor holds (not the runs: the job
        manager terminates those through their handles first)."""

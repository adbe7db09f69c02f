"""Where runs train: warm local worker processes (the default) or a Ray cluster.

The job manager (models/jobs.py) queues, claims, cancels and reaps; an executor only
starts a claimed run somewhere and hands back a handle that says whether it still
trains and how it ended. `make_executor` picks one from GLASSBOX_EXECUTOR; the Ray
one is imported only when asked for, so an app without a cluster never loads Ray.
"""

from __future__ import annotations

import os

from models.executors.base import Executor, JobHandle

__all__ = ["Executor", "JobHandle", "executor_choice", "make_executor"]

LOCAL, RAY = "local", "ray"


def executor_choice() -> str:
    """GLASSBOX_EXECUTOR, checked: a typo is an error with the fix, not a silent default."""
    choice = os.environ.get("GLASSBOX_EXECUTOR", LOCAL).strip().lower() or LOCAL
    if choice not in (LOCAL, RAY):
        raise ValueError(
            f"GLASSBOX_EXECUTOR is {choice!r}; set it to 'local' (the default) or 'ray'"
        )
    return choice


def make_executor(workspace: str, concurrency: int) -> Executor:
    if executor_choice() == RAY:
        from models.executors.ray_executor import RayExecutor

        return RayExecutor(workspace, address=os.environ.get("GLASSBOX_RAY_ADDRESS", "auto"))
    from models.executors.local import LocalExecutor

    return LocalExecutor(workspace, concurrency)

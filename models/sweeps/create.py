"""Starting and stopping a sweep; the driver (models/sweeps/driver.py) does the rest."""

from __future__ import annotations

from models.groups import SWEEP, create_group, get_group, update_settings
from models.store import RunStore
from models.sweeps.settings import PRUNERS, STRATEGIES, SweepSettings
from models.sweeps.space import SpaceError, grid_size

MAX_BUDGET = 500

RUNNING, STOPPING, FINISHED, CANCELLED = "running", "stopping", "finished", "cancelled"


def check(settings: SweepSettings) -> None:
    """Refuse a sweep that cannot run, saying what to change."""
    if settings.strategy not in STRATEGIES:
        raise SpaceError(
            f"unknown search strategy {settings.strategy!r}; use {', '.join(STRATEGIES)}"
        )
    if settings.pruner not in PRUNERS:
        raise SpaceError(f"unknown early stopping {settings.pruner!r}; use {', '.join(PRUNERS)}")
    if not 1 <= settings.budget <= MAX_BUDGET:
        raise SpaceError(f"the trial budget must be between 1 and {MAX_BUDGET}")
    if settings.pruner != "none" and not settings.per_epoch:
        raise SpaceError(
            f"{settings.metric} is known only when a trial ends, so poor trials cannot be "
            "stopped early; choose a per-epoch validation metric or 'No early stopping'"
        )
    if settings.strategy == "grid" and grid_size(settings.ranges) > MAX_BUDGET:
        raise SpaceError("the grid has too many points; use lists with fewer values or Random")


def start_sweep(store: RunStore, name: str, settings: SweepSettings) -> str:
    """A new sweep group; its first trials are queued within a scheduler tick."""
    check(settings)
    if settings.strategy == "grid":
        settings.budget = min(settings.budget, grid_size(settings.ranges))
    return create_group(
        store, SWEEP, name, {"sweep": settings.to_dict(), "state": RUNNING, "trials": []}
    )


def stop_sweep(store: RunStore, group_id: str) -> None:
    """Ask no more trials and cancel those in flight; finished trials stay."""
    from models.groups import cancel_group

    group = get_group(store, group_id)
    if group is None or group.settings.get("state") not in (RUNNING,):
        return
    update_settings(store, group_id, state=STOPPING)
    cancel_group(store, group_id)

"""A sweep as its pages read it: trials table rows and per-trial curves, from the store."""

from __future__ import annotations

import math
from typing import Any

from models.groups import Group
from models.store import RunStore
from models.sweeps.settings import SweepSettings


def settings_of(group: Group) -> SweepSettings:
    return SweepSettings.from_dict(group.settings["sweep"])


def trial_rows(store: RunStore, group: Group) -> list[dict[str, Any]]:
    """One row per trial: number, state, score, epochs, each swept parameter, run id."""
    settings = settings_of(group)
    best = (group.settings.get("best") or {}).get("number")
    rows = []
    for trial in group.settings.get("trials", []):
        run = store.get(trial["run_id"]) if trial.get("run_id") else None
        row = {
            "trial": trial["number"],
            "state": trial["state"],
            settings.metric: trial.get("value"),
            "epochs": run.epoch if run else trial.get("epochs", 0),
            **{name: trial["params"].get(name) for name in (r.name for r in settings.ranges)},
            "best": "★" if trial["number"] == best else "",
            "run": trial.get("run_id") or "",
        }
        rows.append(row)
    return rows


def trial_curves(store: RunStore, group: Group) -> list[dict[str, Any]]:
    """Each trial's per-epoch values of the sweep's metric (empty for a final-only metric)."""
    settings = settings_of(group)
    if not settings.per_epoch:
        return []
    best = (group.settings.get("best") or {}).get("number")
    curves = []
    for trial in group.settings.get("trials", []):
        if not trial.get("run_id"):
            continue
        history = store.history(trial["run_id"])
        if settings.metric not in history:
            continue
        pairs = [
            (int(e), float(v))
            for e, v in zip(history["epoch"], history[settings.metric], strict=True)
            if v is not None and math.isfinite(float(v))
        ]
        curves.append(
            {
                "label": f"trial {trial['number']}",
                "epochs": [e for e, _ in pairs],
                "values": [v for _, v in pairs],
                "state": trial["state"],
                "best": trial["number"] == best,
            }
        )
    return curves

"""A 16-trial random sweep with median pruning ÷ the same 16 trials run to the end.

Same seed, so the random search asks the same 16 settings in the same order either way;
both on one warm local worker (the first run, not counted, pays the imports). Goal: the
pruned sweep takes ≤ 0.6 of the time and finds the same best validation loss.
"""

from __future__ import annotations

import os
import time

from _common import temp_workspace
from _runs import specs, upload_table

from models.groups import get_group
from models.jobs import JobManager
from models.store import RunStore
from models.sweeps.create import start_sweep
from models.sweeps.settings import SweepSettings
from models.sweeps.space import parse_space

TRIALS = 16
PARAMS = {"epochs": 10, "batch_size": 32, "hidden_units": 64, "validation_split": 0.2}
SPACE = {"learning_rate": "1e-5..1e-1 log", "hidden_units": "8..128 log"}


def sweep(manager, store: RunStore, base: dict, pruner: str) -> tuple[float, dict]:
    from models.registry import get_kind

    defaults = get_kind("mlp").params(PARAMS)
    ranges, fixed = parse_space(SPACE, defaults)
    settings = SweepSettings(
        {**base, "params": fixed}, ranges, TRIALS, strategy="random", pruner=pruner, seed=7
    )
    started = time.perf_counter()
    group_id = start_sweep(store, f"bench {pruner}", settings)
    while get_group(store, group_id).settings.get("state") != "finished":
        time.sleep(0.1)
    seconds = time.perf_counter() - started
    return seconds, get_group(store, group_id).settings


def main() -> None:
    store = RunStore(temp_workspace("sweep"))
    mlp = specs(upload_table(store))["mlp"]
    base = {k: v for k, v in mlp.__dict__.items() if k != "params"}
    manager = JobManager(store, 1, embedding_service=False)
    try:
        warm = manager.submit(mlp)  # the worker imports TensorFlow once, outside the timing
        while store.get(warm).active:
            time.sleep(0.1)
        full_s, full = sweep(manager, store, base, "none")
        pruned_s, pruned = sweep(manager, store, base, "median")
    finally:
        manager.shutdown()
    stopped = sum(t["state"] == "stopped early" for t in pruned["trials"])
    print(
        f"all {TRIALS} trials to the end: {full_s:.1f} s, best val_loss {full['best']['value']:.4f}"
    )
    print(
        f"with median pruning: {pruned_s:.1f} s ({stopped} stopped early), "
        f"best val_loss {pruned['best']['value']:.4f}"
    )
    same = full["best"]["params"] == pruned["best"]["params"]
    print(f"same best trial: {same} (trial {full['best']['number']} / {pruned['best']['number']})")
    print(f"pruned ÷ full wall time: {pruned_s / full_s:.2f}   (goal ≤ 0.6)")
    print(f"load average: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")


if __name__ == "__main__":
    main()

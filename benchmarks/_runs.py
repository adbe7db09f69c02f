"""What the executor benchmarks share: a 1,000-row table, run specs, and timing a run."""

from __future__ import annotations

import time

from _common import temp_workspace  # noqa: F401 - puts the project on sys.path

from models.spec import RunSpec
from models.store import RunStore

ROWS = 1_000
MLP_PARAMS = {"epochs": 5, "batch_size": 32, "hidden_units": 64, "validation_split": 0.2}


def table_csv(rows: int = ROWS, seed: int = 0) -> bytes:
    """A learnable table: eight numeric columns, three classes."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    label = rng.integers(0, 3, rows)
    columns = {f"x{i}": label * (i % 3 - 1) + rng.normal(0, 1.0, rows) for i in range(8)}
    frame = pd.DataFrame({**columns, "label": [f"class_{k}" for k in label]})
    return frame.to_csv(index=False).encode()


def upload_table(store: RunStore) -> str:
    from data.dataset_store import save_upload

    return save_upload(store.workspace, "tabular", "bench.csv", {"source.csv": table_csv()})


def specs(ref: str) -> dict[str, RunSpec]:
    options = {"target": "label"}
    return {
        "forest": RunSpec(ref, "random_forest", {"n_estimators": 100}, dataset_options=options),
        "mlp": RunSpec(ref, "mlp", MLP_PARAMS, dataset_options=options),
    }


def run_once(manager, store: RunStore, spec: RunSpec) -> dict[str, float]:
    """Submit and wait; the times the store recorded (created = the Start click)."""
    run_id = manager.submit(spec)
    while store.get(run_id).active:  # slow polling: the store's own times are what count,
        time.sleep(0.25)  # and a fast poll here would take CPU from the worker it times
    run = store.get(run_id)
    assert run.status == "succeeded", run.error
    times = store.epoch_times(run_id)
    fit_started = run.fit_started or run.started
    return {
        "wall": run.finished - run.created,
        "fit": run.final_metrics.get("fit_seconds", 0.0),
        "to_fit": fit_started - run.created,
        "after_fit": run.finished - (times[-1] if times else fit_started),
    }


def median(values: list[float]) -> float:
    import statistics

    return statistics.median(values)

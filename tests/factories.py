"""Small datasets and runs that tests make for themselves."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

from models.spec import RunSpec
from models.store import RunStore


def blobs_csv(rows: int = 300, classes: int = 3, seed: int = 0) -> bytes:
    """A learnable CSV: numeric, categorical and an id column, target last."""
    rng = np.random.default_rng(seed)
    label = rng.integers(0, classes, rows)
    frame = pd.DataFrame(
        {
            "id": np.arange(rows),
            "x1": label * 2.0 + rng.normal(0, 0.5, rows),
            "x2": -label * 1.5 + rng.normal(0, 0.5, rows),
            "colour": np.where(rng.random(rows) < 0.5, "red", "blue"),
            "species": [f"class_{k}" for k in label],
        }
    )
    return frame.to_csv(index=False).encode()


def train_now(store: RunStore, spec: RunSpec) -> str:
    """Train in this process through the real worker code; returns the run id."""
    from models.worker import execute

    run_id = store.create_run(spec, dataset_name=spec.dataset, status="running")
    execute(store, run_id)
    return run_id


# A run that finishes at once, and one that trains long enough to be caught running.
FAST = RunSpec("builtin:iris", "logreg", {})
SLOW_MLP = RunSpec(
    "builtin:digits",
    "mlp",
    {
        "epochs": 200,
        "batch_size": 8,
        "hidden_layers": 2,
        "hidden_units": 64,
        "validation_split": 0.2,
    },
)


def wait_for(predicate, timeout: float = 90.0, interval: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout} s")


SLOW_FOREST = RunSpec("builtin:digits", "random_forest", {"n_estimators": 20_000})

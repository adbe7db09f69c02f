"""Tables with known answers for the explanation tests, and the explain service run in-process."""

from __future__ import annotations

from collections import OrderedDict

import numpy as np
import pandas as pd

from data.dataset_store import save_upload
from models.store import RunStore

SIGNAL = ("a", "b")
NOISE = ("noise_1", "noise_2", "noise_3", "noise_4")


def two_column_table(rows: int = 1000, seed: int = 0) -> pd.DataFrame:
    """The label depends on columns a and b only; four noise columns, a category and a
    date beside them carry nothing."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({name: rng.normal(size=rows) for name in NOISE})
    frame["a"] = rng.normal(size=rows)
    frame["b"] = rng.normal(size=rows)
    frame["city"] = rng.choice(["Oslo", "Lima", "Pune"], rows)
    frame["joined"] = pd.date_range("2020-01-01", periods=rows, freq="D").astype(str)
    frame["label"] = np.where(frame["a"] + frame["b"] > 0, "yes", "no")
    return frame


def save_table(store: RunStore, frame: pd.DataFrame, name: str = "table.csv") -> str:
    return save_upload(
        store.workspace, "tabular", name, {"source.csv": frame.to_csv(index=False).encode()}
    )


def answer_all(store: RunStore) -> int:
    """Answer every queued explanation request here, as the explain service would."""
    from models.explain.queue import ExplainQueue
    from models.explain.service import handle

    queue, explainers, answered = ExplainQueue(store), OrderedDict(), 0
    while (request := queue.claim()) is not None:
        handle(store, queue, request, explainers)
        answered += 1
    return answered

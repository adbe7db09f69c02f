"""Seconds to export a finished run's HTML report, and the file's size, for a 10,000-point map.

    .venv/bin/python benchmarks/report_export.py [--points 10000]

A finished run as the worker leaves it (10 classes, 20 logged epochs, 10,000 test
rows with 128-D features) is written into a private workspace; the report is built
in a fresh process (paying the imports of the figure code and the packing of
Plotly's JavaScript), again as the app process builds it (those already loaded),
and without the UMAP map Explore caches (the report then shows principal components).
Goals (issue 12): ≤ 3 s and ≤ 5 MB; printed as ratios to them.
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np
from _common import temp_workspace
from embedding_speed import clustered_features

GOAL_SECONDS, GOAL_BYTES = 3.0, 5 * 1024 * 1024


def finished_run(points: int):
    from models.artifacts import save_outcome
    from models.embedding.cache import embedding_path
    from models.embedding.compute import EmbeddingSettings
    from models.outcome import TrainOutcome
    from models.spec import RunSpec
    from models.store import RunStore

    store = RunStore(temp_workspace("report"))
    run_id = store.create_run(RunSpec("builtin:mnist-5k", "cnn", {"epochs": 20}), status="running")
    rng = np.random.default_rng(0)
    for epoch in range(1, 21):
        loss = 2.0 / epoch
        metrics = {
            "loss": loss,
            "accuracy": 1 - loss / 3,
            "val_loss": loss * 1.1,
            "val_accuracy": 1 - loss / 2.5,
        }
        store.log_epoch(run_id, epoch, metrics, 20)
    y = rng.integers(0, 10, points)
    proba = rng.dirichlet(np.ones(10), points).astype(np.float32)
    proba[np.arange(points), y] += 1.0
    proba /= proba.sum(axis=1, keepdims=True)
    outcome = TrainOutcome(
        task="classification",
        class_names=[str(i) for i in range(10)],
        test_index=np.arange(points),
        y_true=y,
        y_pred=proba.argmax(axis=1),
        proba=proba,
        features={"hidden": clustered_features(points)},
        model_file="model.keras",
    )
    run_dir = store.run_dir(run_id)
    save_outcome(run_dir, outcome, ["A note."], {"features", "probabilities", "curves"}, "image")
    store.finish(
        run_id, "succeeded", final_metrics={"accuracy": float((proba.argmax(1) == y).mean())}
    )
    coords = rng.normal(size=(points, 2)).astype(np.float32)
    path = embedding_path(run_dir, "hidden", EmbeddingSettings())
    path.parent.mkdir(parents=True, exist_ok=True)
    np.save(path, coords)
    return store, run_id, path


def timed_report(store, run_id: str) -> tuple[float, int]:
    from dashboard.report.run_report import run_report_html

    start = time.perf_counter()
    page = run_report_html(store, run_id)
    return time.perf_counter() - start, len(page.encode("utf-8"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--points", type=int, default=10_000)
    points = parser.parse_args().points
    store, run_id, cached_map = finished_run(points)
    print(f"load average {os.getloadavg()[0]:.2f}, {points:,} points")
    cases = (
        "first report of a fresh process (imports, packing Plotly's code)",
        "again, as in the app (figure code loaded)",
        "no cached map (principal components instead)",
    )
    for label in cases:
        if label.startswith("no cached"):
            cached_map.unlink()
        seconds, size = timed_report(store, run_id)
        print(f"  {label}:")
        print(
            f"    {seconds:5.2f} s ({seconds / GOAL_SECONDS:.2f}× the 3 s goal), "
            f"{size / 2**20:.2f} MB ({size / GOAL_BYTES:.2f}× the 5 MB goal)"
        )


if __name__ == "__main__":
    main()

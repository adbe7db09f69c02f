"""Rows of the runs table: what a person scans to find a run."""

from __future__ import annotations

import pandas as pd

from models.registry import model_label
from models.store import Run

STATUS_ICONS = {
    "queued": "⏳ queued",
    "running": "🏃 running",
    "succeeded": "✅ succeeded",
    "failed": "❌ failed",
    "cancelled": "⛔ cancelled",
    "interrupted": "⚠️ interrupted",
}


def _metric(run: Run) -> str:
    metrics = run.final_metrics
    for name in ("accuracy", "r2"):
        if name in metrics and metrics[name] is not None:
            return f"{name} {metrics[name]:.3f}"
    return ""


def _progress(run: Run) -> str:
    if run.status == "running":
        phase = f" · {run.phase}" if run.phase else ""
        return f"epoch {run.epoch} of {run.epochs}{phase}" if run.epochs else run.phase
    return ""


def runs_frame(runs: list[Run]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "run": [run.id for run in runs],
            "status": [STATUS_ICONS.get(run.status, run.status) for run in runs],
            "dataset": [run.dataset_name or run.spec.dataset for run in runs],
            "model": [model_label(run.spec.model) for run in runs],
            "metric": [_metric(run) for run in runs],
            "progress": [_progress(run) for run in runs],
            "duration (s)": [round(run.duration, 1) if run.duration else None for run in runs],
            "from": [run.origin for run in runs],
        }
    )


def run_label(run: Run) -> str:
    return f"{run.id} · {model_label(run.spec.model)} · {run.dataset_name or run.spec.dataset} · {run.status}"

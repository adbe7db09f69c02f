"""Rows of the runs table, and how one run is named wherever it is picked.

A run is picked by its id. Its label holds only what never changes while it trains
(name, model, dataset, id): a label with the status in it changed under the picker
as the run went from queued to running, and the selection jumped to another run.
Statuses are words with Material icons, which render without an emoji font.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from models.registry import model_label
from models.store import Run

if TYPE_CHECKING:
    import pandas as pd

STATUS_ICONS = {
    "queued": ":material/schedule:",
    "running": ":material/directions_run:",
    "succeeded": ":material/check_circle:",
    "failed": ":material/error:",
    "cancelled": ":material/cancel:",
    "interrupted": ":material/warning:",
}
SHORT_ID = 4  # characters of the id's random tail that tell runs of one second apart


def status_markdown(run: Run) -> str:
    """':material/directions_run: running', for markdown and captions."""
    return f"{STATUS_ICONS.get(run.status, '')} {run.status}".strip()


def short_name(run: Run) -> str:
    """The run's own name, or '#' and the end of its id."""
    return run.name or f"#{run.id[-SHORT_ID:]}"


def dataset_of(run: Run) -> str:
    return run.dataset_name or run.spec.dataset


def run_label(run: Run) -> str:
    """'my run · Keras MLP · Iris flowers · 20250101-120000-ab12': stable while it trains."""
    name = f"{run.name} · " if run.name else ""
    return f"{name}{model_label(run.spec.model)} · {dataset_of(run)} · {run.id}"


def headline_metric(run: Run) -> str:
    metrics = run.final_metrics
    for name in ("accuracy", "r2"):
        if name in metrics and metrics[name] is not None:
            return f"{name} {metrics[name]:.3f}"
    return ""


def progress_text(run: Run) -> str:
    if run.status != "running":
        return ""
    phase = f" · {run.phase}" if run.phase else ""
    return f"epoch {run.epoch} of {run.epochs}{phase}" if run.epochs else run.phase


def runs_frame(runs: list[Run]) -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame(
        {
            "run": [short_name(run) for run in runs],
            "status": [run.status for run in runs],
            "dataset": [dataset_of(run) for run in runs],
            "model": [model_label(run.spec.model) for run in runs],
            "metric": [headline_metric(run) for run in runs],
            "progress": [progress_text(run) for run in runs],
            "duration (s)": [round(run.duration, 1) if run.duration else None for run in runs],
            "tags": [", ".join(run.tags) for run in runs],
            "where": [run.node for run in runs],
            "id": [run.id for run in runs],
            "from": [run.origin for run in runs],
        }
    )


def column_config() -> dict:
    """Fixed widths: sized from their first (empty) values, the metric and progress columns
    were cut to 'accuracy 0…' and 'starting TensorF…'."""
    import streamlit as st

    return {
        "metric": st.column_config.TextColumn("metric", width="medium"),
        "progress": st.column_config.TextColumn("progress", width="large"),
        "id": st.column_config.TextColumn("id", width="medium"),
    }

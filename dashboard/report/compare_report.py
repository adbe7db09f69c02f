"""The report of several runs side by side: metrics, spec differences, curves, confusion matrices."""

from __future__ import annotations

import json

import pandas as pd

from dashboard.report.page import Report
from models.artifacts import load_results
from models.registry import model_label
from models.store import RunStore


def _label(run) -> str:
    return f"{run.name or run.id} ({model_label(run.spec.model)})"


def compare_report_html(store: RunStore, run_ids: list[str]) -> str:
    """One HTML file comparing the runs (at least one)."""
    from dashboard.figures.classification import confusion_matrix_figure
    from dashboard.figures.comparison import curves_comparison_figure, runs_comparison_figure
    from models import metrics

    runs = [run for run in (store.get(i) for i in run_ids) if run is not None]
    if not runs:
        raise ValueError("None of these runs exists any more; pick runs on the Runs page.")
    report = Report(f"Comparison of {len(runs)} runs", ", ".join(run.id for run in runs))
    frame = pd.DataFrame(
        [{"run": _label(r), "model": model_label(r.spec.model), **r.final_metrics} for r in runs]
    )
    names = [c for c in frame.columns if c not in ("run", "model") and frame[c].notna().any()]
    report.heading("Metrics")
    report.table(
        [
            [row["run"], *(f"{row[m]:.4g}" if pd.notna(row[m]) else "" for m in names)]
            for _, row in frame.iterrows()
        ],
        ["run", *names],
    )
    for metric in names[:3]:
        report.figure(runs_comparison_figure(frame, metric))
    report.heading("Specs")
    specs = [json.loads(r.spec.to_json()) for r in runs]
    report.table(
        [
            [_label(r), s["dataset"], s["model"], json.dumps(s["params"])[:300]]
            for r, s in zip(runs, specs, strict=True)
        ],
        ["run", "dataset", "model", "parameters"],
    )
    histories = {_label(r): store.history(r.id) for r in runs}
    histories = {k: h for k, h in histories.items() if len(h)}
    curves = sorted({c for h in histories.values() for c in h.columns if c != "epoch"})
    if curves:
        report.heading("Curves")
        for curve in curves[:4]:
            report.figure(curves_comparison_figure(histories, curve))
    report.heading("Confusion matrices")
    for run in runs:
        results = load_results(store.run_dir(run.id))
        if results is None or results.task != "classification":
            report.text(
                f"{_label(run)}: no confusion matrix (no saved classification results).", muted=True
            )
            continue
        figure = confusion_matrix_figure(
            metrics.confusion(results.y_true, results.y_pred, len(results.class_names)),
            results.class_names,
        )
        figure.update_layout(title={"text": _label(run)})
        report.figure(figure)
    return report.html()

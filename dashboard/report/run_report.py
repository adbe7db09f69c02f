"""The report of one run: spec, data summary, curves, confusion matrix, per-class metrics,
the embedding and the notes, as one offline HTML file."""

from __future__ import annotations

import time

import numpy as np

from dashboard.report.page import Report, spec_rows
from models.artifacts import RunResults, load_results
from models.registry import model_label
from models.store import RunStore

MAX_EMBEDDING_POINTS = 10_000


def _embedding_coords(run_dir, layer: str) -> tuple[np.ndarray, str]:
    """The UMAP map the Explore page cached, else the first two principal components (a
    report never waits for a layout: open the embedding view once for the UMAP map)."""
    from models.artifacts import load_features
    from models.embedding.cache import cached_embedding
    from models.embedding.compute import validate_features

    cached = cached_embedding(run_dir, layer)
    if cached is not None:
        return cached, "UMAP"
    features = validate_features(load_features(run_dir, layer)).astype(np.float64)
    centred = features - features.mean(axis=0)
    _, vectors = np.linalg.eigh(centred.T @ centred)  # d × d: cheap for any number of rows
    coords = (centred @ vectors[:, ::-1][:, :2]).astype(np.float32)
    return coords, "its first two principal components (open the embedding view for UMAP)"


def _data_section(report: Report, results: RunResults) -> None:
    report.heading("Data")
    rows = [("test rows", f"{len(results.test_index):,}"), ("task", results.task)]
    if results.task == "classification":
        counts = np.bincount(results.y_true, minlength=len(results.class_names))
        rows += [
            (f"class {name}", f"{count:,} test rows")
            for name, count in zip(results.class_names, counts, strict=True)
        ]
    report.table(rows)


def _results_sections(report: Report, results: RunResults) -> None:
    from dashboard.figures.classification import confusion_matrix_figure, per_class_metrics_figure
    from dashboard.figures.regression import predicted_vs_actual_figure
    from models import metrics

    if results.task == "regression":
        report.heading("Predicted against actual")
        report.figure(predicted_vs_actual_figure(results.y_true, results.y_pred))
        return
    names = results.class_names
    report.heading("Confusion matrix")
    report.figure(
        confusion_matrix_figure(
            metrics.confusion(results.y_true, results.y_pred, len(names)), names
        )
    )
    report.heading("Per-class metrics")
    table = metrics.per_class_report(results.y_true, results.y_pred, names)
    report.figure(per_class_metrics_figure(table))
    report.table(
        [
            [name, f"{r.precision:.3f}", f"{r.recall:.3f}", f"{r.f1:.3f}", f"{int(r.support)}"]
            for name, r in table.iterrows()
        ],
        ["class", "precision", "recall", "F1", "support"],
    )


def _embedding_section(report: Report, run_dir, results: RunResults) -> None:
    from dashboard.figures.embedding import embedding_figure

    report.heading("Embedding")
    if not results.feature_layers:
        report.text("This run saved no features, so there is no embedding to show.", muted=True)
        return
    layer = results.feature_layers[0]
    coords, how = _embedding_coords(run_dir, layer)
    shown = np.arange(len(coords))
    if len(shown) > MAX_EMBEDDING_POINTS:
        shown = np.random.default_rng(0).choice(len(coords), MAX_EMBEDDING_POINTS, replace=False)
    if results.task == "classification":
        colour = np.asarray(results.class_names, dtype=object)[results.y_true[shown]]
        name = "true class"
    else:
        colour, name = results.y_true[shown], "target"
    report.text(
        f"Layer '{layer}' of the test rows, laid out with {how}, {len(shown):,} points.", muted=True
    )
    report.figure(embedding_figure(coords[shown], colour, name))


def run_report_html(store: RunStore, run_id: str) -> str:
    """The whole report as one HTML string."""
    from dashboard.figures.training import training_curves

    run = store.get(run_id)
    if run is None:
        raise ValueError(f"There is no run '{run_id}'; it may have been deleted.")
    run_dir = store.run_dir(run_id)
    results = load_results(run_dir)
    when = time.strftime("%Y-%m-%d %H:%M", time.localtime(run.finished or run.created))
    report = Report(
        f"{run.name or run.id}: {model_label(run.spec.model)} on {run.dataset_name or run.spec.dataset}",
        f"Glassbox run {run.id} · {run.status} · {when}",
    )
    report.heading("Metrics")
    report.table(
        [(k, f"{v:.4g}" if isinstance(v, float) else str(v)) for k, v in run.final_metrics.items()]
        or [("metrics", "none recorded")]
    )
    report.heading("Spec")
    report.table(spec_rows(run.spec.to_json()))
    history = store.history(run_id)
    if len(history):
        report.heading("Training curves")
        report.figure(training_curves(history))
    if results is None:
        report.text("This run saved no results.", muted=True)
        return report.html()
    _data_section(report, results)
    _results_sections(report, results)
    _embedding_section(report, run_dir, results)
    report.heading("Notes")
    for note in results.notes or ["No notes."]:
        report.text(note)
    return report.html()

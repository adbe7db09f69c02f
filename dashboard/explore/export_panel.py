"""Downloads of one run: its model bundle, its numbers, its report, and where its TensorBoard
logs are. Every file is made only when its button is pressed (a callable), so drawing
the panel costs nothing."""

from __future__ import annotations

import streamlit as st

from dashboard.explore.context import ExploreContext

ZIP, JSON, CSV, HTML = "application/zip", "application/json", "text/csv", "text/html"


def _model_button(ctx: ExploreContext, column) -> None:
    from models.export.bundle import model_bundle

    if not ctx.model_file or not (ctx.run_dir / ctx.model_file).exists():
        column.caption("This run saved no model file to download.")
        return
    kind = "Keras .keras" if ctx.keras_model_file else "scikit-learn .skops"
    column.download_button(
        "Model bundle (.zip)",
        data=lambda: model_bundle(ctx.run_dir),
        file_name=f"glassbox-{ctx.run.id}-model.zip",
        mime=ZIP,
        key=f"dl_model_{ctx.run.id}",
        on_click="ignore",  # no rerun: the other buttons' files stay valid
        icon=":material/deployed_code:",
        help=f"The {kind} model, its preprocessing and labels, and a README with a snippet "
        "that loads it and predicts in plain Python.",
    )


def _number_buttons(ctx: ExploreContext, column) -> None:
    from models.export import numbers

    run, results = ctx.run, ctx.results
    files = [("metrics", "Metrics (.json)", "json", lambda: numbers.metrics_json(run, results))]
    if not ctx.history.empty:
        files.append(
            ("history", "History per epoch (.csv)", "csv", lambda: numbers.history_csv(ctx.history))
        )
    if results is not None:
        files.append(
            (
                "predictions",
                "Test predictions (.csv)",
                "csv",
                lambda: numbers.predictions_csv(results),
            )
        )
        if results.task == "classification":
            files.append(
                (
                    "confusion",
                    "Confusion matrix (.csv)",
                    "csv",
                    lambda: numbers.confusion_csv(results),
                )
            )
    for name, label, suffix, make in files:
        column.download_button(
            label,
            data=make,
            file_name=f"{run.id}-{name}.{suffix}",
            mime=JSON if suffix == "json" else CSV,
            key=f"dl_{name}_{run.id}",
            on_click="ignore",  # no rerun: the other buttons' files stay valid
        )
    if ctx.history.empty:
        column.caption("No per-epoch history: this run logged no epochs.")


def _report_button(ctx: ExploreContext, column) -> None:
    from dashboard.report.run_report import run_report_html
    from dashboard.services import get_store

    column.download_button(
        "Report (.html)",
        data=lambda: run_report_html(get_store(), ctx.run.id),
        file_name=f"{ctx.run.id}-report.html",
        mime=HTML,
        key=f"dl_report_{ctx.run.id}",
        on_click="ignore",  # no rerun: the other buttons' files stay valid
        icon=":material/description:",
        help="One file with the spec, data summary, curves, confusion matrix, per-class "
        "metrics, embedding and notes; charts embedded, opens offline.",
    )


def _tensorboard_note(ctx: ExploreContext, column) -> None:
    from models.export.tensorboard import LOG_DIR

    if (ctx.run_dir / LOG_DIR).exists():
        column.caption(
            f"TensorBoard logs: `{ctx.run_dir / LOG_DIR}`. View every run's with "
            f"`tensorboard --logdir {ctx.run_dir.parent}` (after `pip install tensorboard`)."
        )


def render_downloads(ctx: ExploreContext) -> None:
    """The Download expander of the Explore page."""
    with st.expander("Download this run", icon=":material/download:"):
        left, middle, right = st.columns(3)
        _model_button(ctx, left)
        _report_button(ctx, left)
        _number_buttons(ctx, middle)
        _tensorboard_note(ctx, right)

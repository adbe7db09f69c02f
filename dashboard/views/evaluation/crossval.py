"""A cross-validation's folds together, on the Explore page of any of its folds: each metric
as mean ± std, the scores per fold, the folds' training curves and ROC curves overlaid."""

from __future__ import annotations

import streamlit as st

from dashboard.explore.context import ExploreContext
from dashboard.figures.comparison import curves_comparison_figure
from dashboard.figures.crossval import fold_roc_figure, fold_scores_figure
from dashboard.plain_text import md
from dashboard.runs_page.run_table import status_markdown
from dashboard.views.base import View
from models.groups import CROSSVAL, members
from models.run_record import Run

HIDDEN_METRICS = ("fit_seconds", "train_samples_per_s")  # speeds, not scores
POLL_S = 2.0


def _in_crossval(ctx: ExploreContext) -> bool:
    return ctx.group is not None and ctx.group.kind == CROSSVAL


def fold_label(run: Run) -> str:
    return f"fold {(run.group_index or 0) + 1}"


def spread_text(row: dict) -> str:
    if row["std"] is None:
        return f"{row['mean']:.4f} (one fold so far)"
    return f"{row['mean']:.4f} ± {row['std']:.4f}"


def _spread_table(rows: list[dict], labels: list[str]) -> None:
    st.dataframe(
        [
            {
                "metric": row["metric"],
                "mean ± std": spread_text(row),
                **dict(zip(labels, row["folds"], strict=True)),
            }
            for row in rows
        ],
        hide_index=True,
        key="crossval_table",
    )


def _curves(store, finished: list[Run]) -> None:
    histories = {fold_label(run): store.history(run.id) for run in finished}
    histories = {label: h for label, h in histories.items() if len(h)}
    names = sorted({c for h in histories.values() for c in h.columns if c != "epoch"})
    if not names:
        return
    default = names.index("val_loss") if "val_loss" in names else 0
    curve = st.selectbox("Training curve", names, index=default, key="crossval_curve")
    st.plotly_chart(curves_comparison_figure(histories, curve), key="crossval_curves")


def _roc(store, finished: list[Run]) -> None:
    from dashboard.explore.context import cached_results
    from models.evaluation.folds import fold_roc, mean_roc

    curves = []
    for run in finished:
        results = cached_results(str(store.run_dir(run.id)), run.finished)
        if results is None or results.proba is None or results.task != "classification":
            continue
        curve = fold_roc(results.y_true, results.proba, results.class_names, fold_label(run))
        if curve is not None:
            curves.append(curve)
    if not curves:
        return
    mean, spread = mean_roc(curves)
    st.plotly_chart(fold_roc_figure(curves, mean, spread), key="crossval_roc")
    st.caption("Two classes: the positive (second) class's curve; more: each fold's macro average.")


def render(ctx: ExploreContext) -> None:
    from dashboard.services import get_store

    runs = members(get_store(), ctx.group.id)
    if any(run.active for run in runs):
        _live(ctx)  # folds still training: redrawn as they finish
    else:
        _draw(ctx, runs)


@st.fragment(run_every=POLL_S)
def _live(ctx: ExploreContext) -> None:
    from dashboard.services import get_store

    _draw(ctx, members(get_store(), ctx.group.id))


def _draw(ctx: ExploreContext, runs: list[Run]) -> None:
    from dashboard.services import get_store
    from models.evaluation.folds import metric_spread

    store = get_store()
    finished = [run for run in runs if run.status == "succeeded"]
    k = ctx.group.settings.get("k", len(runs))
    st.markdown(f"**{md(ctx.group.name)}** — {len(finished)} of {k} folds finished")
    st.caption(" · ".join(f"{fold_label(run)}: {status_markdown(run)}" for run in runs))
    if not finished:
        st.info("No fold has finished yet; this tab fills in as they do.")
        return
    scores = [
        {n: v for n, v in run.final_metrics.items() if n not in HIDDEN_METRICS} for run in finished
    ]
    rows = metric_spread(scores)
    labels = [fold_label(run) for run in finished]
    _spread_table(rows, labels)
    st.plotly_chart(fold_scores_figure(rows, labels), key="crossval_scores")
    _curves(store, finished)
    _roc(store, finished)


VIEW = View("Cross-validation", render, only_if=_in_crossval)

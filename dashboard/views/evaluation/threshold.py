"""Where should the decision threshold sit? A slider over it, for two-class runs."""

from __future__ import annotations

import numpy as np
import streamlit as st

from dashboard.explore.context import ExploreContext
from dashboard.figures.classification import confusion_matrix_figure
from dashboard.figures.evaluation import Mark, legend_below, pr_figure, roc_figure
from dashboard.figures.style import MUTED_COLOR
from dashboard.plain_text import md
from dashboard.views.base import View
from models.capabilities import PROBABILITIES


def _two_classes(ctx: ExploreContext) -> bool:
    return ctx.results is not None and len(ctx.results.class_names) == 2


def _marks(truth: np.ndarray, score: np.ndarray, chosen: float, best: float) -> list:
    """The chosen threshold, the F1-optimal one and the default 0.5, as points on a curve."""
    from models.evaluation.threshold import DEFAULT, at_threshold

    found = []
    for label, value, color, symbol in (
        (f"default {DEFAULT}", DEFAULT, MUTED_COLOR, "square"),
        (f"best F1 at {best:.3f}", best, "#2ca02c", "star"),
        (f"threshold {chosen:.2f}", chosen, "#d62728", "circle"),
    ):
        point = at_threshold(truth, score, value)
        found.append((label, value, color, symbol, point))
    return found


def render(ctx: ExploreContext) -> None:
    from models.evaluation.curves import binary_pair, single_class
    from models.evaluation.threshold import DEFAULT, at_threshold, best_f1_threshold

    results = ctx.results
    names = results.class_names
    undefined = single_class(results.y_true, names)
    if undefined:
        st.warning(md(undefined).replace("ROC and precision-recall are", "A threshold is"))
        return
    positive = st.radio(
        "Positive class",
        names,
        index=1,
        horizontal=True,
        format_func=md,
        key=f"threshold_positive_{ctx.run.id}",
    )
    index = names.index(positive)
    truth, score = results.y_true == index, results.proba[:, index].astype(np.float64)
    best = best_f1_threshold(truth, score)
    chosen = st.slider(
        f"Decision threshold: a row is '{md(positive)}' when its probability is at least",
        0.0,
        1.0,
        DEFAULT,
        0.01,
        key=f"threshold_{ctx.run.id}",
    )
    now = at_threshold(truth, score, chosen)
    cells = st.columns(5)
    cells[0].metric("Precision", f"{now.precision:.3f}")
    cells[1].metric("Recall", f"{now.recall:.3f}")
    cells[2].metric("F1", f"{now.f1:.3f}")
    cells[3].metric("Accuracy", f"{np.trace(now.confusion) / max(len(truth), 1):.3f}")
    cells[4].metric("False positive rate", f"{now.false_positive_rate:.3f}")
    best_point = at_threshold(truth, score, best)
    st.caption(
        f"Best F1 on the test split: {best_point.f1:.3f} at threshold {best:.3f}; "
        f"the default {DEFAULT} gives F1 {at_threshold(truth, score, DEFAULT).f1:.3f}."
    )
    roc, pr = binary_pair(truth, score, positive)
    marks = _marks(truth, score, chosen, best)
    roc_marks = [Mark(lab, p.false_positive_rate, p.recall, v, c, s) for lab, v, c, s, p in marks]
    pr_marks = [Mark(lab, p.recall, p.precision, v, c, s) for lab, v, c, s, p in marks]
    left, middle, right = st.columns(3)
    other = names[1 - index]
    matrix = confusion_matrix_figure(now.confusion, [other, positive])
    matrix.update_layout(title={"text": f"Confusion at {chosen:.2f}"}, dragmode=False)
    left.plotly_chart(matrix, key="threshold_confusion")
    roc_chart = legend_below(roc_figure([roc], roc_marks))
    middle.plotly_chart(roc_chart, key="threshold_roc")
    pr_chart = legend_below(pr_figure([pr], float(truth.mean()), pr_marks))
    right.plotly_chart(pr_chart, key="threshold_pr")


VIEW = View(
    "Threshold",
    render,
    needs=frozenset({PROBABILITIES}),
    task="classification",
    only_if=_two_classes,
)

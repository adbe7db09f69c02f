"""ROC and precision-recall curves on the test split, and the table of their areas."""

from __future__ import annotations

import numpy as np
import streamlit as st

from dashboard.explore.context import ExploreContext
from dashboard.figures.evaluation import pr_figure, roc_figure
from dashboard.plain_text import md
from dashboard.views.base import View
from models.capabilities import PROBABILITIES


def render(ctx: ExploreContext) -> None:
    from models.evaluation.curves import area_table, pr_curves, roc_curves, single_class

    results = ctx.results
    names = results.class_names
    undefined = single_class(results.y_true, names)
    if undefined:
        st.warning(md(undefined))
        return
    roc = roc_curves(results.y_true, results.proba, names)
    pr = pr_curves(results.y_true, results.proba, names)
    prevalence = float(np.mean(results.y_true == 1)) if len(names) == 2 else None
    if len(names) == 2:
        st.caption(
            f"'{md(names[1])}' is the positive class; hover a curve to see the threshold at each "
            "point, and move it in the Threshold tab."
        )
    else:
        st.caption(
            "One curve per class against the rest, with the micro average (every row and "
            "class pooled) and the macro average (the mean of the classes). Hover a curve to "
            "see the threshold at each point."
        )
    left, right = st.columns(2)
    left.plotly_chart(roc_figure(roc), key="roc_chart")
    right.plotly_chart(pr_figure(pr, prevalence), key="pr_chart")
    st.markdown("**Areas under the curves** (test split)")
    st.dataframe(area_table(roc, pr), hide_index=True, key="roc_table")
    missing = len(names) - sum(1 for c in roc if c.label in names)
    if len(names) > 2 and missing:
        st.caption(f"{missing} class(es) have no test rows and no curve.")


VIEW = View(
    "ROC & precision-recall", render, needs=frozenset({PROBABILITIES}), task="classification"
)

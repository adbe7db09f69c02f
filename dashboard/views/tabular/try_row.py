"""Table runs: change a test row's values in a form and see what the model predicts.

The form starts from a chosen test row, one widget per column the model reads; the
prediction runs the run's own preprocessor and model on the raw values
(models.tabular.predict), so it is exactly what training would have predicted.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from dashboard.explore.context import ExploreContext
from dashboard.explore.loaders import run_table_predictor
from dashboard.figures.classification import class_probabilities_figure
from dashboard.plain_text import md
from dashboard.views.base import View
from dashboard.views.tabular.row_form import column_roles, row_inputs
from models.capabilities import PREDICT_ONE

MAX_ROWS_LISTED = 1000


def _describe(ctx: ExploreContext, test_row: int) -> str:
    results = ctx.results
    true, pred = results.y_true[test_row], results.y_pred[test_row]
    if ctx.classification:
        names = results.class_names
        mark = "✓" if true == pred else f"✗ {names[true]} →"
        return f"#{test_row} · {mark} {names[pred]}"
    return f"#{test_row} · true {true:.4g}, predicted {pred:.4g}"


def pick_test_row(ctx: ExploreContext, key: str) -> int:
    rows = np.arange(min(len(ctx.results.y_true), MAX_ROWS_LISTED))
    if ctx.classification:
        wrong = np.flatnonzero(~ctx.results.correct)
        if st.toggle(
            f"Only misclassified ({len(wrong):,})", key=f"{key}_wrong", disabled=not len(wrong)
        ):
            rows = wrong[:MAX_ROWS_LISTED]
    return int(
        st.selectbox(
            "Start from test row",
            rows.tolist(),
            format_func=lambda row: _describe(ctx, row),
            key=f"{key}_row",
        )
    )


def row_contributions(ctx: ExploreContext, rows: pd.DataFrame) -> pd.Series | None:
    """Each column's contribution to the prediction for `rows` (one row), or None while the
    run cannot give them. The hook for feature importance (issue 13): return a Series of
    contributions indexed by column name, and `what_drove_it` shows it."""
    return None


def what_drove_it(ctx: ExploreContext, rows: pd.DataFrame, key: str) -> None:
    """The columns that pushed this prediction most, strongest first, if the run has them."""
    contributions = row_contributions(ctx, rows)
    if contributions is None or contributions.empty:
        return
    order = contributions.abs().sort_values(ascending=False).index
    st.markdown("**What drove it**")
    table = pd.DataFrame({"column": order, "contribution": contributions[order].to_numpy()})
    st.dataframe(table.round(4), hide_index=True, key=f"{key}_drivers")


def _show_prediction(ctx: ExploreContext, predictions, test_row: int, key: str) -> None:
    results = ctx.results
    if ctx.classification:
        names = results.class_names
        proba = predictions.proba[0]
        best = int(proba.argmax())
        st.markdown(f"The model predicts **{md(names[best])}** ({proba[best]:.1%}).")
        st.caption(f"Test row #{test_row} is in fact '{md(names[results.y_true[test_row]])}'.")
        st.plotly_chart(class_probabilities_figure(proba, names), key=f"{key}_proba")
        return
    value = float(predictions.values[0])
    st.metric("The model predicts", f"{value:.4g}")
    st.caption(f"Test row #{test_row} is in fact {results.y_true[test_row]:.4g}.")


def render(ctx: ExploreContext) -> None:
    from data.dataset import DatasetError
    from models.tabular.predict import predict_rows

    key = f"try_row_{ctx.run.id}"
    predictor = run_table_predictor(ctx)
    test_row = pick_test_row(ctx, key)
    frame = ctx.dataset.data.frame
    row = frame.iloc[int(ctx.results.test_index[test_row])]
    roles = column_roles(ctx.run.id, frame[predictor.columns])
    with st.form(f"{key}_form_{test_row}"):
        st.caption(
            "Change any value and press Predict; an empty field is a gap, filled as in training."
        )
        values = row_inputs(frame, predictor.columns, roles, row, f"{key}_{test_row}")
        st.form_submit_button("Predict", type="primary")
    rows = pd.DataFrame([values], columns=predictor.columns)
    try:
        predictions = predict_rows(predictor, rows)
    except DatasetError as error:
        st.warning(md(error))
        return
    _show_prediction(ctx, predictions, test_row, key)
    what_drove_it(ctx, rows, key)


VIEW = View(
    "Try a row", render, needs=frozenset({PREDICT_ONE}), modality="tabular", needs_samples=True
)

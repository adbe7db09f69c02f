"""Table runs: upload rows without the target and download them with the model's predictions.

The rows go through the run's own preprocessor and model (models.tabular.predict),
so a file exported like the training file scores exactly as the test rows did.
"""

from __future__ import annotations

import streamlit as st

from dashboard.explore.context import ExploreContext
from dashboard.explore.loaders import run_table_predictor
from dashboard.plain_text import md, md_list
from dashboard.views.base import View
from models.capabilities import PREDICT_ONE

SHOWN_ROWS = 200


def _scored(ctx: ExploreContext, upload) -> tuple:
    """(scored frame, notes) once per uploaded file; raises DatasetError for a bad file."""
    from data.csv_loader import read_csv_bytes
    from models.tabular.predict import predict_rows, scored

    cache = st.session_state.setdefault("scored_csvs", {})
    key = (ctx.run.id, upload.file_id)
    if key not in cache:
        loaded = read_csv_bytes(upload.getvalue())
        predictor = run_table_predictor(ctx)
        predictions = predict_rows(predictor, loaded.frame)
        cache.clear()  # one scored file at a time: they can be large
        cache[key] = (scored(loaded.frame, predictions, ctx.results.class_names), loaded.notes)
    return cache[key]


def render(ctx: ExploreContext) -> None:
    from data.dataset import DatasetError

    predictor = run_table_predictor(ctx)
    upload = st.file_uploader(
        "CSV of rows to score (the target column is not needed)",
        key=f"score_csv_{ctx.run.id}",
        help="The same columns as the training file; extra columns are kept and ignored.",
    )
    if upload is None:
        st.caption("The model reads these columns: " + md_list(predictor.columns, quote="") + ".")
        return
    try:
        frame, notes = _scored(ctx, upload)
    except DatasetError as error:
        st.error(f"Could not score **{md(upload.name)}**: {md(error)}")
        return
    for note in notes:
        st.info(md(note))
    target = ctx.dataset.data.target if ctx.dataset is not None else None
    if target is not None and target in frame.columns:
        st.caption(f"The file has the target column '{md(target)}': it is kept, not used.")
    st.markdown(
        f"**{len(frame):,} rows scored**"
        + (f" (the first {SHOWN_ROWS} shown)" if len(frame) > SHOWN_ROWS else "")
    )
    st.dataframe(frame.head(SHOWN_ROWS), hide_index=True, key=f"score_csv_table_{ctx.run.id}")
    stem = upload.name.rsplit(".", 1)[0] or "rows"
    st.download_button(
        "Download with predictions (CSV)",
        frame.to_csv(index=False).encode("utf-8"),
        file_name=f"{stem}-predictions.csv",
        mime="text/csv",
        key=f"score_csv_download_{ctx.run.id}",
        on_click="ignore",
    )


VIEW = View("Score a CSV", render, needs=frozenset({PREDICT_ONE}), modality="tabular")

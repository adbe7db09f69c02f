"""The Train page's cross-validation: k from 3 to 10, checked against the data, then queued
as one group of fold runs (models/crossval/submit.py)."""

from __future__ import annotations

import streamlit as st

from dashboard.chosen_dataset import Choice
from dashboard.plain_text import md
from models.spec import RunSpec


def crossval_folds() -> int:
    """0 for one hold-out run, else the k the person chose."""
    from data.folds import MAX_FOLDS, MIN_FOLDS

    on = st.toggle(
        "Cross-validate with k folds",
        key="train_crossval",
        help="Train k runs, each tested on another k-th of the rows (stratified by class), so "
        "you see how much of the score is the luck of one split. Explore shows them together.",
    )
    if not on:
        return 0
    return int(st.slider("Folds (k)", MIN_FOLDS, MAX_FOLDS, 5, key="train_folds"))


def submit_folds(choice: Choice, spec: RunSpec, k: int, name: str, tags: str) -> list[str]:
    """The fold runs queued, or [] after saying on the page why the data cannot be split so."""
    from dashboard.services import get_manager, load_dataset
    from data.dataset import DatasetError
    from data.folds import class_labels, row_count
    from models.crossval.submit import submit_crossval

    try:
        data = load_dataset(choice.ref, dict(choice.options)).data
        rows = row_count(data)  # first: it refuses a table read from disk
        labels = class_labels(data, choice.options.get("task"))
        _, runs = submit_crossval(
            get_manager().store, spec, k, labels, rows, choice.name, name, tags
        )
    except DatasetError as refused:
        st.error(md(refused))
        return []
    st.success(
        f"Queued {k} folds on {md(choice.name)} as one cross-validation; they train one after "
        "another in the background (the Runs page shows them as one row)."
    )
    return runs

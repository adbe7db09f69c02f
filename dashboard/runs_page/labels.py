"""Naming and tagging the chosen run, at any time (runs can be named on the Train page too)."""

from __future__ import annotations

import streamlit as st

from models.store import Run, RunStore


def _save(store: RunStore, run_id: str) -> None:
    store.label_run(
        run_id,
        st.session_state.get(f"run_name_{run_id}", ""),
        st.session_state.get(f"run_tags_{run_id}", ""),
    )


def edit_labels(store: RunStore, run: Run) -> None:
    with st.popover("Name and tags", icon=":material/edit:"):
        with st.form(f"labels_{run.id}", border=False):
            st.text_input("Name", value=run.name, key=f"run_name_{run.id}")
            st.text_input(
                "Tags (comma-separated)", value=", ".join(run.tags), key=f"run_tags_{run.id}"
            )
            st.form_submit_button("Save", on_click=_save, args=(store, run.id))

"""The Runs page's live parts: the table and the chosen run's panel, both polling the store.

The run picker (dashboard.runs_page.picker) sits outside these fragments and selects
by run id, so nothing a run does (its status, its progress) can move the selection.
Every action button carries the id of the run it was drawn for, in its callback's
arguments: a click acts on that run, whatever the page shows when the click arrives.
"""

from __future__ import annotations

import time

import streamlit as st

from dashboard.figures.training import training_curves
from dashboard.plain_text import md, md_list
from dashboard.runs_page.run_table import run_label, status_markdown
from models.jobs import JobManager
from models.pace import training_pace
from models.registry import MODEL_KINDS
from models.store import Run, RunStore

POLL_S = 1.0


def _planned(run: Run, param: str) -> object:
    """A hyperparameter as the run trains with it (the kind's default unless set)."""
    kind = MODEL_KINDS.get(run.spec.model)
    return kind.params(run.spec.params).get(param) if kind else run.spec.params.get(param)


def trains_in_epochs(run: Run) -> bool:
    return bool(run.epochs or _planned(run, "epochs"))


def progress_line(store: RunStore, run: Run) -> str:
    """'epoch 3 of 20 · training · 2.1 s per epoch · about 40 s left · 1,250 rows/s'."""
    if run.status != "running":
        return ""
    parts = [f"epoch {run.epoch} of {run.epochs}"] if run.epochs else []
    parts += [run.phase] if run.phase else []
    pace = training_pace(
        run.fit_started,
        store.epoch_times(run.id),
        run.epochs,
        run.progress * run.epochs,
        run.rows_per_epoch,
        now=time.time(),
    )
    if pace is not None:
        parts.append(pace.describe(may_stop_early=bool(_planned(run, "early_stopping_patience"))))
    elif run.epochs and run.fit_started:
        parts.append("time left once a twentieth of the first epoch is done")
    return " · ".join(parts)


def show_progress(store: RunStore, run: Run) -> None:
    """A progress bar with the epoch, the phase, and the pace once an epoch has ended."""
    if run.status != "running":
        return
    text = progress_line(store, run) or "starting"
    st.progress(min(max(run.progress, 0.0), 1.0), text=text)


def _delete(store: RunStore, run_id: str) -> None:
    store.delete(run_id)


def _actions(store: RunStore, manager: JobManager, run: Run) -> None:
    cols = st.columns(4)
    if run.active:
        cols[0].button(
            "Cancel",
            key=f"cancel_{run.id}",
            on_click=manager.cancel,
            args=(run.id,),
            disabled=run.cancel_requested,
            help="Stops this run; a queued one is taken off the queue.",
        )
    else:
        cols[1].button("Delete", key=f"delete_{run.id}", on_click=_delete, args=(store, run.id))
    if run.status == "succeeded":
        cols[2].page_link(
            "dashboard/app_pages/explore.py", label="Explore →", query_params={"run": run.id}
        )


def _curves(store: RunStore, run: Run) -> None:
    history = store.history(run.id)
    if len(history):
        st.plotly_chart(training_curves(history), key="live_curves")
    elif run.status in ("queued", "running"):
        kind = MODEL_KINDS.get(run.spec.model)
        if kind is not None and not kind.listed:
            st.caption("This run evaluates a loaded model; it trains nothing, so it has no curves.")
        elif trains_in_epochs(run):
            st.caption("Curves appear after the first epoch.")
        else:
            st.caption("This model trains in one go, without epochs, so it has no curves.")


@st.fragment(run_every=POLL_S)
def run_panel(store: RunStore, manager: JobManager, run_id: str) -> None:
    """The chosen run, redrawn every POLL_S seconds; the whole page (the picker) is redrawn
    once the run is gone."""
    run = store.get(run_id)
    if run is None:
        st.rerun()
    tags = f" · tags: {md_list(run.tags, quote='')}" if run.tags else ""
    st.markdown(f"{status_markdown(run)} · **{md(run_label(run))}**{tags}")
    _actions(store, manager, run)
    show_progress(store, run)
    if run.error:
        st.error(run.error)
        with st.expander("Traceback"):
            st.code(run.traceback or "", language="text")
    _curves(store, run)


@st.fragment(run_every=POLL_S)
def runs_table(store: RunStore, shown_ids: list[str]) -> None:
    """Every run, redrawn every POLL_S seconds; when runs come or go the whole page is
    redrawn, so the picker lists them."""
    from dashboard.runs_page.groups import group_panels, table_with_groups
    from dashboard.runs_page.run_table import column_config

    runs = store.list_runs()
    if [run.id for run in runs] != shown_ids:
        st.rerun()
    if not runs:
        st.info("No runs yet. Start one on the Train page.")
        return
    frame, grouped, find = table_with_groups(store, runs)
    st.dataframe(frame, hide_index=True, column_config=column_config(), key="runs_table")
    if grouped:
        st.markdown("**Groups** — each opens into its runs")
        group_panels(store, grouped, find)

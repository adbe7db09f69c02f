"""The Data page's "A file or folder on this machine": a table too big to upload, read in place.

Nothing is loaded: the first rows and the Parquet footers show at once (quick_look), then
one streamed pass counts rows, gaps and every column's values (profile) in a thread of the
app, with a progress bar that polls it; its result is cached in the workspace by file
identity (path, size, modification time), so a table is read once per version. Column
roles, the target's class balance and what training leaves out come from that pass. The
choice carried to Train is the `path:` reference and the target, as for an upload.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import streamlit as st

from dashboard.chosen_dataset import Choice, offer
from dashboard.plain_text import md
from dashboard.services import get_store
from data.dataset import DatasetError

HEAD_SHOWN = 50
POLL_S = 0.5


@dataclass
class ProfileJob:
    """One profile pass running beside the app; read by the page, written by the thread."""

    fraction: float = 0.0
    result: Any = None
    error: str | None = None
    started: float = field(default_factory=time.monotonic)
    done: threading.Event = field(default_factory=threading.Event)


@st.cache_resource(show_spinner=False)
def _jobs() -> dict[tuple, ProfileJob]:
    """Passes by file identity, shared by sessions: two people on one file read it once."""
    return {}


def _job_key(source, workspace: Path, bad_lines: str) -> tuple:
    return (str(workspace), source.identity, bad_lines)


def _profile_job(source, workspace: Path, bad_lines: str) -> ProfileJob:
    jobs = _jobs()
    key = _job_key(source, workspace, bad_lines)
    job = jobs.get(key)
    # A pass that failed stays failed, so its message shows: restarting it on the rerun
    # that should show the message hid it behind a new progress bar (unless the new pass
    # failed within that very rerun). A fixed file has another identity, hence a new pass.
    if job is None:
        job = jobs[key] = ProfileJob()
        threading.Thread(
            target=_run_profile,
            args=(job, source, workspace, bad_lines),
            daemon=True,
            name="profile",
        ).start()
    return job


def _run_profile(job: ProfileJob, source, workspace: Path, bad_lines: str) -> None:
    from data.bigtable.preview import profile

    def report(fraction: float) -> None:
        job.fraction = fraction

    try:
        job.result = profile(source, workspace, bad_lines, report)
    except DatasetError as error:
        job.error = str(error)
    except Exception as error:  # shown on the page; the app goes on
        job.error = f"The table could not be read to the end ({error})."
    finally:
        job.done.set()


def disk_table_source() -> None:
    from data.bigtable.sources import DATA_ROOTS_ENV, data_roots, open_source
    from data.registry import path_catalog

    workspace = get_store().workspace
    roots = data_roots(workspace)
    entries = {entry.name: entry for entry in path_catalog(workspace)}
    picked = st.selectbox(
        "Table in a data folder",
        list(entries),
        index=None,
        placeholder="Choose a file or folder" if entries else "No tables in the data folders yet",
        key="disk_choice",
    )
    typed = st.text_input(
        "…or its path inside a data folder",
        key="disk_path",
        placeholder="events/2024  ·  logs.csv.gz  ·  warehouse/clicks (a folder of Parquet)",
    )
    shown_roots = ", ".join(md(str(root)) for root in roots)
    st.caption(
        f"Data folders: {shown_roots}. CSV (also .csv.gz, .csv.zst), Parquet files and "
        f"folders of Parquet (Hive-style key=value parts) are read in place, never loaded "
        f"whole. Set {DATA_ROOTS_ENV} to add folders."
    )
    path = typed.strip() or picked
    if not path:
        return
    try:
        source = open_source(path, workspace)
    except DatasetError as error:
        st.error(md(error))
        return
    _render_table(source, workspace)


@st.cache_data(show_spinner=False, max_entries=8)
def _quick_look(_source, identity: tuple) -> tuple[Any, float]:
    from data.bigtable.preview import quick_look

    start = time.perf_counter()
    return quick_look(_source), time.perf_counter() - start


def _render_table(source, workspace: Path) -> None:
    try:
        look, seconds = _quick_look(source, source.identity)
    except DatasetError as error:
        st.error(md(error))
        return
    bad_lines = "fail"
    if source.format == "csv":
        skip = st.checkbox(
            "Skip lines with the wrong number of fields (they are counted and reported)",
            key=f"disk_skip_{source.ref}",
            help="Off: a ragged line stops the reading with its line number, so it can be fixed.",
        )
        bad_lines = "skip" if skip else "fail"
    earlier = _jobs().get(_job_key(source, workspace, bad_lines))
    counted = look.rows
    if earlier is not None and earlier.done.is_set() and earlier.result is not None:
        counted = earlier.result.rows
    size = f"{look.format.upper()}, {look.bytes / 1e6:,.0f} MB"
    size += f" in {look.files:,} files" if look.files > 1 else ""
    shape = f"{len(look.schema):,} columns, rows being counted"
    if counted is not None:
        shape = f"{counted:,} rows × {len(look.schema):,} columns"
    st.markdown(f"**{md(look.name)}** — {size}, {shape}")
    st.dataframe(look.head.slice(0, HEAD_SHOWN).to_pandas(), height=240, key="disk_head")
    st.caption(f"The first {min(len(look.head), HEAD_SHOWN):,} rows, read in {seconds:.1f} s.")
    # started once the first rows are on their way to the browser: the pass takes both
    # cores, and the person should see the table before it begins
    job = _profile_job(source, workspace, bad_lines)
    if not job.done.is_set():
        _wait_for(job)
        return
    if job.error is not None:
        st.error(md(job.error))
        return
    _render_profile(source, job.result, bad_lines)


@st.fragment(run_every=POLL_S)
def _wait_for(job: ProfileJob) -> None:
    """Polls the pass; once it is done the whole page draws again, with its results."""
    if job.done.is_set():
        st.rerun(scope="app")
    elapsed = time.monotonic() - job.started
    st.progress(
        min(job.fraction, 1.0),
        text=f"Reading the whole table once for counts, gaps and classes… "
        f"{job.fraction:.0%} ({elapsed:,.0f} s). The result is kept for this version of the file.",
    )


def _render_profile(source, found, bad_lines: str) -> None:
    import pandas as pd

    from dashboard.data_page.tabular_summary import missing_chart, say_left_out, show_types
    from dashboard.figures.classification import class_balance_figure
    from data.bigtable.target import plan_target
    from data.schema import infer_columns
    from data.tabular_prep import left_out_columns
    from data.target_proposal import propose_target

    sample = found.sample.to_pandas()
    st.markdown(
        f"**{found.rows:,} rows** counted. Column roles are judged on a random sample of "
        f"{len(sample):,} rows; gaps and classes are counted over every row."
    )
    for note in found.notes():
        st.info(md(note))
    types = infer_columns(sample)
    missing = pd.Series([found.missing.get(c, 0) for c in types["column"]], index=types["column"])
    types["missing"] = missing.to_numpy()
    types["missing_fraction"] = missing.to_numpy() / max(found.rows, 1)
    show_types(types.rename(columns={"n_unique": "distinct in the sample"}))
    columns = list(types["column"])
    proposal = propose_target(sample)
    target = st.selectbox(
        "Target column (what the model predicts)",
        columns,
        index=columns.index(proposal.column) if proposal.column in columns else len(columns) - 1,
        key=f"disk_target_{source.ref}",
    )
    left_out = left_out_columns(types[types["column"] != target])
    say_left_out(left_out)
    left, right = st.columns(2)
    with left:
        missing_chart(types, key="disk_missing")
    try:
        plan = plan_target(found, target)
    except DatasetError as error:
        st.error(md(error))
        return
    for note in plan.notes:
        st.warning(md(note))
    with right:
        balance = found.class_balance(target)
        if plan.task == "classification" and balance:
            counts = pd.Series({k: v for k, v in balance.items() if k in plan.class_names})
            st.plotly_chart(class_balance_figure(counts), key="disk_balance")
        else:
            st.info(f"'{md(target)}' is numeric with many values: models will fit a regression.")
    if len(left_out) >= len(columns) - 1:
        st.error("No column besides the target can be used; pick another target.")
        return
    options = {"target": target, **({"bad_lines": "skip"} if bad_lines == "skip" else {})}
    offer(Choice(source.ref, source.name, "tabular", options), key="use_disk_table")

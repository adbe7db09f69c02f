"""Groups of runs on the Runs page: one row per group that opens into its members.

Works for any kind of group in models/groups.py (a cross-validation's folds, a sweep's
trials): the row shows the group's status in one word, how many members finished, and
the mean ± std and best of their headline metric; opened, it lists every member with its
status, metric and progress, and Cancel and Delete act on the whole group. Only what a
kind calls its members and which Explore tab shows them together differ by kind.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import streamlit as st

from dashboard.plain_text import md
from dashboard.runs_page.run_table import STATUS_ICONS, headline_metric, progress_text
from models.groups import CROSSVAL, SWEEP, Group, cancel_group, delete_group, group_status
from models.run_record import Run
from models.store import RunStore

if TYPE_CHECKING:
    import pandas as pd

MEMBER_WORD = {CROSSVAL: "fold", SWEEP: "trial"}
KIND_LABEL = {CROSSVAL: "cross-validation", SWEEP: "sweep"}
EXPLORE_TAB = {CROSSVAL: "Cross-validation"}  # the Explore tab that shows the members together
HEADLINES = ("accuracy", "r2")


def member_word(group: Group) -> str:
    return MEMBER_WORD.get(group.kind, "run")


def split_grouped(runs: list[Run]) -> tuple[list[Run], dict[str, list[Run]]]:
    """(runs in no group, each group's runs in member order), groups newest first."""
    solo, grouped = [], {}
    for run in runs:
        if run.group_id is None:
            solo.append(run)
        else:
            grouped.setdefault(run.group_id, []).append(run)
    for members in grouped.values():
        members.sort(key=lambda run: (run.group_index or 0, run.created))
    return solo, grouped


def metric_summary(runs: list[Run]) -> str:
    """'accuracy 0.953 ± 0.021 (best 0.973)' over the members that finished."""
    import statistics

    for name in HEADLINES:
        values = [
            r.final_metrics[name]
            for r in runs
            if r.status == "succeeded" and r.final_metrics.get(name) is not None
        ]
        if values:
            spread = statistics.stdev(values) if len(values) > 1 else 0.0
            best = f" (best {max(values):.3f})" if len(values) > 1 else ""
            return f"{name} {statistics.fmean(values):.3f} ± {spread:.3f}{best}"
    return ""


def group_progress(group: Group, runs: list[Run]) -> str:
    """'3 of 5 folds done · fold 4: epoch 2 of 20'."""
    done = sum(run.status == "succeeded" for run in runs)
    word = member_word(group)
    text = f"{done} of {len(runs)} {word}s done"
    running = [run for run in runs if run.status == "running"]
    for run in running:
        text += f" · {word} {(run.group_index or 0) + 1}: {progress_text(run) or 'starting'}"
    return text


def group_label(group: Group, runs: list[Run]) -> str:
    """The group's expander label: what never changes while it runs (a label that changed
    with every poll made a new expander each second, closing the one the person opened)."""
    kind = KIND_LABEL.get(group.kind, group.kind)
    return f"**{md(group.name)}** · {kind} · {len(runs)} {member_word(group)}s"


def group_state(group: Group, runs: list[Run]) -> str:
    """'running · 3 of 5 folds done · fold 4: epoch 2 of 20 · accuracy 0.95 ± 0.01 (best 0.96)'."""
    status = group_status(runs)
    icon = STATUS_ICONS.get(status.split()[-1], "")
    parts = [f"{icon} {status}".strip(), group_progress(group, runs)]
    summary = metric_summary(runs)
    return " · ".join(parts + ([summary] if summary else []))


def group_row(group: Group, runs: list[Run]) -> dict[str, object]:
    """The group's row in the runs table, beside the runs in no group."""
    from models.registry import model_label

    models = sorted({model_label(run.spec.model) for run in runs})
    durations = [run.duration for run in runs if run.duration]
    return {
        "run": group.name,
        "status": group_status(runs),
        "dataset": runs[0].dataset_name or runs[0].spec.dataset,
        "model": ", ".join(models),
        "metric": metric_summary(runs),
        "progress": group_progress(group, runs),
        "duration (s)": round(sum(durations), 1) if durations else None,
        "tags": ", ".join(runs[0].tags),
        "id": group.id,
        "from": KIND_LABEL.get(group.kind, group.kind),
    }


def table_with_groups(
    store: RunStore, runs: list[Run]
) -> tuple[pd.DataFrame, dict[str, list[Run]], Callable[[str], Group | None]]:
    """The runs table with one row per group in place of its members (newest first), the
    members by group, and the groups by id."""
    import pandas as pd

    from dashboard.runs_page.run_table import runs_frame
    from models.groups import get_group

    solo, grouped = split_grouped(runs)
    found = {group_id: get_group(store, group_id) for group_id in grouped}
    grouped = {gid: members for gid, members in grouped.items() if found[gid] is not None}
    frame = runs_frame(solo).assign(_created=[run.created for run in solo])
    rows = [
        {**group_row(found[gid], members), "_created": max(r.created for r in members)}
        for gid, members in grouped.items()
    ]
    if rows:
        frame = pd.concat([frame, pd.DataFrame(rows)], ignore_index=True)
    frame = frame.sort_values("_created", ascending=False, kind="stable")
    return frame.drop(columns="_created").reset_index(drop=True), grouped, found.get


def _member_line(group: Group, run: Run) -> None:
    word = member_word(group)
    metric = headline_metric(run)
    icon = STATUS_ICONS.get(run.status, "")
    line = f"{word} {(run.group_index or 0) + 1} · {icon} {run.status}"
    st.markdown(line + (f" · {metric}" if metric else "") + f" · `{run.id}`")
    if run.status == "running":
        text = progress_text(run) or "starting"
        st.progress(min(max(run.progress, 0.0), 1.0), text=text)
    if run.error:
        st.caption(f":material/error: {md(run.error)}")


def _actions(store: RunStore, group: Group, runs: list[Run]) -> None:
    left, middle, right = st.columns(3)
    if any(run.active for run in runs):
        left.button(
            "Cancel group",
            key=f"cancel_group_{group.id}",
            on_click=cancel_group,
            args=(store, group.id),
            help=f"Stops the running {member_word(group)} and takes the queued ones off the queue.",
        )
    middle.button(
        "Delete group",
        key=f"delete_group_{group.id}",
        on_click=delete_group,
        args=(store, group.id),
        help=f"Deletes every {member_word(group)} and its results.",
    )
    finished = next((run for run in runs if run.status == "succeeded"), None)
    if finished is not None:
        params = {"run": finished.id}
        if group.kind in EXPLORE_TAB:
            params["view"] = EXPLORE_TAB[group.kind]
        right.page_link(
            "dashboard/app_pages/explore.py", label="Explore together →", query_params=params
        )


def group_panels(
    store: RunStore, grouped: dict[str, list[Run]], find: Callable[[str], Group | None]
) -> None:
    """One expander per group (the table row above it shows the group's state while it is
    closed); only an open one draws its members."""
    for group_id, runs in grouped.items():
        group = find(group_id)
        if group is None:
            continue
        panel = st.expander(
            group_label(group, runs), key=f"group_panel_{group_id}", on_change="rerun"
        )
        if not getattr(panel, "open", True):
            continue
        with panel:
            st.markdown(group_state(group, runs))
            _actions(store, group, runs)
            for run in runs:
                _member_line(group, run)

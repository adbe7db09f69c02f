"""One sweep: its trials, the plots that compare them, and the way to its best trial."""

from __future__ import annotations

import streamlit as st

from dashboard.figures.sweeps import importance_bars, overlaid_curves, parallel_coordinates
from models.groups import get_group, members
from models.store import RunStore
from models.sweeps.create import RUNNING, stop_sweep
from models.sweeps.report import settings_of, trial_curves, trial_rows
from models.sweeps.settings import PRUNERS, STRATEGIES

EXPLORE_PAGE = "dashboard/app_pages/explore.py"
STATE_WORDS = {
    "running": ":material/directions_run: running",
    "stopping": ":material/hourglass_top: stopping",
    "finished": ":material/check_circle: finished",
    "cancelled": ":material/cancel: stopped",
}


def _header(store: RunStore, group_id: str) -> None:
    group = get_group(store, group_id)
    settings = settings_of(group)
    state = group.settings.get("state", "")
    trials = group.settings.get("trials", [])
    stopped = sum(t["state"] == "stopped early" for t in trials)
    st.markdown(
        f"**{STATE_WORDS.get(state, state)}** · {len(trials)} of {settings.budget} trials · "
        f"{stopped} stopped early · {STRATEGIES[settings.strategy]} · "
        f"{PRUNERS[settings.pruner]} · {settings.metric} ({settings.direction})"
    )
    st.caption(
        "Searched: "
        + "; ".join(f"{r.name}: {r.describe()}" for r in settings.ranges)
        + f" · dataset {settings.dataset_name or settings.base['dataset']}"
        + f" · model {settings.base['model']}"
    )
    best = group.settings.get("best")
    left, right = st.columns([3, 1])
    if best:
        params = ", ".join(
            f"{k} = {v:.4g}" if isinstance(v, float) else f"{k} = {v}"
            for k, v in best["params"].items()
        )
        left.success(
            f"{'Best so far' if state == RUNNING else 'Best trial'}: trial {best['number']} · {settings.metric} "
            f"{best['value']:.4f} · {params}"
        )
        right.page_link(
            EXPLORE_PAGE,
            label="Open the best trial in Explore",
            icon=":material/biotech:",
            query_params={"run": best["run_id"]},
        )
    if state == RUNNING and st.button("Stop the sweep", key=f"stop_{group_id}"):
        stop_sweep(store, group_id)
        st.rerun()


def live_sweep(store: RunStore, group_id: str, every: float | None) -> None:
    """Redrawn every `every` seconds while the sweep runs; drawn once when it has ended."""
    st.fragment(run_every=every)(_sweep_panel)(store, group_id)


def _sweep_panel(store: RunStore, group_id: str) -> None:
    group = get_group(store, group_id)
    if group is None:
        st.info("This sweep was deleted.")
        return
    _header(store, group_id)
    settings = settings_of(group)
    rows = trial_rows(store, group)
    if not rows:
        st.info("The first trials are being queued…")
        return
    st.dataframe(rows, hide_index=True, width="stretch", key=f"trials_{group_id}")
    logs = {r.name for r in settings.ranges if r.log}
    left, right = st.columns(2)
    left.plotly_chart(
        parallel_coordinates(group.settings["trials"], settings.metric, logs),
        key=f"parcoords_{group_id}",
    )
    if settings.per_epoch:
        right.plotly_chart(
            overlaid_curves(trial_curves(store, group), settings.metric),
            key=f"curves_{group_id}",
        )
    st.plotly_chart(importance_bars(group.settings.get("importance", {})), key=f"imp_{group_id}")
    if not any(run.active for run in members(store, group_id)):
        st.caption("Every trial is a run of its own: open any on the Runs or Explore page.")

"""Side by side: finished runs of one dataset and task, their metrics, curves and confusion
matrices, kept up to date as runs finish.

Runs are compared within a group (same dataset, target and task) by default: a bar
for penguins beside one for Titanic, or a CNN's accuracy beside a text model's,
compares nothing. The chooser opens the other groups.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from dashboard.figures.comparison import curves_comparison_figure, runs_comparison_figure
from dashboard.runs_page.run_table import dataset_of, short_name
from models.registry import model_label
from models.store import Run, RunStore

MAX_COMPARED = 8  # runs picked by default: the newest of the group
MATRICES_PER_ROW = 3
POLL_S = 2.0


@dataclass(frozen=True)
class Group:
    dataset: str  # the dataset reference
    target: str  # the chosen target column of a table ("" = the dataset's own)
    task: str

    @property
    def key(self) -> str:
        return f"{self.dataset}|{self.target}|{self.task}"


def task_of(run: Run) -> str:
    """A finished run's task, from the metrics it recorded."""
    return "regression" if "r2" in run.final_metrics else "classification"


def group_of(run: Run) -> Group:
    return Group(run.spec.dataset, str(run.spec.dataset_options.get("target", "")), task_of(run))


def group_label(group: Group, runs: list[Run]) -> str:
    target = f" · target {group.target}" if group.target else ""
    return f"{dataset_of(runs[0])}{target} · {group.task} ({len(runs)} runs)"


def run_labels(runs: list[Run]) -> dict[str, str]:
    """Run id → 'Keras MLP · #ab12' (model and short name), unique among the runs."""
    labels = {run.id: f"{model_label(run.spec.model)} · {short_name(run)}" for run in runs}
    seen = pd.Series(list(labels.values()))
    repeated = set(seen[seen.duplicated()])
    return {rid: f"{lab} ({rid})" if lab in repeated else lab for rid, lab in labels.items()}


def groups_of(runs: list[Run]) -> dict[Group, list[Run]]:
    """Runs by group, groups ordered by their newest run (runs come newest first)."""
    groups: dict[Group, list[Run]] = {}
    for run in runs:
        groups.setdefault(group_of(run), []).append(run)
    return groups


def default_group(groups: dict[Group, list[Run]]) -> Group:
    """The newest group with something to compare (two runs or more)."""
    return next((g for g, runs in groups.items() if len(runs) > 1), next(iter(groups)))


def _picked_runs(group: Group, runs: list[Run], labels: dict[str, str]) -> list[str]:
    """The runs to compare: the group's newest, following new runs as they finish, until
    the person changes the pick."""
    key, custom = f"compare_runs_{group.key}", f"compare_custom_{group.key}"
    ids = [run.id for run in runs]
    if not st.session_state.get(custom) or any(i not in ids for i in st.session_state.get(key, [])):
        st.session_state[key] = ids[:MAX_COMPARED]
    return st.multiselect(
        "Runs",
        ids,
        format_func=lambda run_id: labels.get(run_id, run_id),
        key=key,
        on_change=lambda: st.session_state.__setitem__(custom, True),
    )


def _metrics_chart(runs: list[Run], labels: dict[str, str]) -> None:
    frame = pd.DataFrame(
        [
            {"run": labels[run.id], "model": model_label(run.spec.model), **run.final_metrics}
            for run in runs
        ]
    )
    metrics = [c for c in frame.columns if c not in ("run", "model") and frame[c].notna().any()]
    if not metrics:
        return
    metric = st.selectbox("Metric", metrics, key="compare_metric")
    st.plotly_chart(runs_comparison_figure(frame, metric), key="compare_chart")


def _curves_chart(store: RunStore, runs: list[Run], labels: dict[str, str]) -> None:
    histories = {labels[run.id]: store.history(run.id) for run in runs}
    histories = {label: h for label, h in histories.items() if len(h)}
    curve_metrics = sorted({c for h in histories.values() for c in h.columns if c != "epoch"})
    if curve_metrics:
        curve = st.selectbox("Curve", curve_metrics, key="compare_curve")
        st.plotly_chart(curves_comparison_figure(histories, curve), key="compare_curves")


def _confusion_matrices(store: RunStore, runs: list[Run], labels: dict[str, str]) -> None:
    from dashboard.explore.context import cached_results
    from dashboard.figures.classification import confusion_matrix_figure
    from models.metrics import confusion

    st.markdown("**Confusion matrices** (rows: true class, columns: predicted)")
    for start in range(0, len(runs), MATRICES_PER_ROW):
        columns = st.columns(MATRICES_PER_ROW)
        for column, run in zip(columns, runs[start : start + MATRICES_PER_ROW], strict=False):
            results = cached_results(str(store.run_dir(run.id)), run.finished)
            if results is None:
                column.caption(f"{labels[run.id]}: no saved results.")
                continue
            names = results.class_names
            figure = confusion_matrix_figure(
                confusion(results.y_true, results.y_pred, len(names)), names
            )
            figure.update_layout(title={"text": labels[run.id]}, dragmode=False)
            column.plotly_chart(figure, key=f"compare_confusion_{run.id}")


def _report_button(store: RunStore, runs: list[Run]) -> None:
    from dashboard.report.compare_report import compare_report_html

    ids = [run.id for run in runs]
    st.download_button(
        "Comparison report (.html)",
        data=lambda: compare_report_html(store, ids),
        file_name="glassbox-comparison.html",
        mime="text/html",
        key="compare_report",
        on_click="ignore",  # no rerun: the other buttons' files stay valid
        icon=":material/description:",
        help="These runs' metrics, specs, curves and confusion matrices in one offline HTML file.",
    )


@st.fragment(run_every=POLL_S)
def render_comparison(store: RunStore) -> None:
    groups = groups_of(store.list_runs(("succeeded",)))
    if sum(len(runs) for runs in groups.values()) < 2:
        return
    st.subheader("Compare runs")
    keys = {group.key: group for group in groups}
    chosen = st.selectbox(
        "Runs of (same dataset, target and task)",
        list(keys),
        index=list(keys).index(default_group(groups).key),
        format_func=lambda key: group_label(keys[key], groups[keys[key]]) if key in keys else key,
        key="compare_group",
    )
    group = keys[chosen]
    labels = run_labels(groups[group])
    picked = _picked_runs(group, groups[group], labels)
    runs = [run for run in groups[group] if run.id in picked]
    if not runs:
        st.caption("Pick runs to compare.")
        return
    _report_button(store, runs)
    _metrics_chart(runs, labels)
    _curves_chart(store, runs, labels)
    if group.task == "classification":
        _confusion_matrices(store, runs, labels)

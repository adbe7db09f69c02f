"""The Train page's Sweep mode: each hyperparameter as a value, a list or a range."""

from __future__ import annotations

from typing import Any

import streamlit as st

from dashboard.train_page.param_help import label_and_help
from models.kinds.base import ModelKind
from models.sweeps.settings import EPOCH_METRICS, FINAL_METRICS, PRUNERS, STRATEGIES, SweepSettings
from models.sweeps.space import SpaceError, parse_space

SYNTAX = (
    "A single value stays fixed. A list tries each value: `8, 32, 128`. "
    "A range is searched: `8..128` (whole numbers), `0.0..0.5`, `1e-4..1e-1 log` (log scale)."
)
# Ranges offered to start from, so a first sweep needs no typing.
SUGGESTED = {
    "learning_rate": "1e-4..1e-2 log",
    "hidden_units": "16, 64, 128",
    "dropout": "0.0..0.4",
}


def _metrics(kind: ModelKind) -> list[str]:
    per_epoch = list(EPOCH_METRICS) if kind.framework == "keras" else []
    return per_epoch + list(FINAL_METRICS)


def sweep_form(kind: ModelKind, key: str) -> tuple[dict[str, str], dict[str, Any]]:
    """The typed space per parameter, and the sweep's own settings."""
    st.caption(SYNTAX)
    texts: dict[str, str] = {}
    columns = st.columns(3)
    for index, (name, default) in enumerate(kind.defaults.items()):
        label, help_text = label_and_help(name)
        shown = ", ".join(map(str, default)) if isinstance(default, (list, tuple)) else default
        with columns[index % 3]:
            texts[name] = st.text_input(
                label,
                value=SUGGESTED.get(name, str(shown)),
                key=f"{key}_{name}",
                help=f"{help_text or ''} {SYNTAX}".strip(),
            )
    left, middle, right = st.columns(3)
    options: dict[str, Any] = {
        "budget": int(left.number_input("Trials", 1, 500, 12, key=f"{key}_budget")),
        "strategy": middle.selectbox(
            "Search", list(STRATEGIES), format_func=STRATEGIES.get, key=f"{key}_strategy"
        ),
        "metric": right.selectbox(
            "Score trials by",
            _metrics(kind),
            key=f"{key}_metric",
            help="val_… metrics are measured on the validation split after every epoch, so "
            "poor trials can be stopped early; the others only when a trial ends.",
        ),
    }
    per_epoch = options["metric"] in EPOCH_METRICS
    left, middle, _ = st.columns(3)
    options["pruner"] = left.selectbox(
        "Stop poor trials early",
        list(PRUNERS) if per_epoch else ["none"],
        format_func=PRUNERS.get,
        key=f"{key}_pruner_{per_epoch}",
        help="Median: stop a trial whose epoch score is worse than the median of earlier "
        "trials at the same epoch. Successive halving: keep only the best third at each rung.",
    )
    options["parallel"] = int(
        middle.number_input(
            "Trials at once",
            1,
            16,
            1,
            key=f"{key}_parallel",
            help="Queued together; the Runs page's 'Runs trained at once' still applies.",
        )
    )
    return texts, options


def build_settings(
    kind: ModelKind,
    texts: dict[str, str],
    options: dict[str, Any],
    base: dict[str, Any],
    dataset_name: str,
) -> SweepSettings:
    """The sweep to start; raises SpaceError with what to change."""
    ranges, fixed = parse_space(texts, dict(kind.defaults))
    return SweepSettings(
        base={**base, "params": fixed},
        ranges=ranges,
        budget=options["budget"],
        strategy=options["strategy"],
        pruner=options["pruner"],
        metric=options["metric"],
        parallel=options["parallel"],
        seed=int(base.get("seed", 0)),
        dataset_name=dataset_name,
    )


def start_sweep_from_form(
    kind: ModelKind,
    texts: dict[str, str],
    options: dict[str, Any],
    choice: Any,
    seed: int,
    test_size: float,
    name: str,
) -> None:
    """Check the typed space, start the sweep, and point to the page that follows it."""
    from dashboard.services import get_store
    from models.sweeps.create import start_sweep

    base = {
        "dataset": choice.ref,
        "model": kind.key,
        "seed": seed,
        "test_size": test_size,
        "dataset_options": dict(choice.options),
    }
    try:
        settings = build_settings(kind, texts, options, base, choice.name)
        group_id = start_sweep(get_store(), name or f"{kind.label} on {choice.name}", settings)
    except SpaceError as error:
        st.error(f"The sweep cannot start: {error}.")
        return
    st.success(
        f"Sweep started: {settings.budget} trials of {kind.label} on {choice.name}, "
        "queued as runs as they are asked for."
    )
    st.page_link(
        "dashboard/app_pages/sweeps.py",
        label="Follow it on the Sweeps page",
        icon=":material/tune:",
        query_params={"sweep": group_id},
    )

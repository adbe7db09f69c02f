"""Widgets for hyperparameters, chosen by name so every model kind gets sensible controls."""

from __future__ import annotations

from typing import Any

import streamlit as st

from dashboard.train_page.param_help import label_and_help

_CHOICES: dict[str, list[Any]] = {
    "batch_size": [8, 16, 32, 64, 128, 256, 512, 1024],
    "learning_rate": [1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1],
}
_OPTIONS: dict[str, list[str]] = {"cell": ["lstm", "gru"]}
DISK_BATCH_SIZE = 512  # 32 rows a batch makes a 20 M-row epoch 625,000 steps
_SLIDERS: dict[str, tuple[float, float, float]] = {
    "dropout": (0.0, 0.7, 0.05),
    "validation_split": (0.0, 0.4, 0.05),
}


def for_dataset(defaults: dict[str, Any], ref: str, key: str) -> tuple[dict[str, Any], str]:
    """A table read from disk (every epoch reads it whole) starts with large batches, under
    widget keys of its own, so a batch size picked for an upload is not carried over."""
    if not ref.startswith("path:") or "batch_size" not in defaults:
        return defaults, key
    return {**defaults, "batch_size": max(defaults["batch_size"], DISK_BATCH_SIZE)}, f"{key}_disk"


def param_inputs(defaults: dict[str, Any], key_prefix: str) -> dict[str, Any]:
    """One widget per hyperparameter, laid out in three columns."""
    values: dict[str, Any] = {}
    columns = st.columns(3)
    for index, (name, default) in enumerate(defaults.items()):
        with columns[index % 3]:
            values[name] = _widget(name, default, f"{key_prefix}_{name}")
    return values


def _widget(name: str, default: Any, key: str) -> Any:
    label, help_text = label_and_help(name)
    if name in _CHOICES:
        options = sorted(set(_CHOICES[name]) | {default})
        return st.select_slider(label, options, value=default, key=key, help=help_text)
    if name in _OPTIONS:
        options = list(dict.fromkeys([*_OPTIONS[name], default]))
        return st.selectbox(label, options, index=options.index(default), key=key, help=help_text)
    if name in _SLIDERS:
        low, high, step = _SLIDERS[name]
        return st.slider(label, low, high, float(default), step, key=key, help=help_text)
    if isinstance(default, bool):
        return st.checkbox(label, value=default, key=key, help=help_text)
    if isinstance(default, int):
        return int(
            st.number_input(label, min_value=0, value=default, step=1, key=key, help=help_text)
        )
    if isinstance(default, float):
        return float(st.number_input(label, value=default, format="%g", key=key, help=help_text))
    if isinstance(default, (list, tuple)):
        return st.multiselect(label, list(default), default=list(default), key=key, help=help_text)
    return st.text_input(label, value=str(default), key=key, help=help_text)

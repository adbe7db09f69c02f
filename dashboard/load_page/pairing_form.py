"""The pairing choices: dataset, resize, pixel scale, class order, feature layer, checked live."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import streamlit as st

from dashboard.chosen_dataset import chosen


@dataclass(frozen=True)
class PairingChoice:
    dataset_ref: str
    dataset_name: str
    options: dict[str, Any]
    resize: bool
    pixel_scale: str
    class_order: list[str] | None
    feature_layer: str | None


def _dataset(modality: str | None) -> tuple[str, str, dict[str, Any]]:
    """Built-in sets of the model's modality, and the one chosen on the Data page."""
    from data.registry import builtin_catalog

    catalog = [entry for entry in builtin_catalog() if modality in (None, entry.kind)]
    entries = {f"{entry.name} ({entry.kind})": entry for entry in catalog}
    current = chosen()
    if current is not None and modality in (None, current.kind):
        label = f"{current.name} ({current.kind}) — chosen on the Data page"
        entries = {label: current, **entries}
    picked = entries[st.selectbox("Dataset to evaluate it on", list(entries), key="load_dataset")]
    return picked.ref, picked.name, dict(getattr(picked, "options", {}) or {})


def pairing_choice(summary: dict[str, Any], facts: dict[str, Any], ref, name, options):
    """The widgets for what the person decides; returns their choices."""
    resize, scale = False, "raw"
    if summary["input"] == "image":
        resize = st.checkbox(
            "Resize the images to the model's input",
            key="load_resize",
            help="Images of another size are scaled to the size the model reads.",
        )
        scale = st.radio(
            "The model reads pixels as",
            ["unit", "raw"],
            index=1 if summary["rescales"] else 0,
            format_func={"unit": "0–1 (divided by 255)", "raw": "0–255 (raw)"}.get,
            horizontal=True,
            key="load_scale",
            help="Most notebooks divide pixels by 255 before training; a model with a "
            "Rescaling layer at the start reads raw pixels.",
        )
    order = None
    if facts.get("classes") and not summary.get("classes"):
        text = st.text_input(
            "Class of each output, in output order (comma-separated)",
            value=", ".join(facts["classes"]),
            key=f"load_order_{ref}",
            help="Output 0 is the first name. Change the order if the model was trained "
            "with another numbering of the classes.",
        )
        order = [part.strip() for part in text.split(",") if part.strip()]
    layer = None
    if summary.get("layers"):
        default = summary.get("feature_layer")
        layers = summary["layers"]
        layer = st.selectbox(
            "Layer for the embedding view",
            layers,
            index=layers.index(default) if default in layers else len(layers) - 1,
            key="load_layer",
        )
    return PairingChoice(ref, name, options, resize, scale, order, layer)


def dataset_and_facts(
    modality: str | None,
) -> tuple[str, str, dict[str, Any], dict[str, Any]] | None:
    from dashboard.services import get_store
    from data.dataset import DatasetError
    from data.registry import load_dataset
    from models.importing.pairing import data_facts

    ref, name, options = _dataset(modality)
    try:
        data = load_dataset(ref, get_store().workspace, options).data
        return ref, name, options, data_facts(data)
    except DatasetError as error:
        st.error(str(error))
        return None

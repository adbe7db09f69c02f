"""Does a loaded model fit a dataset? Checked before any work, from two plain summaries.

The model's summary comes from models.importing.describe, the data's from
`data_facts`; `check_pairing` either returns the plan the imported trainer follows
(resize or not, which columns in which order, which output is which class) or
refuses with a message naming both shapes. No TensorFlow here: the Load page and
the CLI call it directly.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from data.dataset import Data
from models.importing import ImportRefused

_INPUT_FOR = {"image": "image", "table": "tabular", "text": "text"}
_CHANNELS = {1: "greyscale", 3: "RGB", 4: "RGBA"}


@dataclass(frozen=True)
class Pairing:
    """What the imported trainer does with this model and dataset (JSON-ready via asdict)."""

    modality: str
    task: str
    class_order: list[str]  # output index i is class class_order[i]
    resize: bool = False
    columns: list[str] | None = None  # tabular inputs, in the order the model reads them

    def params(self) -> dict[str, Any]:
        return asdict(self)


def modality_of(model: Mapping[str, Any]) -> str | None:
    """The kind of dataset a model reads (None when it cannot be told)."""
    return _INPUT_FOR.get(model["input"])


def data_facts(data: Data) -> dict[str, Any]:
    """What the checks need to know about a dataset: its kind, shapes, columns and classes."""
    import numpy as np

    if data.kind == "image":
        classes = sorted(set(np.asarray(data.labels).astype(str).tolist()))
        return {"kind": "image", "image_shape": list(data.images.shape[1:]), "classes": classes}
    if data.kind == "text":
        classes = sorted(set(np.asarray(data.labels).astype(str).tolist()))
        return {"kind": "text", "classes": classes}
    from data.schema import check_target

    checked = check_target(data.frame, data.target)
    columns = [str(c) for c in data.frame.columns if c != data.target]
    classes = (
        sorted(set(checked.frame[data.target].astype(str)))
        if checked.task == "classification"
        else []
    )
    numeric = [str(c) for c in data.frame[columns].select_dtypes("number").columns]
    return {
        "kind": "tabular",
        "task": checked.task,
        "columns": columns,
        "numeric_columns": numeric,
        "classes": classes,
    }


def _shape(shape: Sequence[int | None]) -> str:
    text = "×".join("any" if d is None else str(d) for d in shape[:2])
    channels = shape[2] if len(shape) > 2 else None
    return f"{text}×{channels} ({_CHANNELS.get(channels, f'{channels} channels')})"


def _check_image(model: Mapping[str, Any], data: Mapping[str, Any], resize: bool) -> bool:
    wanted, have = list(model["input_shape"]), list(data["image_shape"])
    if len(wanted) != 3:
        raise ImportRefused(f"The model reads inputs of shape {wanted}, not images.")
    if wanted[2] != have[2]:
        raise ImportRefused(
            f"The model reads {_shape(wanted)} images, but this dataset has {_shape(have)} "
            f"images: the colour channels differ ({wanted[2]} vs {have[2]}). Pick a dataset "
            "with the model's channels, or save a model built for this data's channels."
        )
    size_differs = any(w is not None and w != h for w, h in zip(wanted[:2], have[:2], strict=True))
    if size_differs and not resize:
        raise ImportRefused(
            f"The model reads {_shape(wanted)} images, but this dataset has {_shape(have)} "
            "images. Tick 'Resize the images to the model's input' to scale them, or pick a "
            "dataset of the model's size."
        )
    return size_differs


def _check_columns(model: Mapping[str, Any], data: Mapping[str, Any]) -> list[str]:
    if model.get("columns"):
        missing = [c for c in model["columns"] if c not in data["columns"]]
        if missing:
            raise ImportRefused(
                f"The model reads columns this table lacks: {', '.join(missing[:20])}. The "
                f"table has {len(data['columns'])} columns besides the target: "
                f"{', '.join(data['columns'][:20])}."
            )
        return list(model["columns"])
    columns = data["numeric_columns"] if model["framework"] == "keras" else data["columns"]
    wanted = int(model["input_shape"][0] or 0)
    if wanted != len(columns):
        kind = "numeric " if model["framework"] == "keras" else ""
        raise ImportRefused(
            f"The model expects {wanted} inputs, but this table has {len(columns)} {kind}"
            f"columns besides the target ({', '.join(columns[:20])}). Pick the table the model "
            "was trained on, or a target that leaves the model's columns."
        )
    return list(columns)


def _class_order(
    model: Mapping[str, Any], classes: list[str], chosen: Sequence[str] | None
) -> list[str]:
    outputs = int(model["outputs"])
    if model.get("classes") and set(model["classes"]) == set(classes):
        return list(model["classes"])  # the model names its classes: its own order
    binary_sigmoid = outputs == 1 and len(classes) == 2 and model["framework"] == "keras"
    if outputs != len(classes) and not binary_sigmoid:
        raise ImportRefused(
            f"The model makes {outputs} outputs, but this dataset has {len(classes)} classes "
            f"({', '.join(classes[:20])}). Pick the dataset the model was trained for, or a "
            f"model with {len(classes)} outputs."
        )
    order = list(chosen) if chosen else list(classes)
    if sorted(order) != sorted(classes):
        raise ImportRefused(
            f"The class order must list each of the dataset's classes once: {', '.join(classes)}."
        )
    return order


def check_pairing(
    model: Mapping[str, Any],
    data: Mapping[str, Any],
    resize: bool = False,
    class_order: Sequence[str] | None = None,
) -> Pairing:
    """The plan for evaluating `model` on `data`, or ImportRefused naming what does not fit."""
    modality = _INPUT_FOR.get(model["input"])
    if modality is None:
        raise ImportRefused(
            "The model reads token ids, which only its own tokenizer can make. Save a model "
            "that takes raw strings (a keras.layers.TextVectorization layer inside it)."
            if model["input"] == "tokens"
            else f"Glassbox cannot tell what the model reads (input shape {model['input_shape']})."
        )
    if modality != data["kind"]:
        raise ImportRefused(
            f"The model reads {modality} data, but the chosen dataset is {data['kind']} data. "
            f"Pick {'an' if modality[0] in 'aeiou' else 'a'} {modality} dataset."
        )
    task = data.get("task", "classification")
    resized, columns = False, None
    if modality == "image":
        resized = _check_image(model, data, resize)
    elif modality == "tabular":
        columns = _check_columns(model, data)
    if task == "regression":
        if int(model["outputs"]) != 1:
            raise ImportRefused(
                f"The model makes {model['outputs']} outputs, but this table's target is a "
                "number (one output). Pick a classification target, or a model with one output."
            )
        return Pairing(modality, task, [], resized, columns)
    order = _class_order(model, list(data["classes"]), class_order)
    return Pairing(modality, task, order, resized, columns)

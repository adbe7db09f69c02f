"""What a loaded model reads and makes, as plain JSON the Load page and the pairing checks use.

Run as `python -m models.importing.describe MODEL_FILE OUT_JSON` in a process of its
own, so opening a person's file (and importing TensorFlow for it) never happens in
the app's process: the page only reads the JSON, which holds either a summary or
the message saying why the file was refused.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

from models.importing import ImportRefused

KERAS_SUFFIX = ".keras"
SKOPS_SUFFIX = ".skops"


def load_model_file(path: Path) -> Any:
    """The model in a .keras or .skops file, checked; anything else is refused by name."""
    from models.importing.skops_file import load_skops_file, refuse_by_suffix

    path = Path(path)
    refuse_by_suffix(path.name)
    if path.suffix.lower() == KERAS_SUFFIX:
        from models.importing.keras_file import load_keras_file

        return load_keras_file(path)
    if path.suffix.lower() == SKOPS_SUFFIX:
        return load_skops_file(path)
    raise ImportRefused(
        f"'{path.name}' is neither a .keras nor a .skops file. Save a Keras model with "
        "model.save('model.keras'), a scikit-learn one with skops.io.dump(model, 'model.skops')."
    )


def _keras_input(model) -> str:
    tensor = model.inputs[0]
    dtype, rank = str(tensor.dtype), len(tensor.shape)
    if "string" in dtype:
        return "text"
    if rank == 4:
        return "image"
    if rank == 2 and "int" in dtype:
        return "tokens"
    return "table" if rank == 2 else "unknown"


def _rescales(model) -> bool:
    """True when the model's first layers rescale pixels itself (it reads 0–255 values)."""
    names = [type(layer).__name__ for layer in model.layers[:4]]
    return "Rescaling" in names or "Normalization" in names


def describe_keras(model) -> dict[str, Any]:
    from models.inspection import feature_layer, inspect_keras, output_layer

    if len(model.inputs) != 1 or len(model.outputs) != 1:
        raise ImportRefused(
            f"The model has {len(model.inputs)} inputs and {len(model.outputs)} outputs; "
            "Glassbox evaluates models with one input and one output."
        )
    kind = _keras_input(model)
    inspection = inspect_keras(model) if kind != "text" else None
    head = output_layer(model)
    candidates = [
        layer.name
        for layer in model.layers[:-1]
        if type(layer).__name__ != "InputLayer"
        and len(layer.output.shape) >= 2
        and "string" not in str(layer.output.dtype)
    ]
    return {
        "framework": "keras",
        "input": kind,
        "input_shape": [None if d is None else int(d) for d in model.inputs[0].shape[1:]],
        "outputs": int(model.outputs[0].shape[-1] or 0),
        "softmax": bool(inspection and "probabilities" in inspection.capabilities),
        "classes": None,
        "columns": None,
        "rescales": _rescales(model),
        "feature_layer": feature_layer(model),
        "layers": candidates,
        "output_layer": head.name,
        "capabilities": sorted(inspection.capabilities) if inspection else [],
    }


def _is_text_pipeline(model) -> bool:
    first = model.steps[0][1] if hasattr(model, "steps") else model
    return hasattr(first, "build_analyzer")


def describe_sklearn(model) -> dict[str, Any]:
    classes = getattr(model, "classes_", None)
    columns = getattr(model, "feature_names_in_", None)
    text = _is_text_pipeline(model)
    return {
        "framework": "sklearn",
        "input": "text" if text else "table",
        "input_shape": [] if text else [int(getattr(model, "n_features_in_", 0) or 0)],
        "outputs": len(classes) if classes is not None else 1,
        "softmax": classes is not None,
        "classes": None if classes is None else [str(c) for c in classes],
        "columns": None if columns is None else [str(c) for c in columns],
        "rescales": False,
        "feature_layer": None,
        "layers": [],
        "output_layer": "",
        "capabilities": [],
    }


def describe_file(path: Path) -> dict[str, Any]:
    """The summary of the model in `path` (loads it; refuses it with ImportRefused)."""
    model = load_model_file(path)
    described = (
        describe_sklearn(model) if Path(path).suffix == SKOPS_SUFFIX else describe_keras(model)
    )
    return {**described, "file": Path(path).name}


def write_description(path: Path, out: Path) -> None:
    """{"summary": …} or {"refused": message} into `out` (atomically), whatever happens."""
    from models.failure import failure_message

    try:
        result: dict[str, Any] = {"summary": describe_file(path)}
    except ImportRefused as error:
        result = {"refused": str(error)}
    except Exception as error:
        result = {"refused": failure_message(error, "Opening the model")}
    tmp = Path(out).with_name(Path(out).name + ".tmp")
    tmp.write_text(json.dumps(result, indent=1))
    os.replace(tmp, out)


if __name__ == "__main__":
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    write_description(Path(sys.argv[1]), Path(sys.argv[2]))

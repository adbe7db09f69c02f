"""Opening a person's .keras file with safe mode on, and refusing clearly what it cannot open.

Keras' own safe mode refuses a Python `Lambda` and cannot build a class it has never
seen, but its errors name internals. So the file's config is read first (it is
JSON inside the zip; nothing is imported) and what cannot be opened is named in
the person's terms: which layer, why code in a model file is not run, and what to
change where the model was made.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from models.importing import ImportRefused

_KERAS_MODULES = ("keras", "builtins")

CODE_RISK = (
    "Code stored in a model file can do anything on this computer when it runs, so Glassbox "
    "never runs it."
)


def _config(path: Path) -> dict[str, Any]:
    if not zipfile.is_zipfile(path):
        raise ImportRefused(
            f"'{path.name}' is not a complete .keras file (a .keras file is a zip archive; this "
            "one is cut short or is another kind of file). Save the model again with "
            "model.save('model.keras') and upload the new file."
        )
    try:
        with zipfile.ZipFile(path) as archive:
            if "config.json" not in archive.namelist():
                raise ImportRefused(
                    f"'{path.name}' is a zip archive without a model in it (no config.json). "
                    "Save the model with model.save('model.keras') and upload that file."
                )
            return json.loads(archive.read("config.json"))
    except (zipfile.BadZipFile, json.JSONDecodeError, OSError) as error:
        raise ImportRefused(
            f"'{path.name}' is damaged ({error}). Save the model again with "
            "model.save('model.keras') and upload the new file."
        ) from error


def _objects(node: Any) -> Iterator[dict[str, Any]]:
    """Every serialised object (a dict with a class_name) in the config, depth first."""
    if isinstance(node, dict):
        if "class_name" in node:
            yield node
        for value in node.values():
            yield from _objects(value)
    elif isinstance(node, list):
        for value in node:
            yield from _objects(value)


def _name(obj: dict[str, Any]) -> str:
    config = obj.get("config")
    name = config.get("name") if isinstance(config, dict) else None
    return f"'{name}' ({obj['class_name']})" if name else f"'{obj['class_name']}'"


def _known_custom() -> set[str]:
    """Registered names of the layers Glassbox itself defines (its own runs use them)."""
    import importlib

    import keras

    from models.model_io import custom_layer_modules

    for module in custom_layer_modules():
        importlib.import_module(module)
    return set(keras.saving.get_custom_objects())


def check_config(path: Path) -> None:
    """Refuse a file with a Lambda layer or a class Keras and Glassbox do not define."""
    config = _config(Path(path))
    objects = list(_objects(config))
    lambdas = [_name(obj) for obj in objects if obj["class_name"] == "Lambda"]
    if lambdas:
        raise ImportRefused(
            f"The model has a Lambda layer ({', '.join(lambdas)}): its Python function is "
            f"stored as code in the file. {CODE_RISK} Replace the Lambda with built-in layers "
            "(or a layer class registered with @keras.saving.register_keras_serializable in "
            "code Glassbox imports), save the model again and upload it."
        )
    outside = [
        obj
        for obj in objects
        if "module" in obj and not str(obj["module"]).startswith(_KERAS_MODULES)
    ]
    if not outside:
        return
    known = _known_custom()
    unknown = sorted(
        {
            _name(obj)
            for obj in outside
            if obj.get("registered_name", obj["class_name"]) not in known
        }
    )
    if unknown:
        raise ImportRefused(
            f"The model uses layers or objects that Keras does not define: {', '.join(unknown)}. "
            f"Their code lives in the notebook or script that made the model, not in the file, "
            f"and {CODE_RISK[0].lower()}{CODE_RISK[1:]} Rebuild the model from built-in Keras "
            "layers, or register the layer in code (@keras.saving.register_keras_serializable) "
            "in a module Glassbox imports, then save and upload it again."
        )


def load_keras_file(path: Path):
    """The model in `path`, loaded with safe_mode=True after `check_config` found it openable."""
    import keras

    path = Path(path)
    check_config(path)
    try:
        return keras.saving.load_model(path, safe_mode=True, compile=False)
    except Exception as error:
        raise ImportRefused(
            f"Keras could not open '{path.name}': {str(error).splitlines()[0][:300]}. Save the "
            "model again with the Keras version it was made with (model.save('model.keras')) and "
            "upload the new file."
        ) from error

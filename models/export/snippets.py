"""The README of a model bundle: what the model reads and a snippet that predicts with it."""

from __future__ import annotations

from typing import Any

_LOAD_SKOPS = """import skops.io as sio

# The file lists the types it needs; check them, then trust them.
print(sio.get_untrusted_types(file="{name}"))
{var} = sio.load("{name}", trusted=sio.get_untrusted_types(file="{name}"))"""


def _keras_snippet(
    meta: dict[str, Any], has_prep: bool, has_tokenizer: bool, layer_modules: list[str]
) -> str:
    modality = meta.get("modality", "")
    lines = ["import json", "", "import keras", "import numpy as np"]
    if has_tokenizer:
        lines += ["", "from data.tokenizer import Tokenizer  # beside this README"]
    for path in layer_modules:
        module = path.removesuffix(".py").replace("/", ".")
        lines += [
            f"import {module}  # noqa: F401 - registers Glassbox's layers (beside this README)"
        ]
    lines += [
        "",
        'model = keras.saving.load_model("model.keras")',
        'classes = json.load(open("labels.json", encoding="utf-8"))["classes"]',
    ]
    if has_prep:
        lines += ["", _LOAD_SKOPS.format(name="preprocessor.skops", var="preprocess")]
        lines += [
            "import pandas as pd",
            "",
            'rows = pd.read_csv("new_rows.csv")  # the table\'s own columns, no target',
            "x = np.asarray(preprocess.transform(rows), dtype=np.float32)",
        ]
    elif has_tokenizer:
        add_cls = bool(meta.get("add_cls", False))
        lines += [
            'tokenizer = Tokenizer.from_dict(json.load(open("tokenizer.json", encoding="utf-8")))',
            f'x = tokenizer.encode(["a sentence to classify"], add_cls={add_cls})',
        ]
    elif meta.get("takes_raw_text"):
        lines += ['x = np.array([["a sentence to classify"]], dtype=object)']
    elif modality == "image":
        shape = "×".join(str(d) for d in meta.get("image_shape", []))
        lines += [
            f"x = np.zeros((1, {', '.join(str(d) for d in meta.get('image_shape', []))}))"
            f"  # {shape} images, raw 0–255 pixels"
        ]
    lines += ["", "scores = model.predict(x)"]
    if meta.get("task") == "classification":
        lines += ["print([classes[i] for i in scores.argmax(axis=1)])"]
    else:
        lines += ["print(scores.ravel())"]
    return "\n".join(lines)


def _sklearn_snippet(meta: dict[str, Any], has_prep: bool) -> str:
    lines = [_LOAD_SKOPS.format(name="model.skops", var="model"), ""]
    if has_prep:
        lines += [
            "import pandas as pd",
            "",
            'rows = pd.read_csv("new_rows.csv")  # the table\'s own columns, no target',
            "print(model.predict(rows))",
        ]
    elif meta.get("modality") == "text":
        lines += ['print(model.predict(["a sentence to classify"]))']
    else:
        lines += ["print(model.predict(x))  # x: the inputs the run's 'input' features show"]
    return "\n".join(lines)


def readme(
    meta: dict[str, Any],
    keras_model: bool,
    has_prep: bool,
    has_tokenizer: bool,
    layer_modules: list[str],
) -> str:
    """README.md of the bundle."""
    classes = meta.get("class_names") or []
    what = (
        f"a classifier of {len(classes)} classes ({', '.join(map(str, classes[:12]))})"
        if meta.get("task") == "classification"
        else "a regression model (one number out)"
    )
    snippet = (
        _keras_snippet(meta, has_prep, has_tokenizer, layer_modules)
        if keras_model
        else _sklearn_snippet(meta, has_prep)
    )
    needs = "keras (TensorFlow)" if keras_model else "scikit-learn and skops"
    extra = []
    if has_prep:
        extra.append(
            "The preprocessing (`preprocessor.skops`) uses Glassbox's own functions; their "
            "source is in `data/` here, so run your script from this folder."
        )
    if has_tokenizer:
        extra.append(
            "The tokenizer is `tokenizer.json`; `data/tokenizer.py` (numpy only) turns texts "
            "into the token ids the model reads."
        )
    notes = "\n\n".join(extra)
    return (
        f"# A model exported from Glassbox\n\nThe model is {what}. `labels.json` lists the "
        f"classes in the order of the model's outputs. You need {needs}.\n\n{notes}\n\n"
        f"```python\n{snippet}\n```\n\nTo open it in Glassbox again, load "
        f"`{'model.keras' if keras_model else 'model.skops'}` on the Load a model page.\n"
    )

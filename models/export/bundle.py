"""A run's model as one zip a person can use without Glassbox, and load back into it.

Keras runs ship model.keras; scikit-learn runs ship model.skops (a table run's
preprocessor and model joined into one Pipeline that takes the raw columns).
Beside the model: labels.json (class order and task), the preprocessing the model
needs (the table preprocessor, the text tokenizer with its code), the source of
any Glassbox layer the model uses, and a README with a snippet that loads it and
predicts in plain Python.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

from models.artifacts import META
from models.export.snippets import readme
from models.skops_io import load_run_object, run_object_exists

ROOT = Path(__file__).resolve().parents[2]
# Self-contained modules (numpy, pandas, scikit-learn, keras only) a bundle may need.
DATA_MODULES = (
    "data/dataset.py",
    "data/schema.py",
    "data/tabular_prep.py",
    "data/tokenizer.py",
    "data/surface_tokens.py",
)
LAYER_MODULES = {
    "models.text.layers": "models/text/layers.py",
    "models.image.vit_layers": "models/image/vit_layers.py",
}


def _layer_modules(model_path: Path) -> list[str]:
    """Glassbox modules whose layers the saved model's config names."""
    with zipfile.ZipFile(model_path) as archive:
        config = archive.read("config.json").decode("utf-8")
    return [path for module, path in LAYER_MODULES.items() if f'"{module}"' in config]


def _add_sources(archive: zipfile.ZipFile, paths: list[str]) -> None:
    packages = {str(Path(p).parent) for p in paths}
    for package in sorted(packages):
        parts = Path(package).parts
        for depth in range(1, len(parts) + 1):
            init = str(Path(*parts[:depth]) / "__init__.py")
            if init not in archive.namelist():
                archive.writestr(init, "")
    for path in paths:
        archive.write(ROOT / path, path)


def _named_classes(model: Any, class_names: list[str]) -> Any:
    """The estimator predicting class names rather than the indices it was fitted on.

    Runs trained here fit on class indices 0..k-1 (the names live in meta.json);
    scikit-learn classifiers answer with `classes_[argmax]`, so naming `classes_`
    makes the downloaded model answer in the dataset's own labels.
    """
    import numpy as np

    classes = getattr(model, "classes_", None)
    if classes is None or len(classes) != len(class_names):
        return model
    if np.array_equal(np.asarray(classes), np.arange(len(class_names))):
        model.classes_ = np.asarray([str(name) for name in class_names])
    return model


def _sklearn_model(run_dir: Path, class_names: list[str]) -> Any:
    """The run's estimator, joined after its preprocessor when it has one."""
    model = _named_classes(load_run_object(run_dir, "model"), class_names)
    if not run_object_exists(run_dir, "preprocessor"):
        return model
    from sklearn.pipeline import Pipeline

    return Pipeline([("preprocess", load_run_object(run_dir, "preprocessor")), ("model", model)])


def model_bundle(run_dir: Path) -> bytes:
    """The zip: model file, labels.json, preprocessing, layer sources and README.md."""
    from models import skops_io

    run_dir = Path(run_dir)
    meta = json.loads((run_dir / META).read_text())
    keras_model = str(meta.get("model_file", "")).endswith(".keras")
    buffer = io.BytesIO()
    sources: list[str] = []
    layers: list[str] = []
    has_prep = run_object_exists(run_dir, "preprocessor")
    has_tokenizer = (run_dir / "tokenizer.json").exists()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        labels = {"task": meta["task"], "classes": meta.get("class_names", [])}
        archive.writestr("labels.json", json.dumps(labels, indent=1, ensure_ascii=False))
        if keras_model:
            archive.write(run_dir / "model.keras", "model.keras")
            layers = _layer_modules(run_dir / "model.keras")
            sources += layers
            if has_prep:
                tmp = run_dir / ".bundle-preprocessor.skops"
                skops_io.save(load_run_object(run_dir, "preprocessor"), tmp)
                archive.write(tmp, "preprocessor.skops")
                tmp.unlink()
            if has_tokenizer:
                archive.write(run_dir / "tokenizer.json", "tokenizer.json")
        else:
            tmp = run_dir / ".bundle-model.skops"
            skops_io.save(_sklearn_model(run_dir, labels["classes"]), tmp)
            archive.write(tmp, "model.skops")
            tmp.unlink()
        if has_prep or has_tokenizer:
            sources += list(DATA_MODULES)
        _add_sources(archive, sources)
        archive.writestr("README.md", readme(meta, keras_model, has_prep, has_tokenizer, layers))
    return buffer.getvalue()

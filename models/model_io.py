"""Loading a run's saved model for probes, with Keras safe mode on.

Custom layers register themselves with keras.saving when their module is imported.
Every Keras kind's builder module imports the layers it builds with, so `load_keras`
imports the builder modules the registry lists before it deserialises: a new
kind's layers are found without a list here to keep up to date.
"""

from __future__ import annotations

import importlib
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any

KERAS_FILE = "model.keras"
MAX_SHARED_MODELS = 4


def custom_layer_modules() -> list[str]:
    """The builder modules of every Keras kind: importing them registers their layers."""
    from models.registry import MODEL_KINDS

    kinds = MODEL_KINDS.values()
    return sorted({kind.builder.partition(":")[0] for kind in kinds if kind.framework == "keras"})


def load_keras(run_dir: Path):
    """The run's model.keras, loaded with safe_mode=True (no arbitrary code from the file)."""
    import keras

    for module in custom_layer_modules():
        importlib.import_module(module)
    return keras.saving.load_model(Path(run_dir) / KERAS_FILE, safe_mode=True, compile=False)


def load_sklearn(run_dir: Path):
    """The run's model.skops (trusted types only), or model.joblib of a run saved before skops."""
    from models.skops_io import load_run_object

    return load_run_object(run_dir, "model")


class SharedModels:
    """Models loaded once per process, the least recently used dropped first.

    Shared by the page and a background thread that loads (and warms up) a run's
    model before a view asks for it: both get the same object, and a view that asks
    while the thread is still loading waits for that load instead of starting another.
    Keyed by the file's path, size and modification time, so a replaced file is read again.
    """

    def __init__(self, max_entries: int) -> None:
        self.max_entries = max_entries
        self._models: OrderedDict[tuple, Any] = OrderedDict()
        self._loading: dict[tuple, threading.Lock] = {}
        self._lock = threading.Lock()

    def keras(self, run_dir: Path) -> Any:
        path = Path(run_dir) / KERAS_FILE
        stat = path.stat()  # a missing file fails here, as load_keras would
        key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns)
        with self._lock:
            loading = self._loading.setdefault(key, threading.Lock())
        with loading:
            with self._lock:
                if key in self._models:
                    self._models.move_to_end(key)
                    return self._models[key]
            model = load_keras(Path(run_dir))
            with self._lock:
                self._models[key] = model
                self._loading.pop(key, None)
                while len(self._models) > self.max_entries:
                    self._models.popitem(last=False)
            return model

    def __len__(self) -> int:
        return len(self._models)


SHARED_MODELS = SharedModels(MAX_SHARED_MODELS)


def shared_keras(run_dir: Path) -> Any:
    """The run's Keras model, loaded once per process (see SharedModels)."""
    return SHARED_MODELS.keras(run_dir)

"""The app's long-lived objects: one run store and one job manager per server process.

Both are shared by every session (tabs, reloads), which is what keeps a job's
state outside st.session_state. Nothing here imports TensorFlow or umap.
"""

from __future__ import annotations

import atexit
import json
import os
import threading
from typing import Any

import streamlit as st

from data.dataset import Dataset
from models.jobs import JobManager
from models.store import RunStore, default_workspace


@st.cache_resource
def get_store() -> RunStore:
    return RunStore(default_workspace())


def _release_manager(manager: JobManager) -> None:
    manager.shutdown()


@st.cache_resource(on_release=_release_manager)
def get_manager() -> JobManager:
    """Created on first use; shut down when the cache is cleared or the server exits."""
    manager = JobManager(get_store(), concurrency=int(os.environ.get("GLASSBOX_CONCURRENCY", "1")))
    atexit.register(manager.shutdown)
    return manager


def _import_in_background(names: tuple[str, ...], then=None) -> threading.Thread:
    """A daemon thread that imports ``names`` (and calls ``then``): no st.* in it."""
    import importlib

    def load() -> None:
        for name in names:
            importlib.import_module(name)
        if then is not None:
            then()

    thread = threading.Thread(target=load, name="glassbox-preload", daemon=True)
    thread.start()
    return thread


@st.cache_resource
def preload_modules() -> threading.Thread:
    """Import what Explore needs (scikit-learn's metrics, ~1 s) in the background once the
    first page is drawn, so the first Explore does not pay for it."""
    return _import_in_background(("sklearn.metrics", "data.builtin_tabular", "dashboard.views"))


@st.cache_resource
def preload_keras() -> threading.Thread:
    """Import TensorFlow (~6 s here) in the background once a run whose views probe its
    model is open, so opening Filters, Grad-CAM or Attention does not wait for it.

    Only Keras itself: importing our modules too could deadlock on import locks with
    the script thread importing them at the same time."""
    from dashboard.explore.loaders import keep_keras_state_between_reruns

    return _import_in_background(("keras",), then=keep_keras_state_between_reruns)


@st.cache_resource(show_spinner="Loading dataset…")
def _load(ref: str, options_json: str) -> Dataset:
    from data.registry import load_dataset

    return load_dataset(ref, get_store().workspace, json.loads(options_json))


def forget_loaded_datasets() -> None:
    """Drop every loaded dataset, after an upload was renamed or deleted."""
    _load.clear()


def load_dataset(ref: str, options: dict[str, Any] | None = None) -> Dataset:
    """Cached per (reference, options): datasets are read-only once loaded."""
    return _load(ref, json.dumps(options or {}, sort_keys=True))

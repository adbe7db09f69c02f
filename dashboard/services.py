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


@st.cache_resource
def preload_modules() -> threading.Thread:
    """Import what Explore needs (scikit-learn's metrics, ~1 s) in the background after
    start-up, so the first page stays fast and the first Explore does not pay for it."""
    import importlib

    def load() -> None:
        for name in ("sklearn.metrics", "data.builtin_tabular", "dashboard.views"):
            importlib.import_module(name)

    thread = threading.Thread(target=load, name="glassbox-preload", daemon=True)
    thread.start()
    return thread


@st.cache_resource(show_spinner="Loading dataset…")
def _load(ref: str, options_json: str) -> Dataset:
    from data.registry import load_dataset

    return load_dataset(ref, get_store().workspace, json.loads(options_json))


def load_dataset(ref: str, options: dict[str, Any] | None = None) -> Dataset:
    """Cached per (reference, options): datasets are read-only once loaded."""
    return _load(ref, json.dumps(options or {}, sort_keys=True))

"""The app's long-lived objects: one run store and one job manager per server process.

Both are shared by every session (tabs, reloads), which is what keeps a job's
state outside st.session_state. Nothing here imports TensorFlow or umap.
"""

from __future__ import annotations

import atexit
import json
import logging
import os
import threading
from collections import OrderedDict
from pathlib import Path
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
    first page is drawn, and draw one of each chart its first tabs show, so the first
    Explore does not pay for Plotly's first figures either (dashboard/figures/practice.py)."""
    return _import_in_background(
        ("sklearn.metrics", "data.builtin_tabular", "dashboard.views"), then=_practise_plotly
    )


def _practise_plotly() -> None:
    from dashboard.figures.practice import practice_figures

    for figure in practice_figures():
        figure.to_json()  # what st.plotly_chart does with it


# Runs in the browser once the page is idle: evaluates Streamlit's Plotly chunk (4.7 MB)
# by the same URL its charts import it from, so the first chart finds it loaded.
_PLOTLY_PREFETCH = """<script>
(() => {
  if (window.glassboxPlotlyPrefetch) return;
  window.glassboxPlotlyPrefetch = true;
  const index = [...document.scripts].find((s) => /\\/static\\/js\\/index\\.[^/]*\\.js$/.test(s.src));
  if (!index) return;
  const load = () => import(new URL("./CHUNK", index.src).href).catch(() => {});
  (window.requestIdleCallback || ((f) => setTimeout(f, 1000)))(load, { timeout: 3000 });
})();
</script>"""


@st.cache_resource
def _plotly_chunk() -> str | None:
    """The file name of Streamlit's Plotly chunk in this installation (it carries a hash)."""
    folder = Path(st.__file__).parent / "static" / "static" / "js"
    found = sorted(path.name for path in folder.glob("PlotlyChart.*.js"))
    return found[0] if found else None


def prefetch_plotly() -> None:
    """Have the browser load Plotly's code while the person is on a page without charts.

    A browser's first chart otherwise waits for the chunk to download and compile
    (5.7 s for a first visit to Explore, measured before). The script waits for the
    page to be idle, so the page it rides on is drawn first; it runs once per tab."""
    chunk = _plotly_chunk()
    if chunk:
        st.html(_PLOTLY_PREFETCH.replace("CHUNK", chunk), unsafe_allow_javascript=True)


@st.cache_resource
def preload_keras() -> threading.Thread:
    """Import TensorFlow (~6 s here) in the background once a run whose views probe its
    model is open, so opening Filters, Grad-CAM or Attention does not wait for it.

    Only Keras itself: importing our modules too could deadlock on import locks with
    the script thread importing them at the same time."""
    from dashboard.explore.loaders import keep_keras_state_between_reruns

    return _import_in_background(("keras",), then=keep_keras_state_between_reruns)


@st.cache_resource(max_entries=8)
def warm_up_model(run_dir: str, trace_saliency: bool, _after: threading.Thread) -> threading.Thread:
    """Load a run's Keras model (and trace its token saliency) in the background, once the
    import thread ``_after`` is done, so the first probing tab finds both ready.

    The first saliency trace of an LSTM costs about a second on its own. The thread
    shares the model with the views through models.model_io.shared_keras; a failure
    here is left for the view to meet and explain."""

    def warm_up() -> None:
        try:
            _after.join()
            from models.model_io import shared_keras

            model = shared_keras(Path(run_dir))
            if trace_saliency:
                from models.text.probes import prepare_saliency

                prepare_saliency(model)
        except Exception:  # noqa: BLE001 - the view reports it when the person opens it
            logging.getLogger(__name__).debug("warming up %s failed", run_dir, exc_info=True)

    thread = threading.Thread(target=warm_up, name="glassbox-warm-up", daemon=True)
    thread.start()
    return thread


@st.cache_resource
def preload_skops() -> threading.Thread:
    """Import skops in the background once a run whose views load its scikit-learn model is
    open: the import lists every scikit-learn estimator, seconds that 'Try a sentence' or
    'Predict one' would otherwise wait on their first open."""
    return _import_in_background(("skops.io",))


MAX_CACHED_DATASETS = 8
MAX_CACHED_BYTES = 1 << 30  # 1 GiB of loaded datasets per server, whatever their number


class DatasetCache:
    """Loaded datasets shared by every session, the least recently used dropped first.

    Bounded by entries and by bytes: without a bound every upload a server ever
    previewed stayed in memory. A dataset larger than the whole budget is not kept.
    """

    def __init__(self, max_entries: int, max_bytes: int) -> None:
        self.max_entries, self.max_bytes = max_entries, max_bytes
        self._entries: OrderedDict[str, tuple[Dataset, int]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> Dataset | None:
        with self._lock:
            if key not in self._entries:
                return None
            self._entries.move_to_end(key)
            return self._entries[key][0]

    def put(self, key: str, dataset: Dataset) -> None:
        size = dataset_bytes(dataset)
        with self._lock:
            self._entries.pop(key, None)
            if size > self.max_bytes:
                return
            self._entries[key] = (dataset, size)
            while len(self._entries) > self.max_entries or self.bytes > self.max_bytes:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    @property
    def bytes(self) -> int:
        return sum(size for _, size in self._entries.values())

    def __len__(self) -> int:
        return len(self._entries)


def dataset_bytes(dataset: Dataset) -> int:
    """Memory the dataset holds, counted once when it enters the cache."""
    from data.dataset import memory_bytes

    return memory_bytes(dataset.data)


@st.cache_resource
def _dataset_cache() -> DatasetCache:
    """One per server; Streamlit's cache clearing (and the tests' fresh workspaces) reset it."""
    return DatasetCache(MAX_CACHED_DATASETS, MAX_CACHED_BYTES)


def _cache_key(ref: str, options: dict[str, Any] | None) -> str:
    return ref + "\n" + json.dumps(options or {}, sort_keys=True)


def forget_loaded_datasets() -> None:
    """Drop every loaded dataset, after an upload was renamed or deleted."""
    _dataset_cache().clear()


def load_dataset(ref: str, options: dict[str, Any] | None = None) -> Dataset:
    """Cached per (reference, options): datasets are read-only once loaded."""
    cache = _dataset_cache()
    dataset = cache.get(_cache_key(ref, options))
    if dataset is None:
        from data.registry import load_dataset as load

        with st.spinner("Loading dataset…", show_time=True):
            dataset = load(ref, get_store().workspace, options or {})
        cache.put(_cache_key(ref, options), dataset)
    return dataset


def remember_dataset(dataset: Dataset, options: dict[str, Any] | None = None) -> None:
    """Put a dataset the page has just read into the cache, so it is not read again."""
    _dataset_cache().put(_cache_key(dataset.ref, options), dataset)


def cached_dataset(ref: str, options: dict[str, Any] | None = None) -> Dataset | None:
    return _dataset_cache().get(_cache_key(ref, options))

"""Asking the embedding service for a map, and showing its progress until it is ready.

The progress bar moves and says what it waits for (a quick map being drawn, UMAP
being compiled, the UMAP layout) and about how long, as the service reports it.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from dashboard.plain_text import md
from models.embedding.compute import EmbeddingSettings


def _queue():
    from dashboard.services import get_store
    from models.embedding.queue import EmbeddingQueue

    return EmbeddingQueue(get_store())


def request_and_wait(
    run_id: str,
    layer: str,
    settings: EmbeddingSettings,
    what: str,
    quick_from: Path | None = None,
) -> None:
    """Queue the request (free if already queued) and show progress; the page reruns when done.

    A request marked done whose cached file is missing (deleted, or written by
    an older version) is queued again rather than waited on forever. With
    `quick_from` (the run folder), the page also reruns when a quick map of the
    request appears there, so it is shown while UMAP is still on its way.
    """
    from dashboard.services import get_manager

    get_manager()  # the manager owns the embedding service; make sure it runs
    queue = _queue()
    request = queue.request(run_id, layer, settings)
    if request.status == "done":
        queue.redo(run_id, layer, settings)
    elif request.status == "failed":
        st.info(f"No {what}: {md(request.error)}")
        return
    _progress(run_id, layer, settings, what, quick_from)


@st.fragment(run_every=1.0)
def _progress(
    run_id: str, layer: str, settings: EmbeddingSettings, what: str, quick_from: Path | None
) -> None:
    """Polls the request once a second; reruns the whole page once there is more to show."""
    from models.embedding.cache import quick_path

    request = _queue().get(run_id, layer, settings)
    if request is None or request.status == "done":
        st.rerun()
    if quick_from is not None and quick_path(quick_from, layer, settings).exists():
        st.rerun()
    if request.status == "failed":
        st.info(f"No {what}: {md(request.error)}")
        return
    stage = request.stage or (
        "waiting for the embedding service" if request.status == "queued" else ""
    )
    st.progress(min(max(request.progress, 0.0), 1.0), text=f"Computing the {what}… {stage}")

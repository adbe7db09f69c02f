"""Asking the warm embedding service for a map, and showing its progress until it is ready."""

from __future__ import annotations

import streamlit as st

from models.embedding.compute import EmbeddingSettings


def _queue():
    from dashboard.services import get_store
    from models.embedding.queue import EmbeddingQueue

    return EmbeddingQueue(get_store())


def request_and_wait(run_id: str, layer: str, settings: EmbeddingSettings, what: str) -> None:
    """Queue the request (free if already queued) and show progress; the page reruns when done.

    A request marked done whose cached file is missing (deleted, or written by
    an older version) is queued again rather than waited on forever.
    """
    from dashboard.services import get_manager

    get_manager()  # the manager owns the embedding service; make sure it runs
    queue = _queue()
    request = queue.request(run_id, layer, settings)
    if request.status == "done":
        queue.redo(run_id, layer, settings)
    elif request.status == "failed":
        st.info(f"No {what}: {request.error}")
        return
    _progress(run_id, layer, settings, what)


@st.fragment(run_every=1.0)
def _progress(run_id: str, layer: str, settings: EmbeddingSettings, what: str) -> None:
    """Polls the request once a second; reruns the whole page once it is done."""
    request = _queue().get(run_id, layer, settings)
    if request is None or request.status == "done":
        st.rerun()
    if request.status == "failed":
        st.info(f"No {what}: {request.error}")
        return
    stage = request.stage or (
        "waiting for the embedding service" if request.status == "queued" else ""
    )
    st.progress(min(max(request.progress, 0.0), 1.0), text=f"Computing the {what}… {stage}")

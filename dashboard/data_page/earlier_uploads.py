"""The "uploaded earlier" picker every upload source shows under its uploader.

Uploads are stored by content hash, so two uploads of one file name are told
apart by the start of their hash.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from dashboard.services import get_store

NOTHING = "—"
HASH_CHARS = 8  # of the content hash, shown after the name


@dataclass(frozen=True)
class EarlierUpload:
    ref: str
    name: str


def upload_label(ref: str, name: str) -> str:
    """'reviews.csv (3fa9c2d1)': the name and the start of the content hash."""
    return f"{name} ({ref.split(':', 1)[-1][:HASH_CHARS]})"


def pick_earlier_upload(kind: str, label: str, key: str) -> EarlierUpload | None:
    """A selectbox of the stored uploads of one kind of data, newest first; None until one is
    picked (and no selectbox at all while there are none)."""
    from data.dataset_store import list_uploads

    earlier = {
        upload_label(ref, meta["name"]): EarlierUpload(ref, meta["name"])
        for ref, meta in list_uploads(get_store().workspace)
        if meta.get("kind") == kind
    }
    if not earlier:
        return None
    picked = st.selectbox(label, [NOTHING, *earlier], key=key)
    return earlier.get(picked)

"""Renaming and deleting uploaded datasets, at the foot of the Data page.

Deleting a dataset that runs were trained on asks first: the runs keep their results,
but Explore can no longer show their samples and they cannot be trained again.
"""

from __future__ import annotations

import streamlit as st

from dashboard.chosen_dataset import forget
from dashboard.data_page.earlier_uploads import upload_label
from dashboard.plain_text import md
from dashboard.services import forget_loaded_datasets, get_store
from data.dataset import DatasetError

KEY = "manage_upload"


def _rename(ref: str) -> None:
    from data.dataset_store import rename_upload

    name = st.session_state.get(f"rename_{ref}", "")
    try:
        rename_upload(get_store().workspace, ref, name)
    except DatasetError as error:
        st.session_state[f"manage_error_{ref}"] = str(error)
        return
    get_store().rename_dataset(ref, name.strip())
    forget_loaded_datasets()
    forget(ref)  # the selection carried the old name; choose it again to train


def _delete(ref: str) -> None:
    from data.dataset_store import delete_upload

    delete_upload(get_store().workspace, ref)
    forget_loaded_datasets()
    forget(ref)
    st.session_state.pop(KEY, None)


def _ask_first(ref: str) -> None:
    st.session_state[f"confirm_delete_{ref}"] = True


def _delete_buttons(ref: str, name: str) -> None:
    runs = get_store().runs_on_dataset(ref)
    if not runs:
        st.button("Delete", key=f"delete_upload_{ref}", on_click=_delete, args=(ref,))
        return
    if not st.session_state.get(f"confirm_delete_{ref}"):
        st.button("Delete", key=f"delete_upload_{ref}", on_click=_ask_first, args=(ref,))
        return
    st.warning(
        f"{len(runs)} run(s) were trained on {md(name)}. They keep their results, but Explore can "
        "no longer show their samples, and they cannot be trained again. Delete it anyway?"
    )
    left, right = st.columns(2)
    left.button(
        "Delete anyway", key=f"confirm_upload_{ref}", on_click=_delete, args=(ref,), type="primary"
    )
    right.button(
        "Keep it",
        key=f"keep_upload_{ref}",
        on_click=lambda: st.session_state.pop(f"confirm_delete_{ref}", None),
    )


def manage_uploads() -> None:
    from data.dataset_store import list_uploads

    uploads = {ref: meta for ref, meta in list_uploads(get_store().workspace)}
    if not uploads:
        return
    with st.expander(f"Your uploads ({len(uploads)}): rename or delete", icon=":material/folder:"):
        ref = st.selectbox(
            "Upload",
            list(uploads),
            format_func=lambda r: (
                f"{upload_label(r, uploads[r]['name'])} · {uploads[r]['kind']}"
                if r in uploads
                else r
            ),
            key=KEY,
        )
        name = uploads[ref]["name"]
        left, right = st.columns([3, 1])
        left.text_input("Name", value=name, key=f"rename_{ref}")
        right.button("Rename", key=f"rename_upload_{ref}", on_click=_rename, args=(ref,))
        if error := st.session_state.pop(f"manage_error_{ref}", None):
            st.error(error)
        _delete_buttons(ref, name)

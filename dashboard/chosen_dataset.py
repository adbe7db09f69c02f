"""The dataset a person chose on the Data page, carried to the Train page.

Only the reference and options are kept in the session: the data itself lives in
the workspace, so a refresh loses at most the choice, never the upload.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import streamlit as st

_KEY = "chosen_dataset"


@dataclass(frozen=True)
class Choice:
    ref: str
    name: str
    kind: str
    options: dict[str, Any] = field(default_factory=dict)


def choose(choice: Choice) -> None:
    """The "Use this dataset" buttons' on_click: a callback runs before the next script run,
    so the choice holds even when that run is cut short by another click."""
    st.session_state[_KEY] = choice


def chosen() -> Choice | None:
    return st.session_state.get(_KEY)

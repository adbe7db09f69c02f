"""The dataset a person chose on the Data page, carried to the Train page, and the one the
Data page shows now.

Only the reference and options are kept in the session: the data itself lives in
the workspace, so a refresh loses at most the choice, never the upload. Each summary
offers its dataset through `offer`, which also records it as shown, so the page can
say when the selection is *not* the dataset on screen (a new upload under an old
selection trained on the wrong data).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import streamlit as st

_KEY = "chosen_dataset"
_SHOWN = "shown_dataset"
USE_LABEL = "Use this dataset for training"


@dataclass(frozen=True)
class Choice:
    ref: str
    name: str
    kind: str
    options: dict[str, Any] = field(default_factory=dict)

    def describe(self) -> str:
        """'penguins.csv (tabular, target species)'."""
        target = self.options.get("target") or self.options.get("label_column")
        return f"{self.name} ({self.kind}{f', target {target}' if target else ''})"


def choose(choice: Choice) -> None:
    """The "Use this dataset" buttons' on_click: a callback runs before the next script run,
    so the choice holds even when that run is cut short by another click."""
    st.session_state[_KEY] = choice


def chosen() -> Choice | None:
    return st.session_state.get(_KEY)


def forget_shown() -> None:
    """At the top of the Data page: nothing is shown until a summary offers its dataset."""
    st.session_state[_SHOWN] = None


def shown() -> Choice | None:
    return st.session_state.get(_SHOWN)


def forget(ref: str) -> None:
    """Drop the choice of a dataset that no longer exists."""
    current = chosen()
    if current is not None and current.ref == ref:
        del st.session_state[_KEY]


def offer(choice: Choice, key: str) -> None:
    """The "Use this dataset for training" button of the dataset on screen."""
    st.session_state[_SHOWN] = choice
    st.button(
        USE_LABEL,
        type="primary",
        key=key,
        on_click=choose,
        args=(choice,),
        disabled=chosen() == choice,
        help="Already selected" if chosen() == choice else None,
    )

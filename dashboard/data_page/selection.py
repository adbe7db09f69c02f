"""What the Train page will train on, said so that it cannot be mistaken for what is shown.

Under a new upload, "Selected for training: <the previous file>" read as if the new
file were selected. When the selection is not the dataset on screen, the page says
so and offers the switch.
"""

from __future__ import annotations

import streamlit as st

from dashboard.chosen_dataset import Choice, choose, shown
from dashboard.plain_text import md

TRAIN_PAGE = "dashboard/app_pages/train.py"


def show_selection(current: Choice | None) -> None:
    on_screen = shown()
    if current is None:
        return
    if on_screen is None or on_screen == current:
        st.success(f"Selected for training: **{md(current.describe())}**")
        st.page_link(TRAIN_PAGE, label="Go to Train →", icon=":material/model_training:")
        return
    what = "file" if on_screen.ref != current.ref else "choice of columns"
    st.warning(
        f"Selected for training: **{md(current.describe())}** — not the {what} shown above "
        f"({md(on_screen.describe())}).",
        icon=":material/warning:",
    )
    left, right = st.columns(2)
    left.button(
        f"Use {md(on_screen.name)} instead",
        key="switch_selection",
        on_click=choose,
        args=(on_screen,),
        type="primary",
    )
    with right:
        st.page_link(
            TRAIN_PAGE, label=f"Train on {current.name} →", icon=":material/model_training:"
        )

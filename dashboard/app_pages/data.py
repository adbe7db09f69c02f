"""Data page: pick a built-in set or upload your own, inspect it, choose the target."""

import streamlit as st

from dashboard.chosen_dataset import chosen
from dashboard.data_page.sources import SOURCES

st.title("Data")
st.caption("Choose a dataset, look at it, then train on it from the Train page.")

source = st.radio("Source", list(SOURCES), horizontal=True, key="data_source")
SOURCES[source]()

current = chosen()
if current:
    st.success(f"Selected for training: **{current.name}** ({current.kind})")
    st.page_link(
        "dashboard/app_pages/train.py", label="Go to Train →", icon=":material/model_training:"
    )

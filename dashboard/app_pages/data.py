"""Data page: pick a built-in set or upload your own, inspect it, choose the target."""

import streamlit as st

from dashboard.chosen_dataset import chosen, forget_shown
from dashboard.data_page.manage_uploads import manage_uploads
from dashboard.data_page.selection import show_selection
from dashboard.data_page.sources import SOURCES

st.title("Data")
st.caption("Choose a dataset, look at it, then train on it from the Train page.")

forget_shown()
source = st.radio("Source", list(SOURCES), horizontal=True, key="data_source")
SOURCES[source]()
show_selection(chosen())
manage_uploads()

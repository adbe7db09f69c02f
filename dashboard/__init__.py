"""The Streamlit UI: pages, the views inside Explore, and the figures they draw.

`app_pages/` holds the four st.Page scripts; each page's parts live beside it
(`data_page/`, `train_page/`, `runs_page/`, `explore/` with `views/`); `modality/`
holds what differs per kind of data; `figures/` returns plain Plotly figures.
"""

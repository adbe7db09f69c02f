"""Glassbox: upload data, train models in the background, and look inside them."""

import streamlit as st


def main() -> None:
    from dashboard.services import get_manager, prefetch_plotly, preload_modules

    st.set_page_config(page_title="Glassbox", page_icon=":material/biotech:", layout="wide")
    get_manager()  # once per server: recovers interrupted runs, starts the queue and warm UMAP
    pages = [
        st.Page(
            "dashboard/app_pages/data.py", title="Data", icon=":material/dataset:", default=True
        ),
        st.Page("dashboard/app_pages/train.py", title="Train", icon=":material/model_training:"),
        st.Page(
            "dashboard/app_pages/load_model.py", title="Load a model", icon=":material/upload_file:"
        ),
        st.Page("dashboard/app_pages/runs.py", title="Runs", icon=":material/monitoring:"),
        st.Page("dashboard/app_pages/sweeps.py", title="Sweeps", icon=":material/tune:"),
        st.Page(
            "dashboard/app_pages/explore.py",
            title="Explore",
            icon=":material/biotech:",
            url_path="explore",
        ),
    ]
    try:
        st.navigation(pages).run()
    finally:  # after the page is drawn: importing beside it would slow the first page down
        preload_modules()
        with st.sidebar:  # last, so the browser loads Plotly's code once the page is drawn
            prefetch_plotly()


# Streamlit runs this file as __main__. Worker processes started with 'spawn' import it
# again as __mp_main__, and must not draw the app or start a second job manager.
if __name__ == "__main__":
    main()

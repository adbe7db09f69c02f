"""The four pages, as st.Page scripts: Data, Train, Runs and Explore. They only wire widgets."""

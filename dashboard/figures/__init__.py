"""Every chart as a plain function returning a Plotly figure: no Streamlit, easy to test."""

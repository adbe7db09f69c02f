"""A finished run's model, loaded once per server process for the probing views.

TensorFlow is imported here lazily, the first time a view needs a live model.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st


@st.cache_resource(max_entries=4, show_spinner="Loading the model…")
def keras_model(run_dir: str):
    from models.model_io import load_keras

    return load_keras(Path(run_dir))

"""A finished run's model, loaded once per server process for the probing views.

TensorFlow is imported here lazily, the first time a view needs a live model.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st


@st.cache_resource(max_entries=4, show_spinner="Loading the model…")
def keras_model(run_dir: str):
    from models.model_io import load_keras

    keep_keras_state_between_reruns()
    return load_keras(Path(run_dir))


def keep_keras_state_between_reruns() -> None:
    """Once keras is imported, Streamlit calls ``keras.backend.clear_session()`` after every
    script run of every session. With TensorFlow loaded that is a full garbage collection
    (0.4-0.9 s here) and an emptied kernel cache: every click, and every 1 s refresh of
    the Runs page, paid for it. The UI process only runs models it loaded once, so there
    is no Keras state worth resetting between reruns."""
    import keras

    keras.backend.clear_session = _leave_keras_state_alone


def _leave_keras_state_alone(free_memory: bool = True) -> None:
    """Stands in for keras.backend.clear_session in the UI process; see above."""

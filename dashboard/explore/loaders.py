"""A finished run's saved model and tokenizer, loaded once per server process.

The one place the Explore views get what they run: the model (Keras or
scikit-learn, chosen by the file the run saved), a table run's preprocessor with its
model, and a text run's tokenizer.
TensorFlow is imported here lazily, the first time a view needs a live model.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import streamlit as st

if TYPE_CHECKING:
    from dashboard.explore.context import ExploreContext
    from data.tokenizer import Tokenizer
    from models.tabular.predict import TablePredictor


def keras_model(run_dir: str):
    """From the one per-process model cache, which the background warm-up fills too
    (dashboard.services.warm_up_model); the spinner shows only if loading takes a while."""
    from models.model_io import shared_keras

    keep_keras_state_between_reruns()
    with st.spinner("Loading the model…"):
        return shared_keras(Path(run_dir))


@st.cache_resource(max_entries=4, show_spinner="Loading the model…")
def sklearn_model(run_dir: str):
    from models.model_io import load_sklearn

    return load_sklearn(Path(run_dir))


@st.cache_resource(max_entries=8, show_spinner=False)
def tokenizer(run_dir: str) -> Tokenizer:
    from models.text.probes import load_tokenizer

    return load_tokenizer(Path(run_dir))


@st.cache_resource(max_entries=4, show_spinner="Loading the model…")
def table_predictor(run_dir: str, finished: float | None) -> TablePredictor:
    from models.tabular.predict import load_predictor

    predictor = load_predictor(Path(run_dir))
    if predictor.is_keras:
        keep_keras_state_between_reruns()
    return predictor


def run_table_predictor(ctx: ExploreContext) -> TablePredictor:
    """A table run's preprocessor and model, to predict raw rows (models.tabular.predict)."""
    return table_predictor(str(ctx.run_dir), ctx.run.finished)


def saved_model(ctx: ExploreContext) -> Any:
    """The run's model as it saved it: a Keras model or a scikit-learn estimator (pipeline)."""
    if ctx.keras_model_file:
        return keras_model(str(ctx.run_dir))
    return sklearn_model(str(ctx.run_dir))


def run_tokenizer(ctx: ExploreContext) -> Tokenizer:
    """The tokenizer a text run was trained with, or a loaded model's own vectoriser."""
    vectorizer = ctx.results.meta.get("vectorizer_layer") if ctx.results else None
    if vectorizer:
        from models.importing.vectorizer_tokens import VectorizerTokens

        return VectorizerTokens(keras_model(str(ctx.run_dir)).get_layer(vectorizer))
    return tokenizer(str(ctx.run_dir))


def keep_keras_state_between_reruns() -> None:
    """Once keras is imported, Streamlit calls ``keras.backend.clear_session()`` after every
    script run of every session. With TensorFlow loaded that is a full garbage collection
    and an emptied kernel cache: every click, and every 1 s refresh of the Runs page, paid
    for it. The UI process only runs models it loaded once, so there is no Keras state
    worth resetting between reruns."""
    import keras

    keras.backend.clear_session = _leave_keras_state_alone


def _leave_keras_state_alone(free_memory: bool = True) -> None:
    """Stands in for keras.backend.clear_session in the UI process; see above."""

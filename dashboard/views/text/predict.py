"""Any text run: type a sentence, see the predicted class, its probabilities and what it read."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard.explore.context import ExploreContext
from dashboard.figures.classification import class_probabilities_figure
from dashboard.views.text.attention import TEXT_MODELS, has_model, run_tokenizer, show_attention

TITLE = "Try a sentence"
MAX_CHARS = 5000


def applies(ctx: ExploreContext) -> bool:
    return has_model(ctx, TEXT_MODELS)


@st.cache_resource(max_entries=4, show_spinner="Loading the model…")
def _sklearn_model(run_dir: str):
    from models.model_io import load_sklearn

    return load_sklearn(Path(run_dir))


def _starting_text(ctx: ExploreContext) -> str:
    if ctx.dataset is None or ctx.dataset.kind != "text" or not len(ctx.results.test_index):
        return ""
    return str(ctx.dataset.data.texts[ctx.results.test_index[0]])[:MAX_CHARS]


def _truncation_note(ctx: ExploreContext, text: str, add_cls: bool) -> None:
    from data.tokenizer import split_tokens

    tokenizer = run_tokenizer(str(ctx.run_dir))
    total = len(split_tokens(text, tokenizer.mode_))
    kept = len(tokenizer.tokens(text, add_cls=add_cls)) - (1 if add_cls else 0)
    if total > kept:
        st.info(
            f"The model reads only the first {kept} of this sentence's {total} tokens "
            f"(its max_len is {tokenizer.max_len_})."
        )


def _keras_panel(ctx: ExploreContext, text: str, key: str):
    """Probabilities, and the sentence's attention (Transformer) or saliency (RNN)."""
    from dashboard.explore.loaders import keras_model
    from models.text.probes import attention_maps, keras_probabilities

    model, tokenizer = keras_model(str(ctx.run_dir)), run_tokenizer(str(ctx.run_dir))
    transformer = ctx.run.spec.model == "transformer"
    _truncation_note(ctx, text, add_cls=transformer)
    if transformer:
        maps = attention_maps(model, tokenizer, text)
        st.plotly_chart(
            class_probabilities_figure(maps.probabilities, ctx.results.class_names),
            key=f"{key}_proba",
        )
        show_attention(maps, key)
        return
    probabilities = keras_probabilities(model, tokenizer, text, add_cls=False)
    st.plotly_chart(
        class_probabilities_figure(probabilities, ctx.results.class_names), key=f"{key}_proba"
    )
    from dashboard.views.text.saliency import show_saliency

    show_saliency(ctx, text, key)


def _sklearn_panel(ctx: ExploreContext, text: str, key: str) -> None:
    from models.text.probes import sklearn_probabilities, tfidf_contributions

    pipeline = _sklearn_model(str(ctx.run_dir))
    probabilities = sklearn_probabilities(pipeline, text)
    names = ctx.results.class_names
    st.plotly_chart(class_probabilities_figure(probabilities, names), key=f"{key}_proba")
    predicted = int(probabilities.argmax())
    terms = tfidf_contributions(pipeline, text, predicted)
    st.markdown(f"**Terms that weigh most for '{names[predicted]}'** (TF-IDF × coefficient)")
    if not terms:
        st.caption("None of this sentence's terms were seen in training.")
        return
    table = pd.DataFrame(terms, columns=["term", "contribution"])
    st.dataframe(table.round(4), hide_index=True, key=f"{key}_terms")


def render(ctx: ExploreContext) -> None:
    from data.dataset import DatasetError

    key = f"pred_{ctx.run.id}"
    text = st.text_area(
        "Type or paste a sentence",
        value=_starting_text(ctx),
        max_chars=MAX_CHARS,
        key=f"{key}_text",
        help="Any text; it is tokenised exactly as the training texts were.",
    )
    if not text.strip():
        st.info("Type a sentence above to see what the model predicts.")
        return
    try:
        if ctx.run.spec.model == "tfidf_logreg":
            _sklearn_panel(ctx, text, key)
        else:
            _keras_panel(ctx, text, key)
    except DatasetError as error:
        st.warning(str(error))

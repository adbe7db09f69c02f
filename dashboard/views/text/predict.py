"""Any text run with a saved model: type a sentence, see the predicted class, its
probabilities and what the model read (attention, saliency or weighted terms, as it can show)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.explore.context import ExploreContext
from dashboard.explore.loaders import run_tokenizer, saved_model
from dashboard.figures.classification import class_probabilities_figure
from dashboard.plain_text import md
from dashboard.views.base import View
from dashboard.views.text.panels import show_attention, show_saliency
from models.capabilities import PREDICT_ONE, TOKEN_ATTENTION, TOKEN_SALIENCY

MAX_CHARS = 5000


def _starting_text(ctx: ExploreContext) -> str:
    if ctx.dataset is None or not len(ctx.results.test_index):
        return ""
    return str(ctx.dataset.data.texts[ctx.results.test_index[0]])[:MAX_CHARS]


def _truncation_note(ctx: ExploreContext, text: str, add_cls: bool) -> None:
    tokenizer = run_tokenizer(ctx)
    report = tokenizer.truncation_report([text], add_cls)  # counts what the model reads
    if report.tokens_lost:
        kept = report.tokens_total - report.tokens_lost
        st.info(
            f"The model reads only the first {kept} of this sentence's {report.tokens_total} "
            f"tokens (its sequence length is {tokenizer.max_len_})."
        )


def _probabilities(ctx: ExploreContext, probabilities, key: str) -> None:
    st.plotly_chart(
        class_probabilities_figure(probabilities, ctx.results.class_names), key=f"{key}_proba"
    )


def _keras_panel(ctx: ExploreContext, text: str, key: str) -> None:
    """Probabilities, then the sentence's attention or saliency, whichever the run offers."""
    from models.text.probes import attention_maps, keras_probabilities

    model, tokenizer = saved_model(ctx), run_tokenizer(ctx)
    add_cls = bool(ctx.results.meta.get("add_cls", False))
    _truncation_note(ctx, text, add_cls=add_cls)
    if TOKEN_ATTENTION in ctx.capabilities:
        maps = attention_maps(model, tokenizer, text)
        _probabilities(ctx, maps.probabilities, key)
        show_attention(maps, key)
        return
    _probabilities(ctx, keras_probabilities(model, tokenizer, text, add_cls=add_cls), key)
    if TOKEN_SALIENCY in ctx.capabilities:
        show_saliency(ctx, text, key)


def _raw_text_panel(ctx: ExploreContext, text: str, key: str) -> None:
    """A model that reads strings itself (its own TextVectorization inside): just its answer."""
    from models.importing.keras_eval import text_batch

    model = saved_model(ctx)
    probabilities = model.predict_on_batch(text_batch(model, [text]))[0]
    _probabilities(ctx, probabilities.astype(float), key)
    if TOKEN_SALIENCY in ctx.capabilities:
        show_saliency(ctx, text, key)


def _sklearn_panel(ctx: ExploreContext, text: str, key: str) -> None:
    """Probabilities and the terms that weigh most (a TF-IDF pipeline's coefficients)."""
    from models.text.probes import sklearn_probabilities, tfidf_contributions

    pipeline = saved_model(ctx)
    probabilities = sklearn_probabilities(pipeline, text)
    names = ctx.results.class_names
    _probabilities(ctx, probabilities, key)
    predicted = int(probabilities.argmax())
    terms = tfidf_contributions(pipeline, text, predicted)
    st.markdown(f"**Terms that weigh most for '{md(names[predicted])}'** (TF-IDF × coefficient)")
    if not terms:
        st.caption(
            "None of this sentence's terms were seen in training (or the model is not a "
            "vectoriser followed by a linear model, whose terms could be weighed)."
        )
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
    panel = _keras_panel if ctx.keras_model_file else _sklearn_panel
    if ctx.results.meta.get("takes_raw_text"):
        panel = _raw_text_panel
    try:
        panel(ctx, text, key)
    except DatasetError as error:
        st.warning(str(error))


VIEW = View(
    "Try a sentence", render, needs=frozenset({PREDICT_ONE}), task="classification", modality="text"
)

"""RNN runs: which tokens of a test text push the prediction towards a class, and which away."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.explore.context import ExploreContext
from dashboard.figures.text import token_highlight_html
from dashboard.views.text.attention import (
    has_model,
    has_texts,
    pick_example,
    run_tokenizer,
    show_truth,
)

TITLE = "Token saliency"
TOP_TOKENS = 10


def applies(ctx: ExploreContext) -> bool:
    return has_model(ctx, ("rnn",)) and has_texts(ctx)


def show_saliency(ctx: ExploreContext, text: str, key: str) -> None:
    """Class picker (predicted by default), the shaded sentence and the strongest tokens."""
    from dashboard.explore.loaders import keras_model
    from models.text.probes import rnn_saliency

    names = ctx.results.class_names
    choices = [None, *range(len(names))]
    target = st.selectbox(
        "Explain the score of",
        choices,
        format_func=lambda c: "the predicted class" if c is None else f"class '{names[c]}'",
        key=f"{key}_class",
    )
    model = keras_model(str(ctx.run_dir))
    saliency = rnn_saliency(model, run_tokenizer(str(ctx.run_dir)), text, target)
    name = names[saliency.class_index]
    st.html(
        token_highlight_html(
            saliency.tokens,
            saliency.values,
            label=f"Gradient × input for '{name}': red pushes towards it, blue away",
        )
    )
    table = pd.DataFrame(
        {
            "position": range(len(saliency.tokens)),
            "token": saliency.tokens,
            "saliency": saliency.values,
        }
    )
    strongest = table.reindex(table["saliency"].abs().sort_values(ascending=False).index)
    st.dataframe(strongest.head(TOP_TOKENS).round(4), hide_index=True, key=f"{key}_top_tokens")


def render(ctx: ExploreContext) -> None:
    st.caption(
        "Saliency is the gradient of the class score with respect to each token's embedding, "
        "times the embedding, summed: a first-order estimate of how much the score rests on it."
    )
    row, text = pick_example(ctx, "sal")
    show_truth(ctx, row)
    show_saliency(ctx, text, f"sal_{ctx.run.id}")

"""What the text views share: the truth line, the attention panel and the saliency panel.

A panel draws its own pickers (layer, head, class) under keys built from `key`,
so two views can show the same panel side by side without their widgets clashing.
The model runs live for one sentence at a time; TensorFlow loads on first use.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.explore.context import ExploreContext
from dashboard.explore.loaders import keras_model, run_tokenizer
from dashboard.figures.text import attention_heatmap_figure, token_highlight_html

TOP_TOKENS = 10


def show_truth(ctx: ExploreContext, row: int) -> None:
    """The test text's true label, the prediction and its confidence."""
    results, names = ctx.results, ctx.results.class_names
    confidence = "" if results.proba is None else f" ({results.proba[row].max():.1%} confident)"
    st.markdown(
        f"True label **{names[results.y_true[row]]}** · predicted "
        f"**{names[results.y_pred[row]]}**{confidence}"
    )


def show_attention(maps, key: str) -> None:
    """Layer/head pickers, the attention heatmap and the sentence shaded by attention."""
    left, middle, right = st.columns(3)
    layer = left.selectbox(
        "Layer",
        list(range(maps.n_layers)),
        index=maps.n_layers - 1,
        format_func=lambda i: f"layer {i + 1}",
        key=f"{key}_layer",
    )
    heads = [None, *range(maps.n_heads)]
    head = middle.selectbox(
        "Head",
        heads,
        format_func=lambda h: "mean of all heads" if h is None else f"head {h + 1}",
        key=f"{key}_head",
    )
    source = right.radio(
        "Shade tokens by attention",
        ["all", "cls"],
        format_func={"all": "received (mean over queries)", "cls": "from [CLS]"}.get,
        key=f"{key}_source",
    )
    head_name = "mean of heads" if head is None else f"head {head + 1}"
    received = maps.received(layer, source, head)
    st.html(
        token_highlight_html(
            maps.tokens[1:],
            received[1:],
            label=f"Attention each token receives, layer {layer + 1}, {head_name}",
        )
    )
    st.caption(
        f"[CLS] itself receives {received[0]:.1%}; the shading is scaled to the other tokens."
    )
    figure = attention_heatmap_figure(
        maps.matrix(layer, head), maps.tokens, title=f"Layer {layer + 1}, {head_name}"
    )
    st.plotly_chart(figure, key=f"{key}_heatmap")


def show_saliency(ctx: ExploreContext, text: str, key: str) -> None:
    """Class picker (predicted by default), the shaded sentence and the strongest tokens."""
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
    saliency = rnn_saliency(model, run_tokenizer(ctx), text, target)
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

"""Transformer runs: token × token attention per layer and head for a chosen test text.

Also home to what every text view shares (the run's tokenizer, the test-example
picker, the attention panel), so the saliency and prediction views reuse them.
The model runs live for one sentence at a time; TensorFlow loads on first use.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import streamlit as st

from dashboard.explore.context import ExploreContext
from dashboard.figures.text import attention_heatmap_figure, token_highlight_html

TITLE = "Attention"
TEXT_MODELS = ("rnn", "transformer", "tfidf_logreg")
MAX_EXAMPLES = 1000
_SNIPPET = 70


def has_model(ctx: ExploreContext, models: tuple[str, ...]) -> bool:
    """A finished run of one of `models` whose model file is on disk."""
    results = ctx.results
    if results is None or not ctx.classification or ctx.run.spec.model not in models:
        return False
    model_file = results.meta.get("model_file", "")
    return bool(model_file) and (ctx.run_dir / model_file).exists()


def applies(ctx: ExploreContext) -> bool:
    return has_model(ctx, ("transformer",)) and has_texts(ctx)


def has_texts(ctx: ExploreContext) -> bool:
    return ctx.dataset is not None and ctx.dataset.kind == "text"


@st.cache_resource(max_entries=8, show_spinner=False)
def run_tokenizer(run_dir: str):
    from models.text.probes import load_tokenizer

    return load_tokenizer(Path(run_dir))


def _snippet(text: str) -> str:
    flat = " ".join(str(text).split())
    return flat if len(flat) <= _SNIPPET else flat[: _SNIPPET - 1] + "…"


def pick_example(ctx: ExploreContext, prefix: str) -> tuple[int, str]:
    """(test row, its text), chosen from all test texts or only the misclassified ones."""
    results, names = ctx.results, ctx.results.class_names
    wrong = np.flatnonzero(~results.correct)
    only_wrong = st.toggle(
        f"Only misclassified ({len(wrong):,})",
        key=f"{prefix}_wrong_{ctx.run.id}",
        disabled=len(wrong) == 0,
    )
    rows = wrong if only_wrong and len(wrong) else np.arange(len(results.y_true))
    if len(rows) > MAX_EXAMPLES:
        st.caption(f"Listing the first {MAX_EXAMPLES:,} of {len(rows):,} test texts.")
        rows = rows[:MAX_EXAMPLES]
    texts = ctx.dataset.data.texts

    def describe(row: int) -> str:
        true, pred = names[results.y_true[row]], names[results.y_pred[row]]
        mark = "✓" if true == pred else f"✗ {true} →"
        return f"#{row} · {mark} {pred} · {_snippet(texts[results.test_index[row]])}"

    row = st.selectbox(
        "Test example", rows.tolist(), format_func=describe, key=f"{prefix}_row_{ctx.run.id}"
    )
    return int(row), str(texts[results.test_index[row]])


def show_truth(ctx: ExploreContext, row: int) -> None:
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


def render(ctx: ExploreContext) -> None:
    from dashboard.explore.loaders import keras_model
    from models.text.probes import attention_maps

    st.caption(
        "Each row is a query token, each column the token it attends to; rows sum to 1. "
        "The model classifies from the [CLS] position, so its row shows what the decision read."
    )
    row, text = pick_example(ctx, "att")
    show_truth(ctx, row)
    maps = attention_maps(keras_model(str(ctx.run_dir)), run_tokenizer(str(ctx.run_dir)), text)
    show_attention(maps, f"att_{ctx.run.id}")

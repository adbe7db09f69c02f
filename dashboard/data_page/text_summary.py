"""The summary of a text dataset: labels, sample texts, token lengths, and the settings they suggest.

The token statistics use the same tokenizer the models train with, so the
proposed sequence length and the truncation share shown here are what training
will actually do (the trainer re-proposes them from its training split only).
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from dashboard.chosen_dataset import Choice, offer
from dashboard.figures.classification import class_balance_figure
from dashboard.plain_text import md
from data.dataset import Dataset, DatasetError

SAMPLES_PER_LABEL = 3
MAX_LABELS_SAMPLED = 20
MODE_LABELS = {
    "word": "words (space-separated languages)",
    "char": "characters (Chinese, Japanese, Thai…)",
    "char_bigram": "character pairs",
}


@st.cache_data(show_spinner="Measuring token lengths…", max_entries=16)
def _length_stats(ref: str, options_json: str, mode: str, _texts: np.ndarray) -> dict[str, Any]:
    """Percentiles, proposals and truncation for one (dataset, mode); cached per choice."""
    from data.tokenizer import propose_lengths, split_tokens

    texts = [str(t) for t in _texts]
    proposal = propose_lengths(texts, mode)
    lengths = np.array([len(split_tokens(t, mode)) for t in texts])
    return {
        "proposal": proposal,
        "truncated_share": float(np.mean(lengths > proposal.max_len)),
        "tokens_lost_share": float(
            np.maximum(lengths - proposal.max_len, 0).sum() / max(lengths.sum(), 1)
        ),
    }


@st.cache_data(show_spinner=False, max_entries=16)
def _detected_mode(ref: str, options_json: str, _texts: np.ndarray) -> str:
    from data.tokenizer import detect_script_mode

    return detect_script_mode([str(t) for t in _texts])


def sample_texts(
    texts: np.ndarray, labels: np.ndarray, per_label: int, seed: int = 0
) -> pd.DataFrame:
    """A few random texts of each of the most frequent labels, same picks every rerun."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({"label": labels, "text": texts})
    top = frame["label"].value_counts().index[:MAX_LABELS_SAMPLED]
    picks = []
    for label in top:
        rows = np.flatnonzero(labels == label)
        picks.extend(rng.choice(rows, size=min(per_label, len(rows)), replace=False))
    return frame.iloc[picks].reset_index(drop=True)


def _show_lengths(stats: dict[str, Any]) -> None:
    proposal = stats["proposal"]
    cols = st.columns(4)
    cols[0].metric("Median length", f"{proposal.p50:.0f} tokens")
    cols[1].metric("95th percentile", f"{proposal.p95:.0f} tokens")
    cols[2].metric("99th percentile", f"{proposal.p99:.0f} tokens")
    cols[3].metric("Longest", f"{proposal.max_tokens:,} tokens")
    cols = st.columns(4)
    cols[0].metric("Proposed sequence length", f"{proposal.max_len} tokens")
    cols[1].metric("Proposed vocabulary", f"{proposal.max_vocab:,}")
    cols[2].metric("Distinct tokens", f"{proposal.distinct_tokens:,}")
    cols[3].metric("Texts truncated", f"{stats['truncated_share']:.1%}")
    if stats["truncated_share"] > 0:
        st.info(
            f"{stats['truncated_share']:.1%} of the texts are longer than {proposal.max_len} "
            f"tokens; models read only their first {proposal.max_len} tokens, so "
            f"{stats['tokens_lost_share']:.1%} of all tokens are cut. Raise 'Sequence length' "
            "on the Train page to keep more, at the cost of slower training."
        )


def render_text(dataset: Dataset, options: dict[str, Any] | None = None) -> None:
    """`options` are the choices that load this dataset again (text and label columns)."""
    data, options = dataset.data, dict(options or {})
    key = dataset.ref
    options_json = json.dumps(options, sort_keys=True)
    counts = pd.Series(data.labels).value_counts()
    st.markdown(f"**{md(dataset.name)}** — {len(data):,} texts, {len(counts):,} labels")
    left, right = st.columns(2)
    with left:
        st.plotly_chart(class_balance_figure(counts), key=f"text_balance_{key}")
    with right:
        st.markdown("**Sample texts per label**")
        st.dataframe(
            sample_texts(data.texts, data.labels, SAMPLES_PER_LABEL),
            hide_index=True,
            height=320,
            key=f"text_samples_{key}",
        )
    detected = _detected_mode(key, options_json, data.texts)
    modes = list(MODE_LABELS)
    mode = st.radio(
        f"Split texts into (detected: {detected})",
        modes,
        index=modes.index(detected),
        format_func=MODE_LABELS.get,
        horizontal=True,
        key=f"text_mode_{key}",
        help="Words for languages that put spaces between words; characters for Chinese or "
        "Japanese. The models and the TF-IDF baseline follow this choice.",
    )
    try:
        stats = _length_stats(key, options_json, mode, data.texts)
    except DatasetError as error:
        st.error(str(error))
        return
    _show_lengths(stats)
    from data.tokenizer import split_tokens

    first = str(data.texts[0])
    tokens = split_tokens(first, mode)
    more = f" … (+{len(tokens) - 40})" if len(tokens) > 40 else ""
    st.text("Tokens of the first text: " + " · ".join(tokens[:40]) + more)
    if mode != detected:
        options["tokenizer_mode"] = mode
    offer(Choice(dataset.ref, dataset.name, "text", dict(options)), key=f"use_text_{key}")

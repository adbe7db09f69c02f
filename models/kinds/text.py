"""Model kinds for text ."""

from __future__ import annotations

from models.kinds.base import KERAS_DEFAULTS, ModelKind

# 0 means "propose it from the training texts" (95th-percentile length, 95 % coverage).
_SEQUENCE = {"max_len": 0, "max_vocab": 0}
_TEXT_KERAS = {**KERAS_DEFAULTS, "epochs": 5, "batch_size": 64}

KINDS = [
    ModelKind(
        "rnn",
        "Bidirectional RNN (LSTM / GRU)",
        "text",
        "keras",
        "models.text.networks:train",
        {**_TEXT_KERAS, "cell": "lstm", "embedding_dim": 64, "rnn_units": 64, **_SEQUENCE},
        "Token embedding → bidirectional LSTM or GRU (cell: lstm or gru) → softmax. Explore "
        "shows per-token saliency (gradient × input). max_len / max_vocab 0 = proposed from "
        "the training texts.",
    ),
    ModelKind(
        "transformer",
        "Transformer encoder",
        "text",
        "keras",
        "models.text.networks:train",
        {
            **_TEXT_KERAS,
            "embedding_dim": 64,
            "num_heads": 2,
            "num_layers": 2,
            "ff_dim": 128,
            **_SEQUENCE,
        },
        "A small encoder (token + position embedding, multi-head self-attention) classifying "
        "from a [CLS] token. Explore shows every layer's and head's attention. max_len / "
        "max_vocab 0 = proposed from the training texts.",
    ),
    ModelKind(
        "tfidf_logreg",
        "TF-IDF + logistic regression",
        "text",
        "sklearn",
        "models.text.baselines:train",
        {"C": 1.0, "ngram_max": 2, "max_features": 50_000},
        "A fast linear baseline: word n-grams for space-separated languages, character "
        "n-grams for Chinese and Japanese. Trains in seconds; no training curves.",
    ),
]

"""Model kinds for text: the bidirectional RNN, the Transformer encoder, the TF-IDF baseline."""

from models.capabilities import FEATURES, PREDICT_ONE, TOKEN_ATTENTION, TOKEN_SALIENCY
from models.kinds.base import KERAS_DEFAULTS, ModelKind

# 0 means "propose it from the training texts" (95th-percentile length, 95 % coverage).
SEQUENCE = {"max_len": 0, "max_vocab": 0}
TEXT_KERAS = {**KERAS_DEFAULTS, "epochs": 5, "batch_size": 64}

KINDS = [
    ModelKind(
        key="rnn",
        label="Bidirectional RNN (LSTM / GRU)",
        modality="text",
        framework="keras",
        trainer="models.text.networks:train",
        builder="models.text.networks:build_rnn",
        defaults={**TEXT_KERAS, "cell": "lstm", "embedding_dim": 64, "rnn_units": 64, **SEQUENCE},
        capabilities={FEATURES, TOKEN_SALIENCY, PREDICT_ONE},
        description="Token embedding → bidirectional LSTM or GRU (cell: lstm or gru) → softmax. "
        "Explore shows per-token saliency (gradient × input). Sequence length and vocabulary "
        "size 0 = proposed from the training texts.",
    ),
    ModelKind(
        key="transformer",
        label="Transformer encoder",
        modality="text",
        framework="keras",
        trainer="models.text.networks:train",
        builder="models.text.networks:build_transformer",
        defaults={
            **TEXT_KERAS,
            "embedding_dim": 64,
            "num_heads": 2,
            "num_layers": 2,
            "ff_dim": 128,
            **SEQUENCE,
        },
        capabilities={FEATURES, TOKEN_ATTENTION, PREDICT_ONE},
        settings={"add_cls": True},  # it classifies from the [CLS] position
        description="A small encoder (token + position embedding, multi-head self-attention) "
        "classifying from a [CLS] token. Explore shows every layer's and head's attention. "
        "Sequence length and vocabulary size 0 = proposed from the training texts.",
    ),
    ModelKind(
        key="tfidf_logreg",
        label="TF-IDF + logistic regression",
        modality="text",
        framework="sklearn",
        trainer="models.text.baselines:train",
        builder="models.text.baselines:build_tfidf_logreg",
        defaults={"C": 1.0, "ngram_max": 2, "max_features": 50_000},
        capabilities={PREDICT_ONE},
        description="A fast linear baseline: word n-grams for space-separated languages, "
        "character n-grams for Chinese and Japanese. Trains in seconds; no training curves.",
    ),
]

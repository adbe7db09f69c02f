"""A 1-D convolutional text classifier: a whole kind, declaration and builder, in one module.

Token embedding → blocks of 1-D convolutions (ReLU, max-pooling between blocks) →
the strongest response of each filter over the text → softmax. Convolutions over
a sentence run in parallel, unlike an RNN's steps, so it trains several times
faster; each filter learns a short phrase pattern. Gradients reach the embedded
tokens through a plain chain of layers, so Explore finds per-token saliency on it
by itself (models.inspection). The trainer is the one every Keras text kind
shares; Keras is imported inside the builder, so listing kinds stays light.
"""

from __future__ import annotations

from models.capabilities import FEATURES, PREDICT_ONE, TOKEN_SALIENCY
from models.kinds.base import ModelKind
from models.kinds.text import SEQUENCE, TEXT_KERAS


def build_text_cnn(
    vocab_size: int,
    max_len: int,
    n_classes: int,
    *,
    embedding_dim: int,
    filters: int,
    kernel_size: int,
    conv_blocks: int,
    dropout: float,
    learning_rate: float,
):
    import keras

    from models.keras_training import compile_classifier

    if int(conv_blocks) < 1:
        raise ValueError("conv_blocks must be at least 1")
    ids = keras.Input(shape=(None,), dtype="int32", name="token_ids")  # any length ≤ max_len
    x = keras.layers.Embedding(int(vocab_size), int(embedding_dim), name="embedding")(ids)
    length = int(max_len)
    for block in range(1, int(conv_blocks) + 1):
        x = keras.layers.Conv1D(
            int(filters), int(kernel_size), padding="same", activation="relu", name=f"conv_{block}"
        )(x)
        if block < int(conv_blocks) and length // 2 >= int(kernel_size):
            x = keras.layers.MaxPooling1D(2, name=f"pool_{block}")(x)
            length //= 2
    x = keras.layers.GlobalMaxPooling1D(name="pooled")(x)
    x = keras.layers.Dropout(float(dropout), name="dropout")(x)
    outputs = keras.layers.Dense(int(n_classes), activation="softmax", name="output")(x)
    return compile_classifier(keras.Model(ids, outputs, name="text_cnn"), learning_rate)


KINDS = [
    ModelKind(
        key="text_cnn",
        label="1-D convolutional network (fast)",
        modality="text",
        framework="keras",
        trainer="models.text.networks:train",
        builder=f"{__name__}:build_text_cnn",
        defaults={
            **TEXT_KERAS,
            "embedding_dim": 64,
            "filters": 64,
            "kernel_size": 5,
            "conv_blocks": 2,
            **SEQUENCE,
        },
        capabilities={FEATURES, TOKEN_SALIENCY, PREDICT_ONE},
        description="Token embedding → 1-D convolutions → max over the text → softmax. Trains "
        "several times faster than the RNN; Explore shows per-token saliency. Sequence length "
        "and vocabulary size 0 = proposed from the training texts.",
    ),
]

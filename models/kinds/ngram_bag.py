"""A bag of n-grams (fastText-style): the neural text model that is as good as TF-IDF, fast.

Every token and every pair of neighbouring tokens gets an embedding (the kind's
"ngrams" setting makes the tokenizer emit the pairs, models.text.networks); the text
is the average of its n-grams' embeddings, and a softmax reads that. Word order
beyond pairs is ignored, which is what lets it learn from a few thousand texts in
a few epochs: on the built-in reviews the RNN, the Transformer and the 1-D convolutional
network (all reading single characters) stop several points below TF-IDF + logistic
regression, and this model does not (benchmarks/text_runs.py prints both). Gradients
reach each n-gram's embedding through a plain chain of layers, so Explore shows which
characters and pairs drove a prediction (token saliency, found by models.inspection),
and the averaged vector is the sentence embedding the map shows.
"""

from __future__ import annotations

from models.capabilities import FEATURES, PREDICT_ONE, TOKEN_SALIENCY
from models.kinds.base import ModelKind
from models.kinds.text import SEQUENCE, TEXT_KERAS


def build_ngram_bag(
    vocab_size: int,
    max_len: int,
    n_classes: int,
    *,
    embedding_dim: int,
    dropout: float,
    learning_rate: float,
):
    import keras

    from models.keras_training import compile_classifier

    ids = keras.Input(shape=(None,), dtype="int32", name="token_ids")  # any length ≤ max_len
    x = keras.layers.Embedding(
        int(vocab_size), int(embedding_dim), mask_zero=True, name="embedding"
    )(ids)
    x = keras.layers.GlobalAveragePooling1D(name="pooled")(x)  # the mask leaves padding out
    x = keras.layers.Dropout(float(dropout), name="dropout")(x)
    outputs = keras.layers.Dense(int(n_classes), activation="softmax", name="output")(x)
    return compile_classifier(keras.Model(ids, outputs, name="ngram_bag"), learning_rate)


KINDS = [
    ModelKind(
        key="ngram_bag",
        label="Bag of n-grams (fastText-style, fastest)",
        modality="text",
        framework="keras",
        trainer="models.text.networks:train",
        builder=f"{__name__}:build_ngram_bag",
        defaults={
            **TEXT_KERAS,
            # Tuned on the built-in reviews: it fits within a few epochs, and a tenth of the
            # training texts is enough to watch validation (it learns from every text it gets).
            "epochs": 4,
            "learning_rate": 3e-3,
            "validation_split": 0.1,
            "dropout": 0.3,
            "embedding_dim": 64,
            **SEQUENCE,
        },
        capabilities={FEATURES, TOKEN_SALIENCY, PREDICT_ONE},
        settings={"ngrams": 2},  # tokens and pairs of neighbouring tokens
        description="Each token and each pair of neighbouring tokens gets an embedding; the "
        "text is their average → softmax. Trains in seconds and reaches TF-IDF's accuracy; "
        "Explore shows which tokens and pairs drove a prediction. Sequence length and "
        "vocabulary size 0 = proposed from the training texts.",
    ),
]

"""Looking inside a trained text model for one sentence at a time.

Imported by the Explore views, so TensorFlow is imported inside the functions that
run a Keras model, never at module level. Every probe encodes the sentence with
the run's own tokenizer, and returns the tokens as written next to the numbers,
one per non-padding position, so a heatmap axis and a highlighted word always
refer to the same position the model saw.
"""

from __future__ import annotations

import json
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np

from data.dataset import DatasetError
from data.tokenizer import Tokenizer

TOKENIZER_FILE = "tokenizer.json"


def load_tokenizer(run_dir: Path) -> Tokenizer:
    """The tokenizer a text run was trained with (fitted on its training split)."""
    path = Path(run_dir) / TOKENIZER_FILE
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing; this run did not save a tokenizer")
    return Tokenizer.from_dict(json.loads(path.read_text(encoding="utf-8")))


def encode_text(tokenizer: Tokenizer, text: str, add_cls: bool) -> tuple[np.ndarray, list[str]]:
    """(1, max_len) ids and the tokens behind the non-padding ids, in order."""
    tokens = tokenizer.tokens(text, add_cls=add_cls)
    if len(tokens) == (1 if add_cls else 0):
        raise DatasetError(
            "The sentence has no tokens (it is empty or only spaces); type some words to probe."
        )
    return tokenizer.encode([text], add_cls=add_cls), tokens


@dataclass(frozen=True)
class AttentionMaps:
    """Attention of every layer and head over one sentence's real tokens.

    `weights[layer, head, query, key]`; each query row sums to 1 over the keys,
    since padding keys are masked before the softmax and cut off here.
    """

    tokens: list[str]
    weights: np.ndarray  # (layers, heads, T, T)
    probabilities: np.ndarray  # (n_classes,)

    @property
    def n_layers(self) -> int:
        return self.weights.shape[0]

    @property
    def n_heads(self) -> int:
        return self.weights.shape[1]

    def matrix(self, layer: int, head: int | None = None) -> np.ndarray:
        """(T, T) for one head, or the mean over heads when `head` is None."""
        per_head = self.weights[layer]
        return per_head.mean(axis=0) if head is None else per_head[head]

    def received(
        self, layer: int, source: Literal["all", "cls"] = "all", head: int | None = None
    ) -> np.ndarray:
        """(T,) attention each token receives: averaged over every query, or from [CLS] only.

        Averaged over queries it sums to 1 over the tokens; from [CLS] (position 0)
        it is the row the classifier's input was built from.
        """
        matrix = self.matrix(layer, head)
        return matrix[0] if source == "cls" else matrix.mean(axis=0)


def attention_maps(model: Any, tokenizer: Tokenizer, text: str) -> AttentionMaps:
    """Runs the Transformer's embedding and encoder blocks eagerly, keeping each softmax."""
    ids, tokens = encode_text(tokenizer, text, add_cls=True)
    n = len(tokens)
    mask = ids != 0
    x = model.get_layer("embedding")(ids)
    per_layer = []
    for block in _encoder_blocks(model):
        x, scores = block(x, mask=mask, training=False, return_attention_scores=True)
        per_layer.append(np.asarray(scores)[0, :, :n, :n])
    probabilities = np.asarray(model.predict_on_batch(ids))[0]
    return AttentionMaps(tokens, np.stack(per_layer).astype(np.float64), probabilities)


def _encoder_blocks(model: Any) -> list[Any]:
    blocks = [layer for layer in model.layers if layer.name.startswith("encoder_")]
    if not blocks:
        raise ValueError("this model has no encoder blocks; attention is for Transformer runs")
    return sorted(blocks, key=lambda layer: int(layer.name.rsplit("_", 1)[-1]))


@dataclass(frozen=True)
class TokenSaliency:
    """Gradient × input per token for one class: positive pushes towards it, negative away."""

    tokens: list[str]
    values: np.ndarray  # (T,)
    class_index: int
    probabilities: np.ndarray  # (n_classes,)


def rnn_saliency(
    model: Any, tokenizer: Tokenizer, text: str, class_index: int | None = None
) -> TokenSaliency:
    """Gradient × input on the embedding output, summed over the embedding dimensions.

    The gradient is of the class's logit (the output layer before softmax), which
    does not saturate the way a probability near 1 does. `class_index=None` uses
    the predicted class.
    """
    ids, tokens = encode_text(tokenizer, text, add_cls=False)
    chosen = -1 if class_index is None else int(class_index)
    values, probabilities, picked = _saliency_function(model)(ids, chosen)
    values = np.asarray(values)[: len(tokens)].astype(np.float64)
    return TokenSaliency(tokens, values, int(picked), np.asarray(probabilities, dtype=np.float64))


_SALIENCY_FUNCTIONS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _saliency_function(model: Any):
    """A tf.function per model: run eagerly, the LSTM steps through Python, ~100× slower."""
    if model in _SALIENCY_FUNCTIONS:
        return _SALIENCY_FUNCTIONS[model]
    import tensorflow as tf

    embedding, recurrent = model.get_layer("embedding"), model.get_layer("rnn")
    dense = model.get_layer("output")

    @tf.function(
        input_signature=[tf.TensorSpec([1, None], tf.int32), tf.TensorSpec([], tf.int32)],
        reduce_retracing=True,
    )
    def saliency(ids, class_index):
        with tf.GradientTape() as tape:
            embedded = embedding(ids)
            tape.watch(embedded)
            hidden = recurrent(embedded, mask=embedding.compute_mask(ids), training=False)
            logits = (tf.matmul(hidden, dense.kernel) + dense.bias)[0]
            predicted = tf.argmax(logits, output_type=tf.int32)
            chosen = tf.where(class_index < 0, predicted, class_index)
            score = tf.gather(logits, chosen)
        gradient = tape.gradient(score, embedded)
        return tf.reduce_sum(gradient * embedded, axis=-1)[0], tf.nn.softmax(logits), chosen

    _SALIENCY_FUNCTIONS[model] = saliency
    return saliency


def keras_probabilities(model: Any, tokenizer: Tokenizer, text: str, add_cls: bool) -> np.ndarray:
    """(n_classes,) for one typed sentence."""
    ids, _ = encode_text(tokenizer, text, add_cls)
    return np.asarray(model.predict_on_batch(ids))[0].astype(np.float64)


def sklearn_probabilities(pipeline: Any, text: str) -> np.ndarray:
    if not str(text).strip():
        raise DatasetError("The sentence is empty; type some words to get a prediction.")
    return pipeline.predict_proba([text])[0].astype(np.float64)


def tfidf_contributions(
    pipeline: Any, text: str, class_index: int, top: int = 15
) -> list[tuple[str, float]]:
    """The terms of `text` that move the baseline most: TF-IDF weight × coefficient.

    With two classes LogisticRegression keeps one coefficient row for class 1, so
    class 0's contributions are its negation.
    """
    vectorizer, classifier = pipeline.named_steps["tfidf"], pipeline.named_steps["logreg"]
    row = vectorizer.transform([text]).tocsr()
    coef = classifier.coef_
    weights = coef[0] * (1 if class_index == 1 else -1) if coef.shape[0] == 1 else coef[class_index]
    terms = vectorizer.get_feature_names_out()
    scored = [
        (str(terms[j]), float(v * weights[j])) for j, v in zip(row.indices, row.data, strict=True)
    ]
    return sorted(scored, key=lambda item: -abs(item[1]))[:top]

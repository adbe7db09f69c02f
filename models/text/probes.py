"""Looking inside a trained text model for one sentence at a time.

Imported by the Explore views, so TensorFlow is imported inside the functions that
run a Keras model, never at module level. Every probe encodes the sentence with
the run's own tokenizer, and returns the tokens as written next to the numbers,
one per non-padding position, so a heatmap axis and a highlighted word always
refer to the same position the model saw.
"""

from __future__ import annotations

import inspect
import json
import threading
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


def attention_maps(
    model: Any, tokenizer: Tokenizer, text: str, add_cls: bool = True
) -> AttentionMaps:
    """Runs the model once on the sentence, keeping every attention layer's softmax.

    Works for any Keras model whose attention is a MultiHeadAttention (in encoder
    blocks or wired by hand); padding keys are masked by the model itself.
    """
    from models.inspection import capture_attention

    ids, tokens = encode_text(tokenizer, text, add_cls=add_cls)
    n = len(tokens)
    with capture_attention(model) as scores:
        probabilities = np.asarray(model(ids, training=False))[0]
    if not scores:
        raise ValueError(
            "this model has no self-attention to read; attention is for Transformer runs"
        )
    per_layer = [np.asarray(each)[0, :, :n, :n] for each in scores]
    return AttentionMaps(tokens, np.stack(per_layer).astype(np.float64), probabilities)


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

    For any model that embeds the token ids and reads the embedding through a chain
    of layers (an RNN, 1-D convolutions…): the TOKEN_SALIENCY capability. The
    gradient is of the class's logit (the output layer before softmax), which does
    not saturate the way a probability near 1 does. `class_index=None` uses the
    predicted class.
    """
    ids, tokens = encode_text(tokenizer, text, add_cls=False)
    chosen = -1 if class_index is None else int(class_index)
    values, probabilities, picked = _saliency_function(model)(ids, chosen)
    values = np.asarray(values)[: len(tokens)].astype(np.float64)
    return TokenSaliency(tokens, values, int(picked), np.asarray(probabilities, dtype=np.float64))


def prepare_saliency(model: Any) -> None:
    """Trace and run the model's saliency function once, on a stand-in sentence.

    The first trace costs about a second for an LSTM, and it is specific to the model,
    so the page does it in the background when a run that can show saliency is opened.
    """
    length = model.inputs[0].shape[1] if model.inputs else None
    ids = np.ones((1, length if isinstance(length, int) else 16), np.int32)
    _saliency_function(model)(ids, np.int32(-1))


_SALIENCY_FUNCTIONS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_SALIENCY_LOCK = threading.Lock()  # the page and a warm-up thread share one function


def _saliency_function(model: Any):
    """A tf.function per model: run eagerly, the LSTM steps through Python, ~100× slower."""
    with _SALIENCY_LOCK:
        if model not in _SALIENCY_FUNCTIONS:
            _SALIENCY_FUNCTIONS[model] = _new_saliency_function(model)
        return _SALIENCY_FUNCTIONS[model]


def _new_saliency_function(model: Any):
    import tensorflow as tf

    from models import capabilities as caps
    from models.inspection import chain_between, inspect_keras, output_layer

    found = inspect_keras(model)
    if caps.TOKEN_SALIENCY not in found.capabilities:
        raise ValueError("this model does not read embedded tokens through a chain of layers")
    embedding = model.get_layer(found.details["embedding_layer"])
    dense = output_layer(model)
    chain = chain_between(embedding, dense)

    @tf.function(
        input_signature=[tf.TensorSpec([1, None], tf.int32), tf.TensorSpec([], tf.int32)],
        reduce_retracing=True,
    )
    def saliency(ids, class_index):
        with tf.GradientTape() as tape:
            embedded = embedding(ids)
            tape.watch(embedded)
            hidden = _run_chain(chain, embedded, embedding.compute_mask(ids))
            logits = (tf.matmul(hidden, dense.kernel) + dense.bias)[0]
            predicted = tf.argmax(logits, output_type=tf.int32)
            chosen = tf.where(class_index < 0, predicted, class_index)
            score = tf.gather(logits, chosen)
        gradient = tape.gradient(score, embedded)
        return tf.reduce_sum(gradient * embedded, axis=-1)[0], tf.nn.softmax(logits), chosen

    return saliency


def _run_chain(chain: list[Any], x: Any, mask: Any) -> Any:
    """The layers one after another at inference, handing the padding mask on where it is read."""
    for layer in chain:
        takes = inspect.signature(layer.call).parameters
        kwargs: dict[str, Any] = {"training": False} if "training" in takes else {}
        if mask is not None and "mask" in takes:
            kwargs["mask"] = mask
        output = layer(x, **kwargs)
        mask = None if mask is None else layer.compute_mask(x, mask)
        x = output
    return x


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
    class 0's contributions are its negation. A pipeline of another shape (a loaded
    one: not vectorizer → linear model) has no such terms: an empty list.
    """
    steps = getattr(pipeline, "steps", [])
    if len(steps) != 2 or not hasattr(steps[0][1], "get_feature_names_out"):
        return []
    vectorizer, classifier = steps[0][1], steps[1][1]
    if getattr(classifier, "coef_", None) is None:
        return []
    row = vectorizer.transform([text]).tocsr()
    coef = classifier.coef_
    weights = coef[0] * (1 if class_index == 1 else -1) if coef.shape[0] == 1 else coef[class_index]
    terms = vectorizer.get_feature_names_out()
    scored = [
        (str(terms[j]), float(v * weights[j])) for j, v in zip(row.indices, row.data, strict=True)
    ]
    return sorted(scored, key=lambda item: -abs(item[1]))[:top]

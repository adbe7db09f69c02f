"""A loaded text model's own TextVectorization layer, in the shape the text probes read.

Glassbox's text probes (models/text/probes.py) ask a tokenizer for a sentence's ids
and the tokens behind them. A model a person brings tokenises inside itself, so
its vectorisation layer answers both: the ids it makes, and its vocabulary's words
for them. Nothing is re-implemented, so the probes see exactly what the model reads.
"""

from __future__ import annotations

from typing import Any

import numpy as np


class VectorizerTokens:
    """`encode` and `tokens` of a keras.layers.TextVectorization, as data.tokenizer.Tokenizer has."""

    mode_ = "the model's own"

    def __init__(self, layer: Any) -> None:
        self.layer = layer
        self.vocabulary = list(layer.get_vocabulary())
        self.max_len_ = int(layer.get_config().get("output_sequence_length") or 0)

    def _ids(self, text: str) -> np.ndarray:
        import tensorflow as tf

        return np.asarray(self.layer(tf.constant([text])), dtype=np.int32).reshape(1, -1)

    def encode(self, texts: list[str], add_cls: bool = False) -> np.ndarray:
        """(len(texts), length) int32 ids, padded with 0 as the layer pads."""
        return np.concatenate([self._ids(str(text)) for text in texts])

    def tokens(self, text: str, add_cls: bool = False) -> list[str]:
        """The vocabulary's words for the sentence's non-padding ids, in order."""
        ids = self._ids(str(text))[0]
        return [self.vocabulary[i] for i in ids if i != 0]

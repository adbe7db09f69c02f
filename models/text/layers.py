"""Custom Keras layers of the text Transformer, registered so safe-mode loading finds them.

Keras ships MultiHeadAttention but no token + position embedding, no encoder
block and no "take the [CLS] vector" layer. A Lambda would do the last one, but
safe mode refuses to deserialise Lambda code, so each piece is a small named
layer with an explicit `build` (Keras restores weights into built sublayers only).
"""

from __future__ import annotations

import keras
from keras import ops

PACKAGE = "glassbox"


@keras.saving.register_keras_serializable(package=PACKAGE)
class TextEmbedding(keras.layers.Layer):
    """Token embedding plus a learned position embedding; id 0 ([PAD]) is masked out.

    The mask it emits flows to the encoder blocks, so attention never looks at
    padding and probes can tell real tokens from filler.
    """

    def __init__(self, vocab_size: int, max_len: int, embed_dim: int, **kwargs) -> None:
        super().__init__(**kwargs)
        self.vocab_size, self.max_len, self.embed_dim = (
            int(vocab_size),
            int(max_len),
            int(embed_dim),
        )
        self.tokens = keras.layers.Embedding(self.vocab_size, self.embed_dim, name="tokens")
        self.positions = keras.layers.Embedding(self.max_len, self.embed_dim, name="positions")

    def build(self, input_shape) -> None:
        self.tokens.build(input_shape)
        self.positions.build((self.max_len,))
        super().build(input_shape)

    def call(self, ids):
        positions = ops.arange(ops.shape(ids)[-1])
        return self.tokens(ids) + self.positions(positions)

    def compute_mask(self, ids, mask=None):
        return ops.not_equal(ids, 0)

    def compute_output_shape(self, input_shape):
        return (*input_shape, self.embed_dim)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "vocab_size": self.vocab_size,
            "max_len": self.max_len,
            "embed_dim": self.embed_dim,
        }


@keras.saving.register_keras_serializable(package=PACKAGE)
class TextEncoderBlock(keras.layers.Layer):
    """One post-norm Transformer encoder block that can hand back its attention weights.

    `return_attention_scores=True` is what the attention views call eagerly; the
    weights come straight from MultiHeadAttention's softmax, (batch, heads, T, T),
    with padding keys masked so every real query's row sums to 1 over real tokens.

    `attention_dropout` drops attention weights while training; None means `dropout`
    (what models saved before it existed used). Dropping weights draws a random
    number per (head, query, key): at a batch of 64 texts of 193 tokens that was
    more than half of a training step on a CPU, so new models leave it out
    (models.text.networks.build_transformer) and keep dropout on the residuals.
    """

    def __init__(
        self,
        embed_dim: int,
        num_heads: int,
        ff_dim: int,
        dropout: float = 0.1,
        attention_dropout: float | None = None,
        **kwargs,
    ) -> None:
        super().__init__(**kwargs)
        self.embed_dim, self.num_heads = int(embed_dim), int(num_heads)
        self.ff_dim, self.dropout = int(ff_dim), float(dropout)
        self.attention_dropout = float(dropout if attention_dropout is None else attention_dropout)
        self.supports_masking = True
        self.attention = keras.layers.MultiHeadAttention(
            num_heads=self.num_heads,
            key_dim=max(self.embed_dim // self.num_heads, 1),
            dropout=self.attention_dropout,
            name="attention",
        )
        self.ff_in = keras.layers.Dense(self.ff_dim, activation="relu", name="ff_in")
        self.ff_out = keras.layers.Dense(self.embed_dim, name="ff_out")
        self.norm_1 = keras.layers.LayerNormalization(epsilon=1e-6, name="norm_1")
        self.norm_2 = keras.layers.LayerNormalization(epsilon=1e-6, name="norm_2")
        self.drop_1 = keras.layers.Dropout(self.dropout)
        self.drop_2 = keras.layers.Dropout(self.dropout)

    def build(self, input_shape) -> None:
        self.attention.build(input_shape, input_shape)
        self.norm_1.build(input_shape)
        self.ff_in.build(input_shape)
        self.ff_out.build((*input_shape[:-1], self.ff_dim))
        self.norm_2.build(input_shape)
        super().build(input_shape)

    def call(self, inputs, mask=None, training=None, return_attention_scores: bool = False):
        key_mask = None if mask is None else ops.expand_dims(ops.cast(mask, "bool"), 1)
        # Without scores (training, prediction) MultiHeadAttention may take its fused path.
        attended = self.attention(
            inputs,
            inputs,
            attention_mask=key_mask,
            return_attention_scores=return_attention_scores,
            training=training,
        )
        attended, scores = attended if return_attention_scores else (attended, None)
        x = self.norm_1(inputs + self.drop_1(attended, training=training))
        x = self.norm_2(x + self.drop_2(self.ff_out(self.ff_in(x)), training=training))
        return (x, scores) if return_attention_scores else x

    def compute_mask(self, inputs, mask=None):
        return mask

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "embed_dim": self.embed_dim,
            "num_heads": self.num_heads,
            "ff_dim": self.ff_dim,
            "dropout": self.dropout,
            "attention_dropout": self.attention_dropout,
        }


@keras.saving.register_keras_serializable(package=PACKAGE)
class ClsPooling(keras.layers.Layer):
    """The vector at position 0, where the tokenizer put [CLS]: the sentence's summary."""

    def call(self, inputs, mask=None):
        return inputs[:, 0, :]

    def compute_mask(self, inputs, mask=None):
        return None

    def compute_output_shape(self, input_shape):
        return (input_shape[0], input_shape[-1])

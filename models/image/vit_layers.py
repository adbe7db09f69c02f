"""The two layers a small Vision Transformer needs beyond what Keras ships.

Both are registered as serializable under the "glassbox" package so a saved ViT
loads with `safe_mode=True` (no lambdas, no pickled code). The encoder block can
hand back its attention scores, which is what lets the attention views read a
trained model's attention without a second, differently-built copy of it.
"""

from __future__ import annotations

import keras
from keras import layers, ops


@keras.saving.register_keras_serializable(package="glassbox")
class PatchEmbedding(layers.Layer):
    """Cut the image into non-overlapping patch×patch squares, project each, add its position.

    A strided convolution is the standard way to project patches: one kernel
    application per patch, no reshaping of pixels by hand. The learned position
    embedding is what tells the encoder where each patch sat in the image.
    """

    def __init__(self, patch_size: int, embed_dim: int, **kwargs) -> None:
        super().__init__(**kwargs)
        self.patch_size = int(patch_size)
        self.embed_dim = int(embed_dim)
        self.projection = layers.Conv2D(
            self.embed_dim,
            self.patch_size,
            strides=self.patch_size,
            padding="valid",
            name="projection",
        )
        self.grid: tuple[int, int] = (0, 0)

    def build(self, input_shape) -> None:
        height, width = int(input_shape[1]), int(input_shape[2])
        self.grid = (height // self.patch_size, width // self.patch_size)
        self.projection.build(input_shape)
        self.position = self.add_weight(
            name="position",
            shape=(self.grid[0] * self.grid[1], self.embed_dim),
            initializer=keras.initializers.RandomNormal(stddev=0.02),
        )

    def call(self, images):
        patches = self.projection(images)
        tokens = ops.reshape(patches, (-1, self.grid[0] * self.grid[1], self.embed_dim))
        return tokens + self.position

    def compute_output_shape(self, input_shape):
        rows, cols = int(input_shape[1]) // self.patch_size, int(input_shape[2]) // self.patch_size
        return (input_shape[0], rows * cols, self.embed_dim)

    def get_config(self) -> dict:
        return {**super().get_config(), "patch_size": self.patch_size, "embed_dim": self.embed_dim}


@keras.saving.register_keras_serializable(package="glassbox")
class EncoderBlock(layers.Layer):
    """Pre-norm transformer encoder block: x + MHA(LN(x)), then x + MLP(LN(x)).

    Pre-norm trains stably from scratch on small data without warm-up, which is
    the situation here (a few thousand images, a laptop, minutes).
    `return_attention_scores=True` returns (tokens, scores (batch, heads, q, k)).
    """

    def __init__(
        self, embed_dim: int, num_heads: int, mlp_dim: int, dropout: float = 0.0, **kwargs
    ) -> None:
        super().__init__(**kwargs)
        self.embed_dim = int(embed_dim)
        self.num_heads = int(num_heads)
        self.mlp_dim = int(mlp_dim)
        self.dropout_rate = float(dropout)
        self.norm_1 = layers.LayerNormalization(epsilon=1e-6, name="norm_1")
        self.attention = layers.MultiHeadAttention(
            num_heads=self.num_heads,
            key_dim=max(1, self.embed_dim // self.num_heads),
            dropout=self.dropout_rate,
            name="attention",
        )
        self.norm_2 = layers.LayerNormalization(epsilon=1e-6, name="norm_2")
        self.hidden = layers.Dense(self.mlp_dim, activation="gelu", name="mlp_hidden")
        self.project = layers.Dense(self.embed_dim, name="mlp_out")
        self.drop = layers.Dropout(self.dropout_rate, name="mlp_dropout")

    def build(self, input_shape) -> None:
        # Sub-layers are built here, not lazily, so loading a saved model finds
        # every weight in place before it assigns the stored values.
        self.norm_1.build(input_shape)
        self.attention.build(input_shape, input_shape)
        self.norm_2.build(input_shape)
        self.hidden.build(input_shape)
        self.project.build((*input_shape[:-1], self.mlp_dim))

    def call(self, tokens, training=None, return_attention_scores: bool = False):
        normed = self.norm_1(tokens)
        attended, scores = self.attention(
            normed, normed, return_attention_scores=True, training=training
        )
        tokens = tokens + attended
        mlp = self.project(self.hidden(self.norm_2(tokens)))
        tokens = tokens + self.drop(mlp, training=training)
        return (tokens, scores) if return_attention_scores else tokens

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "embed_dim": self.embed_dim,
            "num_heads": self.num_heads,
            "mlp_dim": self.mlp_dim,
            "dropout": self.dropout_rate,
        }

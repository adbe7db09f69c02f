"""The tabular Transformer's builder and its column tokenizer (the kind: models/kinds/tab_transformer.py).

Feature-tokenizer style (Gorishniy et al., 2021, "FT-Transformer"): every original
column becomes one token, a [CLS] token is put in front, encoder blocks let the
columns attend to each other, and the class is read from [CLS]. Attention then
runs over the person's own columns, so "what did [CLS] attend to" is a direct view
of which columns the decision read.

Preprocessing has already turned a column into one or more inputs (models.tabular.
columns): a number (and its '.missing' flag) is embedded linearly, value × w + b;
a category's one-hot inputs times a weight table pick one row of it, which is an
embedding table lookup; a date's parts are embedded linearly together. One layer
does all three as x[:, inputs of the column] @ W_column + b_column.

Keras is imported at the top: loading a saved model imports this module to
register its layers (models.model_io). The encoder block and [CLS] pooling are the
text Transformer's (models.text.layers); they do not care what the tokens are.
"""

from __future__ import annotations

import math

import keras
from keras import ops

from models.tabular.networks import task_model
from models.text.layers import PACKAGE, ClsPooling, TextEncoderBlock


@keras.saving.register_keras_serializable(package=PACKAGE)
class ColumnTokenizer(keras.layers.Layer):
    """(batch, inputs) → (batch, 1 + columns, embed_dim): [CLS], then one token per column.

    `groups[i]` lists the input positions made from column i. Columns with fewer
    inputs than the widest are padded with a constant-zero input, so one einsum
    embeds every column and the padding never reaches a token.
    """

    def __init__(self, groups: list[list[int]], n_inputs: int, embed_dim: int, **kwargs) -> None:
        super().__init__(**kwargs)
        self.groups = [[int(i) for i in group] for group in groups]
        self.n_inputs, self.embed_dim = int(n_inputs), int(embed_dim)
        if not self.groups or any(not group for group in self.groups):
            raise ValueError("every column needs at least one input")
        width = max(len(group) for group in self.groups)
        pad = self.n_inputs  # the position of the zero input appended in `call`
        self.index = [group + [pad] * (width - len(group)) for group in self.groups]

    def build(self, input_shape) -> None:
        columns, width = len(self.index), len(self.index[0])
        scale = 1.0 / math.sqrt(self.embed_dim)
        uniform = keras.initializers.RandomUniform(-scale, scale)
        self.weight = self.add_weight(
            shape=(columns, width, self.embed_dim), initializer=uniform, name="weight"
        )
        self.bias = self.add_weight(
            shape=(columns, self.embed_dim), initializer=uniform, name="bias"
        )
        self.cls = self.add_weight(shape=(1, 1, self.embed_dim), initializer=uniform, name="cls")
        super().build(input_shape)

    def call(self, x):
        batch = ops.shape(x)[0]
        padded = ops.concatenate([x, ops.zeros((batch, 1), dtype=x.dtype)], axis=1)
        per_column = ops.take(padded, ops.convert_to_tensor(self.index, "int32"), axis=1)
        tokens = ops.einsum("bcw,cwd->bcd", per_column, self.weight) + self.bias
        cls = ops.broadcast_to(self.cls, (batch, 1, self.embed_dim))
        return ops.concatenate([cls, tokens], axis=1)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], len(self.index) + 1, self.embed_dim)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "groups": self.groups,
            "n_inputs": self.n_inputs,
            "embed_dim": self.embed_dim,
        }


def build_tab_transformer(
    n_features: int,
    n_outputs: int,
    task: str,
    groups: list[list[int]],
    *,
    embedding_dim: int,
    num_heads: int,
    num_layers: int,
    ff_dim: int,
    dropout: float,
    learning_rate: float,
) -> keras.Model:
    """Column tokens + [CLS] → encoder blocks → the [CLS] vector → a small head → output."""
    if int(num_layers) < 1:
        raise ValueError("num_layers must be at least 1")
    inputs = keras.Input(shape=(int(n_features),), name="features")
    x = ColumnTokenizer(groups, n_features, embedding_dim, name="column_tokens")(inputs)
    for index in range(1, int(num_layers) + 1):
        x = TextEncoderBlock(embedding_dim, num_heads, ff_dim, dropout, name=f"encoder_{index}")(x)
    x = ClsPooling(name="cls")(x)
    x = keras.layers.Dense(int(embedding_dim), activation="relu", name="head")(x)
    x = keras.layers.Dropout(float(dropout), name="dropout")(x)
    return task_model(inputs, x, n_outputs, task, learning_rate, name="tab_transformer")

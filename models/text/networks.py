"""Keras text classifiers (bidirectional RNN, small Transformer: builders), and the
trainer of any Keras text kind.

Every text kind reads integer token ids from `data.tokenizer.Tokenizer`, fitted on
the training split only (so no test word shapes the vocabulary) and saved beside
the model as `tokenizer.json`: the probes need it to turn a typed sentence into
the same ids and to label attention axes with the words they came from. Whether
ids start with [CLS] is the kind's setting ("add_cls"); the sentence vector for
the embedding view is the layer feeding the output (models.inspection).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import keras
import numpy as np

from data.dataset import DatasetError, TextData
from data.splits import split_rows
from data.tokenizer import LengthProposal, Tokenizer, propose_lengths
from models import keras_training as keras_common
from models.inspection import inspect_keras
from models.outcome import TrainContext, TrainOutcome
from models.request import TrainRequest
from models.text.batching import length_batches, predict_by_length
from models.text.layers import ClsPooling, TextEmbedding, TextEncoderBlock
from models.text.probes import TOKENIZER_FILE

RNN_CELLS = ("lstm", "gru")


def build_rnn(
    vocab_size: int,
    max_len: int,
    n_classes: int,
    *,
    cell: str,
    embedding_dim: int,
    rnn_units: int,
    dropout: float,
    learning_rate: float,
) -> keras.Model:
    """Embedding → bidirectional LSTM/GRU → softmax. Layer names are what the probes look up."""
    cell = str(cell).lower()
    if cell not in RNN_CELLS:
        raise ValueError(f"cell must be 'lstm' or 'gru', not {cell!r}; set the 'cell' parameter")
    ids = keras.Input(shape=(None,), dtype="int32", name="token_ids")  # any length ≤ max_len
    x = keras.layers.Embedding(
        int(vocab_size), int(embedding_dim), mask_zero=True, name="embedding"
    )(ids)
    recurrent = keras.layers.LSTM if cell == "lstm" else keras.layers.GRU
    x = keras.layers.Bidirectional(recurrent(int(rnn_units)), name="rnn")(x)
    x = keras.layers.Dropout(float(dropout), name="dropout")(x)
    outputs = keras.layers.Dense(n_classes, activation="softmax", name="output")(x)
    return keras_common.compile_classifier(
        keras.Model(ids, outputs, name=f"bi{cell}"), learning_rate
    )


def build_transformer(
    vocab_size: int,
    max_len: int,
    n_classes: int,
    *,
    embedding_dim: int,
    num_heads: int,
    num_layers: int,
    ff_dim: int,
    dropout: float,
    learning_rate: float,
) -> keras.Model:
    """Token+position embedding → encoder blocks → the [CLS] vector → softmax.

    Classifying from [CLS] (position 0) makes "what the [CLS] position attends to"
    a direct view of what the decision reads. Dropout acts on the embeddings, the
    residual branches and the pooled vector, not on the attention weights (see
    TextEncoderBlock: that one costs more than half of a step on a CPU).
    """
    ids = keras.Input(shape=(None,), dtype="int32", name="token_ids")  # any length ≤ max_len
    x = TextEmbedding(vocab_size, max_len, embedding_dim, name="embedding")(ids)
    x = keras.layers.Dropout(float(dropout), name="embedding_dropout")(x)
    for index in range(1, int(num_layers) + 1):
        block = TextEncoderBlock(
            embedding_dim,
            num_heads,
            ff_dim,
            dropout,
            attention_dropout=0.0,
            name=f"encoder_{index}",
        )
        x = block(x)
    x = ClsPooling(name="pooled")(x)
    x = keras.layers.Dropout(float(dropout), name="dropout")(x)
    outputs = keras.layers.Dense(n_classes, activation="softmax", name="output")(x)
    return keras_common.compile_classifier(
        keras.Model(ids, outputs, name="transformer"), learning_rate
    )


@dataclass
class PreparedText:
    tokenizer: Tokenizer
    proposal: LengthProposal
    class_names: list[str]
    train_index: np.ndarray
    test_index: np.ndarray
    y: np.ndarray  # class index of every text in the dataset
    notes: list[str]


def prepare_text(data: TextData, request: TrainRequest) -> PreparedText:
    """Split, then fit the tokenizer on the training texts with proposed or chosen sizes."""
    spec, add_cls = request.spec, adds_cls(request)
    labels = np.asarray(data.labels).astype(str)
    class_names = sorted(set(labels))
    if len(class_names) < 2:
        raise DatasetError("text classification needs at least 2 labels; this dataset has one")
    y = np.searchsorted(class_names, labels).astype(np.int32)
    train, test = split_rows(y, spec.test_size, spec.seed, spec.fold_plan)
    train_texts = list(data.texts[train])
    mode = spec.dataset_options.get("tokenizer_mode") or "auto"
    ngrams = int(request.settings.get("ngrams", 1))  # the kind's: bags of n-grams read pairs
    proposal = propose_lengths(train_texts, mode, ngrams=ngrams)
    chosen_len = int(request.params["max_len"] or 0)
    max_len = chosen_len or proposal.max_len + (1 if add_cls else 0)
    max_vocab = int(request.params["max_vocab"] or 0) or proposal.max_vocab
    tokenizer = Tokenizer(proposal.mode, max_vocab, max_len, ngrams=ngrams).fit(train_texts)
    source = "set in the run" if chosen_len else "proposed from the 95th percentile"
    runs = f" with runs of up to {ngrams} neighbouring tokens" if ngrams > 1 else ""
    notes = [
        f"Tokenizer: {proposal.mode} mode{runs}, {tokenizer.vocab_size:,} vocabulary entries "
        f"(fitted on the {len(train):,} training texts), sequences of {tokenizer.max_len_} "
        f"tokens ({source}{', including [CLS]' if add_cls else ''}).",
        "Training texts: " + tokenizer.truncation_report(train_texts, add_cls).summary(),
    ]
    return PreparedText(tokenizer, proposal, class_names, train, test, y, notes)


def save_tokenizer(tokenizer: Tokenizer, run_dir: Path) -> None:
    """Beside the model, so probes encode a typed sentence exactly as training did."""
    path = Path(run_dir) / TOKENIZER_FILE
    path.write_text(json.dumps(tokenizer.to_dict(), ensure_ascii=False), encoding="utf-8")


def adds_cls(request: TrainRequest) -> bool:
    """Whether the kind reads a [CLS] token before the text (its "add_cls" setting)."""
    return bool(request.settings.get("add_cls"))


def train(data: TextData, request: TrainRequest, ctx: TrainContext) -> TrainOutcome:
    keras_common.seed_everything(request.seed)
    ctx.set_phase("tokenizing")
    add_cls = adds_cls(request)
    prepared = prepare_text(data, request)
    ctx.notes.extend(prepared.notes)
    tokenizer = prepared.tokenizer
    save_tokenizer(tokenizer, ctx.run_dir)
    x_train = tokenizer.encode(data.texts[prepared.train_index], add_cls=add_cls)
    x_test = tokenizer.encode(data.texts[prepared.test_index], add_cls=add_cls)
    y_train, y_test = prepared.y[prepared.train_index], prepared.y[prepared.test_index]
    model = request.build(tokenizer.vocab_size, tokenizer.max_len_, len(prepared.class_names))
    batch_size = int(request.params["batch_size"])

    def batches(x: np.ndarray, y: np.ndarray, shuffle: bool):
        return length_batches(x, y, batch_size, shuffle=shuffle, seed=request.seed)

    fitted = keras_common.fit_request(model, x_train, y_train, request, ctx, batches=batches)
    ctx.set_phase("evaluating")
    model.save(ctx.run_dir / "model.keras")
    details = inspect_keras(model).details
    layer = details["feature_layer"]
    probe = keras.Model(model.inputs, [model.output, model.get_layer(layer).output])
    proba, pooled = predict_by_length(probe, x_test)
    features = {layer: np.asarray(pooled, dtype=np.float32).reshape(len(x_test), -1)}
    return TrainOutcome(
        task="classification",
        class_names=prepared.class_names,
        test_index=prepared.test_index,
        y_true=y_test,
        y_pred=proba.argmax(axis=1),
        proba=proba,
        features=features,
        model_file="model.keras",
        extra={
            **details,
            "add_cls": add_cls,
            "tokenizer_mode": tokenizer.mode_,
            "max_len": tokenizer.max_len_,
            "vocab_size": tokenizer.vocab_size,
            "proposed_max_len": prepared.proposal.max_len,
            "proposed_max_vocab": prepared.proposal.max_vocab,
        },
        **fitted.outcome_fields(),
    )

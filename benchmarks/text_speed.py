"""Training samples/s of the neural text models against bare-Keras references, one run.

    .venv/bin/python benchmarks/text_speed.py [--samples 2560] [--rounds 2]

The data is the built-in Chinese reviews, tokenized as a run does (character mode,
vocabulary and length proposed from the texts: 193 tokens with [CLS]). Each model
trains one epoch over the same `--samples` training texts after a few warm-up
batches, with TensorFlow's op determinism on, as in a run.

"bare Keras" rows are the architecture as plain Keras code would write it, the way
Glassbox trained it before issue 14: every batch padded to the full length, batch
size 64, and for the Transformer Keras' MultiHeadAttention with dropout on the
attention weights. "glassbox" rows are the project's builders and its length
batching (models/text/batching.py), at the same sizes, length and batch size; the
second bare Transformer row (no attention dropout) tells what each change brings.
References and ours alternate, so a slow spell on the shared machine hits both;
the load average is printed with every row. Goals: Transformer ≥ 5x, BiLSTM ≥ 2x.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

from _common import ROOT  # noqa: F401  (puts the project on sys.path)

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

SIZES = {"embedding_dim": 64, "num_heads": 2, "num_layers": 2, "ff_dim": 128, "rnn_units": 64}
DROPOUT, LEARNING_RATE, BATCH = 0.1, 1e-3, 64


def review_ids(n_samples: int):
    """Token ids and labels of `n_samples` reviews, tokenized as a run tokenizes them."""
    import numpy as np

    from data.registry import load_dataset
    from data.tokenizer import Tokenizer, propose_lengths

    data = load_dataset("builtin:chinese_reviews", ROOT / "workspace", {}).data
    texts = list(data.texts)
    proposal = propose_lengths(texts, "auto")
    tokenizer = Tokenizer(proposal.mode, proposal.max_vocab, proposal.max_len + 1).fit(texts)
    rows = np.random.default_rng(0).permutation(len(texts))[:n_samples]
    labels = np.asarray(data.labels).astype(str)
    y = np.searchsorted(sorted(set(labels)), labels[rows]).astype(np.int32)
    return tokenizer.encode([texts[row] for row in rows], add_cls=True), y, tokenizer.vocab_size


def bare_transformer(vocab: int, length: int, attention_dropout: float):
    import keras

    ids = keras.Input(shape=(length,), dtype="int32")
    tokens = keras.layers.Embedding(vocab, SIZES["embedding_dim"], mask_zero=True)(ids)
    positions = keras.layers.Embedding(length, SIZES["embedding_dim"])(
        keras.ops.arange(length)[None, :]
    )
    x = keras.layers.Dropout(DROPOUT)(tokens + positions)
    for _ in range(SIZES["num_layers"]):
        attended = keras.layers.MultiHeadAttention(
            SIZES["num_heads"],
            SIZES["embedding_dim"] // SIZES["num_heads"],
            dropout=attention_dropout,
        )(x, x)
        x = keras.layers.LayerNormalization(epsilon=1e-6)(
            x + keras.layers.Dropout(DROPOUT)(attended)
        )
        inner = keras.layers.Dense(SIZES["ff_dim"], activation="relu")(x)
        inner = keras.layers.Dense(SIZES["embedding_dim"])(inner)
        x = keras.layers.LayerNormalization(epsilon=1e-6)(x + keras.layers.Dropout(DROPOUT)(inner))
    x = keras.layers.Dropout(DROPOUT)(x[:, 0, :])
    return _compiled(keras.Model(ids, keras.layers.Dense(2, activation="softmax")(x)))


def bare_bilstm(vocab: int, length: int):
    import keras

    ids = keras.Input(shape=(length,), dtype="int32")
    x = keras.layers.Embedding(vocab, SIZES["embedding_dim"], mask_zero=True)(ids)
    x = keras.layers.Bidirectional(keras.layers.LSTM(SIZES["rnn_units"]))(x)
    x = keras.layers.Dropout(DROPOUT)(x)
    return _compiled(keras.Model(ids, keras.layers.Dense(2, activation="softmax")(x)))


def _compiled(model):
    from models.keras_training import compile_classifier

    return compile_classifier(model, LEARNING_RATE)


def ours(kind: str, vocab: int, length: int):
    from models.registry import get_kind

    sizes = {**SIZES, "dropout": DROPOUT, "learning_rate": LEARNING_RATE}
    if kind == "rnn":
        sizes["cell"] = "lstm"
    return get_kind(kind).build(vocab, length, 2, **sizes)


def samples_per_s(model, x, y, batched: bool) -> float:
    """One epoch over x after three warm-up batches (tracing is not counted)."""
    from models.text.batching import length_batches

    def fit(rows: int) -> None:
        if batched:
            model.fit(length_batches(x[:rows], y[:rows], BATCH, shuffle=True), verbose=0)
        else:
            model.fit(x[:rows], y[:rows], batch_size=BATCH, shuffle=True, verbose=0)

    fit(3 * BATCH)
    started = time.perf_counter()
    fit(len(x))
    return len(x) / (time.perf_counter() - started)


def main() -> None:
    import warnings

    warnings.filterwarnings("ignore")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=2560)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--only", choices=["transformer", "rnn"], help="one model only")
    args = parser.parse_args()

    from models.keras_training import seed_everything

    seed_everything(0)
    x, y, vocab = review_ids(args.samples)
    length = x.shape[1]
    print(f"{len(x):,} reviews, padded length {length}, batch {BATCH}, sizes {SIZES}")
    contenders = {
        "transformer": {
            "bare Keras (today's)": lambda: (bare_transformer(vocab, length, DROPOUT), False),
            "bare Keras, no attention dropout": lambda: (
                bare_transformer(vocab, length, 0.0),
                False,
            ),
            "glassbox": lambda: (ours("transformer", vocab, length), True),
        },
        "rnn": {
            "bare Keras BiLSTM (today's)": lambda: (bare_bilstm(vocab, length), False),
            "glassbox BiLSTM": lambda: (ours("rnn", vocab, length), True),
        },
    }
    for model_name, rows in contenders.items():
        if args.only and args.only != model_name:
            continue
        seen: dict[str, list[float]] = {label: [] for label in rows}
        for _ in range(args.rounds):
            for label, make in rows.items():
                model, batched = make()
                seen[label].append(samples_per_s(model, x, y, batched))
                print(
                    f"  {label:<34} {seen[label][-1]:7.1f} samples/s  "
                    f"(load {os.getloadavg()[0]:.1f})",
                    flush=True,
                )
        base = statistics.median(next(iter(seen.values())))
        print(f"{model_name}: median samples/s, and ratio to today's bare Keras")
        for label, values in seen.items():
            median = statistics.median(values)
            print(f"  {label:<34} {median:7.1f}   {median / base:5.2f}x")


if __name__ == "__main__":
    main()

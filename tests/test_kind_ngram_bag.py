"""The bag-of-n-grams text kind (models/kinds/ngram_bag.py) and the tokenizer's n-grams.

The tokenizer emits each token followed by the pairs it starts, a saved tokenizer
keeps that, and a trained bag explains a sentence token by token and pair by pair.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from data.tokenizer import Tokenizer, propose_lengths, split_tokens, with_ngrams
from models.artifacts import load_results
from models.registry import get_kind
from models.spec import RunSpec
from models.store import RunStore
from tests.factories import train_now
from tests.text_samples import review_frame, upload_reviews

SMALL = {"embedding_dim": 8, "batch_size": 16, "epochs": 8, "learning_rate": 0.05}


def test_ngrams_follow_each_token_in_text_order():
    assert with_ngrams(split_tokens("好评如潮", "char"), "char", 2) == [
        "好", "好评", "评", "评如", "如", "如潮", "潮",
    ]  # fmt: skip
    assert with_ngrams(["not", "good"], "word", 2) == ["not", "not good", "good"]
    assert with_ngrams(["a", "b", "c"], "word", 3) == ["a", "a b", "a b c", "b", "b c", "c"]
    assert with_ngrams(["a", "b"], "word", 1) == ["a", "b"]


def test_a_tokenizer_with_pairs_encodes_them_and_saves_that():
    texts = ["very good book", "not good at all", "good good"]
    tokenizer = Tokenizer(mode="word", max_len=12, ngrams=2).fit(texts)
    assert "not good" in tokenizer.index_ and "good good" in tokenizer.index_
    assert tokenizer.tokens("not good") == ["not", "not good", "good"]
    restored = Tokenizer.from_dict(json.loads(json.dumps(tokenizer.to_dict())))
    np.testing.assert_array_equal(restored.encode(texts), tokenizer.encode(texts))
    assert restored.tokens("not good") == ["not", "not good", "good"]
    old = tokenizer.to_dict()
    del old["settings"]["ngrams"]  # saved before n-grams existed: single tokens
    assert Tokenizer.from_dict(old).tokens("not good") == ["not", "good"]
    with pytest.raises(ValueError, match="ngrams must be at least 1"):
        Tokenizer(ngrams=0).fit(texts)


def test_proposed_lengths_count_the_pairs():
    texts = ["a b c d"] * 20
    assert propose_lengths(texts, "word", ngrams=2).p50 == 7  # 4 words + 3 pairs
    assert propose_lengths(texts, "word").p50 == 4


def test_kind_reads_pairs_and_builds_an_average_of_embeddings():
    kind = get_kind("ngram_bag")
    assert kind.settings == {"ngrams": 2}
    model = kind.build(50, 16, 3, embedding_dim=4)
    assert [layer.name for layer in model.layers][1:3] == ["embedding", "pooled"]
    assert model.output.shape[-1] == 3


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    store = RunStore(tmp_path_factory.mktemp("ngram_bag") / "ws")
    ref = upload_reviews(store.workspace, review_frame(120))
    options = {"text_column": "review", "label_column": "sentiment", "tokenizer_mode": "word"}
    spec = RunSpec(ref, "ngram_bag", SMALL, seed=0, test_size=0.25, dataset_options=options)
    return store, train_now(store, spec)


def test_trains_through_the_worker_with_pairs_and_says_so(trained):
    store, run_id = trained
    run = store.get(run_id)
    assert run.status == "succeeded", run.traceback
    assert run.final_metrics["accuracy"] >= 0.8
    results = load_results(store.run_dir(run_id))
    assert set(results.meta["capabilities"]) >= {"features", "token_saliency", "predict_one"}
    assert results.feature_layers == ["pooled"]
    assert any("runs of up to 2 neighbouring tokens" in note for note in results.notes)


def test_saliency_covers_each_token_and_each_pair(trained):
    from models.model_io import load_keras
    from models.text.probes import load_tokenizer, rnn_saliency

    store, run_id = trained
    run_dir = store.run_dir(run_id)
    model, tokenizer = load_keras(run_dir), load_tokenizer(run_dir)
    sentence = "the book was wonderful"
    saliency = rnn_saliency(model, tokenizer, sentence)
    assert saliency.tokens == ["the", "the book", "book", "book was", "was", "was wonderful",
                               "wonderful"]  # fmt: skip
    assert saliency.values.shape == (7,) and np.any(saliency.values != 0)
    expected = model.predict(tokenizer.encode([sentence]), verbose=0)[0]
    np.testing.assert_allclose(saliency.probabilities, expected, atol=1e-5)

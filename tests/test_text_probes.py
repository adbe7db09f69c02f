"""Probes on small untrained text models: shapes, normalisation and token alignment.

Untrained weights are enough here: these properties (rows summing to 1, one value
per token, axes matching the tokens) must hold for any weights.
"""

from __future__ import annotations

import numpy as np
import pytest

from data.dataset import DatasetError
from data.tokenizer import Tokenizer
from models.registry import get_kind

CORPUS = [
    "the film was great fun",
    "a dull and boring film",
    "这部电影很好看",
    "太无聊了 👎",
    "great 好 👍🏽 fun",
]
MAX_LEN = 12


@pytest.fixture(scope="module")
def tokenizer():
    return Tokenizer("word", max_vocab=100, max_len=MAX_LEN).fit(CORPUS)


@pytest.fixture(scope="module")
def transformer(tokenizer):
    return get_kind("transformer").build(
        tokenizer.vocab_size, MAX_LEN, 3, embedding_dim=8, num_heads=2, num_layers=2, ff_dim=8
    )


@pytest.fixture(scope="module")
def rnn(tokenizer):
    return get_kind("rnn").build(tokenizer.vocab_size, MAX_LEN, 3, embedding_dim=8, rnn_units=4)


@pytest.mark.parametrize("text", ["great 好 👍🏽 fun", "the film was great", "好"])
def test_attention_rows_sum_to_one_over_the_real_tokens(transformer, tokenizer, text):
    from models.text.probes import attention_maps

    maps = attention_maps(transformer, tokenizer, text)
    tokens = tokenizer.tokens(text, add_cls=True)
    assert maps.tokens == tokens
    t = len(tokens)
    assert t < MAX_LEN  # padding exists, and is excluded from the maps
    assert maps.weights.shape == (2, 2, t, t)
    np.testing.assert_allclose(maps.weights.sum(axis=-1), 1.0, atol=1e-5)
    assert maps.matrix(1).shape == (t, t)
    np.testing.assert_allclose(maps.matrix(1), maps.weights[1].mean(axis=0))


def test_attention_received_pooled_or_from_cls(transformer, tokenizer):
    from models.text.probes import attention_maps

    maps = attention_maps(transformer, tokenizer, "the film was great fun")
    pooled = maps.received(0)
    assert pooled.shape == (len(maps.tokens),)
    assert pooled.sum() == pytest.approx(1.0, abs=1e-5)
    np.testing.assert_allclose(maps.received(0, "cls"), maps.matrix(0)[0])
    np.testing.assert_allclose(maps.received(1, "cls", head=1), maps.weights[1, 1, 0])


def test_long_text_is_cut_to_max_len_with_tokens_aligned(transformer, tokenizer):
    from models.text.probes import attention_maps

    text = " ".join(["great fun"] * 20)
    maps = attention_maps(transformer, tokenizer, text)
    assert len(maps.tokens) == MAX_LEN == maps.weights.shape[-1]
    assert maps.tokens[0] == "[CLS]"


def test_probe_probabilities_match_the_model(transformer, tokenizer):
    from models.text.probes import attention_maps, keras_probabilities

    text = "a dull film 👎"
    maps = attention_maps(transformer, tokenizer, text)
    ids = tokenizer.encode([text], add_cls=True)
    expected = transformer.predict(ids, verbose=0)[0]
    np.testing.assert_allclose(maps.probabilities, expected, atol=1e-5)
    np.testing.assert_allclose(
        keras_probabilities(transformer, tokenizer, text, add_cls=True), expected, atol=1e-5
    )


@pytest.mark.parametrize("text", ["great 好 👍🏽 fun", "这部电影很好看", "boring"])
def test_rnn_saliency_has_one_value_per_token(rnn, tokenizer, text):
    from models.text.probes import rnn_saliency

    saliency = rnn_saliency(rnn, tokenizer, text)
    assert saliency.tokens == tokenizer.tokens(text)
    assert saliency.values.shape == (len(saliency.tokens),)
    assert np.all(np.isfinite(saliency.values)) and np.any(saliency.values != 0)
    predicted = rnn.predict(tokenizer.encode([text]), verbose=0)[0]
    assert saliency.class_index == int(predicted.argmax())
    np.testing.assert_allclose(saliency.probabilities, predicted, atol=1e-5)


def test_rnn_saliency_depends_on_the_class(rnn, tokenizer):
    from models.text.probes import rnn_saliency

    first = rnn_saliency(rnn, tokenizer, "the film was great fun", class_index=0)
    second = rnn_saliency(rnn, tokenizer, "the film was great fun", class_index=2)
    assert (first.class_index, second.class_index) == (0, 2)
    assert not np.allclose(first.values, second.values)


def test_prepared_saliency_is_traced_once_and_a_sentence_reuses_the_trace(tokenizer):
    """What the background warm-up buys: the page's first sentence does not trace again."""
    from models.text.probes import _saliency_function, prepare_saliency, rnn_saliency

    model = get_kind("rnn").build(tokenizer.vocab_size, MAX_LEN, 3, embedding_dim=8, rnn_units=4)
    prepare_saliency(model)
    function = _saliency_function(model)
    assert function.experimental_get_tracing_count() == 1
    for text in ("the film was great fun", "好", "a dull and boring film and more words"):
        rnn_saliency(model, tokenizer, text, class_index=1)
    assert _saliency_function(model) is function
    assert function.experimental_get_tracing_count() == 1


def test_empty_sentence_is_refused_with_a_message(transformer, rnn, tokenizer):
    from models.text.probes import attention_maps, rnn_saliency, sklearn_probabilities

    with pytest.raises(DatasetError, match="type some words"):
        attention_maps(transformer, tokenizer, "   ")
    with pytest.raises(DatasetError, match="type some words"):
        rnn_saliency(rnn, tokenizer, "")
    with pytest.raises(DatasetError, match="empty"):
        sklearn_probabilities(None, " ")


def test_tfidf_contributions_point_to_the_deciding_words():
    from models.text.probes import sklearn_probabilities, tfidf_contributions

    texts = ["great fun film", "great acting", "dull boring film", "boring plot"] * 5
    labels = np.array([1, 1, 0, 0] * 5)
    pipeline = get_kind("tfidf_logreg").build("word", 0, ngram_max=1).fit(texts, labels)
    probabilities = sklearn_probabilities(pipeline, "great film")
    assert probabilities.argmax() == 1
    terms = dict(tfidf_contributions(pipeline, "great film", class_index=1))
    assert terms["great"] > 0 and terms["great"] > terms["film"]
    against = dict(tfidf_contributions(pipeline, "great film", class_index=0))
    assert against["great"] == pytest.approx(-terms["great"])

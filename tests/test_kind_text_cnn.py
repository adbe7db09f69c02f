"""The 1-D convolutional text kind: one module (models/kinds/text_cnn.py), trained for real.

It declares nothing about views; Explore's saliency comes from its structure, so
the test checks the saliency probe on the trained model too.
"""

from __future__ import annotations

import numpy as np
import pytest

from models.artifacts import load_features, load_results
from models.registry import get_kind, kinds_for
from models.spec import RunSpec
from models.store import RunStore
from tests.factories import train_now
from tests.text_samples import review_frame, upload_reviews

SMALL = {
    "embedding_dim": 8,
    "filters": 6,
    "kernel_size": 3,
    "batch_size": 16,
    "epochs": 8,
    "learning_rate": 0.02,
}


def test_it_is_listed_for_text_after_the_core_kinds():
    keys = [kind.key for kind in kinds_for("text")]
    assert keys[:3] == ["rnn", "transformer", "tfidf_logreg"] and "text_cnn" in keys[3:]
    assert get_kind("text_cnn").settings == {}  # no [CLS] token


def test_builder_stacks_the_blocks_and_pools_between_them():
    model = get_kind("text_cnn").build(50, 16, 3, filters=4, kernel_size=3, conv_blocks=3)
    names = [layer.name for layer in model.layers]
    assert [n for n in names if n.startswith("conv_")] == ["conv_1", "conv_2", "conv_3"]
    assert [n for n in names if n.startswith("pool_")] == ["pool_1", "pool_2"]  # 16 → 8 → 4
    assert model.get_layer("conv_3").output.shape[-1] == 4  # any text length: batches are trimmed
    assert model.output.shape[-1] == 3
    with pytest.raises(ValueError, match="conv_blocks must be at least 1"):
        get_kind("text_cnn").build(50, 16, 3, conv_blocks=0)


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    store = RunStore(tmp_path_factory.mktemp("text_cnn") / "ws")
    ref = upload_reviews(store.workspace, review_frame(120))
    options = {"text_column": "review", "label_column": "sentiment"}
    spec = RunSpec(ref, "text_cnn", SMALL, seed=0, test_size=0.25, dataset_options=options)
    return store, train_now(store, spec)


def test_trains_through_the_worker_and_learns_the_sentiment_words(trained):
    store, run_id = trained
    run = store.get(run_id)
    assert run.status == "succeeded", run.traceback
    assert list(store.history(run_id)["epoch"]) == list(range(1, 9))
    assert run.final_metrics["accuracy"] >= 0.8
    results = load_results(store.run_dir(run_id))
    assert results.feature_layers == ["pooled"]
    assert load_features(store.run_dir(run_id), "pooled").shape == (30, 6)
    assert results.meta["add_cls"] is False


def test_meta_declares_saliency_without_any_view_knowing_the_kind(trained):
    store, run_id = trained
    meta = load_results(store.run_dir(run_id)).meta
    assert set(meta["capabilities"]) == {
        "curves", "features", "probabilities", "predict_one", "token_saliency",
    }  # fmt: skip
    assert meta["embedding_layer"] == "embedding"


def test_saved_model_predicts_and_explains_a_sentence(trained):
    from models.model_io import load_keras
    from models.text.probes import load_tokenizer, rnn_saliency

    store, run_id = trained
    run_dir = store.run_dir(run_id)
    model, tokenizer = load_keras(run_dir), load_tokenizer(run_dir)
    results = load_results(run_dir)
    texts = review_frame(120)["review"].to_numpy()[results.test_index]
    again = model.predict(tokenizer.encode(texts), verbose=0)
    np.testing.assert_allclose(again, results.proba, atol=1e-5)
    sentence = "the book was wonderful and great"
    saliency = rnn_saliency(model, tokenizer, sentence)
    assert saliency.tokens == tokenizer.tokens(sentence)
    assert saliency.values.shape == (6,) and np.any(saliency.values != 0)
    # the probe replays the layers after the embedding: same prediction as the model
    expected = model.predict(tokenizer.encode([sentence]), verbose=0)[0]
    np.testing.assert_allclose(saliency.probabilities, expected, atol=1e-5)
    assert saliency.class_index == results.class_names.index("pos") == int(expected.argmax())
    other = rnn_saliency(model, tokenizer, sentence, class_index=1 - saliency.class_index)
    assert not np.allclose(other.values, saliency.values)

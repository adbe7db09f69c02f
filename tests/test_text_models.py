"""Text trainers end to end through the real worker: RNN, Transformer and TF-IDF baseline."""

from __future__ import annotations

import json

import numpy as np
import pytest

from data.dataset import TextData
from models.artifacts import load_features, load_results
from models.registry import get_kind
from models.spec import RunSpec
from models.store import RunStore
from tests.factories import train_now
from tests.text_samples import TINY_TEXT_PARAMS as TINY
from tests.text_samples import review_frame, upload_reviews


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """One tiny run of every text kind, trained once for this module."""
    store = RunStore(tmp_path_factory.mktemp("text_models") / "ws")
    ref = upload_reviews(store.workspace, review_frame())
    options = {"text_column": "review", "label_column": "sentiment"}
    runs = {}
    for model, params in [
        ("rnn", {**TINY, "epochs": 2}),
        ("transformer", {**TINY, "epochs": 2}),
        ("tfidf_logreg", {}),
    ]:
        spec = RunSpec(ref, model, params, seed=0, test_size=0.25, dataset_options=options)
        runs[model] = train_now(store, spec)
    return store, runs


@pytest.mark.parametrize(
    "model, layer, width",
    [("rnn", "rnn", 16), ("transformer", "pooled", 8), ("tfidf_logreg", "tfidf_svd", None)],
)
def test_every_text_kind_trains_through_the_worker(trained, model, layer, width):
    store, runs = trained
    run = store.get(runs[model])
    assert run.status == "succeeded", run.error
    results = load_results(store.run_dir(run.id))
    assert results.class_names == ["neg", "pos"]
    n_test = len(results.test_index)
    assert n_test == 20
    assert results.proba.shape == (n_test, 2)
    np.testing.assert_allclose(results.proba.sum(axis=1), 1.0, atol=1e-5)
    assert results.feature_layers[0] == layer
    features = load_features(store.run_dir(run.id), layer)
    assert features.shape[0] == n_test
    if width is not None:
        assert features.shape[1] == width
    assert "accuracy" in run.final_metrics
    assert results.meta["modality"] == "text"


@pytest.mark.parametrize(
    "model, shows",
    [
        ("rnn", {"curves", "token_saliency"}),
        ("transformer", {"curves", "token_attention"}),
        ("tfidf_logreg", set()),
    ],
)
def test_each_text_run_records_what_it_can_show(trained, model, shows):
    store, runs = trained
    meta = load_results(store.run_dir(runs[model])).meta
    assert set(meta["capabilities"]) == {"features", "probabilities", "predict_one"} | shows


def test_keras_runs_log_epochs_and_the_baseline_logs_none(trained):
    store, runs = trained
    assert list(store.history(runs["rnn"])["epoch"]) == [1, 2]
    assert list(store.history(runs["transformer"])["epoch"]) == [1, 2]
    assert len(store.history(runs["tfidf_logreg"])) == 0


def test_baseline_learns_the_sentiment_words(trained):
    store, runs = trained
    assert store.get(runs["tfidf_logreg"]).final_metrics["accuracy"] >= 0.9


def test_tokenizer_is_fitted_on_the_training_split_only(trained):
    from models.text.probes import load_tokenizer

    store, runs = trained
    run_dir = store.run_dir(runs["transformer"])
    tokenizer = load_tokenizer(run_dir)
    test_rows = set(load_results(run_dir).test_index.tolist())
    vocab = set(tokenizer.vocab_)
    for row in range(80):
        assert (f"id{row}" in vocab) == (row not in test_rows)


def test_notes_report_the_tokenizer_and_truncation(trained):
    store, runs = trained
    notes = load_results(store.run_dir(runs["rnn"])).notes
    assert any(note.startswith("Tokenizer: word mode") for note in notes)
    assert any("texts fit in" in note or "get cut" in note for note in notes)
    assert any("decaying to 0 along a cosine" in note for note in notes)
    meta = json.loads((store.run_dir(runs["transformer"]) / "meta.json").read_text())
    assert meta["add_cls"] is True and meta["max_len"] == meta["proposed_max_len"] + 1


def test_keras_model_round_trips_through_safe_mode(trained):
    from models.model_io import load_keras
    from models.text.probes import load_tokenizer

    store, runs = trained
    frame = review_frame()
    for model in ("rnn", "transformer"):
        run_dir = store.run_dir(runs[model])
        results = load_results(run_dir)
        loaded = load_keras(run_dir)
        texts = frame["review"].to_numpy()[results.test_index]
        ids = load_tokenizer(run_dir).encode(texts, add_cls=model == "transformer")
        again = loaded.predict(ids, verbose=0)
        np.testing.assert_allclose(again, results.proba, atol=1e-5)


def test_chosen_max_len_truncates_and_says_so():
    from models.text.networks import prepare_text

    frame = review_frame(40)
    data = TextData(frame["review"].to_numpy(dtype=object), frame["sentiment"].to_numpy(str))
    spec = RunSpec("upload:x", "rnn", {"max_len": 4, "max_vocab": 10})
    prepared = prepare_text(data, get_kind("rnn").request(spec))
    assert prepared.tokenizer.max_len_ == 4
    assert prepared.tokenizer.vocab_size == 10
    assert "set in the run" in prepared.notes[0]
    assert "get cut" in prepared.notes[1]


def test_tokenizer_mode_option_is_honoured():
    from models.text.networks import prepare_text

    frame = review_frame(40)
    data = TextData(frame["review"].to_numpy(dtype=object), frame["sentiment"].to_numpy(str))
    spec = RunSpec("upload:x", "transformer", dataset_options={"tokenizer_mode": "char"})
    prepared = prepare_text(data, get_kind("transformer").request(spec))
    assert prepared.tokenizer.mode_ == "char"
    assert prepared.tokenizer.max_len_ == prepared.proposal.max_len + 1  # room for [CLS]


def test_rnn_cell_is_choosable_and_checked():
    import keras

    rnn = get_kind("rnn")
    gru = rnn.build(50, 10, 3, cell="GRU", embedding_dim=4, rnn_units=4)
    assert isinstance(gru.get_layer("rnn").forward_layer, keras.layers.GRU)
    with pytest.raises(ValueError, match="cell must be 'lstm' or 'gru'"):
        rnn.build(50, 10, 3, cell="transformer")


@pytest.mark.parametrize(
    "texts, analyzer",
    [
        (["good fun movie", "bad dull film", "great film", "awful movie"] * 5, "word"),
        (["这部电影很好看", "这部电影很无聊", "非常精彩", "太失望了"] * 5, "char"),
    ],
)
def test_baseline_analyzer_follows_the_script(tmp_path, texts, analyzer):
    from models.outcome import TrainContext
    from models.text.baselines import train

    labels = np.array(["pos", "neg"] * 10)
    ctx = TrainContext(tmp_path, lambda *a: None, lambda p: None, lambda *a: None, lambda: False)
    data = TextData(np.array(texts, dtype=object), labels)
    outcome = train(
        data, get_kind("tfidf_logreg").request(RunSpec("upload:x", "tfidf_logreg")), ctx
    )
    assert outcome.extra["analyzer"] == analyzer
    assert (tmp_path / "model.skops").exists()
    assert outcome.features["tfidf_svd"].shape[0] == len(outcome.test_index)

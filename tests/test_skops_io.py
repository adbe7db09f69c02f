"""scikit-learn objects on disk: skops for new runs, joblib runs of older versions still read."""

from __future__ import annotations

import json

import joblib
import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

from models import skops_io
from models.spec import RunSpec
from models.store import RunStore
from tests.factories import train_now


def test_new_sklearn_runs_save_skops_and_predict_a_row(tmp_path):
    from data.builtin_tabular import BUILTIN_TABULAR
    from models.tabular.predict import load_predictor, predict_rows

    store = RunStore(tmp_path)
    run_id = train_now(store, RunSpec("builtin:iris", "random_forest", {"n_estimators": 20}))
    run_dir = store.run_dir(run_id)
    assert sorted(p.name for p in run_dir.glob("*.skops")) == ["model.skops", "preprocessor.skops"]
    assert not list(run_dir.glob("*.joblib"))
    frame = BUILTIN_TABULAR["iris"][1]().frame
    assert predict_rows(load_predictor(run_dir), frame.iloc[[0]]).values[0] == "setosa"


def test_older_joblib_runs_still_load(tmp_path):
    """A run folder as the app wrote it before skops: model.joblib beside meta.json."""
    from models.model_io import load_sklearn

    model = LogisticRegression().fit(np.eye(4), [0, 1, 0, 1])
    joblib.dump(model, tmp_path / "model.joblib")
    (tmp_path / "meta.json").write_text(json.dumps({"model_file": "model.joblib"}))
    assert load_sklearn(tmp_path).predict(np.eye(4)).tolist() == [0, 1, 0, 1]


def test_skops_file_round_trips_and_untrusted_types_are_named(tmp_path):
    from sklearn.preprocessing import FunctionTransformer

    model = LogisticRegression().fit(np.eye(4), [0, 1, 0, 1])
    assert skops_io.load(skops_io.save(model, tmp_path / "m.skops")).coef_.shape == (1, 4)
    import os

    # os.system: a function nobody patches (Ray, once imported, replaces builtins.print)
    skops_io.save(FunctionTransformer(os.system), tmp_path / "bad.skops")
    with pytest.raises(skops_io.UntrustedFile, match=r"posix\.system"):
        skops_io.load(tmp_path / "bad.skops")


def test_a_tfidf_pipeline_is_saved_with_its_vocabulary_as_one_array_and_predicts_the_same(
    tmp_path,
):
    """skops writes a vocabulary dict entry by entry (each NumPy index as an array file of its
    own; a character n-gram model took minutes to save and seconds to load). Saved as one
    array of terms, it loads as a plain pipeline that rebuilds the same dict."""
    import zipfile

    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import Pipeline

    texts = ["good and fine", "bad and poor", "fine work", "poor work"] * 5
    labels = [1, 0, 1, 0] * 5
    pipeline = Pipeline(
        [
            ("tfidf", TfidfVectorizer(analyzer="char", ngram_range=(1, 3), max_features=40)),
            ("clf", LogisticRegression()),
        ]
    ).fit(texts, labels)
    before = pipeline.predict_proba(texts)
    fitted = dict(pipeline.named_steps["tfidf"].vocabulary_)
    saved = skops_io.save(pipeline, tmp_path / "model.skops")
    kept = pipeline.named_steps["tfidf"]
    assert kept.vocabulary_ == fitted and kept.vocabulary is None  # the live model is untouched
    arrays = [name for name in zipfile.ZipFile(saved).namelist() if name.endswith(".npy")]
    assert len(arrays) < 10, f"{len(arrays)} array files for a 40-term vocabulary"
    schema = zipfile.ZipFile(saved).read("schema.json")
    assert b"good" not in schema  # the terms are in an array file, not one JSON node each
    import skops.io as sio

    loaded = sio.load(saved, trusted=sio.get_untrusted_types(file=saved))  # plain skops
    np.testing.assert_allclose(loaded.predict_proba(texts), before)
    assert loaded.named_steps["tfidf"].vocabulary_ == fitted

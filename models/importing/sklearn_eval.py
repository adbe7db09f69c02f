"""Evaluating a person's scikit-learn model or Pipeline on a dataset.

A table Pipeline is cut before its last step: the steps before it are saved as the
run's preprocessor and the last as its model, exactly the pair a table run trained
here saves, so Try-a-row, Score a CSV and feature importance read it unchanged.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from data.dataset import Data
from models import skops_io
from models.importing.evaluation import no_features_note, split
from models.importing.pairing import Pairing
from models.importing.skops_file import load_skops_file
from models.outcome import TrainContext, TrainOutcome
from models.request import TrainRequest

MODEL_FILE = "model.skops"


def _dense(matrix: Any) -> np.ndarray:
    return np.asarray(matrix.toarray() if hasattr(matrix, "toarray") else matrix, np.float32)


def _split_pipeline(model, pairing: Pairing, frame, train_rows) -> tuple[Any, Any]:
    """(preprocessor taking the raw columns, final estimator)."""
    if hasattr(model, "steps") and len(model.steps) > 1:
        return model[:-1], model[-1]
    from sklearn.compose import ColumnTransformer

    passthrough = ColumnTransformer([("numeric", "passthrough", pairing.columns)])
    passthrough.fit(frame[pairing.columns].iloc[train_rows])
    return passthrough, model


def _proba(estimator, x, pairing: Pairing) -> np.ndarray:
    """Probabilities with column i = pairing.class_order[i]."""
    raw = np.asarray(estimator.predict_proba(x), np.float32)
    names = [str(c) for c in estimator.classes_]
    if sorted(names) == sorted(pairing.class_order):
        return raw[:, [names.index(name) for name in pairing.class_order]]
    return raw  # classes are output positions; class_order names them


def _table(model, data: Data, pairing: Pairing, test, run_dir: Path, notes: list[str]):
    train_rows = np.setdiff1d(np.arange(len(data.frame)), test)
    preprocessor, estimator = _split_pipeline(model, pairing, data.frame, train_rows)
    skops_io.save(preprocessor, run_dir / "preprocessor.skops")
    skops_io.save(estimator, run_dir / MODEL_FILE)
    x = _dense(preprocessor.transform(data.frame[pairing.columns].iloc[test]))
    names = getattr(preprocessor, "get_feature_names_out", None)
    extra = {"feature_names": [str(n) for n in names()] if names else list(pairing.columns)}
    return estimator, x, {"input": x}, extra


def _text(model, data: Data, test, run_dir: Path, notes: list[str]):
    from models.text.baselines import svd_features

    skops_io.save(model, run_dir / MODEL_FILE)
    texts = [str(t) for t in data.texts[test]]
    if hasattr(model, "steps") and len(model.steps) > 1:
        return model, texts, {"vectorised_svd": svd_features(model[:-1].transform(texts), 0)}, {}
    notes.append(no_features_note("it is a single estimator, not a Pipeline"))
    return model, texts, {}, {"no_feature_layer": True}


def evaluate(
    data: Data, pairing: Pairing, request: TrainRequest, ctx: TrainContext
) -> TrainOutcome:
    y, test = split(data, pairing, request.spec.test_size, request.seed)
    model = load_skops_file(Path(request.params["model_path"]))
    if data.kind == "text":
        estimator, x, features, extra = _text(model, data, test, ctx.run_dir, ctx.notes)
    else:
        estimator, x, features, extra = _table(model, data, pairing, test, ctx.run_dir, ctx.notes)
    classify = pairing.task == "classification"
    proba = _proba(estimator, x, pairing) if classify else None
    y_pred = proba.argmax(axis=1) if classify else np.asarray(estimator.predict(x), np.float32)
    caps = {"predict_one"} | ({"features"} if features else set())
    return TrainOutcome(
        task=pairing.task,
        class_names=list(pairing.class_order),
        test_index=test,
        y_true=y[test],
        y_pred=y_pred,
        proba=proba,
        features=features,
        model_file=MODEL_FILE,
        extra=extra,
        capabilities=frozenset(caps),
    )

"""scikit-learn baselines for tables: one builder per kind, and the trainer they share.

Each builder takes the task and the seed (what the run decides) and its kind's
hyperparameters (defaults in models/kinds/), and returns an unfitted estimator
for that task: a classifier for classes, a regressor for numbers.
"""

from __future__ import annotations

import numpy as np

from data.dataset import TabularData
from models import skops_io
from models.outcome import Stopwatch, TrainContext, TrainOutcome
from models.request import TrainRequest
from models.tabular.prep import prepare_table, save_preprocessor


def _classify(task: str) -> bool:
    return task == "classification"


def build_logreg(task: str, seed: int, *, C: float):
    from sklearn.linear_model import LogisticRegression, Ridge

    c = float(C)
    return LogisticRegression(C=c, max_iter=2000) if _classify(task) else Ridge(alpha=1.0 / c)


def build_random_forest(task: str, seed: int, *, n_estimators: int, max_depth: int):
    from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor

    cls = RandomForestClassifier if _classify(task) else RandomForestRegressor
    depth = int(max_depth) or None
    return cls(n_estimators=int(n_estimators), max_depth=depth, random_state=seed, n_jobs=1)


def build_hist_gb(task: str, seed: int, *, max_iter: int, learning_rate: float):
    from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor

    cls = HistGradientBoostingClassifier if _classify(task) else HistGradientBoostingRegressor
    return cls(max_iter=int(max_iter), learning_rate=float(learning_rate), random_state=seed)


def train(data: TabularData, request: TrainRequest, ctx: TrainContext) -> TrainOutcome:
    if getattr(data, "streamed", False):  # a table on disk: fitted on a stated sample
        from models.tabular.stream_training import train_sklearn

        return train_sklearn(data, request, ctx)
    spec = request.spec
    ctx.set_phase("preprocessing")
    table = prepare_table(
        data, spec.test_size, request.seed, spec.dataset_options.get("task"), spec.fold_plan
    )
    ctx.notes.extend(table.notes)
    save_preprocessor(table, ctx.run_dir)
    estimator = request.build(table.task, request.seed)
    ctx.set_phase("training")
    watch = Stopwatch()
    estimator.fit(table.x_train, table.y_train)
    seconds = watch.seconds
    ctx.set_phase("evaluating")
    skops_io.save(estimator, ctx.run_dir / "model.skops")
    classify = _classify(table.task)
    proba = estimator.predict_proba(table.x_test).astype(np.float32) if classify else None
    y_pred = (
        proba.argmax(axis=1) if classify else estimator.predict(table.x_test).astype(np.float32)
    )
    return TrainOutcome(
        task=table.task,
        class_names=table.class_names,
        test_index=table.test_index,
        y_true=table.y_test,
        y_pred=y_pred,
        proba=proba,
        features={"input": table.x_test},
        model_file="model.skops",
        fit_seconds=seconds,
        train_samples=len(table.x_train),
        epochs_run=1,
        extra={"feature_names": table.feature_names},
    )

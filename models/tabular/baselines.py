"""scikit-learn baselines for tables, trained through the same jobs as the Keras models."""

from __future__ import annotations

import joblib
import numpy as np
from sklearn.ensemble import (
    HistGradientBoostingClassifier,
    HistGradientBoostingRegressor,
    RandomForestClassifier,
    RandomForestRegressor,
)
from sklearn.linear_model import LogisticRegression, Ridge

from data.dataset import TabularData
from models.outcome import Stopwatch, TrainContext, TrainOutcome
from models.spec import RunSpec
from models.tabular.prep import prepare_table, save_preprocessor


def make_estimator(model: str, task: str, params: dict, seed: int):
    """One estimator per (model kind, task); hyperparameters come from the spec."""
    classify = task == "classification"
    if model == "logreg":
        c = float(params.get("C", 1.0))
        return LogisticRegression(C=c, max_iter=2000) if classify else Ridge(alpha=1.0 / c)
    if model == "random_forest":
        depth = int(params.get("max_depth", 0)) or None
        cls = RandomForestClassifier if classify else RandomForestRegressor
        return cls(
            n_estimators=int(params.get("n_estimators", 200)),
            max_depth=depth,
            random_state=seed,
            n_jobs=1,
        )
    if model == "hist_gb":
        cls = HistGradientBoostingClassifier if classify else HistGradientBoostingRegressor
        return cls(
            max_iter=int(params.get("max_iter", 200)),
            learning_rate=float(params.get("learning_rate", 0.1)),
            random_state=seed,
        )
    raise ValueError(f"no scikit-learn model {model!r}")


def train(data: TabularData, spec: RunSpec, ctx: TrainContext) -> TrainOutcome:
    ctx.set_phase("preprocessing")
    table = prepare_table(data, spec.test_size, spec.seed, spec.dataset_options.get("task"))
    ctx.notes.extend(table.notes)
    save_preprocessor(table, ctx.run_dir)
    estimator = make_estimator(spec.model, table.task, spec.params, spec.seed)
    ctx.set_phase("training")
    watch = Stopwatch()
    estimator.fit(table.x_train, table.y_train)
    seconds = watch.seconds
    ctx.set_phase("evaluating")
    joblib.dump(estimator, ctx.run_dir / "model.joblib")
    classify = table.task == "classification"
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
        model_file="model.joblib",
        fit_seconds=seconds,
        train_samples=len(table.x_train),
        epochs_run=1,
        extra={"feature_names": table.feature_names},
    )

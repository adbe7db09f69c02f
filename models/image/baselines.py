"""The pixel baseline: logistic regression on flattened, scaled pixels (builder and trainer).

It answers "does a deep model earn its keep here?" in seconds. Large uploads are
capped (rows and pixels) so the baseline stays a baseline, and a note on the
Explore page says what was capped.
"""

from __future__ import annotations

import numpy as np
from sklearn.linear_model import LogisticRegression

from data.dataset import ImageData
from models import skops_io
from models.image.prep import pool_factor, pooled_pixels, prepare_images
from models.outcome import Stopwatch, TrainContext, TrainOutcome
from models.request import TrainRequest

MAX_TRAIN_ROWS = 10_000
MAX_PIXEL_DIMS = 3072  # 32×32×3; bigger images are block-averaged down to this


def _cap_rows(y: np.ndarray, seed: int) -> np.ndarray:
    """Indices of at most MAX_TRAIN_ROWS training rows, stratified, the same for a seed."""
    if len(y) <= MAX_TRAIN_ROWS:
        return np.arange(len(y))
    from data.splits import split_indices

    keep, _ = split_indices(y, 1 - MAX_TRAIN_ROWS / len(y), seed)
    return keep


def build_pixel_logreg(seed: int, *, C: float) -> LogisticRegression:
    return LogisticRegression(C=float(C), max_iter=500, random_state=seed)


def train(data: ImageData, request: TrainRequest, ctx: TrainContext) -> TrainOutcome:
    ctx.set_phase("preprocessing")
    prepared = prepare_images(data, request.spec.test_size, request.seed, request.spec.fold_plan)
    factor = pool_factor(prepared.image_shape, MAX_PIXEL_DIMS)
    rows = _cap_rows(prepared.y_train, request.seed)
    if len(rows) < len(prepared.y_train):
        ctx.notes.append(
            f"The pixel baseline trained on {len(rows):,} of {len(prepared.y_train):,} training "
            "images (a stratified sample) to stay fast."
        )
    if factor > 1:
        ctx.notes.append(
            f"The pixel baseline saw pixels averaged over {factor}×{factor} blocks to keep at "
            f"most {MAX_PIXEL_DIMS:,} inputs per image."
        )
    x_train = pooled_pixels(prepared.x_train[rows], factor)
    x_test = pooled_pixels(prepared.x_test, factor)
    estimator = request.build(request.seed)
    ctx.set_phase("training")
    watch = Stopwatch()
    estimator.fit(x_train, prepared.y_train[rows])
    seconds = watch.seconds
    ctx.set_phase("evaluating")
    skops_io.save(estimator, ctx.run_dir / "model.skops")
    proba = estimator.predict_proba(x_test).astype(np.float32)
    return TrainOutcome(
        task="classification",
        class_names=prepared.class_names,
        test_index=prepared.test_index,
        y_true=prepared.y_test,
        y_pred=proba.argmax(axis=1),
        proba=proba,
        features={"input": x_test},
        model_file="model.skops",
        fit_seconds=seconds,
        train_samples=len(rows),
        epochs_run=1,
        extra={
            "image_shape": list(prepared.image_shape),
            "pool_factor": factor,
        },
    )


def predict_proba(estimator, images: np.ndarray, factor: int) -> np.ndarray:
    """Class probabilities for new uint8 images, transformed exactly as in training."""
    return estimator.predict_proba(pooled_pixels(images, factor)).astype(np.float32)

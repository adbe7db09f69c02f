"""Extra trees for tables: a whole kind, its declaration and its builder, in one module.

Extremely randomised trees split at random thresholds instead of the best ones,
so they fit faster than a random forest and often generalise as well. The trainer
is the one every scikit-learn table kind shares (models.tabular.baselines).
"""

from __future__ import annotations

from models.capabilities import PREDICT_ONE
from models.kinds.base import ModelKind


def build_extra_trees(task: str, seed: int, *, n_estimators: int, max_depth: int):
    from sklearn.ensemble import ExtraTreesClassifier, ExtraTreesRegressor

    cls = ExtraTreesClassifier if task == "classification" else ExtraTreesRegressor
    depth = int(max_depth) or None
    return cls(n_estimators=int(n_estimators), max_depth=depth, random_state=seed, n_jobs=1)


KINDS = [
    ModelKind(
        key="extra_trees",
        label="Extra trees",
        modality="tabular",
        framework="sklearn",
        trainer="models.tabular.baselines:train",
        builder=f"{__name__}:build_extra_trees",
        defaults={"n_estimators": 200, "max_depth": 0},
        capabilities={PREDICT_ONE},
        description="Randomised decision trees (random split thresholds), averaged; faster "
        "than a random forest (maximum tree depth 0 = no limit).",
    ),
]

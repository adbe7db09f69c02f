"""Model kinds for tables: the Keras MLP and the scikit-learn baselines.

Every table kind saves its preprocessor beside its model, so each predicts raw rows
(PREDICT_ONE: Explore's "Try a row" and "Score a CSV", models/tabular/predict.py).
"""

from models.capabilities import FEATURES, PREDICT_ONE
from models.kinds.base import KERAS_DEFAULTS, ModelKind

_SKLEARN = "models.tabular.baselines"

KINDS = [
    ModelKind(
        key="mlp",
        label="Keras MLP",
        modality="tabular",
        framework="keras",
        trainer="models.tabular.networks:train",
        builder="models.tabular.networks:build_mlp",
        defaults={**KERAS_DEFAULTS, "hidden_layers": 2, "hidden_units": 64},
        capabilities={FEATURES, PREDICT_ONE},
        description="Dense layers with ReLU and dropout; the penultimate layer feeds the UMAP view.",
    ),
    ModelKind(
        key="logreg",
        label="Logistic / ridge regression",
        modality="tabular",
        framework="sklearn",
        trainer=f"{_SKLEARN}:train",
        builder=f"{_SKLEARN}:build_logreg",
        defaults={"C": 1.0},
        capabilities={PREDICT_ONE},
        description="A linear baseline: logistic regression for classes, ridge for numbers.",
    ),
    ModelKind(
        key="random_forest",
        label="Random forest",
        modality="tabular",
        framework="sklearn",
        trainer=f"{_SKLEARN}:train",
        builder=f"{_SKLEARN}:build_random_forest",
        defaults={"n_estimators": 200, "max_depth": 0},
        capabilities={PREDICT_ONE},
        description="Bagged decision trees (maximum tree depth 0 = no limit).",
    ),
    ModelKind(
        key="hist_gb",
        label="Histogram gradient boosting",
        modality="tabular",
        framework="sklearn",
        trainer=f"{_SKLEARN}:train",
        builder=f"{_SKLEARN}:build_hist_gb",
        defaults={"max_iter": 200, "learning_rate": 0.1},
        capabilities={PREDICT_ONE},
        description="scikit-learn's LightGBM-style boosting; strong on tables.",
    ),
]

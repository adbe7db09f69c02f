"""Model kinds for tables."""

from models.kinds.base import KERAS_DEFAULTS, ModelKind

KINDS = [
    ModelKind(
        "mlp",
        "Keras MLP",
        "tabular",
        "keras",
        "models.tabular.networks:train",
        {**KERAS_DEFAULTS, "hidden_layers": 2, "hidden_units": 64},
        "Dense layers with ReLU and dropout; the penultimate layer feeds the UMAP view.",
    ),
    ModelKind(
        "logreg",
        "Logistic / ridge regression",
        "tabular",
        "sklearn",
        "models.tabular.baselines:train",
        {"C": 1.0},
        "A linear baseline: logistic regression for classes, ridge for numbers.",
    ),
    ModelKind(
        "random_forest",
        "Random forest",
        "tabular",
        "sklearn",
        "models.tabular.baselines:train",
        {"n_estimators": 200, "max_depth": 0},
        "Bagged decision trees (max_depth 0 = unlimited).",
    ),
    ModelKind(
        "hist_gb",
        "Histogram gradient boosting",
        "tabular",
        "sklearn",
        "models.tabular.baselines:train",
        {"max_iter": 200, "learning_rate": 0.1},
        "scikit-learn's LightGBM-style boosting; strong on tables.",
    ),
]

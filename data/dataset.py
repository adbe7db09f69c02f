"""The one shape every dataset takes once loaded, whatever its modality.

Models, the training worker and the views only ever see these classes, so a new
source (a built-in set, a CSV, a zip of images) needs a loader and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

Kind = Literal["tabular", "image", "text"]


class DatasetError(ValueError):
    """Bad input the user can fix; the message says what is wrong and how to fix it."""


@dataclass(frozen=True)
class TabularData:
    """A table with one target column; every other column is a candidate feature."""

    frame: pd.DataFrame
    target: str
    kind: Kind = field(default="tabular", init=False)

    @property
    def labels(self) -> np.ndarray:
        return self.frame[self.target].to_numpy()

    def __len__(self) -> int:
        return len(self.frame)


@dataclass(frozen=True)
class ImageData:
    """Images already normalised to one size and channel count, as uint8 (N, H, W, C)."""

    images: np.ndarray
    labels: np.ndarray  # (N,) class names as str
    kind: Kind = field(default="image", init=False)

    def __post_init__(self) -> None:
        if self.images.ndim != 4 or self.images.dtype != np.uint8:
            raise ValueError("images must be uint8 with shape (N, H, W, C)")
        if len(self.images) != len(self.labels):
            raise ValueError("images and labels differ in length")

    def __len__(self) -> int:
        return len(self.labels)


@dataclass(frozen=True)
class TextData:
    """Texts with one label each."""

    texts: np.ndarray  # (N,) object array of str
    labels: np.ndarray  # (N,) class names as str
    kind: Kind = field(default="text", init=False)

    def __len__(self) -> int:
        return len(self.labels)


Data = TabularData | ImageData | TextData


@dataclass(frozen=True)
class Dataset:
    """A loaded dataset with the reference that run specs store to find it again."""

    ref: str  # "builtin:iris" or "upload:<sha256 prefix>"
    name: str  # shown to people; never used as a path
    data: Data
    description: str = ""

    @property
    def kind(self) -> Kind:
        return self.data.kind


def memory_bytes(data: TabularData | ImageData | TextData) -> int:
    """Roughly what the data holds in memory: the bound of the app's dataset cache."""
    import sys

    if data.kind == "tabular":
        return int(data.frame.memory_usage(index=True, deep=True).sum())
    if data.kind == "image":
        return int(data.images.nbytes + data.labels.nbytes)
    return int(sum(sys.getsizeof(text) for text in data.texts) + data.labels.nbytes)

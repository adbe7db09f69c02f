"""Modality adapters: what differs per kind of data (tables, images, texts) in the dashboard.

Each adapter (see `base.Modality`) draws the Data page's summary, shows a set of
samples (a table, a gallery), gives the sample values and colour-by columns of
the embedding view, adds pictures to its hover, and picks the one sample a probing
view looks at. Nothing outside this package tests a dataset's kind: a new kind of
data is a new adapter module and one line below.
"""

from __future__ import annotations

from dashboard.modality.base import Modality, PickedSample
from dashboard.modality.image import ImageModality
from dashboard.modality.tabular import TabularModality
from dashboard.modality.text import TextModality

__all__ = ["ADAPTERS", "Modality", "PickedSample", "modality_of"]

ADAPTERS: dict[str, Modality] = {
    adapter.kind: adapter for adapter in (TabularModality(), ImageModality(), TextModality())
}
UNKNOWN = Modality()  # data of a kind no adapter knows, or no longer there: plain tables


def modality_of(kind: str | None) -> Modality:
    """The adapter for a kind of data ("tabular", "image", "text")."""
    return ADAPTERS.get(kind or "", UNKNOWN)

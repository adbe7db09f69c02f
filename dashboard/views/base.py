"""What an Explore view declares: its tab title, what a run must offer for it, how to draw it.

The Explore page shows a view exactly when the run meets its declaration, so a
view never asks what the model is called or how it was built: a run of any kind,
or a model a person loads, gets every view its capabilities allow.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from models.capabilities import check

if TYPE_CHECKING:
    from dashboard.explore.context import ExploreContext

Task = Literal["classification", "regression"]


@dataclass(frozen=True)
class View:
    """One Explore tab.

    needs: capabilities the run must have (models.capabilities names).
    task: the task it serves; None for any (and for runs with no results yet).
    modality: the kind of data its samples must be ("image", "text"); None for any.
    needs_samples: it reads the dataset's own samples (not only the stored results).
    only_if: a further condition on the run's results or group (two classes, a
        cross-validation fold), never on the model's name.
    """

    title: str
    render: Callable[[ExploreContext], None]
    needs: frozenset[str] = frozenset()
    task: Task | None = None
    modality: str | None = None
    needs_samples: bool = False
    only_if: Callable[[ExploreContext], bool] | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "needs", check(self.needs))  # a typo would hide the view

    def applies(self, ctx: ExploreContext) -> bool:
        if not self.needs <= ctx.capabilities:
            return False
        if self.task is not None and (ctx.results is None or ctx.results.task != self.task):
            return False
        if self.modality is not None and ctx.modality.kind != self.modality:
            return False
        if self.only_if is not None and not self.only_if(ctx):
            return False
        return not (self.needs_samples and ctx.dataset is None)

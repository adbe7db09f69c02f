"""The Explore views, in tab order.

Each view module declares one `VIEW` (see `dashboard.views.base.View`): its title,
the capabilities and task a run needs for it, and how it renders. The Explore page
shows those whose needs the chosen run meets. Adding a view is its module and one
line below.

Folders: `embedding/` is the UMAP explorer, `image/`, `text/` and `tabular/` the views
that run or probe a saved model of that kind of data (table explanations are computed in
the background by models.explain); the rest serve any run.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

from dashboard.views.base import View

if TYPE_CHECKING:
    from dashboard.explore.context import ExploreContext

_MODULES = [
    "curves",
    "classification",
    "evaluation.roc",
    "evaluation.threshold",
    "evaluation.calibration",
    "evaluation.crossval",
    "regression",
    "embedding.view",
    "tabular.try_row",
    "tabular.score_csv",
    "tabular.importance",
    "tabular.contributions",
    "tabular.attention",
    "text.attention",
    "text.saliency",
    "text.predict",
    "image.filters",
    "image.gradcam",
    "image.attention",
    "image.predict",
]

VIEWS: list[View] = [import_module(f"dashboard.views.{name}").VIEW for name in _MODULES]


def views_for(ctx: ExploreContext) -> list[View]:
    """The views the run meets the needs of, in tab order."""
    return [view for view in VIEWS if view.applies(ctx)]

"""Images: a sample is a picture; sets of them show as galleries, hovers as block art."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from dashboard.modality.base import Modality, PickedSample

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from dashboard.explore.context import ExploreContext
    from data.dataset import Dataset


class ImageModality(Modality):
    kind = "image"

    def render_summary(self, dataset: Dataset) -> None:
        from dashboard.data_page.image_summary import render_images

        render_images(dataset)

    def show_samples(self, ctx: ExploreContext, test_rows: np.ndarray, key: str) -> None:
        from dashboard.modality.image_gallery import render_gallery

        render_gallery(ctx, test_rows, key=key)

    def with_hover_pictures(self, figure: go.Figure, ctx: ExploreContext) -> go.Figure:
        from dashboard.modality.image_hover import add_image_hover

        return add_image_hover(figure, ctx)

    def pick_sample(self, ctx: ExploreContext, key: str) -> PickedSample | None:
        """A test image, or one uploaded on the spot; the choice is shared by the image views."""
        from dashboard.modality.image_picker import pick_image

        return pick_image(ctx, key)

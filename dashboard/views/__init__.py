"""Explore views. Each module has TITLE, applies(ctx) and render(ctx); the page shows
those that apply to the chosen run, in this order."""

from dashboard.views import (
    classification,
    curves,
    embedding,
    image_attention,
    image_filters,
    image_gradcam,
    image_inspect,
    regression,
    text_attention,
    text_predict,
    text_saliency,
)

VIEWS = [curves, classification, regression, embedding]
VIEWS += [text_attention, text_saliency, text_predict]
VIEWS += [image_filters, image_gradcam, image_attention, image_inspect]

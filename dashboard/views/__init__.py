"""Explore views. Each module has TITLE, applies(ctx) and render(ctx); the page shows
those that apply to the chosen run, in this order."""

from dashboard.views import classification, curves, regression
from dashboard.views.embedding import view as embedding_map
from dashboard.views.image import attention as image_attention
from dashboard.views.image import filters as image_filters
from dashboard.views.image import gradcam as image_gradcam
from dashboard.views.image import predict as image_inspect
from dashboard.views.text import attention as text_attention
from dashboard.views.text import predict as text_predict
from dashboard.views.text import saliency as text_saliency

VIEWS = [curves, classification, regression, embedding_map]
VIEWS += [text_attention, text_saliency, text_predict]
VIEWS += [image_filters, image_gradcam, image_attention, image_inspect]

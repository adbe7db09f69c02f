"""Explore views. Each module has TITLE, applies(ctx) and render(ctx); the page shows
those that apply to the chosen run, in this order."""

from dashboard.views import classification, curves, embedding, regression

VIEWS = [curves, classification, regression, embedding]

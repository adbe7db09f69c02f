"""Views that run a saved image model: filters, Grad-CAM, ViT attention, a prediction."""

"""Views that run a saved text model: token attention, token saliency, a typed sentence."""

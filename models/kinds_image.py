"""Model kinds for images (registered into models.registry on import)."""

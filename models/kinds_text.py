"""Model kinds for text (registered into models.registry on import)."""

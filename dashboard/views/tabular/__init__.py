"""Views of table models: importance and partial dependence, one row's contributions,
attention over columns. Their results are computed by the explain service (models.explain)."""

"""Views of table models: a row in a form or a CSV run through the model, importance and
partial dependence, one row's contributions, attention over columns (the explanations are
computed by the explain service, models.explain)."""

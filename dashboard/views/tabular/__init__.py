"""Views that run a table model on rows a person gives it: one row in a form, or a CSV."""

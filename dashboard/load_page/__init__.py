"""Pieces of the Load a model page (dashboard/app_pages/load_model.py)."""

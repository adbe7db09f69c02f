"""The Explore page's run: its context (results, dataset, capabilities) and its saved model.

The tabs themselves are in `dashboard.views`.
"""

"""The Train page's parts: a widget for each hyperparameter of a model kind."""

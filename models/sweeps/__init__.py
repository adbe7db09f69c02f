"""Hyperparameter sweeps: a search space, a search strategy, early stopping of poor trials.

Optuna does the searching and the pruning through its ask-and-tell interface; every
trial is an ordinary queued run (so it trains on whichever executor is configured and
Explore works on it) and a member of the sweep's group (models/groups.py).
"""

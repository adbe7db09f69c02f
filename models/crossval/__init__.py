"""k-fold cross-validation as a group of ordinary runs (models/groups.py), one per fold.

`submit` checks k against the data and queues the folds; `runner` lets the worker that
trains one fold go on to the group's next queued folds in the same process, so k folds
pay for one process start, one import of their framework and one load of the data.
"""

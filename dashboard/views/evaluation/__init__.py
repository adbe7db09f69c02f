"""Judging a classifier: ROC and precision-recall, the decision threshold, calibration, and
a cross-validation's folds together. Numbers from models.evaluation, charts from
dashboard.figures.evaluation and dashboard.figures.crossval."""

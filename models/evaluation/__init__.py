"""How good a classifier's probabilities are, from the test predictions a run saved.

Pure NumPy/scikit-learn (no Streamlit): ROC and precision-recall curves with their
areas (`curves`), the confusion at any decision threshold (`threshold`), reliability
and expected calibration error (`calibration`), and scores over cross-validation folds
(`folds`). The dashboard only draws what these return.
"""

"""ROC/PR curves, thresholds and calibration: known answers worked out by hand."""

from __future__ import annotations

import numpy as np
import pytest

from models.evaluation.calibration import reliability
from models.evaluation.curves import (
    MACRO,
    MICRO,
    binary_pair,
    pr_curves,
    ranking_scores,
    roc_curves,
    single_class,
)
from models.evaluation.threshold import at_threshold, best_f1_threshold
from models.metrics import summary


def two_class(scores: list[float]) -> np.ndarray:
    p = np.asarray(scores)
    return np.stack([1 - p, p], axis=1)


def test_binary_roc_of_a_perfect_and_of_an_inverted_ranking():
    y = np.array([0, 0, 1, 1])
    perfect = roc_curves(y, two_class([0.1, 0.2, 0.8, 0.9]), ["no", "yes"])
    assert [c.label for c in perfect] == ["yes"] and perfect[0].area == 1.0
    inverted = roc_curves(y, two_class([0.9, 0.8, 0.2, 0.1]), ["no", "yes"])
    assert inverted[0].area == 0.0


def test_auc_counts_ordered_pairs():
    # positives 0.35 and 0.8 against negatives 0.1 and 0.4: 3 of 4 pairs ordered right
    y = np.array([0, 0, 1, 1])
    proba = two_class([0.1, 0.4, 0.35, 0.8])
    assert roc_curves(y, proba, ["a", "b"])[0].area == pytest.approx(0.75)
    scores = ranking_scores(y, proba)
    assert scores["roc_auc"] == pytest.approx(0.75)
    # AP: ranks 0.8 (hit, p=1), 0.4 (miss), 0.35 (hit, p=2/3) → (1 + 2/3) / 2
    assert scores["average_precision"] == pytest.approx(5 / 6)


def test_each_roc_point_carries_the_threshold_that_produces_it():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 200)
    score = np.clip(y * 0.3 + rng.random(200) * 0.7, 0, 1)
    roc, pr = binary_pair(y == 1, score, "pos")
    for fpr, tpr, t in list(zip(roc.x, roc.y, roc.thresholds, strict=True))[1:]:
        point = at_threshold(y == 1, score, t)
        assert (point.false_positive_rate, point.recall) == pytest.approx((fpr, tpr))
    for recall, precision, t in zip(pr.x, pr.y, pr.thresholds, strict=True):
        if not np.isnan(t):
            point = at_threshold(y == 1, score, t)
            assert (point.recall, point.precision) == pytest.approx((recall, precision))


def test_multiclass_has_one_curve_per_class_and_two_averages():
    y = np.array([0, 1, 2, 0, 1, 2])
    proba = np.eye(3)[y] * 0.7 + 0.1  # right class 0.8, others 0.1
    roc = roc_curves(y, proba, ["a", "b", "c"])
    assert [c.label for c in roc] == ["a", "b", "c", MICRO, MACRO]
    assert all(c.area == pytest.approx(1.0) for c in roc)
    assert [c.label for c in pr_curves(y, proba, ["a", "b", "c"])][-2:] == [MICRO, MACRO]


def test_macro_auc_is_the_mean_of_the_classes_and_micro_pools_rows():
    from sklearn.metrics import roc_auc_score

    rng = np.random.default_rng(1)
    y = rng.integers(0, 3, 300)
    proba = rng.dirichlet([1, 1, 1], 300) + np.eye(3)[y] * 0.5
    proba /= proba.sum(axis=1, keepdims=True)
    roc = {c.label: c.area for c in roc_curves(y, proba, ["a", "b", "c"])}
    assert roc[MACRO] == pytest.approx(roc_auc_score(y, proba, multi_class="ovr"))
    assert roc[MICRO] == pytest.approx(roc_auc_score(np.eye(3)[y], proba, average="micro"))
    assert ranking_scores(y, proba)["roc_auc"] == pytest.approx(roc[MACRO])


def test_a_single_class_test_split_has_no_curves_and_says_which_class():
    y = np.array([1, 1, 1])
    proba = two_class([0.6, 0.7, 0.9])
    message = single_class(y, ["cat", "dog"])
    assert "'dog'" in message and "undefined" in message
    assert roc_curves(y, proba, ["cat", "dog"]) == []
    assert pr_curves(y, proba, ["cat", "dog"]) == []
    metrics = summary("classification", y, np.ones(3, dtype=int), proba)
    assert "roc_auc" not in metrics and metrics["accuracy"] == 1.0


def test_summary_records_auc_and_average_precision():
    y = np.array([0, 0, 1, 1])
    metrics = summary("classification", y, np.array([0, 1, 0, 1]), two_class([0.1, 0.4, 0.35, 0.8]))
    assert metrics["roc_auc"] == pytest.approx(0.75)
    assert metrics["average_precision"] == pytest.approx(5 / 6)


def test_confusion_at_a_threshold_and_the_f1_optimal_one():
    y = np.array([0, 0, 0, 1, 1, 1])
    score = np.array([0.1, 0.3, 0.6, 0.4, 0.7, 0.9])
    at = at_threshold(y, score, 0.5)
    assert at.confusion.tolist() == [[2, 1], [1, 2]]
    assert (at.precision, at.recall) == pytest.approx((2 / 3, 2 / 3))
    # calling 0.4 and above positive: 3 hits, 1 false alarm → F1 6/7, the best there is
    assert best_f1_threshold(y, score) == pytest.approx(0.4)
    assert at_threshold(y, score, 0.4).f1 == pytest.approx(6 / 7)
    nothing = at_threshold(y, score, 1.0)
    assert nothing.recall == 0 and nothing.f1 == 0 and nothing.precision == 1.0


def test_reliability_bins_count_rows_and_ece_is_the_weighted_gap():
    # 4 rows at 0.25 of which 1 positive (calibrated); 4 at 0.95 of which 2 positive (gap 0.45)
    y = np.array([1, 0, 0, 0, 1, 1, 0, 0])
    p = np.array([0.25] * 4 + [0.95] * 4)
    found = reliability(y, two_class(list(p)), ["n", "y"], bins=10)
    assert found.count.tolist() == [4, 4]
    assert found.observed.tolist() == pytest.approx([0.25, 0.5])
    assert found.predicted.tolist() == pytest.approx([0.25, 0.95])
    assert found.ece == pytest.approx(0.5 * 0.45)
    assert "'y'" in found.what


def test_multiclass_reliability_bins_the_top_probability_against_being_right():
    y = np.array([0, 1, 2, 0])
    proba = np.array([[0.6, 0.2, 0.2], [0.6, 0.2, 0.2], [0.1, 0.1, 0.8], [0.1, 0.8, 0.1]])
    found = reliability(y, proba, ["a", "b", "c"], bins=5)
    assert found.count.sum() == 4
    assert found.ece == pytest.approx((2 * abs(0.5 - 0.6) + 2 * abs(0.5 - 0.8)) / 4)
    assert "confidence" in found.what

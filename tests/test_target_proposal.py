"""The proposed target of an uploaded table, and the reason given for it."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from data.target_proposal import MAX_CLASS_LEVELS, TARGET_NAMES, propose_target


@pytest.mark.parametrize("name", ["Survived", "churn", "Class", "is-fraud", " Target "])
def test_a_column_named_like_a_target_wins_wherever_it_stands(name):
    frame = pd.DataFrame({name: [0, 1] * 10, "x": range(20), "colour": ["a", "b"] * 10})
    proposal = propose_target(frame)
    assert proposal.column == name and "name" in proposal.reason


def test_the_more_telling_name_wins_over_a_weak_one():
    frame = pd.DataFrame({"status": ["a", "b"] * 10, "credit_risk": ["good", "bad"] * 10})
    assert propose_target(frame).column == "credit_risk"
    assert TARGET_NAMES.index("status") > TARGET_NAMES.index("credit_risk")


def test_without_a_name_the_last_column_with_few_categories_is_proposed():
    levels = [f"l{i}" for i in range(MAX_CLASS_LEVELS)]
    frame = pd.DataFrame(
        {
            "kind": ["a", "b", "c"] * 20,
            "grade": (levels * 3)[:60],  # 20 levels: still a class
            "price": np.linspace(1, 100, 60),
        }
    )
    proposal = propose_target(frame)
    assert proposal.column == "grade" and "few categories (20)" in proposal.reason
    frame["grade"] = [f"l{i}" for i in range(60)]  # 60 levels: not a class any more
    assert propose_target(frame).column == "kind"


def test_with_nothing_to_go_by_the_last_column_is_proposed_and_said_so():
    frame = pd.DataFrame({"a": np.linspace(0, 1, 30), "b": np.linspace(5, 9, 30)})
    proposal = propose_target(frame)
    assert proposal.column == "b" and "last column" in proposal.reason

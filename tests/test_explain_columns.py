"""Model inputs map back to the columns people loaded: one-hot levels, date parts, gap flags."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from data.tabular_prep import build_preprocessor
from models.tabular.columns import ColumnGroups, column_groups


def _fitted(frame: pd.DataFrame, target: str):
    plan = build_preprocessor(frame, target)
    plan.transformer.fit(frame[plan.feature_columns])
    return plan.transformer


def test_one_hot_levels_date_parts_and_gap_flags_group_back_to_their_column():
    rng = np.random.default_rng(0)
    rows = 200
    frame = pd.DataFrame(
        {
            "age": np.where(rng.random(rows) < 0.1, np.nan, rng.normal(40, 9, rows)),
            "age.x": rng.normal(size=rows),  # a dotted name that starts like another column
            "city": rng.choice(["x", "y", "z"], rows),
            "when": pd.date_range("2020-01-01", periods=rows, freq="D").astype(str),
            "ok": rng.choice(["yes", "no"], rows),
            "y": rng.choice(["p", "q"], rows),
        }
    )
    transformer = _fitted(frame, "y")
    names = list(transformer.get_feature_names_out())
    groups = column_groups(transformer, names)
    by_column = {
        column: [names[i] for i in members]
        for column, members in zip(groups.names, groups.members, strict=True)
    }
    assert by_column == {
        "age": ["age", "age.missing"],
        "age.x": ["age.x"],
        "city": ["city=x", "city=y", "city=z"],
        "when": ["when.year", "when.month", "when.day_of_week", "when.day_of_year"],
        "ok": ["ok"],
    }
    assert groups.names == ["age", "age.x", "city", "when", "ok"]  # the table's order
    assert groups.roles == ["numeric", "numeric", "categorical", "datetime", "boolean"]
    assert sorted(i for members in groups.members for i in members) == list(range(len(names)))


def test_without_a_preprocessor_every_input_is_its_own_column():
    groups = column_groups(None, ["p0", "p1", "p2"])
    assert groups.members == [[0], [1], [2]] and groups.names == ["p0", "p1", "p2"]


def test_groups_round_trip_and_name_the_columns_when_one_is_missing():
    groups = ColumnGroups(["a", "b"], [[0], [1, 2]], ["numeric", "categorical"])
    assert ColumnGroups.from_json(groups.to_json()) == groups
    with pytest.raises(ValueError, match="no column named 'c'.*pick one of: a, b"):
        groups.index("c")

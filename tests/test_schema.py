"""Column roles, task inference and every target rule, each on a small hand-made frame."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from data.dataset import DatasetError
from data.schema import (
    MAX_CLASSES,
    REGRESSION_MIN_DISTINCT,
    REGRESSION_MIN_DISTINCT_SHARE,
    TargetCheck,
    check_target,
    infer_columns,
    infer_task,
)


def role_of(values, name="col") -> str:
    return infer_columns(pd.DataFrame({name: values})).loc[0, "role"]


def test_infer_columns_reports_counts_and_example():
    frame = pd.DataFrame({"size": [1.5, np.nan, 2.5, 1.5], "colour": ["red", "red", None, "b"]})
    info = infer_columns(frame).set_index("column")
    assert list(infer_columns(frame).columns) == [
        "column", "dtype", "role", "missing", "missing_fraction", "n_unique", "example",
    ]  # fmt: skip
    assert info.loc["size", "missing"] == 1
    assert info.loc["size", "missing_fraction"] == pytest.approx(0.25)
    assert info.loc["size", "n_unique"] == 2
    assert info.loc["colour", "example"] == "red"
    assert info.loc["size", "dtype"] == "float64"


def test_all_missing_is_empty():
    assert role_of([np.nan, np.nan, np.nan]) == "empty"


def test_single_value_is_constant():
    assert role_of(["x", "x", None, "x"]) == "constant"


@pytest.mark.parametrize(
    "values",
    [
        [True, False, True],
        ["Yes", "no", "YES", None],
        ["true", "false", "false"],
        ["0", "1", "1"],
        [0, 1, 1, 0],
    ],
)
def test_boolean(values):
    assert role_of(values) == "boolean"


def test_two_arbitrary_words_are_categorical_not_boolean():
    assert role_of(["cat", "dog", "cat", "dog"]) == "categorical"


def test_date_strings_are_datetime():
    assert role_of(["2021-01-05", "2021-02-11", None, "2021-03-30 14:00"]) == "datetime"


def test_datetime_dtype_is_datetime():
    assert role_of(pd.date_range("2020-01-01", periods=5)) == "datetime"


def test_month_names_alone_are_not_dates():
    assert role_of(["Jan", "Feb", "Mar", "Jan"]) == "categorical"


def test_id_named_integer_column_is_id():
    assert role_of([17, 3, 99, 42, 5], name="customer_id") == "id"


def test_camel_case_id_name():
    assert role_of([17, 3, 99, 42, 5], name="CustomerID") == "id"


def test_increasing_integer_sequence_is_id():
    assert role_of(list(range(100, 130)), name="n") == "id"


def test_unsorted_distinct_integers_are_numeric():
    assert role_of([5, 3, 9, 1, 7, 2], name="score") == "numeric"


def test_uuid_strings_are_id():
    uuids = [f"{i:08x}-1234-4abc-8def-{i * 7919:012x}" for i in range(30)]
    assert role_of(uuids, name="ref") == "id"


def test_floats_are_numeric():
    assert role_of([0.5, 1.25, 3.0, 0.5]) == "numeric"


def test_numbers_with_a_stray_token_are_numeric():
    values = [str(i) for i in range(40)] + ["?"]
    assert role_of(values, name="amount") == "numeric"


def test_long_distinct_strings_are_text():
    texts = [f"customer {i} wrote a long and rambling review about delivery" for i in range(8)]
    assert role_of(texts, name="review") == "text"


def test_repeating_short_strings_are_categorical():
    assert role_of(["red", "green", "blue", "red", "green"]) == "categorical"


def test_infer_columns_handles_a_large_frame():
    rng = np.random.default_rng(0)
    n = 20_000
    frame = pd.DataFrame(
        {
            "x": rng.normal(size=n),
            "when": pd.Series(pd.date_range("2020-01-01", periods=n, freq="h")).astype(str),
            "level": rng.choice(["a", "b", "c"], size=n),
        }
    )
    roles = infer_columns(frame).set_index("column")["role"].to_dict()
    assert roles == {"x": "numeric", "when": "datetime", "level": "categorical"}


def test_infer_task_regression_for_many_distinct_numbers():
    assert infer_task(pd.Series(np.linspace(0, 1, 200))) == "regression"


def test_infer_task_classification_for_codes_and_strings():
    assert infer_task(pd.Series([1, 2, 3] * 50)) == "classification"
    assert infer_task(pd.Series([f"c{i}" for i in range(200)])) == "classification"


def labelled(labels, **extra) -> pd.DataFrame:
    return pd.DataFrame({"x": np.arange(len(labels), dtype=float), "y": labels, **extra})


def test_missing_target_column_lists_the_columns():
    with pytest.raises(DatasetError, match=r"no column named 'z'.*'x', 'y'"):
        check_target(labelled(["a", "b"] * 6), "z")


def test_single_class_is_refused():
    with pytest.raises(DatasetError, match="single class 'a'; choose a column with at least two"):
        check_target(labelled(["a"] * 12), "y")


def test_too_many_string_classes_is_refused():
    with pytest.raises(DatasetError, match=f"150 classes, more than the {MAX_CLASSES}"):
        check_target(labelled([f"c{i}" for i in range(150)] * 2), "y")


def test_too_many_numeric_classes_suggests_regression_when_asked_for_classification():
    with pytest.raises(DatasetError, match="train it as regression"):
        check_target(labelled(list(range(150)) * 2), "y", task="classification")


def test_numeric_target_with_150_values_goes_regression():
    check = check_target(labelled([float(i % 150) for i in range(300)]), "y")
    assert isinstance(check, TargetCheck)
    assert check.task == "regression"
    assert check.frame["y"].dtype == "float64"


def test_many_repeated_numeric_classes_become_regression_with_a_note():
    values = [i % 150 for i in range(4000)]  # 150 distinct in 4000 rows: infer_task says classes
    assert infer_task(pd.Series(values)) == "classification"
    check = check_target(labelled(values), "y")
    assert check.task == "regression"
    assert any("treated as regression" in note for note in check.notes)


def test_single_row_classes_are_dropped_with_a_note():
    check = check_target(labelled(["a", "b"] * 6 + ["rare1", "rare2"]), "y")
    assert check.task == "classification"
    assert len(check.frame) == 12
    assert set(check.frame["y"]) == {"a", "b"}
    note = next(note for note in check.notes if "only once" in note)
    assert "'rare1'" in note and "'rare2'" in note and "training and test" in note


def test_fewer_than_two_classes_after_dropping_singletons():
    with pytest.raises(DatasetError, match="fewer than two classes left"):
        check_target(labelled(["a"] * 12 + ["b"]), "y")


def test_rows_with_missing_target_are_dropped():
    check = check_target(labelled(["a", "b"] * 6 + [None, np.nan]), "y")
    assert len(check.frame) == 12
    assert check.frame.index.tolist() == list(range(12))
    assert any("Dropped 2 row(s) with no value" in note for note in check.notes)


def test_kept_rows_keep_their_original_index_labels():
    check = check_target(labelled(["a", "b", "lone"] + ["a", "b"] * 5 + [None]), "y")
    assert check.frame.index.tolist() == [0, 1] + list(range(3, 13))


def test_all_missing_target_is_refused():
    with pytest.raises(DatasetError, match="no values at all"):
        check_target(labelled([None] * 12), "y")


def test_fewer_than_ten_rows_is_refused():
    with pytest.raises(DatasetError, match="Only 8 usable row"):
        check_target(labelled(["a", "b"] * 4), "y")


def test_regression_target_must_be_numeric():
    with pytest.raises(DatasetError, match="not numbers.*'high'"):
        check_target(labelled(["1.5", "2", "high"] * 4), "y", task="regression")


def test_regression_target_from_numeric_strings_is_coerced():
    check = check_target(labelled([str(i / 2) for i in range(12)]), "y", task="regression")
    assert check.frame["y"].tolist() == [i / 2 for i in range(12)]


# --- the boundaries README states: 20/21 distinct numbers, the 5 % line, 100/101 classes ---


def test_the_documented_rule_constants():
    assert (REGRESSION_MIN_DISTINCT, REGRESSION_MIN_DISTINCT_SHARE, MAX_CLASSES) == (20, 0.05, 100)


def _numbers(distinct: int, rows: int) -> pd.Series:
    return pd.Series([float(i % distinct) for i in range(rows)])


@pytest.mark.parametrize("distinct, task", [(20, "classification"), (21, "regression")])
def test_more_than_20_distinct_numbers_is_regression(distinct, task):
    assert infer_task(_numbers(distinct, 200)) == task  # 10 % of the rows: above the share line


@pytest.mark.parametrize("rows, task", [(420, "classification"), (419, "regression")])
def test_distinct_numbers_must_be_more_than_5_percent_of_the_rows(rows, task):
    """21 distinct values are exactly 5 % of 420 rows, and just over 5 % of 419."""
    assert infer_task(_numbers(21, rows)) == task


def _classes(n: int) -> pd.DataFrame:
    return labelled([f"class {i}" for i in range(n)] * 2)


def test_a_target_may_have_100_classes():
    assert check_target(_classes(100), "y").frame["y"].nunique() == 100


def test_a_target_with_101_classes_is_refused():
    with pytest.raises(DatasetError, match="101 classes, more than the 100"):
        check_target(_classes(101), "y")


@pytest.mark.parametrize("distinct, task", [(100, "classification"), (101, "regression")])
def test_more_than_100_numeric_classes_turn_into_regression(distinct, task):
    frame = labelled([i % distinct for i in range(40 * distinct)])  # under the 5 % line
    assert check_target(frame, "y").task == task


def test_many_distinct_titles_are_text_and_many_distinct_codes_are_ids():
    from data.schema import MANY_LEVELS, infer_columns

    rng = np.random.default_rng(1)
    titles = [f"Portrait of a lady {i}" for i in range(3035)]
    codes = [f"INV{i:05d}" for i in range(3035)]
    frame = pd.DataFrame({"title": rng.choice(titles, 4284), "code": rng.choice(codes, 4284)})
    roles = infer_columns(frame).set_index("column")["role"]
    assert roles["title"] == "text" and roles["code"] == "id"
    few = pd.DataFrame({"city": rng.choice([f"Town {i}" for i in range(MANY_LEVELS)], 80)})
    assert infer_columns(few)["role"].iloc[0] == "categorical"  # 50 levels: still categories

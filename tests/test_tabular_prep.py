"""The preprocessing plan on a frame with one column of every role."""

from __future__ import annotations

import joblib
import numpy as np
import pandas as pd
import pytest
from sklearn.compose import ColumnTransformer

from data.dataset import DatasetError
from data.tabular_prep import PrepPlan, build_preprocessor

N = 60


@pytest.fixture
def mixed() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    age = rng.normal(40, 10, N)
    age[::7] = np.nan
    return pd.DataFrame(
        {
            "row_id": np.arange(N),
            "age": age,
            "colour": ["green", "pink", "grey", "teal", "green", "pink"] + (["red", "blue"] * 27),
            "member": ["yes", "no", "Yes", None] * 15,
            "signup": pd.date_range("2020-01-01", periods=N, freq="37h").strftime("%Y-%m-%d %H:%M"),
            "country": ["NL"] * N,
            "blank": [np.nan] * N,
            "review": [
                f"Review {i}: delivery was slow but the product itself is fine" for i in range(N)
            ],
            "target": ["a", "b", "c"] * 20,
        }
    )


def fitted(plan: PrepPlan, frame: pd.DataFrame) -> ColumnTransformer:
    return plan.transformer.fit(frame[plan.feature_columns])


def test_plan_keeps_usable_columns_and_is_unfitted(mixed):
    plan = build_preprocessor(mixed, "target")
    assert isinstance(plan.transformer, ColumnTransformer)
    assert not hasattr(plan.transformer, "transformers_")
    assert plan.feature_columns == ["age", "colour", "member", "signup"]


def test_dropped_columns_have_reasons(mixed):
    dropped = build_preprocessor(mixed, "target").dropped
    assert set(dropped) == {"row_id", "country", "blank", "review"}
    assert "identifier" in dropped["row_id"]
    assert "same value ('NL')" in dropped["country"]
    assert "no values" in dropped["blank"]
    assert "upload the file as a text CSV on the Data page" in dropped["review"]
    assert "Text page" not in dropped["review"]


def test_output_is_dense_float32_without_nan_and_named(mixed):
    plan = build_preprocessor(mixed, "target")
    transformer = fitted(plan, mixed)
    out = transformer.transform(mixed[plan.feature_columns])
    names = list(transformer.get_feature_names_out())
    assert out.dtype == np.float32
    assert not np.isnan(out).any()
    assert names == [
        "age", "age.missing", "member",
        "signup.year", "signup.month", "signup.day_of_week", "signup.day_of_year", "signup.hour",
        "colour=blue", "colour=red", "colour=(other)",
    ]  # fmt: skip
    assert out.shape == (N, len(names))


def test_values_are_imputed_scaled_and_mapped(mixed):
    plan = build_preprocessor(mixed, "target")
    transformer = fitted(plan, mixed)
    out = pd.DataFrame(
        transformer.transform(mixed[plan.feature_columns]),
        columns=transformer.get_feature_names_out(),
    )
    assert out["age"].mean() == pytest.approx(0, abs=1e-5)
    assert out["age.missing"].iloc[0] != out["age.missing"].iloc[1]  # row 0 was missing
    assert out["member"].iloc[:3].tolist() == [1.0, 0.0, 1.0]
    assert out["member"].iloc[3] in (0.0, 1.0)  # the missing one, filled
    assert out.loc[mixed["colour"] == "pink", "colour=(other)"].eq(1).all()


def test_unseen_level_at_transform_time_goes_to_other(mixed):
    plan = build_preprocessor(mixed, "target")
    transformer = fitted(plan, mixed.iloc[:50])
    later = mixed.iloc[50:].copy()
    later["colour"] = "purple"
    later["member"] = "maybe"
    out = pd.DataFrame(
        transformer.transform(later[plan.feature_columns]),
        columns=transformer.get_feature_names_out(),
    )
    assert out["colour=(other)"].eq(1).all()
    assert out[["colour=blue", "colour=red"]].eq(0).all().all()
    assert not out.isna().any().any()


def test_joblib_round_trip_transforms_identically(mixed, tmp_path):
    plan = build_preprocessor(mixed, "target")
    transformer = fitted(plan, mixed.iloc[:45])
    path = tmp_path / "prep.joblib"
    joblib.dump(transformer, path)
    loaded = joblib.load(path)
    test = mixed.iloc[45:][plan.feature_columns]
    assert np.array_equal(loaded.transform(test), transformer.transform(test))
    assert list(loaded.get_feature_names_out()) == list(transformer.get_feature_names_out())


def test_numeric_strings_with_stray_tokens_are_coerced():
    frame = pd.DataFrame(
        {"amount": [str(i) for i in range(30)] + ["?"], "y": ["a", "b"] * 15 + ["a"]}
    )
    plan = build_preprocessor(frame, "y")
    out = fitted(plan, frame).transform(frame[plan.feature_columns])
    assert out.shape == (31, 2)  # amount + amount.missing
    assert not np.isnan(out).any()


def test_dates_without_time_get_no_hour():
    frame = pd.DataFrame(
        {"day": ["2021-01-04", "2021-06-15", "2022-12-31"] * 4, "y": [1.0, 2.0] * 6}
    )
    plan = build_preprocessor(frame, "y")
    names = list(fitted(plan, frame).get_feature_names_out())
    assert names == ["day.year", "day.month", "day.day_of_week", "day.day_of_year"]


def test_no_usable_features_is_refused_with_reasons():
    frame = pd.DataFrame({"id": range(20), "same": ["k"] * 20, "y": ["a", "b"] * 10})
    with pytest.raises(
        DatasetError, match=r"No usable feature.*'id' looks like an identifier.*'same'"
    ):
        build_preprocessor(frame, "y")


def test_missing_target_is_refused():
    with pytest.raises(DatasetError, match="no column named 'nope'"):
        build_preprocessor(pd.DataFrame({"a": [1, 2]}), "nope")

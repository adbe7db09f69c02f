"""The streamed statistics and transform equal the in-memory preprocessing on the same rows.

The table is small enough that the quantile sample holds every training row, so the
medians are exact and the two paths must agree to float32 rounding; the CSV is read in
16 KB blocks so the statistics are merged over many batches.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from data.bigtable import reader
from data.bigtable.preview import profile
from data.bigtable.rowkeys import TRAIN, SplitPlan, assign, unit_hash
from data.bigtable.sources import open_source
from data.bigtable.stats import table_stats
from data.bigtable.transform import TableTransform
from data.csv_loader import read_csv_bytes
from data.schema import check_target
from data.tabular_prep import build_preprocessor
from tests.bigtable_files import N_ROWS, write_mixed_csv

SPLIT = SplitPlan(test=0.2, validation=0.25, seed=3)


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    root = tmp_path_factory.mktemp("roots")
    path = write_mixed_csv(root / "mixed.csv")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GLASSBOX_DATA_ROOTS", str(root))
        patch.setattr(reader, "CSV_BLOCK_BYTES", 16 << 10)
        source = open_source("mixed.csv", root)
        table_profile = profile(source, tmp_path_factory.mktemp("ws"))
        stats = table_stats(source, table_profile, "target", SPLIT)
        transform = TableTransform(stats)
        batches = list(reader.TableReader(source).batches(transform.columns))
    streamed = np.concatenate([transform.features(b) for b in batches])
    frame = read_csv_bytes(path.read_bytes()).frame
    checked = check_target(frame, "target").frame
    split = assign(unit_hash(np.arange(N_ROWS), SPLIT.seed), SPLIT)
    train = np.flatnonzero(split[checked.index.to_numpy()] == TRAIN)
    plan = build_preprocessor(checked, "target")
    plan.transformer.fit(checked[plan.feature_columns].iloc[train])
    in_memory = plan.transformer.transform(checked[plan.feature_columns])
    kept = checked.index.to_numpy()
    return SimpleNamespace(
        stats=stats,
        transform=transform,
        streamed=streamed[kept],
        in_memory=in_memory,
        plan=plan,
        batches=len(batches),
        kept=kept,
    )


def test_read_in_many_batches(both):
    assert both.batches > 10


def test_same_columns_roles_and_notes(both):
    stats, transform, plan = both.stats, both.transform, both.plan
    assert set(stats.feature_columns) == set(plan.feature_columns)
    assert set(plan.feature_columns) == {"age", "income", "colour", "city", "member", "signup"}
    assert stats.dropped == plan.dropped
    assert set(stats.dropped) == {"row_id", "country", "blank"}
    assert all(note in stats.notes for note in plan.notes)
    names = [str(n) for n in plan.transformer.get_feature_names_out()]
    assert transform.feature_names == names
    assert "colour=(other)" in names and "age.missing" in names and "signup.hour" in names


def test_same_features_within_float32_rounding(both):
    streamed, in_memory = both.streamed, both.in_memory
    assert streamed.shape == in_memory.shape
    assert streamed.dtype == np.float32
    np.testing.assert_allclose(streamed, in_memory, rtol=1e-5, atol=1e-5)


def test_parquet_with_encoded_text_gives_the_same_features(both, tmp_path, monkeypatch):
    """Text read from Parquet comes dictionary-encoded and dates as text: same features."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from tests.bigtable_files import mixed_frame

    table = pa.Table.from_pandas(mixed_frame(), preserve_index=False)
    pq.write_table(table, tmp_path / "mixed.parquet", row_group_size=300)
    monkeypatch.setenv("GLASSBOX_DATA_ROOTS", str(tmp_path))
    monkeypatch.setattr(reader, "PARQUET_BATCH_ROWS", 250)
    source = open_source("mixed.parquet", tmp_path)
    table_profile = profile(source, tmp_path / "ws")
    assert table_profile.schema.field("colour").type == pa.string()
    transform = TableTransform(table_stats(source, table_profile, "target", SPLIT))
    batches = list(reader.TableReader(source).batches(transform.columns))
    assert pa.types.is_dictionary(batches[0].column("colour").type)
    streamed = np.concatenate([transform.features(b) for b in batches])
    assert transform.feature_names == both.transform.feature_names
    np.testing.assert_allclose(streamed[both.kept], both.in_memory, rtol=1e-5, atol=1e-5)


def test_statistics_are_of_training_rows_only(both):
    stats = both.stats
    expected = int(round(N_ROWS * 0.98 * 0.8 * 0.75))
    assert abs(stats.train_rows - expected) < 0.06 * expected
    assert stats.target.class_names == ["high", "low", "mid"]


@pytest.mark.parametrize(
    "values",
    [
        ["2021-03-04", "2020-12-31", None, "2024-02-29"],
        ["2021-03-04 10:30:00", None, "2020-12-31 23:59:59", "2024-02-29 00:00:00"],
        ["04/03/2021", "31/12/2020", None, "29/02/2024"],  # not ISO: parsed by pandas
        ["2021-03-04T10:30:00+02:00", None, "2020-12-31T23:59:59Z", "2024-02-29T00:00:00Z"],
    ],
)
def test_dates_as_text_give_the_in_memory_calendar_parts(values):
    import pandas as pd
    import pyarrow as pa

    from data.bigtable.convert import date_parts
    from data.tabular_prep import expand_dates

    expected = expand_dates(pd.DataFrame({"d": values}), hour_columns=["d"])
    found = date_parts(pa.array(values, pa.string()), with_hour=True)
    np.testing.assert_array_equal(found, expected)


def test_medians_from_a_sample_are_close_and_said_to_be_approximate(tmp_path, monkeypatch):
    from data.bigtable import gather

    monkeypatch.setattr(gather, "QUANTILE_SAMPLE", 500)
    monkeypatch.setenv("GLASSBOX_DATA_ROOTS", str(tmp_path))
    path = write_mixed_csv(tmp_path / "mixed.csv")
    source = open_source("mixed.csv", tmp_path)
    stats = table_stats(source, profile(source, tmp_path / "ws"), "target", SPLIT)
    note = "come from a random sample of 500 of the"
    assert any(note in n and "approximate" in n for n in stats.notes)
    frame = read_csv_bytes(path.read_bytes()).frame
    exact = frame["age"].median()
    assert stats.numeric["age"].fill == pytest.approx(exact, abs=1.5)  # sd 10, n 500
    assert stats.numeric["age"].fill != exact

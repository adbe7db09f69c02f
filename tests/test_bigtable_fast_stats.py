"""The statistics pass (masks and dictionary codes) gives what the reference pass gives.

tests/bigtable_reference.py holds the pass as first written: it copies each batch's
training rows and counts levels with value_counts. Both run over the same generated
tables, read in many small batches: numbers with gaps, categories with rare levels (read
dictionary-encoded from Parquet, or as plain text from a CSV), dates and yes/no columns.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from data.bigtable import reader, stats, synthetic
from data.bigtable.gather import TrainingPass
from data.bigtable.preview import profile
from data.bigtable.rowkeys import SplitPlan
from data.bigtable.sources import open_source
from tests.bigtable_files import write_mixed_csv
from tests.bigtable_reference import ReferencePass

ROWS = 6000


def _write(kind: str, root: Path) -> tuple[str, str]:
    if kind == "parquet folder":
        synthetic.write_parquet(root / "parts", ROWS, seed=4, partition_by="cat0", chunk_rows=2500)
        return "parts", synthetic.TARGET
    write_mixed_csv(root / "mixed.csv", rows=ROWS)
    return "mixed.csv", "target"


@pytest.fixture(params=["parquet folder", "csv", "csv read as text"])
def both(request, tmp_path, monkeypatch):
    """The statistics of one table and split by each pass, and what each pass gathered."""
    monkeypatch.setenv("GLASSBOX_DATA_ROOTS", str(tmp_path))
    monkeypatch.setattr(reader, "PARQUET_BATCH_ROWS", 700)
    monkeypatch.setattr(reader, "CSV_BLOCK_BYTES", 32 << 10)
    name, target = _write(request.param, tmp_path)
    source = open_source(name, tmp_path)
    found = profile(source, tmp_path / "ws")
    if request.param == "csv read as text":  # no Parquet copy: text columns come plain
        Path(found.copy).unlink()
    split = SplitPlan(test=0.2, validation=0.25, seed=9, key_column="row_id")
    made = []

    def run(kind):
        def keep(*args):
            made.append(kind(*args))
            return made[-1]

        monkeypatch.setattr(stats, "TrainingPass", keep)
        return stats.table_stats(source, found, target, split)

    fast, reference = run(TrainingPass), run(ReferencePass)
    return SimpleNamespace(fast=fast, reference=reference, passes=made)


def test_fast_pass_gives_the_reference_statistics(both):
    fast, reference = both.fast, both.reference
    assert fast.split_rows == reference.split_rows
    assert fast.split_rows["train"] > 0.5 * ROWS * 0.6
    assert fast.roles == reference.roles
    assert fast.numeric.keys() == reference.numeric.keys()
    for column, scaled in reference.numeric.items():
        assert fast.numeric[column].fill == scaled.fill  # same rows in the median sample
        assert fast.numeric[column].mean == pytest.approx(scaled.mean, rel=1e-12, abs=1e-12)
        assert fast.numeric[column].scale == pytest.approx(scaled.scale, rel=1e-12)
    assert fast.indicators.keys() == reference.indicators.keys()
    for column, scaled in reference.indicators.items():
        assert fast.indicators[column].mean == pytest.approx(scaled.mean, rel=1e-12)
    assert fast.boolean == reference.boolean
    assert fast.datetime.keys() == reference.datetime.keys()
    for column, parts in reference.datetime.items():
        for found, expected in zip(fast.datetime[column], parts, strict=True):
            assert found.fill == expected.fill
            assert found.mean == pytest.approx(expected.mean, rel=1e-12)
            assert found.scale == pytest.approx(expected.scale, rel=1e-12)
    assert fast.categorical == reference.categorical
    assert fast.notes == reference.notes


def test_fast_pass_gathers_the_reference_counts_and_moments(both):
    fast, reference = both.passes
    assert isinstance(reference, ReferencePass) and not isinstance(fast, ReferencePass)
    assert fast.split_rows == reference.split_rows
    assert fast.levels == reference.levels
    assert fast.gaps == reference.gaps
    assert fast.ones == reference.ones and fast.zeros == reference.zeros
    pairs = [(fast.numeric, reference.numeric)]
    pairs += [(fast.dates[c], reference.dates[c]) for c in reference.dates]
    for mine, theirs in pairs:
        assert mine.rows == theirs.rows
        np.testing.assert_array_equal(mine.n, theirs.n)
        np.testing.assert_allclose(mine.mean, theirs.mean, rtol=1e-12)
        np.testing.assert_allclose(mine.m2, theirs.m2, rtol=1e-12)
        np.testing.assert_array_equal(mine.medians(), theirs.medians())


def test_tables_have_every_kind_of_column(both):
    """What the comparisons cover: gaps, rare levels folded into '(other)', dates, yes/no."""
    fast, gathered = both.fast, both.passes[0]
    assert fast.indicators and fast.boolean and fast.datetime
    assert any(vocab.other for vocab in fast.categorical.values())
    if fast.target.target == "target":  # the mixed CSV: its colours have gaps
        assert gathered.gaps["colour"] > 0
    assert np.isfinite([s.mean for s in fast.numeric.values()]).all()

"""A generated table of any size with a learnable target, for tests and benchmarks.

Nothing downloads, so the big-table path is exercised on data made here: 30 mixed columns
(an identifier, numbers with gaps, integers, categories with a rare tail, yes/no values,
dates, a constant and an empty column) and a three-class target that depends on a few of
them. Rows are made in chunks, so a 5 GB file never has to fit in memory.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pyarrow as pa

N_NUMERIC = 14
N_INTEGER = 4
CATEGORY_LEVELS = (3, 8, 25, 120, 400)  # level counts: the big ones have a rare tail
CLASSES = ("low", "mid", "high")
TARGET = "outcome"
_EPOCH_2020 = np.datetime64("2020-01-01", "D")


def table_chunks(rows: int, seed: int = 0, chunk_rows: int = 500_000) -> Iterator[pa.Table]:
    """The rows in chunks; the same rows and seed give the same table."""
    for start in range(0, rows, chunk_rows):
        n = min(chunk_rows, rows - start)
        yield _chunk(start, n, np.random.default_rng([seed, start]))


def _chunk(start: int, n: int, rng: np.random.Generator) -> pa.Table:
    columns: dict[str, pa.Array] = {"row_id": pa.array(np.arange(start, start + n))}
    numbers = rng.normal(0.0, 1.0, (n, N_NUMERIC))
    for j in range(N_NUMERIC):
        values = np.round(numbers[:, j] * (j + 1) + 10 * j, 3)
        mask = rng.random(n) < 0.02 * (j % 3)  # no, 2 % or 4 % gaps
        columns[f"x{j:02d}"] = pa.array(values, mask=mask)
    for j in range(N_INTEGER):
        columns[f"count{j}"] = pa.array(rng.poisson(3 + 5 * j, n).astype(np.int64))
    for j, levels in enumerate(CATEGORY_LEVELS):
        names = pa.array([f"c{j}_{k}" for k in range(levels)])
        weights = 1.0 / np.arange(1, levels + 1) ** 1.2  # Zipf-like: a long rare tail
        codes = rng.choice(levels, n, p=weights / weights.sum())
        columns[f"cat{j}"] = names.take(pa.array(codes))
    columns["member"] = pa.array(np.where(rng.random(n) < 0.4, "yes", "no"))
    columns["newsletter"] = pa.array(np.where(rng.random(n) < 0.7, "true", "false"))
    days = rng.integers(0, 3 * 365, n)
    columns["signup"] = pa.array((_EPOCH_2020 + days).astype("datetime64[D]").astype(str))
    columns["country"] = pa.array(np.full(n, "NL"))
    columns["comment"] = pa.nulls(n, pa.string())
    score = numbers[:, 0] + 0.8 * numbers[:, 1] - 0.6 * numbers[:, 2] + 0.5 * (codes % 2)
    score += rng.normal(0.0, 0.5, n)
    columns[TARGET] = pa.array(np.asarray(CLASSES)[np.digitize(score, (-0.6, 0.6))])
    return pa.table(columns)


def write_csv(path: Path, rows: int, seed: int = 0, chunk_rows: int = 500_000) -> Path:
    """A CSV (gzip or zstd compressed when the name ends .gz or .zst)."""
    from pyarrow import csv

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    compression = {".gz": "gzip", ".zst": "zstd"}.get(path.suffix)
    with pa.output_stream(path, compression=compression) as sink:
        writer = None
        for chunk in table_chunks(rows, seed, chunk_rows):
            if writer is None:
                writer = csv.CSVWriter(sink, chunk.schema)
            writer.write_table(chunk)
        if writer is not None:
            writer.close()
    return path


def write_parquet(
    path: Path, rows: int, seed: int = 0, partition_by: str | None = None, chunk_rows: int = 500_000
) -> Path:
    """One Parquet file, or a Hive-style folder (`<column>=<value>/part-*.parquet`) as Spark writes."""
    import pyarrow.parquet as pq

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if partition_by is None:
        writer = None
        for chunk in table_chunks(rows, seed, chunk_rows):
            writer = writer or pq.ParquetWriter(path, chunk.schema)
            writer.write_table(chunk, row_group_size=128 * 1024)
        if writer is not None:
            writer.close()
        return path
    for index, chunk in enumerate(table_chunks(rows, seed, chunk_rows)):
        keys = chunk.column(partition_by).to_numpy(zero_copy_only=False)
        rest = chunk.drop_columns([partition_by])
        for value in np.unique(keys):
            folder = path / f"{partition_by}={value}"
            folder.mkdir(parents=True, exist_ok=True)
            part = rest.filter(pa.array(keys == value))
            pq.write_table(part, folder / f"part-{index:05d}.parquet", row_group_size=128 * 1024)
    return path

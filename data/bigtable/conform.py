"""One schema for every file of a table: partition columns, missing columns, text types.

Text columns of Parquet files are read dictionary-encoded (as Parquet stores them): they
decode about twice as fast, and each distinct value is converted once per batch. Every
other difference between files (a column a file lacks, a narrower number type, large
strings as pandas writes them) is settled here, batch by batch.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from data.bigtable.sources import DataFile, TableSource

TEXT_CODES = pa.dictionary(pa.int32(), pa.string())  # how Parquet text columns are read


def with_partitions(schema: pa.Schema, source: TableSource) -> pa.Schema:
    for name in source.partition_columns:
        if name not in schema.names:
            schema = schema.append(pa.field(name, pa.string()))
    return schema


def add_partitions(batch: pa.RecordBatch, data_file: DataFile, schema: pa.Schema) -> pa.RecordBatch:
    for name, value in data_file.partition.items():
        if name in schema.names and name not in batch.schema.names:
            codes = pa.array(np.zeros(batch.num_rows, np.int32))
            values = pa.DictionaryArray.from_arrays(codes, pa.array([value], pa.string()))
            batch = batch.append_column(name, values)
    return batch


def conform(batch: pa.RecordBatch, schema: pa.Schema) -> pa.RecordBatch:
    """Columns in the table's order and types; a column this file lacks is all gaps."""
    arrays = []
    for f in schema:
        if f.name in batch.schema.names:
            column = batch.column(f.name)
            if encoded(column.type, pa.large_string()):  # pandas writes large strings
                column = column.cast(TEXT_CODES)
            if column.type != f.type and not encoded(column.type, f.type):
                column = column.cast(f.type)
            arrays.append(column)
        else:  # text as every file's text comes: encoded
            kind = TEXT_CODES if pa.types.is_string(f.type) else f.type
            arrays.append(pa.nulls(batch.num_rows, kind))
    return pa.RecordBatch.from_arrays(arrays, names=schema.names)


def is_text(kind: pa.DataType) -> bool:
    return pa.types.is_string(kind) or pa.types.is_large_string(kind)


def encoded(kind: pa.DataType, wanted: pa.DataType) -> bool:
    return pa.types.is_dictionary(kind) and kind.value_type == wanted

"""Tables larger than memory: read from disk in record batches, never loaded whole.

The path of a table through these modules:
sources (which files, under which data root) → reader (record batches, one schema) →
preview (first rows at once; a cached full pass for counts, gaps, class balance and a
random sample) → stats (one pass over the training rows, planned by the in-memory
planner on the sample) → transform (batch → float32 features, as the in-memory
ColumnTransformer) → batches (numpy (x, y) of one split, shuffled by window).
Splits come from a hash of the row key (rowkeys), so no pass ever shuffles the file.
"""

"""Everything a run can hand out: its model bundle, its numbers, its report's data, TensorBoard logs.

Each export is built from the run's folder and the run store alone, so it works for
a run trained here, loaded from a file, or finished long ago.
"""

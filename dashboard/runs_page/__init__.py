"""The Runs page's parts: the table of runs and the comparison of finished ones."""

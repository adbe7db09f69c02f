"""Models a person brings: checked, paired with a dataset, and evaluated as "imported" runs.

keras_file / skops_file open a file without trusting code in it; describe says
what the model reads and makes (run in a process of its own by the Load page);
pairing checks that it fits a dataset before any work; trainer evaluates it in
the worker like any other run kind (models/kinds/imported.py).
"""

from data.dataset import DatasetError


class ImportRefused(DatasetError):
    """A model file or pairing that cannot be used; the message says why and what to do."""

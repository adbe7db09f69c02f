""" "Imported" kinds: a model a person loads is evaluated, not trained (models/importing/).

One kind per modality, because the worker checks that a run's dataset is of its
kind's modality. They declare no capabilities: all of them are found by inspecting
the loaded model. Not listed on the Train page.
"""

from models.kinds.base import ModelKind

_TRAINER = "models.importing.trainer:train"
_BUILDER = "models.importing.trainer:no_builder"
_TEXT = "A model loaded from a file and evaluated on this dataset (Load a model page)."

KINDS = [
    ModelKind(
        key=f"imported_{modality}",
        label=f"Imported {modality} model",
        modality=modality,
        framework=framework,
        trainer=_TRAINER,
        builder=_BUILDER,
        description=_TEXT,
        listed=False,
    )
    for modality, framework in (("image", "keras"), ("tabular", "sklearn"), ("text", "keras"))
]


def kind_key(modality: str) -> str:
    """The imported kind that evaluates models of this modality."""
    return f"imported_{modality}"

"""What a trainer is asked to do: the run, its parameters with defaults merged, the builder.

The registry builds the request (models.kinds.base.ModelKind.request), so a trainer
never looks up defaults or decides which model to build: it prepares the data,
hands the sizes the data decides (input shape, number of classes, task, seed) to
`request.build`, and the kind's builder gets its hyperparameters by name.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from models.spec import RunSpec


def hyperparameters(builder: Callable[..., Any], params: Mapping[str, Any]) -> dict[str, Any]:
    """The params the builder takes as keyword-only arguments, refusing any it needs and lacks.

    Keyword-only is the contract: positional arguments are what the data decides,
    keyword-only ones are hyperparameters, and each of those has its default in
    the kind's declaration, not in the builder.
    """
    names = [
        name
        for name, parameter in inspect.signature(builder).parameters.items()
        if parameter.kind is inspect.Parameter.KEYWORD_ONLY
    ]
    missing = [name for name in names if name not in params]
    if missing:
        raise ValueError(
            f"{builder.__name__} needs {', '.join(missing)}; give the model kind a default for it"
        )
    return {name: params[name] for name in names}


def call_builder(builder: Callable[..., Any], inputs: tuple, params: Mapping[str, Any]) -> Any:
    return builder(*inputs, **hyperparameters(builder, params))


@dataclass(frozen=True)
class TrainRequest:
    """One run as its trainer sees it.

    `params` are the kind's defaults overlaid with the run's own, merged once by the
    registry; `settings` are fixed choices of the kind that are not hyperparameters
    (e.g. that a text model reads a [CLS] token first).
    """

    spec: RunSpec
    params: Mapping[str, Any]
    builder: Callable[..., Any]
    settings: Mapping[str, Any] = field(default_factory=dict)

    @property
    def seed(self) -> int:
        return int(self.spec.seed)

    def build(self, *inputs: Any) -> Any:
        """The kind's model for data of these sizes, with this run's hyperparameters."""
        return call_builder(self.builder, inputs, self.params)

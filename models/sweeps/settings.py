"""What a sweep is asked to do, kept in its group's settings (models/groups.py)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from models.sweeps.space import ParamRange

STRATEGIES = {"random": "Random", "tpe": "TPE (model-based)", "grid": "Grid"}
PRUNERS = {"median": "Median pruning", "halving": "Successive halving", "none": "No early stopping"}
# (metric, direction, where it is read): per-epoch metrics can prune, final ones cannot.
EPOCH_METRICS = {"val_loss": "minimize", "val_accuracy": "maximize"}
FINAL_METRICS = {
    "accuracy": "maximize",
    "macro_f1": "maximize",
    "r2": "maximize",
    "mae": "minimize",
}


@dataclass
class SweepSettings:
    base: dict[str, Any]  # the RunSpec every trial starts from, as JSON-able fields
    ranges: list[ParamRange]
    budget: int
    strategy: str = "tpe"
    pruner: str = "median"
    metric: str = "val_loss"
    parallel: int = 1  # trials queued at once (the job manager's limit still applies)
    seed: int = 0
    dataset_name: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def direction(self) -> str:
        return {**EPOCH_METRICS, **FINAL_METRICS}[self.metric]

    @property
    def per_epoch(self) -> bool:
        return self.metric in EPOCH_METRICS

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["ranges"] = [r.to_dict() for r in self.ranges]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SweepSettings:
        known = {name: data[name] for name in cls.__dataclass_fields__ if name in data}
        known["ranges"] = [ParamRange.from_dict(r) for r in data["ranges"]]
        return cls(**known)

"""Which model inputs came from which column of the table a person loaded.

Preprocessing turns one column into several inputs: a category into one 0/1 input
per level, a date into its year, month, weekday and day of year, a number with gaps
into the number and a '.missing' flag. People think in their own columns, so
importance, contributions and the tabular Transformer's tokens are all counted per
original column; this module is the one place that maps inputs back to them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

# How each preprocessing step names what it makes from column c (data.tabular_prep):
# "c" itself, "c.missing" / "c.year" …, or "c=level".
_SEPARATORS = (".", "=")


@dataclass(frozen=True)
class ColumnGroups:
    """Original columns in table order; members[i] are the model inputs made from names[i].

    roles[i] is the preprocessing step that read the column ("numeric", "boolean",
    "datetime", "categorical"), or "" when inputs are not known to share a column.
    """

    names: list[str]
    members: list[list[int]]
    roles: list[str]

    def __len__(self) -> int:
        return len(self.names)

    def index(self, name: str) -> int:
        if name not in self.names:
            raise ValueError(
                f"There is no column named {name!r} among the model's inputs; pick one of: "
                + ", ".join(self.names[:20])
                + (" …" if len(self.names) > 20 else "")
            )
        return self.names.index(name)

    def to_json(self) -> dict[str, Any]:
        return {"names": self.names, "members": self.members, "roles": self.roles}

    @classmethod
    def from_json(cls, value: dict[str, Any]) -> ColumnGroups:
        return cls(list(value["names"]), [list(m) for m in value["members"]], list(value["roles"]))


def _source(name: str, columns: Sequence[str]) -> str | None:
    """The column an input named `name` was made from: an exact name first, else the
    longest column the name starts with followed by '.' or '=' (so 'a.b.missing'
    belongs to column 'a.b', not to a column 'a')."""
    if name in columns:
        return name
    starts = [c for c in columns if any(name.startswith(c + sep) for sep in _SEPARATORS)]
    return max(starts, key=len) if starts else None


def column_groups(preprocessor: Any, feature_names: Sequence[str]) -> ColumnGroups:
    """Group a fitted ColumnTransformer's outputs by the column each was made from.

    Without a preprocessor (a model given ready-made inputs) every input is its own
    column. An output no column claims stays on its own, never silently merged.
    """
    names = [str(n) for n in feature_names]
    if preprocessor is None or not hasattr(preprocessor, "output_indices_"):
        return ColumnGroups(names, [[i] for i in range(len(names))], [""] * len(names))
    owner: dict[int, tuple[str, str]] = {}
    for step, _, columns in preprocessor.transformers_:
        span = preprocessor.output_indices_.get(step, slice(0, 0))
        cols = [str(c) for c in columns] if isinstance(columns, list | tuple) else []
        for position in range(span.start, span.stop):
            owner[position] = (_source(names[position], cols) or names[position], step)
    order = [str(c) for c in getattr(preprocessor, "feature_names_in_", [])]
    grouped: dict[str, list[int]] = {}
    roles: dict[str, str] = {}
    for position in range(len(names)):
        column, step = owner.get(position, (names[position], ""))
        grouped.setdefault(column, []).append(position)
        roles.setdefault(column, step)
    rank = {c: i for i, c in enumerate(order)}
    columns = sorted(grouped, key=lambda c: (rank.get(c, len(rank)), grouped[c][0]))
    return ColumnGroups(columns, [grouped[c] for c in columns], [roles[c] for c in columns])


PREPROCESSOR_STEM = "preprocessor"  # preprocessor.skops (preprocessor.joblib before skops)


def groups_of_run(run_dir: Any, feature_names: Sequence[str]) -> ColumnGroups:
    """The column groups of a run, from the preprocessor it saved (if it saved one)."""
    from models.skops_io import load_run_object, run_object_exists

    if not run_object_exists(run_dir, PREPROCESSOR_STEM):
        return column_groups(None, feature_names)
    return column_groups(load_run_object(run_dir, PREPROCESSOR_STEM), feature_names)

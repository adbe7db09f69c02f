"""Which column of an uploaded table is probably the one to predict, and why.

The last column is a poor guess: a credit table ending in a price column trained a
regression, penguins ending in "sex" a sex classifier. A column named like a target
wins; otherwise the last column with a few categories (a class to predict); only
then the last column. The reason is shown beside the proposal, so a person can tell
a guess from a fact and change it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from data.schema import infer_columns

# Names that say "this is what to predict", most telling first (compared lower-case,
# spaces and dashes as underscores).
TARGET_NAMES = (
    "target",
    "label",
    "labels",
    "class",
    "y",
    "outcome",
    "survived",
    "churn",
    "churned",
    "default",
    "credit_risk",
    "risk",
    "fraud",
    "is_fraud",
    "diagnosis",
    "species",
    "result",
    "response",
    "status",  # last: also a common feature (an account's status)
    "category",
)
MAX_CLASS_LEVELS = 20  # a column with at most this many categories can be a class
_SEPARATORS = re.compile(r"[\s\-.]+")


@dataclass(frozen=True)
class TargetProposal:
    column: str
    reason: str


def _normal(name: object) -> str:
    return _SEPARATORS.sub("_", str(name).strip().lower())


def _named_like_a_target(columns: list[str]) -> str | None:
    normal = {_normal(column): column for column in reversed(columns)}  # first one wins
    return next((normal[name] for name in TARGET_NAMES if name in normal), None)


def propose_target(frame: pd.DataFrame) -> TargetProposal:
    """The proposed target of a table with at least one column."""
    columns = [str(column) for column in frame.columns]
    named = _named_like_a_target(columns)
    if named is not None:
        return TargetProposal(named, f"proposed because its name, '{named}', names a target")
    types = infer_columns(frame)
    classes = types[
        types["role"].isin(("categorical", "boolean")) & (types["n_unique"] <= MAX_CLASS_LEVELS)
    ]
    if len(classes):
        row = classes.iloc[-1]
        return TargetProposal(
            row["column"],
            f"proposed as the last column with few categories ({row['n_unique']}): "
            "a class to predict; no column is named like a target",
        )
    return TargetProposal(
        columns[-1],
        "the last column: no column is named like a target or has few categories",
    )

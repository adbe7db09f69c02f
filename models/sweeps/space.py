"""A sweep's search space: which parameters vary and over what, typed by a person.

Each parameter is written in a small text form on the Train page:
  "0.1, 0.2, 0.5"   a list of values, tried as given
  "8..128"          a range (whole numbers when both ends are whole and the default is)
  "1e-4..1e-2 log"  a range on a log scale
  anything else     a fixed value (the parameter does not vary)
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

GRID_POINTS = 4  # values a grid takes from a float range (or a long int range)


class SpaceError(ValueError):
    """A search space written in a way that cannot be swept; the message says how to fix it."""


@dataclass(frozen=True)
class ParamRange:
    name: str
    kind: str  # "list", "int" or "float"
    low: float = 0.0
    high: float = 0.0
    log: bool = False
    values: tuple = ()

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "values": list(self.values)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ParamRange:
        return cls(**{**data, "values": tuple(data.get("values", ()))})

    def distribution(self):
        """The Optuna distribution of this range."""
        from optuna.distributions import (
            CategoricalDistribution,
            FloatDistribution,
            IntDistribution,
        )

        if self.kind == "list":
            return CategoricalDistribution(list(self.values))
        if self.kind == "int":
            return IntDistribution(int(self.low), int(self.high), log=self.log)
        return FloatDistribution(self.low, self.high, log=self.log)

    def grid(self) -> list:
        """The values a grid search tries."""
        if self.kind == "list":
            return list(self.values)
        if self.kind == "int" and self.high - self.low < GRID_POINTS * 2:
            return list(range(int(self.low), int(self.high) + 1))
        points = _spaced(self.low, self.high, GRID_POINTS, self.log)
        if self.kind == "int":
            return sorted({int(round(point)) for point in points})
        return points

    def describe(self) -> str:
        if self.kind == "list":
            return ", ".join(map(str, self.values))
        return f"{self.low:g} … {self.high:g}" + (" (log)" if self.log else "")


def _spaced(low: float, high: float, count: int, log: bool) -> list[float]:
    if log:
        a, b = math.log(low), math.log(high)
        return [float(f"{math.exp(a + (b - a) * i / (count - 1)):.4g}") for i in range(count)]
    return [float(f"{low + (high - low) * i / (count - 1):.6g}") for i in range(count)]


def _number(text: str, name: str) -> float | int:
    try:
        value = float(text)
    except ValueError:
        raise SpaceError(f"{name}: {text!r} is not a number") from None
    return (
        int(value) if value.is_integer() and "." not in text and "e" not in text.lower() else value
    )


def _value(text: str, default: Any) -> Any:
    text = text.strip()
    if isinstance(default, bool):
        return text.lower() in ("true", "yes", "1")
    if isinstance(default, (int, float)):
        try:
            number = float(text)
        except ValueError:
            return text  # e.g. a cell type
        return int(number) if isinstance(default, int) and number.is_integer() else number
    return text


def parse_range(name: str, text: str, default: Any) -> ParamRange | None:
    """The range `text` asks for, or None when it names a single fixed value."""
    text = str(text).strip()
    if ".." in text:
        body, _, flag = text.partition(" ")
        flag = flag.strip().lower()
        if flag not in ("", "log"):
            raise SpaceError(f"{name}: after the range write only 'log' (got {flag!r})")
        low_text, _, high_text = body.partition("..")
        low, high = _number(low_text.strip(), name), _number(high_text.strip(), name)
        if not low < high:
            raise SpaceError(
                f"{name}: the range {text!r} must go from a smaller to a larger number"
            )
        log = flag == "log"
        if log and low <= 0:
            raise SpaceError(f"{name}: a log range must start above 0 (got {low:g})")
        whole = isinstance(low, int) and isinstance(high, int) and not isinstance(default, float)
        return ParamRange(name, "int" if whole else "float", low, high, log)
    if "," in text:
        values = tuple(_value(part, default) for part in text.split(",") if part.strip())
        if len(set(map(str, values))) < 2:
            raise SpaceError(f"{name}: a list needs at least two different values")
        return ParamRange(name, "list", values=values)
    return None


def parse_space(
    texts: dict[str, str], defaults: dict[str, Any]
) -> tuple[list[ParamRange], dict[str, Any]]:
    """Ranges for the parameters that vary, and the fixed values of the others."""
    ranges, fixed = [], {}
    for name, default in defaults.items():
        text = texts.get(name, "")
        found = parse_range(name, text, default) if text != "" else None
        if found is not None:
            ranges.append(found)
        elif text != "":
            fixed[name] = _value(text, default)
        else:
            fixed[name] = default
    if not ranges:
        raise SpaceError(
            "nothing varies: give at least one parameter a list (8, 16, 32) or a range (8..128)"
        )
    return ranges, fixed


def grid_size(ranges: list[ParamRange]) -> int:
    return math.prod(len(r.grid()) for r in ranges)

"""Small generated tables for the big-table tests: known contents, a few hundred KB."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

N_ROWS = 3000


def mixed_frame(rows: int = N_ROWS, seed: int = 0) -> pd.DataFrame:
    """One column of every role, gaps in several, a rare tail and more than 50 levels."""
    rng = np.random.default_rng(seed)
    age = np.round(rng.normal(40, 10, rows), 2)
    age[rng.random(rows) < 0.1] = np.nan
    income = np.round(rng.lognormal(10, 1, rows), 0)
    colour = rng.choice(
        ["green", "pink", "grey", "teal", "red", "blue"], rows, p=[0.3, 0.3, 0.2, 0.1, 0.095, 0.005]
    )
    colour = np.where(rng.random(rows) < 0.05, None, colour)
    city = np.asarray([f"city{k:03d}" for k in rng.zipf(1.3, rows) % 400])
    member = rng.choice(["yes", "no", "Yes", None], rows)
    signup = pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 900 * 24, rows), "h")
    signup = pd.Series(signup.strftime("%Y-%m-%d %H:%M")).where(rng.random(rows) > 0.03, None)
    target = np.where(np.nan_to_num(age, nan=40) + rng.normal(0, 8, rows) > 42, "high", "low")
    target = np.where(colour == "red", "mid", target).astype(object)
    target[rng.random(rows) < 0.02] = None
    return pd.DataFrame(
        {
            "row_id": np.arange(rows),
            "age": age,
            "income": income,
            "colour": colour,
            "city": city,
            "member": member,
            "signup": signup,
            "country": "NL",
            "blank": np.nan,
            "target": target,
        }
    )


def write_mixed_csv(path: Path, rows: int = N_ROWS, seed: int = 0) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    mixed_frame(rows, seed).to_csv(path, index=False)
    return path


def numbered_csv(path: Path, rows: int, ragged_line: int | None = None) -> Path:
    """`id,x,label` rows; line `ragged_line` (1-based, the header is line 1) gets a 4th field."""
    lines = ["id,x,label"] + [f"{i},{i % 97 / 7:.4f},{'ab'[i % 2]}" for i in range(rows)]
    if ragged_line is not None:
        lines[ragged_line - 1] += ",extra"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n")
    return path

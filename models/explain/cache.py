"""Where a run's explanations are kept: files in its folder, written whole or not at all."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from models.explain.attention import TableAttention
from models.explain.contributions import Contributions
from models.explain.dependence import Dependence
from models.explain.permutation import Importance

FOLDER = "explain"


def _folder(run_dir: Path) -> Path:
    return Path(run_dir) / FOLDER


def digest(text: str) -> str:
    """A file-name-safe key for any text (a column name, a row's values)."""
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def importance_path(run_dir: Path) -> Path:
    return _folder(run_dir) / "importance.json"


def attention_path(run_dir: Path) -> Path:
    return _folder(run_dir) / "attention.npz"


def dependence_path(run_dir: Path, column: str) -> Path:
    return _folder(run_dir) / f"dependence-{digest(column)}.json"


def contributions_path(run_dir: Path, key: str) -> Path:
    return _folder(run_dir) / f"contributions-{key}.json"


def write_json(path: Path, value: Any) -> None:
    path.parent.mkdir(exist_ok=True)
    tmp = path.with_name(f"{path.stem}.tmp{os.getpid()}{path.suffix}")
    tmp.write_text(json.dumps(value))
    os.replace(tmp, path)


def write_attention(path: Path, attention: TableAttention) -> None:
    path.parent.mkdir(exist_ok=True)
    tmp = path.with_name(f"{path.stem}.tmp{os.getpid()}.npz")
    attention.save(tmp)
    os.replace(tmp, path)


def _json(path: Path) -> Any | None:
    return json.loads(path.read_text()) if path.exists() else None


def cached_importance(run_dir: Path) -> Importance | None:
    value = _json(importance_path(run_dir))
    return None if value is None else Importance.from_json(value)


def cached_dependence(run_dir: Path, column: str) -> Dependence | None:
    value = _json(dependence_path(run_dir, column))
    return None if value is None else Dependence.from_json(value)


def cached_contributions(run_dir: Path, key: str) -> Contributions | None:
    value = _json(contributions_path(run_dir, key))
    return None if value is None else Contributions.from_json(value)


def cached_attention(run_dir: Path) -> TableAttention | None:
    path = attention_path(run_dir)
    return TableAttention.load(path) if path.exists() else None

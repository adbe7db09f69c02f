"""Results of a pass over a big table, kept on disk until the table's files change.

The key is the table's identity (every file's path, size and modification time) and what
was computed, so a changed file is simply a miss and never serves old numbers. Entries are
pickles written by this program into the workspace, like the runs' preprocessors; one that
no longer loads (written by an older version) is a miss too.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from data.bigtable.sources import TableSource

T = TypeVar("T")
CACHE_FOLDER = "bigtable_cache"
FORMAT = 3  # raise when a cached class changes its fields: old entries then miss


def cached(
    workspace: Path, source: TableSource, what: str, params: dict, make: Callable[[], T]
) -> T:
    """`make()`'s result for this table and these parameters, computed once."""
    path = entry_path(workspace, source, what, params)
    found = _load(path)
    if found is not None:
        return found
    value = make()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".tmp{os.getpid()}")
    with tmp.open("wb") as out:
        pickle.dump(value, out, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, path)
    return value


def entry_path(
    workspace: Path, source: TableSource, what: str, params: dict, suffix: str = ".pickle"
) -> Path:
    """Where a result for this table and these parameters is kept."""
    key = json.dumps([FORMAT, what, source.identity, params], sort_keys=True, default=str)
    digest = hashlib.sha256(key.encode()).hexdigest()[:24]
    return Path(workspace) / CACHE_FOLDER / f"{what}-{digest}{suffix}"


def _load(path: Path) -> Any | None:
    try:
        with path.open("rb") as handle:
            return pickle.load(handle)
    except FileNotFoundError:
        return None
    except Exception:  # an entry from an older version of these classes: compute again
        return None

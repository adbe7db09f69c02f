"""Turning a checked model file and a dataset choice into an "imported" run in the store.

The Load page and the CLI both come through here: the file is kept in the
workspace under its content hash (a run stays reproducible after the person
deletes their copy), and the run's spec names it, the pairing plan and the
person's choices, so the worker needs nothing else.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

from models.importing import ImportRefused
from models.importing.pairing import Pairing
from models.spec import RunSpec

MAX_MODEL_BYTES = 200 * 2**20  # as .streamlit/config.toml's maxUploadSize
IMPORTS_DIR = "imports"


def check_size(size: int, name: str) -> None:
    """Refuse a file over the upload limit before it is stored."""
    if size > MAX_MODEL_BYTES:
        raise ImportRefused(
            f"'{name}' is {size / 2**20:,.0f} MB; model files up to {MAX_MODEL_BYTES / 2**20:,.0f} MB "
            "can be loaded. Save a smaller model (fewer or narrower layers), or run "
            "`python -m models.train --load FILE --dataset …`, which has no upload limit."
        )


def _safe_name(name: str) -> str:
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", Path(name).name).strip("._") or "model"
    return cleaned[:100]


def stash_model_file(workspace: Path, name: str, content: bytes) -> Path:
    """The file kept at <workspace>/imports/<hash>/<name>; the same bytes share one copy."""
    check_size(len(content), name)
    digest = hashlib.sha256(content).hexdigest()[:16]
    folder = Path(workspace) / IMPORTS_DIR / digest
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / _safe_name(name)
    if not path.exists():
        tmp = path.with_name(path.name + ".part")
        tmp.write_bytes(content)
        tmp.replace(path)
    return path


def import_spec(
    model_path: Path,
    dataset_ref: str,
    pairing: Pairing,
    *,
    dataset_options: dict[str, Any] | None = None,
    pixel_scale: str = "raw",
    feature_layer: str | None = None,
    seed: int = 0,
    test_size: float = 0.2,
) -> RunSpec:
    """The spec of an imported run: evaluate the model at `model_path` on the dataset."""
    from models.kinds.imported import kind_key

    params = {
        "model_path": str(model_path),
        "file_name": Path(model_path).name,
        "pairing": pairing.params(),
        "pixel_scale": pixel_scale,
        "feature_layer": feature_layer or None,
    }
    options = dict(dataset_options or {})
    return RunSpec(dataset_ref, kind_key(pairing.modality), params, seed, test_size, options)

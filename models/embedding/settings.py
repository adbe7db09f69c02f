"""What changes an embedding's coordinates, and the key a computed map is cached under.

Apart from the computation (models.embedding.compute) so the numeric stages in
models.embedding.layout can name it without importing the module that uses them.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from typing import Literal

from data.dataset import DatasetError

# Bump when the pipeline changes in a way that changes coordinates, so cached
# embeddings keyed by ``EmbeddingSettings.key()`` are recomputed.
_ALGORITHM_VERSION = 2


@dataclass(frozen=True)
class EmbeddingSettings:
    """Everything that changes the coordinates; ``key()`` names a cached result."""

    n_components: int = 2
    n_neighbors: int = 15
    min_dist: float = 0.1
    metric: Literal["euclidean", "cosine"] = "euclidean"
    pca_dims: int | None = 50
    seed: int = 0
    n_epochs: int | None = None  # None: chosen from the number of points
    negative_sample_rate: int = 5
    learning_rate: float = 1.0  # lower it to fine-tune from init_coords rather than re-layout
    deterministic: bool = False

    def __post_init__(self) -> None:
        problems = []
        if self.n_components not in (2, 3):
            problems.append(f"n_components must be 2 or 3, got {self.n_components}")
        if self.n_neighbors < 2:
            problems.append(f"n_neighbors must be at least 2, got {self.n_neighbors}")
        if not 0.0 <= self.min_dist <= 1.0:
            problems.append(f"min_dist must be between 0 and 1, got {self.min_dist}")
        if self.metric not in ("euclidean", "cosine"):
            problems.append(f"metric must be 'euclidean' or 'cosine', got {self.metric!r}")
        if self.pca_dims is not None and self.pca_dims < 2:
            problems.append(f"pca_dims must be None (off) or at least 2, got {self.pca_dims}")
        if self.n_epochs is not None and self.n_epochs < 1:
            problems.append(f"n_epochs must be None (auto) or at least 1, got {self.n_epochs}")
        if self.negative_sample_rate < 1:
            problems.append(
                f"negative_sample_rate must be at least 1, got {self.negative_sample_rate}"
            )
        if not self.learning_rate > 0:
            problems.append(f"learning_rate must be positive, got {self.learning_rate}")
        if problems:
            raise DatasetError("Invalid embedding settings: " + "; ".join(problems) + ".")

    def key(self) -> str:
        """Short stable hash: same settings -> same key across processes and runs."""
        payload = json.dumps(
            {"version": _ALGORITHM_VERSION, **asdict(self)}, sort_keys=True, default=str
        )
        return hashlib.sha256(payload.encode()).hexdigest()[:12]

"""2-D/3-D maps of learned features, fast enough to recompute on a click.

umap-learn with its defaults spends a 20k-point fit on a kNN search in the raw
feature space, a spectral initialisation of the kNN graph and 200 layout
epochs. This module keeps UMAP's fuzzy graph and its SGD layout (so the maps
look like UMAP's) but feeds them cheaper inputs:

* PCA to ``pca_dims`` first, with sklearn's ``covariance_eigh`` solver for
  feature widths up to ``_COVARIANCE_PCA_MAX_DIMS`` (a 128x128 eigenproblem is
  ~100x faster than the randomised solver here) and ``randomized`` above;
* exact kNN up to ``_EXACT_KNN_MAX`` points, above it pynndescent with a small
  forest (8 trees, 6 iterations, 30 candidates: recall 0.998-0.999 against
  exact kNN on the benchmark data, at 0.4 s for 20k and 3 s for 100k points);
* the leading principal components as the initial layout, which is what lets
  the layout converge in ~50 epochs instead of 200;
* ``cosine`` becomes euclidean on L2-normalised rows (same neighbour order), so
  only one compiled distance path exists and ``warm_up`` covers every metric.

``deterministic=True`` (the default) runs everything on one numba thread: the
same seed then gives bit-identical coordinates run after run (same machine and
library versions). With ``deterministic=False`` the kNN search and the layout
SGD use all numba threads; the layout is then Hogwild-style, so coordinates
vary with thread scheduling. On the shared 2-core benchmark machine the
parallel mode was slower, hence the default.

umap, pynndescent and numba are imported lazily: the UI process must start
without paying for them (see ``warm_up``).
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
import warnings
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Literal

import numpy as np

from data.dataset import DatasetError

Progress = Callable[[float, str], None]

# Bump when the pipeline changes in a way that changes coordinates, so cached
# embeddings keyed by ``EmbeddingSettings.key()`` are recomputed.
_ALGORITHM_VERSION = 1
_EXACT_KNN_MAX = 4096
_COVARIANCE_PCA_MAX_DIMS = 1000
_NND_TREES = 8
_NND_ITERS = 6
_MIN_POINTS = 3


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
    deterministic: bool = True

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


def validate_features(features: np.ndarray) -> np.ndarray:
    """Return features as C-contiguous float32, or say exactly what is wrong."""
    arr = np.asarray(features)
    if arr.ndim != 2:
        raise DatasetError(
            f"Features must be a 2-D array (points x features), got shape {arr.shape}. "
            "Flatten each sample first, e.g. features.reshape(len(features), -1)."
        )
    if not (np.issubdtype(arr.dtype, np.number) or arr.dtype == bool):
        raise DatasetError(
            f"Features must be numeric, got dtype {arr.dtype}. Convert them with .astype(float)."
        )
    n, d = arr.shape
    if n < _MIN_POINTS:
        raise DatasetError(
            f"Need at least {_MIN_POINTS} points to compute an embedding, got {n}. "
            "Select more samples."
        )
    if d == 0:
        raise DatasetError("Features have 0 columns; pick a layer that produces outputs.")
    arr = np.ascontiguousarray(arr, dtype=np.float32)
    bad = ~np.isfinite(arr).all(axis=1)
    if bad.any():
        rows = np.flatnonzero(bad)
        shown = ", ".join(str(r) for r in rows[:5]) + (", ..." if len(rows) > 5 else "")
        raise DatasetError(
            f"Features contain NaN or infinite values in {len(rows)} of {n} rows "
            f"(rows {shown}). Drop or impute those rows, or check the layer for "
            "overflow (e.g. train with a lower learning rate)."
        )
    return arr


def embed(
    features: np.ndarray,
    settings: EmbeddingSettings = EmbeddingSettings(),
    progress: Progress | None = None,
    *,
    init_coords: np.ndarray | None = None,
) -> np.ndarray:
    """Embed (N, D) features into (N, n_components) float32 coordinates.

    ``init_coords`` (N, n_components) starts the layout from given coordinates,
    e.g. the previous frame of an animation, instead of the leading PCs; the
    layout then settles into a nearby arrangement rather than a fresh one.
    """
    x = validate_features(features)
    if init_coords is not None:
        init_coords = np.asarray(init_coords, dtype=np.float32)
        if init_coords.shape != (len(x), settings.n_components):
            raise DatasetError(
                f"init_coords has shape {init_coords.shape}, expected "
                f"{(len(x), settings.n_components)}: one row per point, one column per component."
            )
        if not np.isfinite(init_coords).all():
            raise DatasetError("init_coords contain NaN or infinite values; pass finite ones.")
    return _embed(x, settings, progress, exact_knn_max=_EXACT_KNN_MAX, init_coords=init_coords)


def effective_neighbors(n_points: int, n_neighbors: int) -> int:
    """Shrink the neighbourhood for tiny sets instead of failing (it counts the point itself)."""
    return max(2, min(n_neighbors, n_points - 1))


def auto_epochs(n_points: int) -> int:
    """Layout epochs when the settings leave it open.

    With a PCA start the layout has little global untangling left to do;
    measured on the benchmark data, trustworthiness peaks near 50 epochs at 20k
    and does not improve past it, while small sets are cheap enough to polish.
    """
    if n_points <= 2_000:
        return 200
    if n_points <= 10_000:
        return 100
    return 50


def _embed(
    x: np.ndarray,
    settings: EmbeddingSettings,
    progress: Progress | None,
    exact_knn_max: int,
    init_coords: np.ndarray | None = None,
) -> np.ndarray:
    import numba

    report = progress or (lambda fraction, stage: None)
    n = len(x)
    k = effective_neighbors(n, settings.n_neighbors)
    threads_before = numba.get_num_threads()
    if settings.deterministic:
        numba.set_num_threads(1)
    try:
        report(0.0, "pca")
        reduced, init = _reduce(x, settings)
        if init_coords is not None:
            init = np.ascontiguousarray(init_coords, dtype=np.float32)
        report(0.05, "neighbours")
        if n <= exact_knn_max:
            knn_idx, knn_dist = _exact_neighbours(reduced, k)
        else:
            knn_idx, knn_dist = _descent_neighbours(reduced, k, settings)
        report(0.35, "layout")
        coords = _layout(reduced, knn_idx, knn_dist, init, k, settings)
    finally:
        numba.set_num_threads(threads_before)
    report(1.0, "done")
    return coords


def _reduce(x: np.ndarray, settings: EmbeddingSettings) -> tuple[np.ndarray, np.ndarray]:
    """Return (features for the kNN search, initial layout coordinates)."""
    from sklearn.decomposition import PCA

    if settings.metric == "cosine":
        norms = np.linalg.norm(x, axis=1, keepdims=True)
        x = x / np.maximum(norms, np.finfo(np.float32).tiny)
    n, d = x.shape
    shrink = settings.pca_dims is not None and settings.pca_dims < d
    n_pcs = min(max(settings.pca_dims if shrink else 0, settings.n_components), d, n)
    solver = "covariance_eigh" if d <= _COVARIANCE_PCA_MAX_DIMS else "randomized"
    pca = PCA(n_components=n_pcs, svd_solver=solver, random_state=settings.seed)
    with np.errstate(divide="ignore", invalid="ignore"):  # all-identical rows: 0/0 ratios
        pcs = pca.fit_transform(x).astype(np.float32)
    reduced = pcs[:, : settings.pca_dims] if shrink else x
    init = _initial_layout(pcs[:, : settings.n_components], settings)
    return np.ascontiguousarray(reduced, dtype=np.float32), init


def _initial_layout(leading: np.ndarray, settings: EmbeddingSettings) -> np.ndarray:
    """Leading PCs scaled like umap's "pca" init; random columns stand in for missing ones."""
    rng = np.random.RandomState(settings.seed)
    have = leading.shape[1]
    coords = np.zeros((len(leading), settings.n_components), dtype=np.float64)
    coords[:, :have] = leading
    span = np.abs(coords).max()
    if span > 0:
        coords *= 10.0 / span
    filler = slice(have if span > 0 else 0, settings.n_components)
    coords[:, filler] = rng.uniform(-10.0, 10.0, size=coords[:, filler].shape)
    noise = rng.normal(scale=1e-4, size=coords.shape)
    return np.ascontiguousarray(coords + noise, dtype=np.float32)


def _exact_neighbours(x: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    from sklearn.neighbors import NearestNeighbors

    dist, idx = NearestNeighbors(n_neighbors=k, algorithm="brute").fit(x).kneighbors(x)
    # The types pynndescent returns, so numba compiles the graph code only once.
    return np.ascontiguousarray(idx, dtype=np.int32), np.ascontiguousarray(dist, dtype=np.float32)


def _descent_neighbours(
    x: np.ndarray, k: int, settings: EmbeddingSettings
) -> tuple[np.ndarray, np.ndarray]:
    _import_umap()
    from pynndescent import NNDescent

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "failed to find n_neighbors" is handled downstream
        index = NNDescent(
            x,
            n_neighbors=k,
            metric="euclidean",
            random_state=settings.seed,
            n_trees=_NND_TREES,
            n_iters=_NND_ITERS,
            max_candidates=30,
            low_memory=True,
            n_jobs=1 if settings.deterministic else None,
            compressed=False,
        )
    idx, dist = index.neighbor_graph
    return np.ascontiguousarray(idx, dtype=np.int32), np.ascontiguousarray(dist, dtype=np.float32)


def _layout(
    reduced: np.ndarray,
    knn_idx: np.ndarray,
    knn_dist: np.ndarray,
    init: np.ndarray,
    k: int,
    settings: EmbeddingSettings,
) -> np.ndarray:
    umap_ = _import_umap()
    random_state = np.random.RandomState(settings.seed)
    graph, _, _ = umap_.fuzzy_simplicial_set(
        reduced, k, random_state, "euclidean", knn_indices=knn_idx, knn_dists=knn_dist
    )
    a, b = _ab_params(settings.min_dist)
    n_epochs = settings.n_epochs or auto_epochs(len(reduced))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        coords, _ = umap_.simplicial_set_embedding(
            reduced,
            graph,
            settings.n_components,
            settings.learning_rate,
            a,
            b,
            1.0,  # repulsion strength, umap's default
            settings.negative_sample_rate,
            n_epochs,
            init,
            random_state,
            "euclidean",
            {},
            False,  # densmap
            {},
            False,  # output_dens
            parallel=not settings.deterministic,
        )
    return np.ascontiguousarray(coords, dtype=np.float32)


_AB_CACHE: dict[float, tuple[float, float]] = {}


def _ab_params(min_dist: float) -> tuple[float, float]:
    """umap's curve fit for (a, b), memoised: it costs ~10 ms and never changes."""
    if min_dist not in _AB_CACHE:
        _AB_CACHE[min_dist] = _import_umap().find_ab_params(1.0, min_dist)
    return _AB_CACHE[min_dist]


def _import_umap():
    """Import ``umap.umap_`` without dragging in TensorFlow.

    ``import umap`` imports ``umap.parametric_umap``, which imports TensorFlow
    (~3 s and hundreds of MB) for a class we never use. Marking that submodule
    unavailable for the duration of the first import makes umap fall back to
    its stub; the mark is removed afterwards so nothing else is affected.
    """
    if "umap.umap_" in sys.modules:
        return sys.modules["umap.umap_"]
    blocked = "umap.parametric_umap" not in sys.modules and "tensorflow" not in sys.modules
    if blocked:
        sys.modules["umap.parametric_umap"] = None  # type: ignore[assignment]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import umap.umap_ as umap_
    finally:
        if blocked and sys.modules.get("umap.parametric_umap", 0) is None:
            del sys.modules["umap.parametric_umap"]
    return umap_


def umap_default_embed(features: np.ndarray, seed: int | None = 0) -> np.ndarray:
    """umap-learn exactly as shipped (2-D), the yardstick for the benchmark."""
    x = validate_features(features)
    umap_module = _import_umap()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "n_jobs overridden by random_state"
        coords = umap_module.UMAP(random_state=seed).fit_transform(x)
    return np.asarray(coords, dtype=np.float32)


def warm_up() -> float:
    """Compile every numba path ``embed`` can take, so no click pays for it.

    Runs the pynndescent search (forced although the set is small), the fuzzy
    graph and both the single-threaded and the parallel layout. The shape is
    chosen for pynndescent's forest: it splits nodes over 1 MiB of rows
    breadth-first and smaller ones depth-first, so 1024 rows of 8 KiB reach
    both paths, as every 20k-point request does; 300 small rows would leave
    ~5 s of compiling to the first real request.
    Returns the seconds taken: 30-90 s on this machine, as numba's on-disk
    cache covers only part of pynndescent and none of umap's layout.
    """
    start = time.perf_counter()
    wide = np.random.default_rng(0).normal(size=(1024, 2048)).astype(np.float32)
    for deterministic in (True, False):
        settings = EmbeddingSettings(pca_dims=None, n_epochs=5, deterministic=deterministic)
        _embed(wide, settings, None, exact_knn_max=0)
    return time.perf_counter() - start

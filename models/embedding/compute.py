"""2-D/3-D maps of learned features, fast enough to recompute on a click.

umap-learn as shipped spends a 20k-point fit on a kNN search in the raw
feature space, a spectral initialisation of the kNN graph and 200 layout
epochs. This module keeps UMAP's fuzzy graph and its layout SGD (so the maps
look like UMAP's) but feeds them cheaper inputs and runs the SGD in a leaner kernel:

* PCA to ``pca_dims`` first, with sklearn's ``covariance_eigh`` solver for
  feature widths up to 1,000 (a 128x128 eigenproblem is
  ~100x faster than the randomised solver here) and ``randomized`` above;
* exact kNN up to ``EXACT_KNN_MAX`` points, above it pynndescent with a small
  forest (8 trees, 6 iterations, 30 candidates: recall 0.998-0.999 against
  exact kNN on the benchmark data);
* a start that is already a map: 2,000 random landmarks get umap's spectral
  start and a short layout, every other point starts at the mean of its
  placed kNN neighbours. Clusters start whole and apart, so 36 epochs refine
  what umap needs 200 for (a plain PCA start was as fast but tore clusters
  that overlap in the first two PCs into two islands);
* the layout SGD of ``models.embedding.sgd``: umap's updates and sampling
  schedule in float32, a point's pushes away from its negative samples summed
  rather than applied one after another, so they do not wait on each other;
* ``cosine`` becomes euclidean on L2-normalised rows (same neighbour order), so
  only one compiled distance path exists and ``warm_up`` covers every metric.

By default the kNN search and the layout SGD use all numba threads; the layout
is then Hogwild-style, as umap-learn's, so coordinates vary slightly with thread scheduling (a
map is computed once and cached per settings, so reopening it shows the same
picture); benchmarks/embedding_speed.py prints both ways against umap-learn.
``deterministic=True`` runs
everything on one numba thread: the same seed then gives bit-identical
coordinates run after run (same machine and library versions).

umap, pynndescent and numba are imported lazily: the UI process must start
without paying for them (see ``warm_up``).
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable

import numpy as np

from data.dataset import DatasetError
from models.embedding.layout import (
    EXACT_KNN_MAX,
    LANDMARKS,
    descent_neighbours,
    effective_neighbors,
    exact_neighbours,
    fuzzy_graph,
    import_umap,
    landmark_init,
    layout,
    reduce_features,
    spectral_init,
)
from models.embedding.settings import EmbeddingSettings

__all__ = [
    "EmbeddingSettings",
    "effective_neighbors",
    "embed",
    "umap_default_embed",
    "validate_features",
    "warm_up",
    "warm_up_steps",
]

Progress = Callable[[float, str], None]

_MIN_POINTS = 3
DEFAULT_SETTINGS = EmbeddingSettings()


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
    settings: EmbeddingSettings = DEFAULT_SETTINGS,
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
    return _embed(x, settings, progress, exact_knn_max=EXACT_KNN_MAX, init_coords=init_coords)


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
        reduced = reduce_features(x, settings)
        report(0.05, "neighbours")
        if n <= exact_knn_max:
            knn_idx, knn_dist = exact_neighbours(reduced, k)
        else:
            knn_idx, knn_dist = descent_neighbours(reduced, k, settings)
        report(0.35, "layout")
        graph = fuzzy_graph(reduced, knn_idx, knn_dist, k, settings)
        if init_coords is not None:
            init = np.ascontiguousarray(init_coords, dtype=np.float32)
        elif n <= LANDMARKS:
            init = spectral_init(reduced, graph, settings)
        else:
            init = landmark_init(reduced, graph, settings)
        coords = layout(reduced, graph, init, settings)
    finally:
        numba.set_num_threads(threads_before)
    report(1.0, "done")
    return coords


def umap_default_embed(features: np.ndarray, seed: int | None = None) -> np.ndarray:
    """umap-learn exactly as shipped (2-D), the yardstick for the benchmark.

    Without a seed that is its true defaults (every core); a seed makes umap-learn
    run on one thread so that the seed reproduces.
    """
    x = validate_features(features)
    umap_module = import_umap()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "n_jobs overridden by random_state"
        coords = umap_module.UMAP(random_state=seed).fit_transform(x)
    return np.asarray(coords, dtype=np.float32)


def warm_up_steps() -> list[Callable[[], None]]:
    """Compile every numba path ``embed`` can take, in steps, so no click pays for it.

    First the path of a small set (exact kNN, spectral start, layout), so
    the map of a small test set is ready soon after start-up; then pynndescent's
    search and the landmark start; then the single-threaded (deterministic) paths.
    The wide shape is chosen for pynndescent's forest: it splits nodes over
    1 MiB of rows breadth-first and smaller ones depth-first, so 2,100 rows of
    4 KiB reach both paths, as every 20k-point request does; 300 small rows
    would leave seconds of compiling to the first real request. The steps take
    about a minute or more with an empty numba cache, as numba's on-disk cache covers
    only part of pynndescent and umap's graph code; the service answers waiting requests
    between them, and draws quick maps meanwhile (models.embedding.quick).
    """
    rng = np.random.default_rng(0)
    small = rng.normal(size=(300, 16)).astype(np.float32)
    wide = rng.normal(size=(LANDMARKS + 100, 1024)).astype(np.float32)

    def step(x: np.ndarray, deterministic: bool, exact_knn_max: int) -> Callable[[], None]:
        settings = EmbeddingSettings(pca_dims=None, n_epochs=5, deterministic=deterministic)

        def run() -> None:
            _embed(x, settings, None, exact_knn_max=exact_knn_max)

        return run

    return [step(small, False, EXACT_KNN_MAX), step(wide, False, 0), step(wide, True, 0)]


def warm_up() -> float:
    """All of ``warm_up_steps`` at once; returns the seconds taken."""
    start = time.perf_counter()
    for step in warm_up_steps():
        step()
    return time.perf_counter() - start

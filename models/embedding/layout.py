"""The numeric stages behind ``models.embedding.compute.embed``: PCA, kNN, start, layout.

Kept apart from the public API so each file stays readable; see
``models/embedding/compute.py`` for why each stage is done the way it is.
"""

from __future__ import annotations

import dataclasses
import sys
import warnings
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from scipy import sparse as scipy_sparse

    from models.embedding.settings import EmbeddingSettings

EXACT_KNN_MAX = 4096
LANDMARKS = 2000
_LANDMARK_EPOCHS = 50
_COVARIANCE_PCA_MAX_DIMS = 1000
_NND_TREES = 8
_NND_ITERS = 6
_NND_CANDIDATES = 30
_AB_CACHE: dict[float, tuple[float, float]] = {}


def effective_neighbors(n_points: int, n_neighbors: int) -> int:
    """Shrink the neighbourhood for tiny sets instead of failing (it counts the point itself)."""
    return max(2, min(n_neighbors, n_points - 1))


def auto_epochs(n_points: int) -> int:
    """Layout epochs when the settings leave it open.

    Above 2,000 points the layout starts from the landmark map, so little
    global untangling is left: on the benchmark data 36 epochs reach
    trustworthiness 0.898 at 20k (mean of six seeds; 30 epochs: 0.896; umap-learn's true
    defaults, 200 epochs: 0.903).
    """
    if n_points <= LANDMARKS:
        return 200
    if n_points <= 10_000:
        return 100
    return 36


def reduce_features(x: np.ndarray, settings: EmbeddingSettings) -> np.ndarray:
    """The features the kNN search sees: L2-normalised for cosine, then PCA'd."""
    from sklearn.decomposition import PCA

    if settings.metric == "cosine":
        norms = np.linalg.norm(x, axis=1, keepdims=True)
        x = x / np.maximum(norms, np.finfo(np.float32).tiny)
    n, d = x.shape
    if settings.pca_dims is None or settings.pca_dims >= min(n, d):
        return np.ascontiguousarray(x, dtype=np.float32)
    solver = "covariance_eigh" if d <= _COVARIANCE_PCA_MAX_DIMS else "randomized"
    pca = PCA(n_components=settings.pca_dims, svd_solver=solver, random_state=settings.seed)
    with np.errstate(divide="ignore", invalid="ignore"):  # all-identical rows: 0/0 ratios
        return np.ascontiguousarray(pca.fit_transform(x), dtype=np.float32)


def spectral_init(
    reduced: np.ndarray, graph: scipy_sparse.spmatrix, settings: EmbeddingSettings
) -> np.ndarray:
    """umap's own default start: eigenvectors of the graph Laplacian, scaled to +-10.

    Cheap up to a few thousand points and what keeps clusters whole: starting
    from raw PCA coordinates, clusters that overlap in the first two PCs get
    torn into two pieces that a short layout never re-joins.
    """
    umap_ = import_umap()
    random_state = np.random.RandomState(settings.seed)
    if len(reduced) <= settings.n_components + 1:  # too few points for an eigensolver
        return random_state.uniform(-10, 10, (len(reduced), settings.n_components)).astype(
            np.float32
        )
    with warnings.catch_warnings(), np.errstate(divide="ignore", invalid="ignore"):
        warnings.simplefilter("ignore")  # umap falls back to a random start itself
        coords = umap_.spectral_layout(reduced, graph, settings.n_components, random_state)
    if not np.isfinite(coords).all() or np.abs(coords).max() == 0:
        coords = random_state.uniform(-10, 10, coords.shape)
    return umap_.noisy_scale_coords(coords, random_state, max_coord=10, noise=1e-4)


def landmark_init(
    reduced: np.ndarray, graph: scipy_sparse.spmatrix, settings: EmbeddingSettings
) -> np.ndarray:
    """Lay out a random subset fully (spectral start), then spread those positions
    over the kNN graph: each other point starts at the weighted mean of its
    already-placed neighbours.

    A spectral start for 20k+ points costs seconds; for 2,000 landmarks ~0.05 s,
    and every cluster starts whole and apart, so the full layout only refines.
    """
    rng = np.random.RandomState(settings.seed)
    n = len(reduced)
    picks = np.sort(rng.choice(n, LANDMARKS, replace=False))
    landmarks = reduced[picks]
    k = effective_neighbors(len(landmarks), settings.n_neighbors)
    idx, dist = exact_neighbours(landmarks, k)
    sub_graph = fuzzy_graph(landmarks, idx, dist, k, settings)
    start = spectral_init(landmarks, sub_graph, settings)
    own = dataclasses.replace(settings, n_epochs=_LANDMARK_EPOCHS, learning_rate=1.0)
    placed = layout(landmarks, sub_graph, start, own).astype(np.float64)

    coords = np.zeros((n, settings.n_components))
    coords[picks] = placed
    known = np.zeros(n, dtype=bool)
    known[picks] = True
    graph = graph.tocsr()
    while not known.all():
        mass = graph @ known.astype(np.float64)
        reached = ~known & (mass > 0)
        if not reached.any():  # a component without landmarks: park it at random
            lost = ~known
            coords[lost] = rng.uniform(placed.min(0), placed.max(0), (lost.sum(), coords.shape[1]))
            break
        coords[reached] = (graph @ (coords * known[:, None]))[reached] / mass[reached, None]
        known |= reached
    coords += rng.normal(scale=0.01 * placed.std(), size=coords.shape)
    return np.ascontiguousarray(coords, dtype=np.float32)


def exact_neighbours(x: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    from sklearn.neighbors import NearestNeighbors

    dist, idx = NearestNeighbors(n_neighbors=k, algorithm="brute").fit(x).kneighbors(x)
    # The types pynndescent returns, so numba compiles the graph code only once.
    return np.ascontiguousarray(idx, dtype=np.int32), np.ascontiguousarray(dist, dtype=np.float32)


def descent_neighbours(
    x: np.ndarray, k: int, settings: EmbeddingSettings
) -> tuple[np.ndarray, np.ndarray]:
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
            max_candidates=_NND_CANDIDATES,
            low_memory=True,
            n_jobs=1 if settings.deterministic else None,
            compressed=False,
        )
    idx, dist = index.neighbor_graph
    return np.ascontiguousarray(idx, dtype=np.int32), np.ascontiguousarray(dist, dtype=np.float32)


def fuzzy_graph(
    reduced: np.ndarray,
    knn_idx: np.ndarray,
    knn_dist: np.ndarray,
    k: int,
    settings: EmbeddingSettings,
) -> scipy_sparse.spmatrix:
    umap_ = import_umap()
    graph, _, _ = umap_.fuzzy_simplicial_set(
        reduced,
        k,
        np.random.RandomState(settings.seed),
        "euclidean",
        knn_indices=knn_idx,
        knn_dists=knn_dist,
    )
    return graph


def layout(
    reduced: np.ndarray,
    graph: scipy_sparse.spmatrix,
    init: np.ndarray,
    settings: EmbeddingSettings,
) -> np.ndarray:
    """umap's layout of the fuzzy graph from `init`: its edge pruning, sampling schedule
    and start scaling, then the SGD of ``models.embedding.sgd``."""
    from models.embedding import sgd

    umap_ = import_umap()
    a, b = _ab_params(settings.min_dist)
    n_epochs = settings.n_epochs or auto_epochs(len(reduced))
    graph = graph.tocoo(copy=True)  # pruned below: the caller's graph stays whole
    graph.sum_duplicates()
    # Edges too weak to be sampled once in n_epochs are dropped, as umap-learn does.
    graph.data[graph.data < graph.data.max() / float(max(n_epochs, 10))] = 0.0
    graph.eliminate_zeros()
    schedule = umap_.make_epochs_per_sample(graph.data, n_epochs)
    low, high = init.min(0), init.max(0)
    coords = 10.0 * (init - low) / np.maximum(high - low, np.finfo(np.float32).tiny)
    coords = np.ascontiguousarray(coords, dtype=np.float32)
    sgd.optimize(
        coords,
        graph.row,
        graph.col,
        schedule,
        n_epochs,
        a,
        b,
        settings.seed,
        settings.learning_rate,
        settings.negative_sample_rate,
    )
    return coords


def _ab_params(min_dist: float) -> tuple[float, float]:
    """umap's curve fit for (a, b), memoised: it costs ~10 ms and never changes."""
    if min_dist not in _AB_CACHE:
        _AB_CACHE[min_dist] = import_umap().find_ab_params(1.0, min_dist)
    return _AB_CACHE[min_dist]


def import_umap():
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

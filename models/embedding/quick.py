"""A map that needs no compiling: UMAP's graph and layout written in numpy, for the first minute.

UMAP's own code is compiled by numba on first use, which takes from 15 s to over
a minute after the embedding service starts on a busy machine. Until that is
done the service draws a *quick map* of a request with this module, and then
replaces it with the UMAP map. It follows the same recipe as
models.embedding.compute, with numpy, scipy and scikit-learn only:

* PCA and exact kNN as in ``compute`` (scikit-learn, no numba);
* UMAP's fuzzy graph: per-point ``rho`` and ``sigma`` found by a vectorised
  binary search, memberships symmetrised by the fuzzy union;
* a spectral start from the top eigenvectors of the normalised graph (scipy's
  Lanczos finds the largest ones of the adjacency much faster than the smallest
  ones of the Laplacian);
* the layout as UMAP's attraction/repulsion SGD, but every edge of an epoch
  moves its points at once (summed with ``bincount``) instead of one by one,
  in a few chunks per epoch so that points with many edges do not overshoot.

Maps look like UMAP's (same graph, same forces) at a little lower
trustworthiness; they are for looking at while the real one is computed, and
the view says which one it shows.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse

from models.embedding.layout import effective_neighbors, exact_neighbours, reduce_features
from models.embedding.settings import EmbeddingSettings

QUICK_MAX_POINTS = 30_000  # above this the quick map is not quick; the request waits for UMAP
QUICK_EPOCHS = 120
_CHUNKS = 4  # parts of an epoch applied one after another
_NEGATIVES = 3  # repulsive samples per edge update
_CLIP = 4.0  # UMAP clips each gradient term to this


def quick_embed(x: np.ndarray, settings: EmbeddingSettings, progress=None) -> np.ndarray:
    """(N, n_components) float32 coordinates of validated features, without numba."""
    report = progress or (lambda fraction, stage: None)
    rng = np.random.default_rng(settings.seed)
    report(0.0, "drawing a quick map: pca")
    reduced = reduce_features(x, settings)
    k = effective_neighbors(len(reduced), settings.n_neighbors)
    report(0.1, "drawing a quick map: neighbours")
    idx, dist = exact_neighbours(reduced, k)
    graph = fuzzy_graph(idx, dist)
    report(0.3, "drawing a quick map: start")
    coords = spectral_start(graph, settings.n_components, rng)
    report(0.4, "drawing a quick map: layout")
    a, b = ab_params(settings.min_dist)
    return optimise(coords, graph, a, b, rng, report)


def ab_params(min_dist: float, spread: float = 1.0) -> tuple[float, float]:
    """UMAP's curve 1 / (1 + a d^2b) fitted to its membership for this min_dist."""
    from scipy.optimize import curve_fit

    d = np.linspace(0, spread * 3, 300)
    target = np.where(d < min_dist, 1.0, np.exp(-(d - min_dist) / spread))
    (a, b), _ = curve_fit(lambda d, a, b: 1.0 / (1.0 + a * d ** (2 * b)), d, target)
    return float(a), float(b)


def fuzzy_graph(idx: np.ndarray, dist: np.ndarray, iterations: int = 64) -> sparse.csr_matrix:
    """UMAP's fuzzy simplicial set of a kNN graph whose first column is each point itself."""
    n, k = idx.shape
    dist = dist.astype(np.float64)
    others = dist[:, 1:]
    rho = np.where(others > 0, others, np.inf).min(axis=1)
    rho = np.where(np.isfinite(rho), rho, 0.0)
    target = np.log2(k)
    low, high = np.zeros(n), np.full(n, np.inf)
    sigma = np.ones(n)
    gap = np.maximum(others - rho[:, None], 0.0)
    for _ in range(iterations):
        total = np.exp(-gap / sigma[:, None]).sum(axis=1)
        above = total > target
        high = np.where(above, sigma, high)
        low = np.where(above, low, sigma)
        sigma = np.where(np.isfinite(high), (low + high) / 2, sigma * 2)
    mean_dist = others.mean()
    sigma = np.maximum(sigma, 1e-3 * np.where(rho > 0, others.mean(axis=1), mean_dist))
    weights = np.exp(-gap / sigma[:, None])
    rows = np.repeat(np.arange(n), k - 1)
    p = sparse.csr_matrix((weights.ravel(), (rows, idx[:, 1:].ravel())), shape=(n, n))
    product = p.multiply(p.T)
    graph = (p + p.T - product).tocsr()
    graph.eliminate_zeros()
    return graph


def spectral_start(graph: sparse.csr_matrix, dims: int, rng: np.random.Generator) -> np.ndarray:
    """Top non-trivial eigenvectors of D^-1/2 W D^-1/2, scaled to +-10 like UMAP's start."""
    from scipy.sparse.linalg import eigsh

    n = graph.shape[0]
    if n <= dims + 2:
        return rng.uniform(-10, 10, (n, dims))
    degree = np.asarray(graph.sum(axis=1)).ravel()
    scale = sparse.diags(1.0 / np.sqrt(np.maximum(degree, 1e-12)))
    normalised = scale @ graph @ scale
    try:
        values, vectors = eigsh(
            normalised, k=dims + 1, which="LA", tol=1e-4, v0=np.ones(n), maxiter=n * 5
        )
        coords = vectors[:, np.argsort(values)[::-1][1 : dims + 1]]
    except Exception:  # no convergence (e.g. many components): a random start still lays out
        coords = rng.normal(size=(n, dims))
    coords = coords - coords.mean(axis=0)
    coords = 10.0 * coords / max(np.abs(coords).max(), 1e-12)
    return coords + rng.normal(scale=1e-4, size=coords.shape)


def optimise(
    coords: np.ndarray,
    graph: sparse.csr_matrix,
    a: float,
    b: float,
    rng: np.random.Generator,
    report,
    epochs: int = QUICK_EPOCHS,
) -> np.ndarray:
    """UMAP's SGD with a linearly decaying rate; an edge is used in an epoch with
    probability proportional to its weight (UMAP's epochs_per_sample, drawn)."""
    coords = np.array(coords, dtype=np.float32)
    n, dims = coords.shape
    coo = graph.tocoo()
    keep = coo.data >= coo.data.max() / epochs  # UMAP drops edges too weak to be sampled
    head, tail, weight = coo.row[keep], coo.col[keep], coo.data[keep] / coo.data.max()
    for epoch in range(epochs):
        alpha = np.float32(1.0 - epoch / epochs)
        chosen = np.flatnonzero(rng.random(len(weight), dtype=np.float32) < weight)
        for part in np.array_split(rng.permutation(chosen), _CHUNKS):
            coords += _moves(coords, head[part], tail[part], a, b, alpha, rng)
        if epoch % 10 == 0:
            report(0.4 + 0.6 * epoch / epochs, "drawing a quick map: layout")
    return np.ascontiguousarray(coords, dtype=np.float32)


def _moves(coords, head, tail, a, b, alpha, rng) -> np.ndarray:
    """Every point's summed move for these edges: pulled to its neighbour, pushed off others."""
    n, dims = coords.shape
    negatives = np.repeat(head, _NEGATIVES)
    others = rng.integers(0, n, len(negatives))
    diff = coords[np.concatenate([head, negatives])] - coords[np.concatenate([tail, others])]
    d2 = np.einsum("ij,ij->i", diff, diff)
    d2b = np.power(d2, b)  # d^2b
    attract = d2[: len(head)]
    coeff = np.empty_like(d2)
    with np.errstate(divide="ignore", invalid="ignore"):
        coeff[: len(head)] = np.where(
            attract > 0, -2.0 * a * b * d2b[: len(head)] / attract / (a * d2b[: len(head)] + 1), 0
        )
    coeff[len(head) :] = 2.0 * b / ((0.001 + d2[len(head) :]) * (a * d2b[len(head) :] + 1.0))
    coeff[len(head) :][others == negatives] = 0.0
    move = np.clip(coeff[:, None] * diff, -_CLIP, _CLIP) * alpha
    points = np.concatenate([head, tail, negatives])
    weights = np.concatenate([move[: len(head)], -move[: len(head)], move[len(head) :]])
    flat = (points[:, None] * dims + np.arange(dims)).ravel()
    total = np.bincount(flat, weights.ravel(), minlength=n * dims)
    return total.reshape(n, dims).astype(np.float32)

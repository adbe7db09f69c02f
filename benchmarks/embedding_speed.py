"""Glassbox's embedding step against umap-learn, cold and warm, four ways in one run.

Baselines: umap-learn's true defaults (``UMAP()``: no seed, so its kNN search and
layout use every core), and umap-learn seeded (``UMAP(random_state=0)``, which
umap-learn 0.5 runs on one thread so the seed reproduces). Glassbox runs as the
app runs it (all numba threads) and deterministic on one thread; the fair pairs
are all cores vs true defaults and one thread vs seeded, and both are printed.

Every (size, method) runs in a fresh Python process whose NUMBA_CACHE_DIR is a
new empty folder, so "cold" really includes numba compiling everything:
umap/pynndescent functions marked ``cache=True`` would otherwise load compiled
code from an earlier run's on-disk cache. "warm" is a second fit in the same
process. Trustworthiness (k=10) compares the same fixed 3,000-point sample of the
original 128-D features with its 2-D coordinates for every method.

Goals (issue 14): warm >= 6x faster than umap-learn's true defaults at 20k and
100k points, trustworthiness at most 0.01 lower; first embedding after
``warm_up()`` <= 2.5 s at 20k.

    .venv/bin/python benchmarks/embedding_speed.py [--sizes 20000,100000] [--quick]

The machine may be shared: the load average is printed with every row, and
"warm cpu" (process CPU seconds) is the number least disturbed by other jobs for
the single-threaded methods.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
from _common import ROOT

METHODS = {
    "umap-learn defaults": "umap",
    "umap-learn seeded": "umap-seeded",
    "glassbox": "ours",
    "glassbox 1 thread": "ours-deterministic",
}
# Which baseline each method is compared with: the one using the same cores.
PAIRED = {"glassbox": "umap-learn defaults", "glassbox 1 thread": "umap-learn seeded"}
TRUST_SAMPLE = 3000


def clustered_features(n: int, dims: int = 128, seed: int = 0) -> np.ndarray:
    """Ten clusters of different spread, each with its own 8-D internal structure.

    Like a network's penultimate features: anisotropic clusters, 10% ambiguous
    samples blended with another cluster, 32 pure-noise dimensions, then a
    random rotation so no axis is special. PCA to 2-D reaches trustworthiness
    ~0.64 only, so the layout has real work to do.
    """
    rng = np.random.default_rng(seed)
    n_clusters, noise_dims, latent = 10, 32, 8
    informative = dims - noise_dims
    labels = rng.integers(0, n_clusters, n)
    centres = rng.normal(0.0, 1.0, (n_clusters, informative))
    spreads = rng.uniform(0.6, 2.0, n_clusters)
    bases = rng.normal(0.0, 1.0, (n_clusters, latent, informative)) / np.sqrt(latent)
    out = np.empty((n, informative), np.float32)
    for cluster in range(n_clusters):
        rows = np.flatnonzero(labels == cluster)
        codes = rng.normal(0.0, 1.0, (len(rows), latent)) * np.linspace(2.5, 0.5, latent)
        jitter = 0.35 * rng.normal(0.0, 1.0, (len(rows), informative))
        out[rows] = centres[cluster] + spreads[cluster] * (codes @ bases[cluster] + jitter)
    blended = rng.choice(n, n // 10, replace=False)
    partners = rng.choice(n, len(blended))
    weight = rng.uniform(0.5, 0.8, (len(blended), 1))
    out[blended] = weight * out[blended] + (1 - weight) * out[partners]
    x = np.hstack([out, rng.normal(0.0, 1.0, (n, noise_dims)).astype(np.float32)])
    rotation, _ = np.linalg.qr(rng.normal(size=(dims, dims)))
    return (x @ rotation).astype(np.float32)


def _fit(method: str, x: np.ndarray) -> np.ndarray:
    from models.embedding.compute import EmbeddingSettings, embed, umap_default_embed

    if method.startswith("umap"):
        return umap_default_embed(x, seed=0 if method == "umap-seeded" else None)
    return embed(x, EmbeddingSettings(deterministic=method == "ours-deterministic"))


def _trust(x: np.ndarray, coords: np.ndarray) -> float:
    from sklearn.manifold import trustworthiness

    sample = np.random.default_rng(1).choice(len(x), min(TRUST_SAMPLE, len(x)), replace=False)
    return float(trustworthiness(x[sample], coords[sample], n_neighbors=10))


def _timed(fn) -> tuple[np.ndarray, float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - wall, time.process_time() - cpu


def worker(method: str, n: int) -> dict:
    """Runs in the fresh process: cold fit, warm fit, trustworthiness of both."""
    x = clustered_features(n)
    load = os.getloadavg()[0]
    cold, cold_s, _ = _timed(lambda: _fit(method, x))
    warm, warm_s, warm_cpu = _timed(lambda: _fit(method, x))
    return {
        "cold_s": cold_s,
        "warm_s": warm_s,
        "warm_cpu_s": warm_cpu,
        "trust_cold": _trust(x, cold),
        "trust_warm": _trust(x, warm),
        "load": max(load, os.getloadavg()[0]),
    }


def first_after_warm_up_worker(n: int) -> dict:
    """App start as the UI sees it: warm_up in the background, then the first click."""
    from models.embedding.compute import EmbeddingSettings, embed, warm_up

    x = clustered_features(n)
    load = os.getloadavg()[0]
    warm_up_s = warm_up()
    coords, first_s, first_cpu = _timed(lambda: embed(x, EmbeddingSettings()))
    return {
        "warm_up_s": warm_up_s,
        "first_s": first_s,
        "first_cpu_s": first_cpu,
        "trust": _trust(x, coords),
        "load": max(load, os.getloadavg()[0]),
    }


def _spawn(args: list[str], cache: str | None = None) -> dict:
    """Run one measurement in a new interpreter, by default with an empty numba disk cache."""
    with tempfile.TemporaryDirectory(prefix="glassbox-numba-cache-") as fresh:
        env = {**os.environ, "NUMBA_CACHE_DIR": cache or fresh, "PYTHONWARNINGS": "ignore"}
        done = subprocess.run(
            [sys.executable, __file__, *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
    if done.returncode != 0:
        raise RuntimeError(f"worker {args} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="20000,100000", help="comma-separated point counts")
    parser.add_argument("--quick", action="store_true", help="5,000 points only")
    parser.add_argument("--worker", nargs=2, metavar=("METHOD", "N"), help=argparse.SUPPRESS)
    parser.add_argument("--first-after-warm-up", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker[0], int(args.worker[1]))))
        return
    if args.first_after_warm_up:
        print(json.dumps(first_after_warm_up_worker(args.first_after_warm_up)))
        return

    sizes = [5000] if args.quick else [int(size) for size in args.sizes.split(",")]
    print("numba on-disk cache: empty (fresh NUMBA_CACHE_DIR per process) -> cold = full compile")
    header = (
        f"{'size':>7}  {'method':<20} {'cold s':>7} {'warm s':>7} {'warm cpu':>8} "
        f"{'trust cold':>10} {'trust warm':>10} {'vs dflt':>8} {'vs pair':>8} {'d trust':>8} "
        f"{'load':>5}"
    )
    print(header)
    print("-" * len(header))
    for n in sizes:
        rows: dict[str, dict] = {}
        for label, method in METHODS.items():
            row = rows[label] = _spawn(["--worker", method, str(n)])
            base = rows["umap-learn defaults"]
            pair = rows[PAIRED.get(label, label)]
            delta = row["trust_warm"] - base["trust_warm"]
            print(
                f"{n:>7}  {label:<20} {row['cold_s']:>7.1f} {row['warm_s']:>7.2f} "
                f"{row['warm_cpu_s']:>8.2f} {row['trust_cold']:>10.4f} {row['trust_warm']:>10.4f} "
                f"{base['warm_s'] / row['warm_s']:>7.1f}x {pair['warm_s'] / row['warm_s']:>7.1f}x "
                f"{delta:>+8.4f} {row['load']:>5.1f}",
                flush=True,
            )
    print(
        "vs dflt: warm speed-up over umap-learn's true defaults; vs pair: over the baseline on "
        "the same cores (glassbox vs defaults, glassbox 1 thread vs seeded); d trust: vs defaults"
    )
    n_first = 5000 if args.quick else 20000
    print()
    with tempfile.TemporaryDirectory(prefix="glassbox-numba-cache-") as cache:
        for state in ("empty", "warm"):  # the second process finds the first one's disk cache
            first = _spawn(["--first-after-warm-up", str(n_first)], cache)
            print(
                f"first embedding after warm_up() at {n_first}: {first['first_s']:.2f} s "
                f"(cpu {first['first_cpu_s']:.2f} s, trust {first['trust']:.4f}); "
                f"warm_up() took {first['warm_up_s']:.1f} s with the numba disk cache {state} "
                f"(load {first['load']:.1f})",
                flush=True,
            )


if __name__ == "__main__":
    main()

"""The layout SGD kernel on graphs with known answers: its power, its pulls and pushes."""

from __future__ import annotations

import numba
import numpy as np
import pytest

from models.embedding import sgd

A, B = 1.577, 0.895  # umap's curve for min_dist 0.1


@numba.njit
def _powers(values, exponent):
    out = np.empty_like(values)
    for i in range(len(values)):
        out[i] = sgd._power(values[i], exponent)
    return out


@pytest.mark.parametrize("exponent", [0.5, 0.79, 1.0, 1.5])
def test_the_power_is_within_a_ten_thousandth_of_numpy_over_the_distances_a_map_has(exponent):
    values = np.exp(np.random.default_rng(0).uniform(-20, 8, 50_000)).astype(np.float32)
    exact = values.astype(np.float64) ** exponent
    assert np.abs(_powers(values, np.float32(exponent)) / exact - 1).max() < 1e-4


def _two_rings(per_group: int = 150):
    """Two groups of points, each a ring of strong edges; no edge between the groups."""
    head, tail = [], []
    for group in range(2):
        base = group * per_group
        for i in range(per_group):
            for step in (1, 2):
                head.append(base + i)
                tail.append(base + (i + step) % per_group)
    head, tail = np.array(head), np.array(tail)
    schedule = np.ones(len(head))  # every edge every epoch
    return 2 * per_group, head, tail, schedule


def _layout(dim: int = 2, seed: int = 0, n_epochs: int = 200) -> np.ndarray:
    n, head, tail, schedule = _two_rings()
    start = np.random.default_rng(1).uniform(0, 10, (n, dim)).astype(np.float32)
    return sgd.optimize(start, head, tail, schedule, n_epochs, A, B, seed)


def _same_group_share(coords: np.ndarray) -> float:
    """How many points have a nearest neighbour on the map from their own group."""
    group = np.arange(len(coords)) >= len(coords) // 2
    distances = ((coords[:, None, :] - coords[None, :, :]) ** 2).sum(-1)
    np.fill_diagonal(distances, np.inf)
    return float((group[distances.argmin(1)] == group).mean())


@pytest.mark.parametrize("dim", [2, 3])
def test_groups_start_mixed_and_end_apart_with_ring_neighbours_close(dim):
    n = 300
    start = np.random.default_rng(1).uniform(0, 10, (n, dim)).astype(np.float32)
    assert _same_group_share(start) < 0.7
    coords = _layout(dim)
    assert coords.shape == (n, dim) and np.isfinite(coords).all()
    assert _same_group_share(coords) > 0.97
    _, head, tail, _ = _two_rings()
    linked = np.linalg.norm(coords[head] - coords[tail], axis=1)
    pairs = np.random.default_rng(2).integers(0, n, (2000, 2))
    unlinked = np.linalg.norm(coords[pairs[:, 0]] - coords[pairs[:, 1]], axis=1)
    assert np.median(linked) < 0.2 * np.median(unlinked)


def test_one_thread_and_one_seed_give_the_same_map_and_another_seed_another():
    before = numba.get_num_threads()
    numba.set_num_threads(1)
    try:
        first, again, other = _layout(seed=3), _layout(seed=3), _layout(seed=4)
    finally:
        numba.set_num_threads(before)
    assert np.array_equal(first, again)
    assert not np.array_equal(first, other)


def test_coordinates_it_cannot_lay_out_are_refused_with_what_it_needs():
    n, head, tail, schedule = _two_rings()
    with pytest.raises(ValueError, match="float32"):
        sgd.optimize(np.zeros((n, 4), np.float32), head, tail, schedule, 5, A, B, 0)

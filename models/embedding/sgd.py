"""UMAP's layout SGD, written for what Glassbox asks of it: euclidean output, no densMAP.

Same updates as umap-learn's epoch kernel: attraction along each sampled edge and
repulsion from negative samples with umap's gradients and clipping, its edge sampling
schedule, learning-rate decay and negative-sample counts. What differs, and why it is
faster:

* a point's pushes away from its negative samples are computed from where it stands
  after its attraction and summed, instead of each moving the point before the next is
  computed. umap-learn's chain of dependent updates (distance, power, division, store,
  load) kept the CPU waiting; independent pushes run side by side. Same map quality on
  the benchmark data (trustworthiness, six seeds);
* edges are visited in a fixed random order, so consecutive edges rarely share a point;
* float32 throughout, and d²ᵇ from the float's exponent bits and two short polynomials
  (relative error below 1e-4) instead of libm's float64 ``pow``;
* negative samples come from a counter-based generator keyed by (seed, epoch, edge).

As in umap-learn, threads update shared coordinates without locks (Hogwild); on one
numba thread the same seed gives the same map. Compiled with ``cache=True``, so
``models.embedding.compute.warm_up`` leaves it in numba's disk cache; umap-learn's own
layout kernel is not cached and was recompiled by every new process.
"""

from __future__ import annotations

import numba
import numpy as np
from numba import types
from numba.extending import intrinsic

_CLIP = np.float32(4.0)
_MIX = np.uint64(0x9E3779B97F4A7C15)


# log2(1 + t) and 2**t on [0, 1): Chebyshev fits, max errors 3.2e-5 (absolute), 7.3e-6 (relative).
_LOG2 = (3.1930857719353334e-05, 1.4412670742163736, -0.7057026209300817,
         0.40871894392121794, -0.18772049275794372, 0.04342836333167766)  # fmt: skip
_EXP2 = (1.000007286479525, 0.6929312609337254, 0.24171032460752467,
         0.05166684346499051, 0.013676524375014468)  # fmt: skip


@intrinsic
def _bits(typingctx, value):
    """A float32's bits as an int32 (no conversion)."""

    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], context.get_value_type(types.int32))

    return types.int32(types.float32), codegen


@intrinsic
def _from_bits(typingctx, bits):
    """An int32's bits read as a float32."""

    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], context.get_value_type(types.float32))

    return types.float32(types.int32), codegen


@numba.njit(inline="always")
def _power(x, exponent):
    """x ** exponent for a positive normal float32 x: log2 from the exponent bits and a
    polynomial in the mantissa, then 2**y the same way round."""
    bits = _bits(x)
    t = _from_bits((bits & np.int32(0x007FFFFF)) | np.int32(0x3F800000)) - np.float32(1.0)
    log2 = np.float32(((bits >> np.int32(23)) & np.int32(0xFF)) - np.int32(127)) + (
        np.float32(_LOG2[0])
        + t
        * (
            np.float32(_LOG2[1])
            + t
            * (
                np.float32(_LOG2[2])
                + t * (np.float32(_LOG2[3]) + t * (np.float32(_LOG2[4]) + t * np.float32(_LOG2[5])))
            )
        )
    )
    y = min(max(exponent * log2, np.float32(-126.0)), np.float32(126.0))
    whole = np.floor(y)
    f = y - whole
    fraction = np.float32(_EXP2[0]) + f * (
        np.float32(_EXP2[1])
        + f * (np.float32(_EXP2[2]) + f * (np.float32(_EXP2[3]) + f * np.float32(_EXP2[4])))
    )
    return _from_bits((np.int32(whole) + np.int32(127)) << np.int32(23)) * fraction


@numba.njit(inline="always")
def _clip(value):
    if value > _CLIP:
        return _CLIP
    if value < -_CLIP:
        return -_CLIP
    return value


@numba.njit(inline="always")
def _next(state):
    """splitmix64: a full-period 64-bit generator; returns (new state, output)."""
    state = state + _MIX
    z = state
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return state, z ^ (z >> np.uint64(31))


@numba.njit(parallel=True, fastmath=True, cache=True)
def _epoch(
    coords,
    head,
    tail,
    epochs_per_sample,
    next_sample,
    epochs_per_negative,
    next_negative,
    a,
    b,
    gamma,
    alpha,
    epoch,
    seed,
):
    n_vertices = coords.shape[0]
    three = coords.shape[1] == 3
    two_ab = np.float32(2.0) * a * b
    two_gamma_b = np.float32(2.0) * gamma * b
    zero = np.float32(0.0)
    for i in numba.prange(head.shape[0]):
        if next_sample[i] > epoch:
            continue
        j = head[i]
        k = tail[i]
        x0, x1 = coords[j, 0], coords[j, 1]
        x2 = coords[j, 2] if three else zero
        d0, d1 = x0 - coords[k, 0], x1 - coords[k, 1]
        dz = x2 - coords[k, 2] if three else zero
        d2 = d0 * d0 + d1 * d1 + dz * dz
        if d2 > 0.0:
            d2b = _power(d2, b)
            coeff = -two_ab * d2b / (d2 * (a * d2b + np.float32(1.0)))
            g0, g1 = _clip(coeff * d0) * alpha, _clip(coeff * d1) * alpha
            x0 += g0
            x1 += g1
            coords[k, 0] -= g0
            coords[k, 1] -= g1
            if three:
                gz = _clip(coeff * dz) * alpha
                x2 += gz
                coords[k, 2] -= gz
        next_sample[i] += epochs_per_sample[i]

        # Each push is computed from where the point stands after its attraction and the
        # pushes are summed: independent of one another, they run side by side in the CPU
        # instead of each waiting for the last one's division and power.
        n_negative = int((epoch - next_negative[i]) / epochs_per_negative[i])
        state = (np.uint64(seed) * _MIX) ^ (np.uint64(epoch) << np.uint64(40)) ^ np.uint64(i)
        p0, p1, pz = zero, zero, zero
        for _ in range(n_negative):
            state, draw = _next(state)
            other = np.int64(((draw >> np.uint64(32)) * np.uint64(n_vertices)) >> np.uint64(32))
            if other == j:
                continue
            d0, d1 = x0 - coords[other, 0], x1 - coords[other, 1]
            dz = x2 - coords[other, 2] if three else zero
            d2 = d0 * d0 + d1 * d1 + dz * dz
            if d2 <= 0.0:
                continue
            d2b = _power(d2, b)
            coeff = two_gamma_b / ((np.float32(0.001) + d2) * (a * d2b + np.float32(1.0)))
            p0 += _clip(coeff * d0)
            p1 += _clip(coeff * d1)
            pz += _clip(coeff * dz)
        coords[j, 0] = x0 + p0 * alpha
        coords[j, 1] = x1 + p1 * alpha
        if three:
            coords[j, 2] = x2 + pz * alpha
        next_negative[i] += n_negative * epochs_per_negative[i]


def optimize(
    coords: np.ndarray,
    head: np.ndarray,
    tail: np.ndarray,
    epochs_per_sample: np.ndarray,
    n_epochs: int,
    a: float,
    b: float,
    seed: int,
    learning_rate: float = 1.0,
    negative_sample_rate: float = 5.0,
    gamma: float = 1.0,
) -> np.ndarray:
    """Run `n_epochs` of layout SGD on float32 (N, 2 or 3) `coords` in place; returns them.

    `head`/`tail`/`epochs_per_sample` are the graph's edges and umap's sampling schedule
    (``umap.umap_.make_epochs_per_sample``); a schedule entry ≤ 0 never samples its edge.
    """
    if coords.ndim != 2 or coords.shape[1] not in (2, 3) or coords.dtype != np.float32:
        raise ValueError(
            f"coords must be float32 (N, 2) or (N, 3), got {coords.dtype} {coords.shape}"
        )
    schedule = np.ascontiguousarray(epochs_per_sample, dtype=np.float32)
    schedule = np.where(schedule > 0, schedule, np.float32(n_epochs + 1))
    # Edges in random order: consecutive edges then rarely share a point, so the CPU can
    # work on the next edge while the last one's update is still being stored.
    order = np.random.default_rng(seed).permutation(len(schedule))
    schedule = schedule[order]
    head, tail = np.asarray(head, np.int32)[order], np.asarray(tail, np.int32)[order]
    negative = (schedule / np.float32(negative_sample_rate)).astype(np.float32)
    next_sample, next_negative = schedule.copy(), negative.copy()
    a32, b32, gamma32 = np.float32(a), np.float32(b), np.float32(gamma)
    for epoch in range(n_epochs):
        alpha = np.float32(learning_rate * (1.0 - max(epoch - 1, 0) / n_epochs))  # as umap's
        _epoch(
            coords,
            head,
            tail,
            schedule,
            next_sample,
            negative,
            next_negative,
            a32,
            b32,
            gamma32,
            alpha,
            epoch,
            int(seed) & 0xFFFFFFFF,
        )
    return coords

"""Generating-function algorithm for plain weighted games ``[q; w1, ..., wn]``.

Let ``F(t)`` be the number of coalitions of *all* players with weight ``t``
(the coefficient of ``x**t`` in ``prod_i (1 + x**w_i)``) and ``Fc(t)`` the
number with weight ``< t``. Removing one player of weight ``w`` divides the
polynomial by ``1 + x**w``, so the number ``L(t)`` of coalitions of the
*other* players with weight ``< t`` satisfies ``Fc(t) = L(t) + L(t - w)``,
hence::

    L(t) = Fc(t) - Fc(t - w) + Fc(t - 2w) - ...       (terms with t - jw > 0)

and player ``i`` has ``L(q) - L(q - w_i)`` swings. One pass of the
knapsack recursion over all players, truncated at weight ``q``, gives
``Fc``; every player then costs ``O(q / w_i)`` additions, and players of
equal weight share the result. For the Shapley-Shubik index the same is
done with a second variable ``y`` counting coalition sizes:
``prod_i (1 + y x**w_i)``, and ``L_s(t) = sum_j (-1)**j Fc_{s-j}(t - jw)``.

If ``q > (W + 1) / 2`` the complementary game is used instead: ``S`` is a
swing for ``i`` in ``[q; w]`` iff ``N - S - {i}`` is one in
``[W - q + 1; w]``, with size ``n - 1 - |S|``. The tables then stop at
``min(q, W - q + 1)``.

All counts are computed modulo several primes below ``2**32`` in ``uint64``
and rebuilt exactly with the Chinese remainder theorem
(:mod:`collsec.power._modular`).

Complexity: ``O(k n q)`` for the Banzhaf counts and ``O(k n**2 q)`` (in
practice a band of it) for the size-resolved counts, with ``k ~ n / 32``
primes, plus ``O(k q)`` memory per size row.
"""

from __future__ import annotations

import math

import numpy as np

from collsec.power._counts import Counts
from collsec.power._modular import LAZY_STEPS, crt, primes_for

__all__ = ["weighted_cost", "weighted_counts"]


def weighted_cost(n: int, quota: int, total: int, sizes: bool) -> tuple[float, float]:
    """Estimated (operations, cells of memory per prime) of :func:`weighted_counts`."""
    q = min(quota, total - quota + 1)
    k = len(primes_for(math.comb(n, n // 2) if sizes else 2**n))
    if sizes:
        return float(k) * n * n * q / 2, float(n + 1) * (q + 1) * 2
    return float(k) * n * q, float(k) * (q + 1) * 3


def _alternating(cum: np.ndarray, t: int, w: int, p: np.ndarray) -> np.ndarray:
    """``sum_j (-1)**j cum[:, t - j*w]`` over ``t - j*w > 0``, modulo ``p`` (shape ``(k, 1)``)."""
    if t <= 0:
        return np.zeros(cum.shape[0], dtype=np.uint64)
    idx = np.arange(t, 0, -w, dtype=np.int64)
    pv = p[:, 0]
    even = cum[:, idx[0::2]].sum(axis=1) % pv
    odd = cum[:, idx[1::2]].sum(axis=1) % pv
    return (even + pv - odd) % pv


def _banzhaf(w: np.ndarray, q: int, classes: list[int]) -> tuple[list[int], int]:
    """Swings of one player of each weight in ``classes`` and the count with weight < q."""
    n = len(w)
    primes = primes_for(2**n)
    p = np.array(primes, dtype=np.uint64)[:, None]
    f = np.zeros((len(primes), q), dtype=np.uint64)
    f[:, 0] = 1
    reach = 0
    steps = 0
    for v in np.sort(w).tolist():
        if v >= q:
            break  # every coalition with this player weighs q or more
        hi = min(q, reach + v + 1)
        if v == 0:
            f[:, :hi] *= np.uint64(2)
        else:
            f[:, v:hi] += f[:, : hi - v]  # numpy buffers the overlapping operands
        reach += v
        steps += 1
        if steps == LAZY_STEPS:
            np.remainder(f, p, out=f)
            steps = 0
    np.remainder(f, p, out=f)
    cum = np.zeros((len(primes), q + 1), dtype=np.uint64)
    np.cumsum(f, axis=1, out=cum[:, 1:])
    np.remainder(cum, p, out=cum)
    del f
    res = np.zeros((len(primes), len(classes) + 1), dtype=np.uint64)
    pv = p[:, 0]
    for c, v in enumerate(classes):
        if v == 0:
            continue
        res[:, c] = (_alternating(cum, q, v, p) + pv - _alternating(cum, q - v, v, p)) % pv
    res[:, -1] = cum[:, q]
    values = crt(res, primes)
    return values[:-1], values[-1]


def _shapley(w: np.ndarray, q: int, classes: list[int]) -> tuple[list[list[int]], list[int]]:
    """Swings by size of one player of each weight in ``classes``; counts of weight < q by size."""
    n = len(w)
    a = np.sort(w).tolist()
    prefix = [0]
    for v in a:
        prefix.append(prefix[-1] + v)
    smax = max(s for s in range(n + 1) if prefix[s] < q)
    primes = primes_for(math.comb(n, n // 2))
    res = np.zeros((len(primes), len(classes), n), dtype=np.uint64)
    lose = np.zeros((len(primes), smax + 1), dtype=np.uint64)
    s_idx = np.arange(n, dtype=np.int64)[None, :]
    for k, prime in enumerate(primes):
        p = np.uint64(prime)
        f = np.zeros((smax + 1, q), dtype=np.uint64)
        f[0, 0] = 1
        steps = 0
        for j, v in enumerate(a):  # j players are already in f
            if v >= q:
                break
            for s in range(min(j + 1, smax), 0, -1):
                lo = prefix[s - 1] + v
                if lo >= q:
                    continue
                # the s - 1 largest of the first j players bound row s - 1 from above
                hi = min(q, prefix[j] - prefix[j - s + 1] + v + 1)
                if lo < hi:
                    f[s, lo:hi] += f[s - 1, lo - v : hi - v]
            steps += 1
            if steps == LAZY_STEPS:
                top = min(q, prefix[j + 1] + 1)
                rows = min(j + 1, smax) + 1
                np.remainder(f[:rows, :top], p, out=f[:rows, :top])
                steps = 0
        np.remainder(f, p, out=f)
        cum = np.zeros((smax + 1, q + 1), dtype=np.uint64)
        np.cumsum(f, axis=1, out=cum[:, 1:])
        del f
        np.remainder(cum, p, out=cum)
        lose[k] = cum[:, q]
        for c, v in enumerate(classes):
            if v == 0:
                continue
            h = []
            for t in (q, q - v):
                if t <= 0:
                    h.append(np.zeros(n, dtype=np.uint64))
                    continue
                jmax = min(n - 1, -(-t // v) - 1)
                j_idx = np.arange(jmax + 1, dtype=np.int64)[:, None]
                rows = s_idx - j_idx
                cols = np.broadcast_to(t - j_idx * v, rows.shape)
                valid = (rows >= 0) & (rows <= smax)
                vals = cum[np.clip(rows, 0, smax), cols] * valid
                even = vals[0::2].sum(axis=0) % p
                odd = vals[1::2].sum(axis=0) % p
                h.append((even + p - odd) % p)
            res[k, c] = (h[0] + p - h[1]) % p
        del cum
    flat = crt(res.reshape(len(primes), -1), primes)
    per_class = [flat[c * n : (c + 1) * n] for c in range(len(classes))]
    return per_class, crt(lose, primes)


def weighted_counts(weights: np.ndarray, quota: int, sizes: bool) -> Counts:
    """Exact counts of the weighted game ``[quota; weights]``.

    Parameters
    ----------
    weights : numpy.ndarray
        Non-negative integer weights, shape ``(n,)``.
    quota : int
        ``1 <= quota <= sum(weights)``.
    sizes : bool
        Also count swings by coalition size (needed for Shapley-Shubik).

    Returns
    -------
    Counts
    """
    w = np.asarray(weights, dtype=np.int64)
    n = len(w)
    total = int(w.sum())
    dual = total - quota + 1 < quota
    q = total - quota + 1 if dual else quota
    if q >= 2**31:
        raise ValueError("quota too large for the tabulated algorithm")
    classes = sorted(set(w.tolist()))
    where = {v: c for c, v in enumerate(classes)}
    if sizes:
        per_class, lose_by_size = _shapley(w, q, classes)
        if dual:
            per_class = [row[::-1] for row in per_class]
        below = sum(lose_by_size)
        swing_sizes = [list(per_class[where[v]]) for v in w.tolist()]
        swings = [sum(row) for row in swing_sizes]
    else:
        per_class_swings, below = _banzhaf(w, q, classes)
        swing_sizes = None
        swings = [per_class_swings[where[v]] for v in w.tolist()]
    # ``below`` counts coalitions lighter than q: the losing ones of [q; w], or,
    # in the complementary game, the complements of the winning ones.
    winning = below if dual else 2**n - below
    return Counts(swings, swing_sizes, winning, "weighted-dp")

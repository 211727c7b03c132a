"""Dense dynamic programme for multi-dimensional weighted games.

The state of a coalition is its vector of sums ``x = (x_1, ..., x_d)`` on
the dimensions the clauses use. The number ``F(s, x)`` of coalitions of
size ``s`` and state ``x`` is the coefficient of ``y**s z**x`` in
``prod_i (1 + y z**w_i)``; one pass over the players fills it on a box
that contains every *losing* state: ``x_d <= total_d``, and ``x_d < q`` when
``(d, q)`` alone is a clause. Because the losing states form a down-set,
truncating to that box loses nothing that is needed.

As for plain weighted games, removing player ``i`` divides by
``1 + y z**w_i``: ``G_i(s, x) = sum_j (-1)**j F(s - j, x - j w_i)``. With
``D`` the losing states and ``E = {x : x + w_i in D}`` (states that still
lose once ``i`` joins), player ``i`` has ``sum_{x in D} G_i(s, x) -
sum_{x in E} G_i(s, x)`` swings of size ``s``, since ``E`` is inside ``D``.

Everything is exact: the tables hold residues modulo several primes
(:mod:`collsec.power._modular`).
"""

from __future__ import annotations

import math

import numpy as np

from collsec.power._counts import Counts
from collsec.power._modular import LAZY_STEPS, crt, primes_for

__all__ = ["dense_box", "dense_cost", "dense_counts", "wins_at"]

Clauses = tuple[tuple[tuple[int, int], ...], ...]


def wins_at(coords: list[np.ndarray], clauses: Clauses) -> np.ndarray:
    """Whether the states with coordinates ``coords[d]`` win (vectorised)."""
    out = np.zeros(np.shape(coords[0]), dtype=bool)
    for clause in clauses:
        ok = np.ones_like(out)
        for dim, quota in clause:
            ok &= coords[dim] >= quota
        out |= ok
    return out


def dense_box(weights: np.ndarray, clauses: Clauses) -> list[int]:
    """Largest coordinate ``M_d`` a losing state can have on each dimension."""
    box = [int(t) for t in weights.sum(axis=0, dtype=object)]
    for clause in clauses:
        if len(clause) == 1:
            dim, quota = clause[0]
            box[dim] = min(box[dim], quota - 1)
    return box


def dense_cost(weights: np.ndarray, clauses: Clauses, sizes: bool) -> tuple[float, float]:
    """Estimated (operations, cells of memory) of :func:`dense_counts`."""
    n = weights.shape[0]
    cells = math.prod(m + 1 for m in dense_box(weights, clauses)) * (n + 1 if sizes else 1)
    k = len(primes_for(math.comb(n, n // 2) if sizes else 2**n))
    classes = len({tuple(r) for r in weights.tolist()})
    return float(k) * cells * (n + 2 * classes * min(n, 64)), float(k) * cells * 3


def dense_counts(weights: np.ndarray, clauses: Clauses, sizes: bool) -> Counts:
    """Exact counts of a multi-dimensional game on a dense table.

    Parameters
    ----------
    weights : numpy.ndarray
        Non-negative ``int64`` array ``(n, d)``; every dimension is used.
    clauses : tuple
        Clauses of ``(dimension, quota)`` pairs.
    sizes : bool
        Also count swings by coalition size (for Shapley-Shubik).

    Returns
    -------
    Counts
    """
    n, d = weights.shape
    box = dense_box(weights, clauses)
    shape = tuple(m + 1 for m in box)
    primes = primes_for(math.comb(n, n // 2) if sizes else 2**n)
    k = len(primes)
    p = np.array(primes, dtype=np.uint64).reshape((k,) + (1,) * (d + 1))
    rows = n + 1 if sizes else 1
    f = np.zeros((k, rows, *shape), dtype=np.uint64)
    f[(slice(None), 0) + (0,) * d] = 1
    all_ = slice(None)
    steps = 0
    for w in weights.tolist():
        if any(wd > m for wd, m in zip(w, box, strict=True)):
            continue  # joining this player always leaves the box of losing states
        size_t, size_s = (slice(1, None), slice(0, -1)) if sizes else (all_, all_)
        tgt = (all_, size_t, *(slice(wd, None) for wd in w))
        src = (all_, size_s, *(slice(0, m + 1 - wd) for wd, m in zip(w, box, strict=True)))
        f[tgt] += f[src]  # numpy buffers overlapping operands
        steps += 1
        if steps == LAZY_STEPS:
            np.remainder(f, p, out=f)
            steps = 0
    np.remainder(f, p, out=f)

    grid = list(np.indices(shape, dtype=np.int64))
    losing = ~wins_at(grid, clauses)
    x_axes = tuple(range(2, 2 + d))
    pk = p.reshape(k, 1)
    lose_by_size = (f * losing).sum(axis=x_axes) % pk  # (k, rows)

    classes = sorted({tuple(r) for r in weights.tolist()})
    res = np.zeros((k, len(classes), rows), dtype=np.uint64)
    for c, w in enumerate(classes):
        if not any(w):
            continue  # a player who never changes the state is null
        still_losing = ~wins_at([g + wd for g, wd in zip(grid, w, strict=True)], clauses)
        jmax = min(m // wd for wd, m in zip(w, box, strict=True) if wd > 0)
        if sizes:
            jmax = min(jmax, n - 1)
        total = np.zeros((k, rows), dtype=np.uint64)
        for j in range(jmax + 1):
            dst = tuple(slice(j * wd, None) for wd in w)
            src = tuple(slice(0, m + 1 - j * wd) for wd, m in zip(w, box, strict=True))
            block = f[(all_, slice(0, rows - j) if sizes else all_, *src)]
            # Sum over D minus sum over E, as a residue, for this term.
            term = (block * losing[dst]).sum(axis=x_axes) % pk
            term = (term + pk - (block * still_losing[dst]).sum(axis=x_axes) % pk) % pk
            lo = j if sizes else 0
            if j % 2 == 0:
                total[:, lo:] = (total[:, lo:] + term) % pk
            else:
                total[:, lo:] = (total[:, lo:] + pk - term) % pk
        res[:, c] = total
    flat = crt(np.concatenate([res.reshape(k, -1), lose_by_size], axis=1), primes)
    below = sum(flat[len(classes) * rows :])
    where = {w: c for c, w in enumerate(classes)}
    if sizes:
        per_class = [flat[c * rows : c * rows + n] for c in range(len(classes))]
        swing_sizes: list[list[int]] | None = [
            list(per_class[where[tuple(r)]]) for r in weights.tolist()
        ]
        swings = [sum(row) for row in swing_sizes]
    else:
        swing_sizes = None
        swings = [flat[where[tuple(r)]] for r in weights.tolist()]
    return Counts(swings, swing_sizes, 2**n - below, "dense-dp")

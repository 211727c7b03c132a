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
equal weight share the result.

For the Shapley-Shubik index the swings are needed by coalition size: the
coefficients of ``y**s`` in ``P(x, y) = prod_i (1 + y x**w_i)``. Instead of a
table by size and weight (``O(n q)`` cells), the generating function is
*evaluated* at ``m = smax + 1`` values ``y = 0, 1, ..., m - 1`` modulo a prime,
each a one-dimensional table of ``q`` cells filled as for Banzhaf (with a
multiplication by ``y``), divided by ``1 + y x**w`` for each weight class; for
each class this gives the polynomial ``S_w(y) = sum_s swings_w(s) y**s`` at
``m`` points, and Lagrange interpolation recovers its ``m`` coefficients
(``smax``, the largest size of a losing coalition, bounds its degree). Memory:
one table of ``q + 1`` cells per thread.

If ``q > (W + 1) / 2`` the complementary game is used instead: ``S`` is a
swing for ``i`` in ``[q; w]`` iff ``N - S - {i}`` is one in
``[W - q + 1; w]``, with size ``n - 1 - |S|``. The tables then stop at
``min(q, W - q + 1)``.

All counts are computed modulo several primes below ``2**31`` in ``uint32``
(:mod:`collsec.power._kernels`, compiled with numba) and rebuilt exactly with
the Chinese remainder theorem (:mod:`collsec.power._modular`).

Complexity, with ``C = sum_j min(q, w_1 + ... + w_j)`` the cells the knapsack
pass touches (players in increasing weight; at most ``n q``), ``k ~ n / 31``
primes and ``m <= n`` points: Banzhaf ``O(k C + k sum_i q / w_i)`` time,
Shapley-Shubik ``O(k m C)`` (``O(k n**2 q)`` at worst) plus ``O(k m**2 n)``
for the interpolation; memory ``O(q)`` per thread.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from collsec.limits import check_memory
from collsec.power._counts import Counts
from collsec.power._modular import LAZY_STEPS, crt, primes_for

__all__ = ["KERNELS", "WeightedPlan", "weighted_counts", "weighted_plan"]

#: ``"compiled"`` (numba, the default) or ``"numpy"`` (the algorithm of 0.5, kept
#: for the benchmark's before/after ratio and as a cross-check)
KERNELS = ("compiled", "numpy")

#: seconds per cell of the knapsack pass: an addition (Banzhaf) and a
#: multiplication-addition (Shapley-Shubik) modulo a prime, one thread, measured on
#: the project machine (2 cores, AVX-512) and rounded up
_T_ADD = 1.5e-10
_T_MUL = 5e-10
#: the numpy version: seconds per cell (uint64, lazy reductions)
_T_NUMPY = 1e-9

#: one computation at a time in a process: the parallel loops are not re-entrant
_LOCK = threading.Lock()
#: below this many estimated seconds the tasks run on one thread (waking the
#: others costs more than it saves, and more still on a busy machine)
_PARALLEL_SECONDS = 0.05

Progress = Callable[[str, int, int | None], None]


def _kernels():  # the module collsec.power._kernels
    # lazy: numba takes about 0.4 s to import; only weighted games need it
    import collsec.power._kernels

    return collsec.power._kernels


@dataclass(frozen=True)
class WeightedPlan:
    """What :func:`weighted_counts` will do: its table, work and memory, before it runs."""

    n: int
    quota: int  # the tabulated quota: min(q, W - q + 1)
    dual: bool
    primes: int
    points: int  # values of y (1 for Banzhaf)
    cells: int  # cells of one knapsack pass
    seconds: float  # estimated, one thread
    memory: float  # bytes
    kernel: str

    @property
    def what(self) -> str:
        return f"exact power of {self.n} players (table of {self.quota:,} cells)"


def _sorted_weights(weights: np.ndarray) -> np.ndarray:
    return np.sort(np.asarray(weights, dtype=np.int64))


def _pass_cells(w: np.ndarray, q: int) -> int:
    """Cells one knapsack pass over ``w`` (sorted) touches below ``q``."""
    reach = 0
    cells = 0
    for v in w.tolist():
        if v >= q:
            break
        if v == 0:
            cells += min(q, reach + 1)
            continue
        cells += min(q, reach + v + 1) - v
        reach = min(reach + v, q)
    return cells


def _points(w: np.ndarray, q: int) -> int:
    """Values of ``y`` needed: 1 + the largest size of a coalition lighter than ``q``
    (the ``s`` smallest weights sum to less than ``q``), and at least 2 (``y = 1``)."""
    prefix = np.concatenate(([0], np.cumsum(w, dtype=np.int64)))
    smax = int(np.searchsorted(prefix, q, side="left")) - 1
    return max(2, min(len(w) - 1, smax) + 1)


def weighted_plan(
    weights: np.ndarray, quota: int, sizes: bool, *, kernel: str = "compiled", threads: int = 0
) -> WeightedPlan:
    """The table, estimated seconds (one thread) and bytes of :func:`weighted_counts`.

    ``threads`` (default 2, the project machine's cores; :func:`weighted_counts`
    passes numba's setting) sets how many tables are held at once.
    """
    w = _sorted_weights(weights)
    n = len(w)
    total = int(w.sum())
    dual = total - quota + 1 < quota
    q = total - quota + 1 if dual else quota
    cells = _pass_cells(w, q)
    classes = len(set(w.tolist()))
    if kernel == "numpy":
        k = len(primes_for(math.comb(n, n // 2) if sizes else 2**n))
        if sizes:
            rows = _points(w, q)
            return WeightedPlan(
                n, q, dual, k, rows, cells, k * rows * cells * _T_NUMPY,
                16.0 * rows * (q + 1), kernel,
            )  # fmt: skip
        return WeightedPlan(
            n, q, dual, k, 1, cells, k * cells * _T_NUMPY, 24.0 * k * (q + 1), kernel
        )
    k = len(primes_for(2**n, bits=31))
    t = threads or 2
    extract = sum(q / max(v, 1) for v in set(w.tolist()))  # the alternating sums
    if sizes:
        m = _points(w, q)
        seconds = k * m * (cells * _T_MUL + extract * 3e-9) + k * m * m * classes * 5e-9
        memory = min(t, m) * 4.0 * (q + 1) + 24.0 * k * m * (classes + 1) + 200.0 * m * classes
        return WeightedPlan(n, q, dual, k, m, cells, seconds, memory, kernel)
    seconds = k * (cells * _T_ADD + extract * 3e-9)
    memory = min(t, k) * 4.0 * (q + 1) + 8.0 * k * (classes + 1)
    return WeightedPlan(n, q, dual, k, 1, cells, seconds, memory, kernel)


def _alternating(cum: np.ndarray, t: int, w: int, p: np.ndarray) -> np.ndarray:
    """``sum_j (-1)**j cum[:, t - j*w]`` over ``t - j*w > 0``, modulo ``p`` (shape ``(k, 1)``)."""
    if t <= 0:
        return np.zeros(cum.shape[0], dtype=np.uint64)
    idx = np.arange(t, 0, -w, dtype=np.int64)
    pv = p[:, 0]
    even = cum[:, idx[0::2]].sum(axis=1) % pv
    odd = cum[:, idx[1::2]].sum(axis=1) % pv
    return (even + pv - odd) % pv


def _banzhaf_numpy(w: np.ndarray, q: int, classes: list[int]) -> tuple[list[int], int]:
    """Swings of one player of each weight in ``classes`` and the count with weight < q.

    The numpy version of 0.5 (``kernel="numpy"``), kept for the benchmark's
    before/after ratio and as a cross-check of the compiled one."""
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


def _shapley_numpy(w: np.ndarray, q: int, classes: list[int]) -> tuple[list[list[int]], list[int]]:
    """Swings by size of one player of each weight in ``classes``; counts of weight < q by size.

    The size-resolved table of 0.5 (``kernel="numpy"``): ``O(n**2 q)`` time and
    ``O(n q)`` memory per prime."""
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


def _banzhaf_compiled(
    w: np.ndarray, q: int, classes: list[int], progress: Progress | None, parallel: bool
) -> tuple[list[int], int]:
    """As :func:`_banzhaf_numpy`, with the compiled in-place loops (one task per prime)."""
    kernels = _kernels()
    n = len(w)
    primes = primes_for(2**n, bits=31)
    if progress is not None:
        progress("Banzhaf counts", 0, len(primes))
    with _LOCK:
        res = kernels.banzhaf_residues(
            w,
            q,
            np.array(classes, dtype=np.int64),
            np.array(primes, dtype=np.uint64),
            parallel,
        )
    if progress is not None:
        progress("Banzhaf counts", len(primes), len(primes))
    values = crt(res, primes)
    return values[:-1], values[-1]


def _shapley_compiled(
    w: np.ndarray, q: int, classes: list[int], progress: Progress | None, parallel: bool
) -> tuple[list[list[int]], int]:
    """Swings by size of one player of each weight in ``classes`` and the number of
    coalitions lighter than ``q``: evaluation at ``y = 0 .. m - 1`` and interpolation,
    one prime after another (each prime's points in parallel)."""
    kernels = _kernels()
    n = len(w)
    m = _points(w, q)
    primes = primes_for(2**n, bits=31)  # every count by size is below C(n - 1, s) < 2**n
    cls = np.array(classes, dtype=np.int64)
    points = np.arange(m, dtype=np.uint64)
    res = np.zeros((len(primes), len(classes), m), dtype=np.uint64)
    below = np.zeros((len(primes), 1), dtype=np.uint64)
    if progress is not None:
        progress("Shapley-Shubik counts (primes)", 0, len(primes))
    for i, prime in enumerate(primes):
        p = np.uint64(prime)
        with _LOCK:
            values = kernels.evaluation_residues(w, q, cls, p, points, parallel)
        res[i] = kernels.interpolate(values[:, :-1], p)
        below[i, 0] = values[1, -1]  # y = 1: every coalition once
        if progress is not None:
            progress("Shapley-Shubik counts (primes)", i + 1, len(primes))
    flat = crt(res.reshape(len(primes), -1), primes)
    width = min(m, n)
    per_class = [flat[c * m : c * m + width] + [0] * (n - width) for c in range(len(classes))]
    return per_class, crt(below, primes)[0]


def weighted_counts(
    weights: np.ndarray,
    quota: int,
    sizes: bool,
    *,
    progress: Progress | None = None,
    kernel: str = "compiled",
) -> Counts:
    """Exact counts of the weighted game ``[quota; weights]``.

    Parameters
    ----------
    weights : numpy.ndarray
        Non-negative integer weights, shape ``(n,)``.
    quota : int
        ``1 <= quota <= sum(weights)``.
    sizes : bool
        Also count swings by coalition size (needed for Shapley-Shubik).
    progress : callable, optional
        Called as ``progress(step, done, total)`` while the counts are computed
        (``collsec.cli._progress.Progress.report`` has this form).
    kernel : {"compiled", "numpy"}, optional
        The compiled loops (default) or the numpy version of 0.5.

    Returns
    -------
    Counts

    Raises
    ------
    InputError
        When the estimated memory is above ``COLLSEC_MAX_MEMORY`` (before anything
        is allocated).
    """
    if kernel not in KERNELS:
        raise ValueError(f"unknown kernel {kernel!r}")
    w = np.asarray(weights, dtype=np.int64)
    n = len(w)
    plan = weighted_plan(w, quota, sizes, kernel=kernel, threads=_threads(kernel))
    check_memory(plan.memory, what=plan.what, source="power")
    dual, q = plan.dual, plan.quota
    classes = sorted(set(w.tolist()))
    where = {v: c for c, v in enumerate(classes)}
    ws = _sorted_weights(w)
    parallel = plan.seconds > _PARALLEL_SECONDS
    if sizes:
        if kernel == "numpy":
            per_class, lose_by_size = _shapley_numpy(w, q, classes)
            below = sum(lose_by_size)
        else:
            per_class, below = _shapley_compiled(ws, q, classes, progress, parallel)
        if dual:
            per_class = [row[::-1] for row in per_class]
        swing_sizes = [list(per_class[where[v]]) for v in w.tolist()]
        swings = [sum(row) for row in swing_sizes]
    else:
        if kernel == "numpy":
            per_class_swings, below = _banzhaf_numpy(w, q, classes)
        else:
            per_class_swings, below = _banzhaf_compiled(ws, q, classes, progress, parallel)
        swing_sizes = None
        swings = [per_class_swings[where[v]] for v in w.tolist()]
    # ``below`` counts coalitions lighter than q: the losing ones of [q; w], or,
    # in the complementary game, the complements of the winning ones.
    winning = below if dual else 2**n - below
    return Counts(swings, swing_sizes, winning, "weighted-dp")


def _threads(kernel: str) -> int:
    return _kernels().threads() if kernel == "compiled" else 1

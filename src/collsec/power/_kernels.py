"""Compiled loops of the weighted-game algorithm (numba), on residues in ``uint32``.

Every table here holds residues modulo one prime ``p < 2**31``, so the sum of
two residues fits in 32 bits and a reduction is one conditional subtraction
(no ``%``). The generating function ``prod_i (1 + y x**w_i)`` truncated at
``x**q`` is filled in place, player by player in increasing weight, for one
value of ``y`` at a time:

* ``y = 1`` gives the Banzhaf table (coalitions by weight): the shift-add
  ``f[t] += f[t - w]`` runs over the cells from the top down in blocks of at
  most ``w`` cells, so that the source and the target of a block never
  overlap and the compiler can vectorise the loop (SIMD) without copying the
  operand;
* any other ``y`` gives the same table with coalitions of size ``s`` counted
  ``y**s`` times; a multiplication modulo ``p`` uses Shoup's precomputed
  quotient ``floor(y * 2**32 / p)`` (two multiplications, no division).

The result of each task (one prime, one ``y``) is written to its own cell of
the output, and integer arithmetic modulo ``p`` does not depend on the order of
the tasks: the results are the same whatever the number of threads.

Nothing here is imported until a weighted game is computed (numba takes about
0.4 s to import); the first call of a session compiles or loads the cached
machine code (``cache=True``: ``__pycache__`` next to this file, or numba's
cache folder when that is not writable).
"""

from __future__ import annotations

import numba as nb
import numpy as np

__all__ = [
    "banzhaf_residues",
    "evaluation_residues",
    "interpolate",
    "threads",
]

#: cells of one block of the shift-add (the source of a block is read before it is
#: written only when the block is at most ``w`` cells long)
BLOCK = 4096

_MASK = np.uint64(0xFFFFFFFF)
_S32 = np.uint64(32)


def threads() -> int:
    """Threads the parallel loops use (numba's setting, ``NUMBA_NUM_THREADS``)."""
    return int(nb.get_num_threads())


@nb.njit(cache=True, nogil=True)
def _shoup(b: np.uint64, p: np.uint64) -> np.uint64:  # pragma: no cover - compiled
    """``floor(b * 2**32 / p)`` for the multiplications by ``b`` modulo ``p``."""
    return np.uint64((int(b) << 32) // int(p))


@nb.njit(cache=True, nogil=True)
def _mulmod(a, b, bq, p):  # pragma: no cover - compiled
    """``a * b mod p`` for ``a, b < p < 2**31`` with ``bq = _shoup(b, p)``."""
    h = (a * bq) >> _S32
    r = (a * b - h * p) & _MASK
    return r - p if r >= p else r


@nb.njit(cache=True, nogil=True)
def _add_shift(f, v, hi, p):  # pragma: no cover - compiled
    """``f[t] += f[t - v]`` for ``v <= t < hi``, in place, from the top down."""
    p32 = np.uint32(p)
    step = min(v, BLOCK)
    x1 = hi
    while x1 > v:
        x0 = max(v, x1 - step)
        dst = f[x0:x1]
        src = f[x0 - v : x1 - v]
        for i in range(x1 - x0):
            r = np.uint32(dst[i] + src[i])
            dst[i] = np.uint32(r - p32) if r >= p32 else r
        x1 = x0


@nb.njit(cache=True, nogil=True)
def _mul_shift(f, v, hi, p, y, yq):  # pragma: no cover - compiled
    """``f[t] += y * f[t - v]`` modulo ``p`` for ``v <= t < hi``, in place, top down."""
    p32 = np.uint32(p)
    step = min(v, BLOCK)
    x1 = hi
    while x1 > v:
        x0 = max(v, x1 - step)
        dst = f[x0:x1]
        src = f[x0 - v : x1 - v]
        for i in range(x1 - x0):
            t = np.uint64(src[i])
            h = (t * yq) >> _S32
            r = np.uint32((t * y - h * p) & _MASK)
            r = np.uint32(r - p32) if r >= p32 else r
            s = np.uint32(r + dst[i])
            dst[i] = np.uint32(s - p32) if s >= p32 else s
        x1 = x0


@nb.njit(cache=True, nogil=True)
def _fill(f, w, q, p, y):  # pragma: no cover - compiled
    """``f[t]``: coalitions of weight ``t < q``, each counted ``y**size``, modulo ``p``.

    ``w`` is sorted in increasing order; ``f`` has ``q + 1`` cells, all set here.
    """
    f[:] = 0
    f[0] = 1
    if y == np.uint64(0):
        return
    yq = _shoup(y, p)
    one_y = (np.uint64(1) + y) % p
    one_yq = _shoup(one_y, p)
    reach = 0
    for j in range(w.size):
        v = w[j]
        if v >= q:
            break  # 1 + y x**v is 1 below x**q
        if v == 0:
            top = min(q, reach + 1)
            for t in range(top):
                f[t] = np.uint32(_mulmod(np.uint64(f[t]), one_y, one_yq, p))
            continue
        hi = min(q, reach + v + 1)
        if y == np.uint64(1):
            _add_shift(f, v, hi, p)
        else:
            _mul_shift(f, v, hi, p, y, yq)
        reach = min(reach + v, q)


@nb.njit(cache=True, nogil=True)
def _cumulate(f, p):  # pragma: no cover - compiled
    """In place: ``f[T] = sum(f[t] for t < T)`` modulo ``p`` (so ``f[0] = 0``)."""
    p32 = np.uint32(p)
    run = np.uint32(0)
    for t in range(f.size):
        here = f[t]
        f[t] = run
        r = np.uint32(run + here)
        run = np.uint32(r - p32) if r >= p32 else r


@nb.njit(cache=True, nogil=True)
def _swing_value(c, q, v, p, y):  # pragma: no cover - compiled
    """Swings of a player of weight ``v``, each counted ``y**size``, modulo ``p``.

    ``c`` is the cumulative table of *all* players. Removing the player divides the
    generating function by ``1 + y x**v``; with ``A_j = c[q - j v]`` (0 when
    ``q - j v <= 0``) the others' coalitions of weight in ``[q - v, q)`` are
    ``A_0 - (1 + y) * sum_{j >= 1} (-y)**(j - 1) A_j``.
    """
    if v == 0:
        return np.uint64(0)
    m = (p - y % p) % p  # -y modulo p
    mq = _shoup(m, p)
    h = np.uint64(0)
    j = (q - 1) // v
    while j >= 1:
        h = _mulmod(h, m, mq, p) + np.uint64(c[q - j * v])
        if h >= p:
            h -= p
        j -= 1
    one_y = (np.uint64(1) + y) % p
    t = _mulmod(h, one_y, _shoup(one_y, p), p)
    a0 = np.uint64(c[q])
    return a0 - t if a0 >= t else a0 + p - t


@nb.njit(cache=True, nogil=True)
def _banzhaf_task(out, i, w, q, classes, primes):  # pragma: no cover - compiled
    p = primes[i]
    f = np.empty(q + 1, dtype=np.uint32)
    _fill(f, w, q, p, np.uint64(1))
    _cumulate(f, p)
    n_classes = classes.size
    for c in range(n_classes):
        out[i, c] = _swing_value(f, q, classes[c], p, np.uint64(1))
    out[i, n_classes] = f[q]


@nb.njit(cache=True, parallel=True)
def _banzhaf_parallel(out, w, q, classes, primes):  # pragma: no cover - compiled
    for i in nb.prange(primes.size):
        _banzhaf_task(out, i, w, q, classes, primes)


@nb.njit(cache=True, nogil=True)
def _banzhaf_serial(out, w, q, classes, primes):  # pragma: no cover - compiled
    for i in range(primes.size):
        _banzhaf_task(out, i, w, q, classes, primes)


def banzhaf_residues(w, q, classes, primes, parallel=True):
    """Swings of one player of each weight in ``classes`` and the coalitions lighter
    than ``q``, modulo each prime: ``uint64`` array ``(len(primes), len(classes) + 1)``.
    One task per prime (in parallel unless ``parallel=False``); ``w`` sorted in
    increasing order."""
    out = np.zeros((primes.size, classes.size + 1), dtype=np.uint64)
    (_banzhaf_parallel if parallel else _banzhaf_serial)(out, w, q, classes, primes)
    return out


@nb.njit(cache=True, nogil=True)
def _evaluation_task(out, k, w, q, classes, p, points):  # pragma: no cover - compiled
    y = points[k]
    f = np.empty(q + 1, dtype=np.uint32)
    _fill(f, w, q, p, y)
    _cumulate(f, p)
    n_classes = classes.size
    for c in range(n_classes):
        out[k, c] = _swing_value(f, q, classes[c], p, y)
    out[k, n_classes] = f[q]


@nb.njit(cache=True, parallel=True)
def _evaluation_parallel(out, w, q, classes, p, points):  # pragma: no cover - compiled
    for k in nb.prange(points.size):
        _evaluation_task(out, k, w, q, classes, p, points)


@nb.njit(cache=True, nogil=True)
def _evaluation_serial(out, w, q, classes, p, points):  # pragma: no cover - compiled
    for k in range(points.size):
        _evaluation_task(out, k, w, q, classes, p, points)


def evaluation_residues(w, q, classes, p, points, parallel=True):
    """For each ``y`` in ``points``: the swings of each class, each counted
    ``y**size``, and the coalitions lighter than ``q`` (last column), modulo ``p``.
    One task per point (in parallel unless ``parallel=False``), each with its own
    table of ``q + 1`` cells."""
    out = np.zeros((points.size, classes.size + 1), dtype=np.uint64)
    (_evaluation_parallel if parallel else _evaluation_serial)(out, w, q, classes, p, points)
    return out


@nb.njit(cache=True, nogil=True)
def _powmod(a, e, p):  # pragma: no cover - compiled
    r = np.uint64(1)
    a = a % p
    one = np.uint64(1)
    while e > np.uint64(0):
        if e & one:
            r = r * a % p
        a = a * a % p
        e >>= one
    return r


@nb.njit(cache=True, nogil=True)
def interpolate(values, p):  # pragma: no cover - compiled
    """Coefficients of the polynomials whose values at ``y = 0, 1, ..., m - 1`` are the
    rows of ``values`` (shape ``(m, c)``), modulo ``p``: shape ``(c, m)``, ``[c, s]``
    the coefficient of ``y**s`` (Lagrange's formula on the nodes ``0 .. m - 1``)."""
    m = values.shape[0]
    n_cols = values.shape[1]
    # M(y) = prod_j (y - j), coefficients by degree
    big = np.zeros(m + 1, dtype=np.uint64)
    big[0] = 1
    for j in range(m):
        neg = (p - np.uint64(j) % p) % p
        for d in range(j + 1, 0, -1):
            big[d] = (big[d - 1] + neg * big[d]) % p
        big[0] = neg * big[0] % p
    basis = np.zeros((m, m), dtype=np.uint64)
    fact = np.ones(m, dtype=np.uint64)
    for j in range(1, m):
        fact[j] = fact[j - 1] * np.uint64(j) % p
    b = np.zeros(m, dtype=np.uint64)
    for k in range(m):
        kk = np.uint64(k) % p
        # M(y) / (y - k) by synthetic division
        b[m - 1] = big[m]
        for d in range(m - 1, 0, -1):
            b[d - 1] = (big[d] + kk * b[d]) % p
        den = fact[k] * fact[m - 1 - k] % p
        if (m - 1 - k) % 2 == 1:
            den = (p - den) % p
        inv = _powmod(den, p - np.uint64(2), p)
        for d in range(m):
            basis[k, d] = b[d] * inv % p
    out = np.zeros((n_cols, m), dtype=np.uint64)
    for c in range(n_cols):
        for d in range(m):
            acc = np.uint64(0)
            for k in range(m):
                acc += values[k, c] * basis[k, d] % p
            out[c, d] = acc % p
    return out

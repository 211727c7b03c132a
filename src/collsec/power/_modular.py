"""Exact big counts from several word-sized residues (multi-modular arithmetic).

Coalition counts reach ``2**n``; numpy has no big integers. The dynamic
programmes therefore run once per prime ``p < 2**32`` on ``uint64`` arrays
(a residue plus up to 31 doublings still fits in 64 bits, so reductions are
needed only every 31 players) and the true counts, known to lie in
``[0, bound]``, are rebuilt with the Chinese remainder theorem once the
product of the primes exceeds ``bound``.
"""

from __future__ import annotations

import functools

import numpy as np

__all__ = ["LAZY_STEPS", "crt", "primes_for"]

#: Number of additions of two arrays of residues that fit in ``uint64``
#: before a reduction is needed: values stay below ``2**32 * 2**31``.
LAZY_STEPS = 31


def _is_prime(m: int) -> bool:
    """Deterministic Miller-Rabin, exact for ``m < 4_759_123_141`` (bases 2, 7, 61)."""
    if m < 2:
        return False
    for small in (2, 3, 5, 7, 11, 13, 61):
        if m % small == 0:
            return m == small
    d, r = m - 1, 0
    while d % 2 == 0:
        d //= 2
        r += 1
    for a in (2, 7, 61):
        x = pow(a, d, m)
        if x in (1, m - 1):
            continue
        for _ in range(r - 1):
            x = x * x % m
            if x == m - 1:
                break
        else:
            return False
    return True


@functools.cache
def _prime_list(count: int, bits: int = 32) -> tuple[int, ...]:
    out: list[int] = []
    m = 2**bits - 1
    while len(out) < count:
        if _is_prime(m):
            out.append(m)
        m -= 2
    return tuple(out)


def primes_for(bound: int, *, bits: int = 32) -> tuple[int, ...]:
    """The largest primes below ``2**bits`` whose product exceeds ``bound``.

    The compiled kernels (:mod:`collsec.power._kernels`) keep residues in
    ``uint32`` and take ``bits=31``: the sum of two residues then still fits.

    Examples
    --------
    >>> primes_for(10)
    (4294967291,)
    >>> len(primes_for(2**190))
    6
    >>> primes_for(10, bits=31)
    (2147483647,)
    >>> len(primes_for(2**190, bits=31))
    7
    """
    count = 1
    while True:
        primes = _prime_list(count, bits)
        if _product(primes) > bound:
            return primes
        count += 1


def _product(values: tuple[int, ...]) -> int:
    out = 1
    for v in values:
        out *= v
    return out


def crt(residues: np.ndarray, primes: tuple[int, ...]) -> list[int]:
    """Rebuild the integers in ``[0, prod(primes))`` from their residues.

    Garner's mixed-radix algorithm, vectorised: the digits are computed in
    ``uint64`` (every product is of two numbers below ``2**32``), then the
    value is assembled with Python integers.

    Parameters
    ----------
    residues : numpy.ndarray
        ``uint64`` array of shape ``(len(primes), m)``; row ``j`` holds the
        values modulo ``primes[j]``.
    primes : tuple of int
        Distinct primes below ``2**32``.

    Returns
    -------
    list of int
        The ``m`` integers.

    Examples
    --------
    >>> ps = primes_for(2**70)
    >>> x = 2**69 + 12345
    >>> crt(np.array([[x % p] for p in ps], dtype=np.uint64), ps) == [x]
    True
    """
    res = np.asarray(residues, dtype=np.uint64)
    k = len(primes)
    digits: list[np.ndarray] = []
    for j in range(k):
        pj = np.uint64(primes[j])
        x = res[j] % pj
        for i in range(j):
            inv = np.uint64(pow(primes[i], -1, primes[j]))
            x = (x + pj - digits[i] % pj) % pj
            x = (x * inv) % pj
        digits.append(x)
    acc = digits[-1].astype(object)
    for j in range(k - 2, -1, -1):
        acc = acc * primes[j] + digits[j].astype(object)
    return [int(v) for v in acc]

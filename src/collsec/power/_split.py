"""Meet-in-the-middle counting for games with huge weights (populations in persons).

Tables indexed by weight are useless when a weight is a population counted
in persons. With ``n`` up to about 40 players an exact count is still cheap:
split the players into two halves ``A`` and ``B`` and list the ``2**(n/2)``
coalitions of each half. One dimension (the one with the largest total, the
*large* one) is kept exactly; the others are capped at their largest quota,
which keeps every comparison with a quota intact. For a fixed combined
capped state ``c`` the clauses reduce to one threshold ``T(c)`` on the large
dimension: the coalition wins iff its large sum reaches ``T(c)``. The
coalitions of ``B`` are grouped by (size, capped state) with their large
sums sorted, so the coalitions of ``A`` that combine with a group into a
winning coalition -- or a swing -- are counted with binary searches.

For player ``i`` the "other players" are the two halves without ``i``: the
coalitions of ``i``'s half that leave ``i`` out are matched against the
groups of the other half. Cost ``O(2**(n/2) * groups * log)`` per class of
identical players. All counts are exact ``int64`` (``n`` is at most 60).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from collsec.power._counts import Counts

__all__ = ["split_cost", "split_counts"]

_INF = np.int64(2**62)
MAX_PLAYERS = 60

Clauses = tuple[tuple[tuple[int, int], ...], ...]


@dataclass
class _Half:
    members: list[int]
    mask: np.ndarray  # local bit masks, ordered by size
    size: np.ndarray
    small: np.ndarray  # capped sums on the small dimensions, (m, ds)
    large: np.ndarray  # exact sums on the large dimension
    groups: list[tuple[int, np.ndarray, np.ndarray]]  # (size, small state, sorted large sums)


class _Rule:
    """The clauses seen as a threshold on the large dimension given the capped small state."""

    def __init__(self, clauses: Clauses, large: int, small: list[int]):
        pos = {dim: k for k, dim in enumerate(small)}
        self.parts = []
        self.cap = np.ones(len(small), dtype=np.int64)
        for clause in clauses:
            need_large = 0
            conds: dict[int, int] = {}
            for dim, quota in clause:
                if dim == large:
                    need_large = max(need_large, quota)
                else:
                    conds[pos[dim]] = max(conds.get(pos[dim], 0), quota)
                    self.cap[pos[dim]] = max(int(self.cap[pos[dim]]), quota)
            self.parts.append((sorted(conds.items()), np.int64(need_large)))

    def threshold(self, state: np.ndarray) -> np.ndarray:
        out = np.full(state.shape[0], _INF, dtype=np.int64)
        for conds, need in self.parts:
            ok = np.ones(state.shape[0], dtype=bool)
            for k, quota in conds:
                ok &= state[:, k] >= quota
            np.minimum(out, need, out=out, where=ok)
        return out


def _half(
    members: list[int], weights: np.ndarray, rule: _Rule, large: int, small: list[int], sizes: bool
) -> _Half:
    h = len(members)
    masks = np.arange(2**h, dtype=np.int64)
    sums = np.zeros((2**h, weights.shape[1]), dtype=np.int64)
    size = np.zeros(2**h, dtype=np.int64)
    for b, i in enumerate(members):
        bit = (masks >> b) & 1
        sums += bit[:, None] * weights[i]
        size += bit
    # By size (for the counts by size), then by decreasing large sum: the binary
    # searches then get increasing keys, which numpy's search exploits.
    order = np.lexsort((-sums[:, large], size))
    masks, sums, size = masks[order], sums[order], size[order]
    capped = np.minimum(sums[:, small], rule.cap)
    large_sums = sums[:, large]
    # Group by (size, capped small state); only the size matters for Shapley-Shubik.
    key_cols = [capped[:, k] for k in range(len(small))]
    if sizes:
        key_cols.append(size)
    if key_cols:
        keys = np.stack(key_cols, axis=1)
        uniq, inverse = np.unique(keys, axis=0, return_inverse=True)
        inverse = inverse.reshape(-1)
    else:
        uniq, inverse = np.zeros((1, 0), dtype=np.int64), np.zeros(len(masks), dtype=np.int64)
    order = np.lexsort((large_sums, inverse))
    starts = np.searchsorted(inverse[order], np.arange(len(uniq) + 1))
    groups = []
    for g, row in enumerate(uniq):
        state = np.asarray(row[: len(small)], dtype=np.int64)
        gsize = int(row[len(small)]) if sizes else 0
        groups.append((gsize, state, large_sums[order[starts[g] : starts[g + 1]]]))
    return _Half(members, masks, size, capped, large_sums, groups)


def _layout(weights: np.ndarray, clauses: Clauses) -> tuple[int, list[int], _Rule]:
    totals = weights.sum(axis=0)
    large = int(np.argmax(totals))
    small = [k for k in range(weights.shape[1]) if k != large]
    return large, small, _Rule(clauses, large, small)


def split_cost(weights: np.ndarray, clauses: Clauses, sizes: bool) -> float:
    """Estimated operations of :func:`split_counts` (``inf`` beyond 60 players)."""
    n = weights.shape[0]
    if n > MAX_PLAYERS:
        return float("inf")
    _, _, rule = _layout(weights, clauses)
    half = 2.0 ** ((n + 1) // 2)
    groups = float(np.prod(rule.cap.astype(float) + 1)) * ((n // 2 + 1) if sizes else 1)
    groups = min(groups, 2.0 ** (n // 2))
    classes = len({tuple(r) for r in weights.tolist()})
    return (classes + 1) * half * groups * 24.0


def split_counts(weights: np.ndarray, clauses: Clauses, sizes: bool) -> Counts:
    """Exact counts by meet in the middle (``n <= 60``; practical up to about 40).

    Parameters
    ----------
    weights : numpy.ndarray
        Non-negative ``int64`` array ``(n, d)``.
    clauses : tuple
        Clauses of ``(dimension, quota)`` pairs.
    sizes : bool
        Also count swings by coalition size (for Shapley-Shubik).

    Returns
    -------
    Counts
    """
    n = weights.shape[0]
    if n > MAX_PLAYERS:
        raise ValueError(f"meet in the middle is limited to {MAX_PLAYERS} players")
    large, small, rule = _layout(weights, clauses)
    cut = (n + 1) // 2
    halves = [
        _half(list(range(cut)), weights, rule, large, small, sizes),
        _half(list(range(cut, n)), weights, rule, large, small, sizes),
    ]

    winning = 0
    a, b = halves
    for _, state, sorted_large in b.groups:
        t = rule.threshold(np.minimum(a.small + state, rule.cap))
        winning += int(len(sorted_large) * len(a.large))
        winning -= int(np.searchsorted(sorted_large, t - a.large).sum())

    cache: dict[tuple[int, ...], tuple[int, list[int] | None]] = {}
    swings: list[int] = []
    swing_sizes: list[list[int]] = []
    for i in range(n):
        row = weights[i]
        x, y = (halves[0], halves[1]) if i < cut else (halves[1], halves[0])
        key = tuple(row.tolist())  # the counts depend only on the other players' rows
        if key not in cache:
            cache[key] = _player(i, row, x, y, rule, large, small, sizes, n)
        total, by_size = cache[key]
        swings.append(total)
        if by_size is not None:
            swing_sizes.append(by_size)
    return Counts(swings, swing_sizes if sizes else None, winning, "meet-in-the-middle")


def _player(
    i: int,
    row: np.ndarray,
    x: _Half,
    y: _Half,
    rule: _Rule,
    large: int,
    small: list[int],
    sizes: bool,
    n: int,
) -> tuple[int, list[int] | None]:
    bit = 1 << x.members.index(i)
    keep = (x.mask & bit) == 0
    x_small, x_large, x_size = x.small[keep], x.large[keep], x.size[keep]
    bounds = np.searchsorted(x_size, np.arange(len(x.members) + 1))
    w_small = row[small]
    w_large = np.int64(row[large])
    by_size = np.zeros(n, dtype=np.int64)
    total = 0
    for gsize, state, sorted_large in y.groups:
        c = np.minimum(x_small + state, rule.cap)
        lose_below = rule.threshold(c)
        win_from = rule.threshold(np.minimum(c + w_small, rule.cap)) - w_large
        cnt = np.searchsorted(sorted_large, lose_below - x_large) - np.searchsorted(
            sorted_large, win_from - x_large
        )
        if sizes:
            cs = np.concatenate(([0], np.cumsum(cnt)))
            per = cs[bounds[1:]] - cs[bounds[:-1]]
            by_size[gsize : gsize + len(per)] += per[: n - gsize]
        else:
            total += int(cnt.sum())
    if sizes:
        out = [int(v) for v in by_size]
        return sum(out), out
    return total, None

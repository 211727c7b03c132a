"""Exact a-priori voting power: Shapley-Shubik, Banzhaf (Penrose) and Coleman indices.

A player *swings* (is *critical*, or *pivotal* for Banzhaf) in a coalition
``S`` that does not contain them when ``S`` loses but ``S`` plus the player
wins: joining turns defeat into victory. Power indices count swings:

* the **absolute Banzhaf** (Penrose) index is the probability that a player
  swings when every other player votes yes or no by a fair coin,
  ``swings / 2**(n-1)`` (Penrose 1946, Banzhaf 1965);
* the **normalised Banzhaf** index is the player's share of all swings;
* the **Shapley-Shubik** index is the share of the ``n!`` orders of arrival
  in which the player's arrival makes the coalition win (Shapley and Shubik
  1954); a swing into a coalition of size ``s`` counts with weight
  ``s! (n-1-s)! / n!``;
* **Coleman's power of the collectivity to act** is the share of the
  ``2**n`` coalitions that win: how easily the body decides anything at all
  (Coleman 1971).

Every result is exact (:class:`fractions.Fraction`, Python integers for
counts), computed by generating functions and dynamic programming, never by
listing coalitions:

* plain weighted games ``[q; w]`` use a one-dimensional knapsack table
  truncated at the quota, divided by ``1 + x**w_i`` to remove each player,
  filled by compiled loops; for Shapley-Shubik the same table is evaluated at
  several values of a size variable and the counts by size interpolated
  (:mod:`collsec.power._weighted`, :mod:`collsec.power._kernels`);
* games with several weight dimensions or clauses use a dense table over the
  joint distribution of the sums (:mod:`collsec.power._dense`), or, when a
  weight is huge (populations in persons) and there are at most about 40
  players, an exact meet-in-the-middle count (:mod:`collsec.power._split`).

References
----------
.. [1] L. S. Penrose, "The elementary statistics of majority voting",
   *Journal of the Royal Statistical Society* 109(1), 53-57, 1946.
.. [2] L. S. Shapley and M. Shubik, "A method for evaluating the distribution
   of power in a committee system", *American Political Science Review*
   48(3), 787-792, 1954.
.. [3] J. F. Banzhaf III, "Weighted voting doesn't work: a mathematical
   analysis", *Rutgers Law Review* 19(2), 317-343, 1965.
.. [4] J. S. Coleman, "Control of collectivities and the power of a
   collectivity to act", in B. Lieberman (ed.), *Social Choice*, Gordon and
   Breach, 269-300, 1971.
.. [5] D. S. Felsenthal and M. Machover, *The Measurement of Voting Power*,
   Edward Elgar, 1998.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from collsec.errors import InputError
from collsec.limits import check_memory, max_memory
from collsec.power._counts import Counts
from collsec.power._dense import dense_cost, dense_counts
from collsec.power._split import split_cost, split_counts
from collsec.power._weighted import Progress, weighted_counts, weighted_plan
from collsec.power.bruteforce import bruteforce_counts
from collsec.power.game import Game

__all__ = [
    "METHODS",
    "MemberPower",
    "PowerResult",
    "banzhaf",
    "banzhaf_absolute",
    "coleman_power_to_act",
    "power_indices",
    "shapley_shubik",
    "swings",
]

#: Algorithms accepted by the ``method`` argument.
METHODS = ("auto", "dp", "split", "enumerate")

# Largest table (cells of 8 bytes) the dense dynamic programme may allocate.
_MAX_CELLS = 1.5e8
# Estimated seconds of work (one thread) beyond which "auto" gives up: about ten minutes.
_MAX_SECONDS = 600.0
# Seconds per estimated elementary operation of the dense and split algorithms.
_T_OP = 6e-10
#: plain weighted games this size or smaller are always computed (no refusal but
#: for memory above COLLSEC_MAX_MEMORY): up to 200 players and a total weight of 10**7
GUARANTEED_PLAYERS = 200
GUARANTEED_TOTAL = 10**7
# What an idle collsec process holds, added by limits.check_memory to an estimate.
_BASE_MEMORY = 300 * 2**20

_INDEX_NAMES = {
    "all": "all",
    "banzhaf": "banzhaf",
    "shapley-shubik": "shapley-shubik",
    "shapley_shubik": "shapley-shubik",
}

Clauses = tuple[tuple[tuple[int, int], ...], ...]


def _reduce(game: Game) -> tuple[np.ndarray, Clauses]:
    """Validate, keep the dimensions the clauses use, and divide each by its gcd.

    ``sum w >= q`` is equivalent to ``sum (w / g) >= ceil(q / g)`` when ``g``
    divides every weight, so the game is unchanged. Conditions on the same
    dimension within a clause are merged (largest quota), and a clause
    implied by another one is dropped.
    """
    game.validate()
    used = sorted({dim for clause in game.clauses for dim, _ in clause})
    weights = np.array(game.weights[:, used], dtype=np.int64)
    position = {dim: k for k, dim in enumerate(used)}
    gcds = []
    for k in range(len(used)):
        g = math.gcd(*(int(v) for v in np.unique(weights[:, k])))
        gcds.append(max(g, 1))
        weights[:, k] //= gcds[-1]
    merged = []
    for clause in game.clauses:
        need: dict[int, int] = {}
        for dim, quota in clause:
            k = position[dim]
            need[k] = max(need.get(k, 0), -(-quota // gcds[k]))
        merged.append(tuple(sorted(need.items())))
    kept: list[tuple[tuple[int, int], ...]] = []
    for c, clause in enumerate(merged):
        mine = dict(clause)
        # drop `clause` if another clause needs no more on any of its dimensions
        implied = any(
            (other != clause or o < c)
            and all(dim in mine and mine[dim] >= quota for dim, quota in other)
            for o, other in enumerate(merged)
            if o != c
        )
        if not implied:
            kept.append(clause)
    return weights, tuple(kept)


def _choose(weights: np.ndarray, clauses: Clauses, sizes: bool, method: str) -> str:
    """The algorithm for a reduced game: ``"weighted"``, ``"dense"`` or ``"split"``.

    ``"auto"`` takes the one with the fewest estimated seconds and gives up above
    about ten minutes, except for plain weighted games of at most
    :data:`GUARANTEED_PLAYERS` players and a total weight of at most
    :data:`GUARANTEED_TOTAL`, which are always computed. Every algorithm whose
    estimated memory is above ``COLLSEC_MAX_MEMORY`` is left out; when that leaves
    none, the error says the estimate and how to raise the bound.
    """
    n = weights.shape[0]
    plain = weights.shape[1] == 1 and len(clauses) == 1 and len(clauses[0]) == 1
    options: list[tuple[float, str]] = []
    too_big = None  # the weighted plan, when only memory stands in its way
    guaranteed = False
    if plain:
        quota = clauses[0][0][1]
        total = int(weights.sum())
        guaranteed = n <= GUARANTEED_PLAYERS and total <= GUARANTEED_TOTAL
        plan = weighted_plan(weights[:, 0], quota, sizes)
        if plan.memory + _BASE_MEMORY > max_memory():
            too_big = plan
        else:
            options.append((plan.seconds, "weighted"))
    else:
        ops, cells = dense_cost(weights, clauses, sizes)
        if cells <= _MAX_CELLS:
            options.append((ops * _T_OP, "dense"))
    if method in ("auto", "split"):
        ops = split_cost(weights, clauses, sizes)
        if ops < float("inf"):
            options.append((ops * _T_OP, "split"))
    if method == "auto" and not guaranteed:
        options = [o for o in options if o[0] <= _MAX_SECONDS]
    elif method == "dp":
        options = [o for o in options if o[1] != "split"]
    elif method == "split":
        options = [o for o in options if o[1] == "split"]
    if not options:
        if (
            too_big is not None
            and method != "split"
            and (guaranteed or too_big.seconds <= _MAX_SECONDS)
        ):
            check_memory(too_big.memory, what=too_big.what, source="power")  # raises
        raise InputError(
            f"exact computation is out of reach for this game ({n} players with weights "
            f"too large for a table, and too many players to split); "
            f"try a coarser weight unit"
            if method == "auto"
            else f"method {method!r} cannot handle this game ({n} players)",
            field="method" if method != "auto" else None,
        )
    return min(options)[1]


def _counts(game: Game, sizes: bool, method: str, progress: Progress | None = None) -> Counts:
    """Exact counts of ``game`` by the cheapest algorithm (or the one asked for)."""
    if method not in METHODS:
        raise InputError(
            f"unknown method {method!r}; use one of {', '.join(METHODS)}", field="method"
        )
    if method == "enumerate":
        return bruteforce_counts(game)
    weights, clauses = _reduce(game)
    engine = _choose(weights, clauses, sizes, method)
    if engine == "weighted":
        return weighted_counts(weights[:, 0], clauses[0][0][1], sizes, progress=progress)
    if engine == "dense":
        return dense_counts(weights, clauses, sizes)
    return split_counts(weights, clauses, sizes)


def _shapley_from(counts: Counts, n: int) -> list[Fraction]:
    assert counts.swing_sizes is not None
    fact = [math.factorial(s) for s in range(n + 1)]
    weights = [fact[s] * fact[n - 1 - s] for s in range(n)]
    out = []
    memo: dict[tuple[int, ...], Fraction] = {}
    for row in counts.swing_sizes:
        key = tuple(row)
        if key not in memo:
            memo[key] = Fraction(sum(c * w for c, w in zip(row, weights, strict=True)), fact[n])
        out.append(memo[key])
    return out


def _banzhaf_from(counts: Counts) -> list[Fraction]:
    total = sum(counts.swings)
    if total == 0:  # impossible for a valid game: the grand coalition wins, the empty one loses
        return [Fraction(0)] * len(counts.swings)
    return [Fraction(s, total) for s in counts.swings]


def swings(game: Game, *, method: str = "auto") -> list[int]:
    """Raw Banzhaf swing counts.

    Player ``i`` swings in a coalition ``S`` (without ``i``) when ``S``
    loses but ``S`` with ``i`` wins.

    Parameters
    ----------
    game : Game
        A valid game.
    method : {"auto", "dp", "split", "enumerate"}, optional
        Algorithm: the cheapest exact one (default), the dynamic programme,
        meet in the middle, or enumeration of all coalitions (n <= 20).

    Returns
    -------
    list of int
        The number of swings of each player, in ``game.players`` order.

    Examples
    --------
    The UN Security Council since 1966 (15 members, 9 votes, 5 vetoes):

    >>> s = swings(Game.quota_with_veto(15, 9, range(5)))
    >>> s[0], s[5]
    (848, 84)
    """
    return _counts(game, False, method).swings


def banzhaf(game: Game, *, method: str = "auto") -> list[Fraction]:
    """Normalised Banzhaf index: each player's share of all swings (Banzhaf 1965).

    Parameters
    ----------
    game : Game
        A valid game.
    method : str, optional
        See :func:`swings`.

    Returns
    -------
    list of Fraction
        Values that sum to 1.

    Examples
    --------
    >>> banzhaf(Game.weighted(3, [2, 1, 1]))
    [Fraction(3, 5), Fraction(1, 5), Fraction(1, 5)]
    """
    return _banzhaf_from(_counts(game, False, method))


def banzhaf_absolute(game: Game, *, method: str = "auto") -> list[Fraction]:
    """Absolute Banzhaf (Penrose) index ``swings / 2**(n-1)``.

    The probability that a player's vote decides the outcome when all the
    others vote independently yes or no with probability 1/2 (Penrose 1946).

    Parameters
    ----------
    game : Game
        A valid game.
    method : str, optional
        See :func:`swings`.

    Returns
    -------
    list of Fraction

    Examples
    --------
    >>> banzhaf_absolute(Game.weighted(3, [2, 1, 1]))
    [Fraction(3, 4), Fraction(1, 4), Fraction(1, 4)]
    """
    counts = _counts(game, False, method)
    return [Fraction(s, 2 ** (game.n - 1)) for s in counts.swings]


def shapley_shubik(game: Game, *, method: str = "auto") -> list[Fraction]:
    """Shapley-Shubik index (Shapley and Shubik 1954).

    The share of the ``n!`` orderings of the players in which a player is
    pivotal: the coalition of those before them loses, and wins once they
    join.

    Parameters
    ----------
    game : Game
        A valid game.
    method : str, optional
        See :func:`swings`.

    Returns
    -------
    list of Fraction
        Values that sum to 1.

    Examples
    --------
    The Security Council of 1946-65 (11 members, 7 votes, 5 vetoes), as in
    Shapley and Shubik (1954):

    >>> ss = shapley_shubik(Game.quota_with_veto(11, 7, range(5)))
    >>> ss[0], ss[5]
    (Fraction(76, 385), Fraction(1, 462))
    """
    return _shapley_from(_counts(game, True, method), game.n)


def coleman_power_to_act(game: Game, *, method: str = "auto") -> Fraction:
    """Coleman's power of the collectivity to act: winning coalitions / ``2**n``.

    Parameters
    ----------
    game : Game
        A valid game.
    method : str, optional
        See :func:`swings`.

    Returns
    -------
    Fraction

    Examples
    --------
    >>> coleman_power_to_act(Game.unanimity(4))
    Fraction(1, 16)
    """
    return Fraction(_counts(game, False, method).winning, 2**game.n)


def _exact(x: Fraction) -> str:
    return f"{x.numerator}/{x.denominator}"


@dataclass(frozen=True)
class MemberPower:
    """One player's row of a :class:`PowerResult`; indices not computed are ``None``."""

    member: str
    shapley_shubik: Fraction | None = None
    banzhaf: Fraction | None = None
    banzhaf_absolute: Fraction | None = None
    swings: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready row: exact values as ``"p/q"`` strings plus ``*_float`` twins."""
        row: dict[str, Any] = {"member": self.member}
        for key in ("shapley_shubik", "banzhaf", "banzhaf_absolute"):
            value = getattr(self, key)
            if value is not None:
                row[key] = _exact(value)
        if self.swings is not None:
            row["swings"] = self.swings
        for key in ("shapley_shubik", "banzhaf", "banzhaf_absolute"):
            value = getattr(self, key)
            if value is not None:
                row[f"{key}_float"] = float(value)
        return row


@dataclass(frozen=True)
class PowerResult:
    """Power indices of every player of one body.

    Attributes
    ----------
    body : str
        The game's name.
    index : str
        ``"all"``, ``"banzhaf"`` or ``"shapley-shubik"``.
    members : tuple of MemberPower
        One row per player, in the game's order.
    coleman_power_to_act : Fraction
        Share of winning coalitions.
    method : str
        The algorithm that produced the counts.
    """

    body: str
    index: str
    members: tuple[MemberPower, ...]
    coleman_power_to_act: Fraction
    method: str

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape shared with the command line.

        Examples
        --------
        >>> r = power_indices(Game.weighted(2, [1, 1], ["a", "b"], name="pair"))
        >>> r.to_dict()["members"][0]["banzhaf"], r.to_dict()["coleman_power_to_act"]
        ('1/2', '1/4')
        """
        return {
            "body": self.body,
            "members": [m.to_dict() for m in self.members],
            "coleman_power_to_act": _exact(self.coleman_power_to_act),
            "coleman_power_to_act_float": float(self.coleman_power_to_act),
        }


def power_indices(
    game: Game, index: str = "all", *, method: str = "auto", progress: Progress | None = None
) -> PowerResult:
    """Compute the power indices of every player in one pass.

    Parameters
    ----------
    game : Game
        A valid game.
    index : {"all", "banzhaf", "shapley-shubik"}, optional
        Which indices to compute. ``"banzhaf"`` gives the swings, the
        normalised and the absolute Banzhaf index (and is the fastest);
        Coleman's power to act is always included.
    method : str, optional
        See :func:`swings`.
    progress : callable, optional
        ``progress(step, done, total)``, called as the counts of a large weighted
        game are computed (the command line passes its progress line).

    Returns
    -------
    PowerResult

    Examples
    --------
    The EEC Council of Ministers of 1958 (Treaty of Rome, Art. 148):
    Luxembourg's vote never decides anything.

    >>> eec = Game.weighted(12, [4, 4, 4, 2, 2, 1],
    ...                     ["FR", "DE", "IT", "BE", "NL", "LU"], name="EEC 1958")
    >>> r = power_indices(eec)
    >>> [(m.member, str(m.shapley_shubik), m.swings) for m in r.members][-2:]
    [('NL', '3/20', 6), ('LU', '0', 0)]
    >>> r.to_dict()["members"][5]["banzhaf"]
    '0/1'
    """
    which = _INDEX_NAMES.get(str(index).lower())
    if which is None:
        raise InputError(
            f"unknown index {index!r}; use all, banzhaf or shapley-shubik", field="index"
        )
    counts = _counts(game, which != "banzhaf", method, progress)
    n = game.n
    ss = _shapley_from(counts, n) if which != "banzhaf" else [None] * n
    if which == "shapley-shubik":
        bz: list[Fraction | None] = [None] * n
        ab: list[Fraction | None] = [None] * n
        sw: list[int | None] = [None] * n
    else:
        bz = list(_banzhaf_from(counts))
        ab = [Fraction(s, 2 ** (n - 1)) for s in counts.swings]
        sw = list(counts.swings)
    members = tuple(MemberPower(game.players[i], ss[i], bz[i], ab[i], sw[i]) for i in range(n))
    return PowerResult(game.name, which, members, Fraction(counts.winning, 2**n), counts.method)

"""Power indices by enumerating every coalition (or every ordering).

These functions follow the definitions literally and are meant as a
reference to check the fast algorithms of :mod:`collsec.power.indices`
against, on small games only: enumeration visits all ``2**n`` coalitions
(``n <= 20``), and :func:`shapley_shubik_by_orderings` all ``n!`` orderings
(``n <= 8``).

References
----------
.. [1] L. S. Shapley and M. Shubik, "A method for evaluating the distribution
   of power in a committee system", *American Political Science Review*
   48(3), 787-792, 1954.
.. [2] J. F. Banzhaf III, "Weighted voting doesn't work: a mathematical
   analysis", *Rutgers Law Review* 19(2), 317-343, 1965.
"""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

import numpy as np

from collsec.errors import InputError
from collsec.power._counts import Counts
from collsec.power.game import Game

__all__ = [
    "MAX_PLAYERS",
    "bruteforce_counts",
    "shapley_shubik_by_orderings",
    "veto_players",
    "winning_table",
]

#: Largest game enumerated (2**20 coalitions).
MAX_PLAYERS = 20


def winning_table(game: Game) -> np.ndarray:
    """Whether each coalition wins, indexed by bit mask (bit ``i`` is player ``i``).

    Examples
    --------
    >>> winning_table(Game.weighted(2, [1, 1])).tolist()
    [False, False, False, True]
    """
    game.validate()
    n = game.n
    if n > MAX_PLAYERS:
        raise InputError(f"{n} players are too many to enumerate (limit {MAX_PLAYERS})")
    masks = np.arange(2**n, dtype=np.int64)
    sums = np.zeros((2**n, game.dimensions), dtype=np.int64)
    for i in range(n):
        sums += ((masks >> i) & 1)[:, None] * game.weights[i]
    win = np.zeros(2**n, dtype=bool)
    for clause in game.clauses:
        ok = np.ones(2**n, dtype=bool)
        for dim, quota in clause:
            ok &= sums[:, dim] >= quota
        win |= ok
    return win


def bruteforce_counts(game: Game) -> Counts:
    """Swings (in total and by coalition size) and winning coalitions, by enumeration.

    Examples
    --------
    >>> bruteforce_counts(Game.weighted(3, [2, 1, 1])).swings
    [3, 1, 1]
    """
    win = winning_table(game)
    n = game.n
    masks = np.arange(2**n, dtype=np.int64)
    size = np.zeros(2**n, dtype=np.int64)
    for i in range(n):
        size += (masks >> i) & 1
    swing_sizes = []
    for i in range(n):
        bit = 1 << i
        without = masks[(masks & bit) == 0]
        pivotal = win[without | bit] & ~win[without]
        by_size = np.bincount(size[without][pivotal], minlength=n)
        swing_sizes.append([int(x) for x in by_size])
    return Counts(
        swings=[sum(row) for row in swing_sizes],
        swing_sizes=swing_sizes,
        winning=int(win.sum()),
        method="enumeration",
    )


def shapley_shubik_by_orderings(game: Game) -> list[Fraction]:
    """Shapley-Shubik index as the share of the ``n!`` orderings in which a player is pivotal.

    Members join one at a time in every possible order; the pivot is the
    member whose arrival first turns the growing coalition into a winning
    one.

    Examples
    --------
    >>> shapley_shubik_by_orderings(Game.weighted(3, [2, 1, 1]))
    [Fraction(2, 3), Fraction(1, 6), Fraction(1, 6)]
    """
    win = winning_table(game)
    n = game.n
    if n > 8:
        raise InputError(f"{n} players are too many to list all orderings (limit 8)")
    pivots = [0] * n
    for order in itertools.permutations(range(n)):
        mask = 0
        for i in order:
            mask |= 1 << i
            if win[mask]:
                pivots[i] += 1
                break
    total = math.factorial(n)
    return [Fraction(c, total) for c in pivots]


def veto_players(game: Game) -> list[int]:
    """Players that belong to every winning coalition.

    Examples
    --------
    >>> veto_players(Game.quota_with_veto(5, 3, [0, 1]))
    [0, 1]
    """
    win = winning_table(game)
    masks = np.arange(2**game.n, dtype=np.int64)[win]
    return [i for i in range(game.n) if bool(np.all(masks & (1 << i)))]

"""Simple voting games given by weights and quotas.

A :class:`Game` is a *multi-weighted* voting game: every player carries a
vector of non-negative integer weights (one entry per "criterion" or
dimension: votes, a veto flag, population, ...) and the winning coalitions
are described by clauses. A coalition wins if **some** clause has **all** of
its ``(dimension, quota)`` conditions met, that is if the coalition's total
weight on each of those dimensions reaches the quota. With non-negative
weights every such game is monotone (a superset of a winning coalition wins).

Plain weighted games [q; w1, ..., wn], unanimity games, quota games with veto
players (the UN Security Council) and double-majority rules (EU qualified
majority) are all special cases with named constructors.

References
----------
.. [1] L. S. Shapley and M. Shubik, "A method for evaluating the distribution
   of power in a committee system", *American Political Science Review*
   48(3), 787-792, 1954.
.. [2] A. D. Taylor and W. S. Zwicker, *Simple Games*, Princeton University
   Press, 1999 (vector-weighted games and their intersections/unions).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from collsec.errors import InputError

__all__ = ["Game"]

# Totals are kept below this bound so that every sum fits in int64 with room.
_MAX_TOTAL = 2**62

Clause = tuple[tuple[int, int], ...]


def _default_labels(n: int) -> tuple[str, ...]:
    return tuple(f"P{i + 1}" for i in range(n))


def _as_share(value: Fraction | int | str | float, field: str) -> Fraction:
    """Read a share such as ``Fraction(55, 100)``, ``"0.55"`` or ``"55/100"`` exactly."""
    try:
        # For a float, the decimal that the user wrote, not its binary approximation.
        share = Fraction(repr(value)) if isinstance(value, float) else Fraction(value)
    except (TypeError, ValueError, ZeroDivisionError):
        raise InputError(f"cannot read share {value!r}", field=field) from None
    if not 0 < share <= 1:
        raise InputError(f"share {share} must lie in (0, 1]", field=field)
    return share


@dataclass(frozen=True, eq=False)
class Game:
    """A simple voting game with integer weight vectors and quota clauses.

    Parameters
    ----------
    players : tuple of str
        Player labels, one per row of ``weights``.
    weights : numpy.ndarray
        Non-negative ``int64`` array of shape ``(n, d)``; column ``k`` is the
        weight of every player on dimension ("criterion") ``k``. A 1-D array
        is read as one dimension.
    clauses : tuple of tuple of (int, int)
        A coalition ``S`` wins if some clause has all its ``(dimension,
        quota)`` pairs met: ``sum(weights[i, dimension] for i in S) >= quota``.
    name : str, optional
        Name of the body (used in reports).

    Notes
    -----
    The instance is immutable; ``weights`` is stored as a read-only copy.
    Use :meth:`validate` (the named constructors call it) to check the
    game before computing anything; every index function validates too.

    Examples
    --------
    >>> g = Game.weighted(3, [2, 1, 1], players=["A", "B", "C"])
    >>> g.is_winning(["A", "B"]), g.is_winning(["B", "C"])
    (True, False)
    >>> g.clauses
    (((0, 3),),)
    """

    players: tuple[str, ...]
    weights: np.ndarray
    clauses: tuple[Clause, ...]
    name: str = ""

    def __post_init__(self) -> None:
        players = tuple(str(p) for p in self.players)
        try:
            raw = np.asarray(self.weights)
            if raw.dtype.kind == "f" and not (
                np.all(np.isfinite(raw)) and np.all(raw == np.round(raw))
            ):
                raise InputError("weights must be integers", field="weights")
            if raw.dtype.kind not in "iubfO" and raw.size:
                raise InputError(f"weights must be integers, not {raw.dtype}", field="weights")
            weights = np.array(raw, dtype=np.int64)
        except (TypeError, ValueError, OverflowError) as exc:
            if isinstance(exc, InputError):
                raise
            raise InputError(
                "weights must be integers below 2**62 in a rectangular table", field="weights"
            ) from None
        if weights.ndim == 1:
            weights = weights.reshape(-1, 1)
        if weights.ndim != 2:
            raise InputError(f"weights must be a matrix, got {weights.ndim} axes", field="weights")
        weights.setflags(write=False)
        try:
            clauses = tuple(
                tuple((int(dim), int(quota)) for dim, quota in clause) for clause in self.clauses
            )
        except (TypeError, ValueError):
            raise InputError(
                "clauses must be lists of (dimension, quota) pairs", field="clauses"
            ) from None
        object.__setattr__(self, "players", players)
        object.__setattr__(self, "weights", weights)
        object.__setattr__(self, "clauses", clauses)
        object.__setattr__(self, "name", str(self.name))

    # -- identity ---------------------------------------------------------

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Game):
            return NotImplemented
        return (
            self.players == other.players
            and self.weights.shape == other.weights.shape
            and bool(np.array_equal(self.weights, other.weights))
            and self.clauses == other.clauses
            and self.name == other.name
        )

    def __hash__(self) -> int:
        return hash(
            (self.players, self.weights.shape, self.weights.tobytes(), self.clauses, self.name)
        )

    def __repr__(self) -> str:
        return (
            f"Game(name={self.name!r}, n={self.n}, dimensions={self.dimensions}, "
            f"clauses={self.clauses!r})"
        )

    # -- basic properties -------------------------------------------------

    @property
    def n(self) -> int:
        """Number of players."""
        return len(self.players)

    @property
    def dimensions(self) -> int:
        """Number of weight dimensions ``d``."""
        return int(self.weights.shape[1])

    def totals(self) -> list[int]:
        """Total weight of the grand coalition on each dimension (Python ints)."""
        return [int(x) for x in self.weights.sum(axis=0, dtype=object)]

    def index_of(self, player: str | int) -> int:
        """Position of a player given by label or index.

        Examples
        --------
        >>> Game.weighted(2, [1, 1], players=["x", "y"]).index_of("y")
        1
        """
        if isinstance(player, numbers.Integral) and not isinstance(player, bool):
            i = int(player)
            if not 0 <= i < self.n:
                raise InputError(f"player index {i} out of range 0..{self.n - 1}", field="players")
            return i
        try:
            return self.players.index(str(player))
        except ValueError:
            raise InputError(f"unknown player {player!r}", field="players") from None

    def is_winning(self, coalition: Iterable[str | int]) -> bool:
        """Whether a coalition (labels or indices) wins.

        Examples
        --------
        >>> unsc = Game.quota_with_veto(15, 9, range(5))
        >>> unsc.is_winning(range(9)), unsc.is_winning(range(1, 15))
        (True, False)
        """
        members = {self.index_of(p) for p in coalition}
        sums = self.weights[sorted(members)].sum(axis=0, dtype=object) if members else None
        for clause in self.clauses:
            if all((int(sums[dim]) if sums is not None else 0) >= quota for dim, quota in clause):
                return True
        return False

    # -- validation -------------------------------------------------------

    def validate(self) -> Game:
        """Check the game and return it; raise :class:`~collsec.errors.InputError` if bad.

        Checks: at least one player, distinct labels, one weight row per
        player, non-negative weights, at least one clause and no empty
        clause, known dimensions, and every quota in ``1..total`` of its
        dimension (so the empty coalition loses and the grand coalition
        wins). Monotonicity needs no check: it follows from non-negative
        weights.

        Returns
        -------
        Game
            ``self``, to allow chaining.

        Raises
        ------
        InputError
            With a one-line message naming the field.

        Examples
        --------
        >>> Game.weighted(40, [20, 19])
        Traceback (most recent call last):
        ...
        collsec.errors.InputError: quota: quota 40 exceeds total weight 39
        """
        if self.n == 0:
            raise InputError("game has no players", field="players")
        seen: set[str] = set()
        for label in self.players:
            if label in seen:
                raise InputError(f"duplicate player label {label!r}", field="players")
            seen.add(label)
        if self.weights.shape[0] != self.n:
            raise InputError(
                f"{self.weights.shape[0]} weight rows for {self.n} players", field="weights"
            )
        if self.dimensions == 0:
            raise InputError("weights have no dimension", field="weights")
        if self.weights.size and int(self.weights.min()) < 0:
            i, k = np.argwhere(self.weights < 0)[0]
            where = f" in dimension {k}" if self.dimensions > 1 else ""
            raise InputError(
                f"negative weight {int(self.weights[i, k])} for player {self.players[i]!r}{where}",
                field="weights",
            )
        totals = self.totals()
        for k, total in enumerate(totals):
            if total >= _MAX_TOTAL:
                raise InputError(
                    f"total weight {total} of dimension {k} is too large (limit 2**62)",
                    field="weights",
                )
        if not self.clauses:
            raise InputError("game has no winning clause", field="clauses")
        simple = len(self.clauses) == 1 and self.dimensions == 1
        for c, clause in enumerate(self.clauses):
            if not clause:
                raise InputError(
                    f"clause {c + 1} has no condition (the empty coalition would win)",
                    field="clauses",
                )
            for dim, quota in clause:
                where = "" if simple else f" (clause {c + 1}, dimension {dim})"
                if not 0 <= dim < self.dimensions:
                    raise InputError(
                        f"clause {c + 1} refers to dimension {dim} but weights have "
                        f"{self.dimensions}",
                        field="clauses",
                    )
                if quota <= 0:
                    raise InputError(f"quota {quota} must be positive{where}", field="quota")
                if quota > totals[dim]:
                    raise InputError(
                        f"quota {quota} exceeds total weight {totals[dim]}{where}", field="quota"
                    )
        return self

    # -- named constructors ----------------------------------------------

    @classmethod
    def weighted(
        cls,
        quota: int,
        weights: Sequence[int] | np.ndarray,
        players: Sequence[str] | None = None,
        *,
        name: str = "",
    ) -> Game:
        """The weighted majority game ``[quota; w1, ..., wn]``.

        Parameters
        ----------
        quota : int
            Total weight a coalition needs to win.
        weights : sequence of int
            One non-negative integer weight per player.
        players : sequence of str, optional
            Labels; default ``P1 .. Pn``.
        name : str, optional
            Name of the body.

        Examples
        --------
        >>> eec = Game.weighted(12, [4, 4, 4, 2, 2, 1], ["FR", "DE", "IT", "BE", "NL", "LU"])
        >>> eec.n, eec.totals()
        (6, [17])
        """
        w = np.asarray(weights)
        if w.ndim != 1:
            raise InputError("weights of a weighted game must be a flat list", field="weights")
        labels = _default_labels(len(w)) if players is None else tuple(players)
        return cls(labels, w.reshape(-1, 1), (((0, int(quota)),),), name).validate()

    @classmethod
    def unanimity(cls, players: int | Sequence[str], *, name: str = "") -> Game:
        """The unanimity game: only the grand coalition wins.

        Parameters
        ----------
        players : int or sequence of str
            Number of players (labels ``P1 .. Pn``) or the labels.

        Examples
        --------
        >>> Game.unanimity(["a", "b", "c"]).clauses
        (((0, 3),),)
        """
        labels = (
            _default_labels(int(players))
            if isinstance(players, numbers.Integral)
            else tuple(players)
        )
        n = len(labels)
        return cls(labels, np.ones((n, 1), dtype=np.int64), (((0, n),),), name).validate()

    @classmethod
    def quota_with_veto(
        cls,
        n: int,
        quota: int,
        vetoers: Iterable[int | str],
        players: Sequence[str] | None = None,
        *,
        name: str = "",
    ) -> Game:
        """One vote per member, a quota of votes, and every veto holder must concur.

        Dimension 0 counts members (weight 1 each), dimension 1 counts veto
        holders; the single clause is ``((0, quota), (1, number of vetoers))``.

        Parameters
        ----------
        n : int
            Number of members.
        quota : int
            Affirmative votes needed.
        vetoers : iterable of int or str
            Veto holders, as indices or labels.
        players : sequence of str, optional
            Labels; default ``P1 .. Pn``.
        name : str, optional
            Name of the body.

        Examples
        --------
        The Security Council since 1966 (Art. 27(3) UN Charter): 15 members,
        9 votes, 5 permanent members with a veto.

        >>> unsc = Game.quota_with_veto(15, 9, range(5), name="UNSC")
        >>> unsc.clauses
        (((0, 9), (1, 5)),)
        """
        labels = _default_labels(int(n)) if players is None else tuple(players)
        if len(labels) != n:
            raise InputError(f"{len(labels)} player labels for n = {n}", field="players")
        # A provisional one-dimensional game checks the labels and resolves vetoers.
        probe = cls(labels, np.ones((n, 1), dtype=np.int64), (((0, 1),),), name).validate()
        veto = sorted({probe.index_of(v) for v in vetoers})
        weights = np.zeros((n, 2), dtype=np.int64)
        weights[:, 0] = 1
        weights[veto, 1] = 1
        clause: list[tuple[int, int]] = [(0, int(quota))]
        if veto:
            clause.append((1, len(veto)))
        return cls(labels, weights, (tuple(clause),), name).validate()

    @classmethod
    def double_majority(
        cls,
        populations: Sequence[int] | np.ndarray,
        players: Sequence[str] | None = None,
        *,
        member_share: Fraction | int | str | float = Fraction(55, 100),
        min_members: int = 15,
        population_share: Fraction | int | str | float = Fraction(65, 100),
        blocking_minimum: int | None = 4,
        name: str = "",
    ) -> Game:
        """A double-majority rule such as the EU Council's qualified majority.

        A coalition wins if it has at least ``member_share`` of the members
        **and** at least ``min_members`` members **and** at least
        ``population_share`` of the population, **or** if the members
        outside it are fewer than ``blocking_minimum`` (a blocking minority
        needs at least that many members: Art. 16(4) TEU and Art. 238(3)
        TFEU). Shares are turned into integer quotas exactly, with
        ``ceil`` on :class:`fractions.Fraction`, on the exact population
        figures given.

        Dimension 0 counts members, dimension 1 is population. The clauses
        are ``((0, max(ceil(member_share * n), min_members)), (1,
        ceil(population_share * total)))`` and ``((0, n - blocking_minimum
        + 1),)``.

        Parameters
        ----------
        populations : sequence of int
            Population of each member (persons, or any integer unit).
        players : sequence of str, optional
            Labels; default ``P1 .. Pn``.
        member_share, population_share : Fraction, int or str, optional
            Exact shares; floats are read as the decimal they print as.
        min_members : int, optional
            Absolute minimum number of members (15 in the EU-27); pass 0
            for bodies with fewer members than that.
        blocking_minimum : int or None, optional
            Smallest blocking minority (4 in the EU); ``None`` drops the clause.
        name : str, optional
            Name of the body.

        Notes
        -----
        Populations are kept exactly as given (persons), never rescaled: with
        a coarser unit a coalition whose population lies within ``n`` units
        of the quota could change sides, which would change the game. The
        index functions handle exact populations by meet in the middle
        (:mod:`collsec.power._split`), which is exact and takes about 0.1 s
        for 27 members; it is practical up to about 40 members.

        Examples
        --------
        >>> g = Game.double_majority([80, 60, 50, 40, 30, 20, 10, 5, 3, 2],
        ...                          min_members=0, blocking_minimum=None)
        >>> g.clauses  # ceil(0.55 * 10) = 6 members and ceil(0.65 * 300) = 195
        (((0, 6), (1, 195)),)
        """
        pops = np.asarray(populations)
        if pops.ndim != 1:
            raise InputError("populations must be a flat list", field="populations")
        n = len(pops)
        labels = _default_labels(n) if players is None else tuple(players)
        if len(labels) != n:
            raise InputError(f"{len(labels)} player labels for {n} populations", field="players")
        weights = np.ones((n, 2), dtype=np.int64)
        weights[:, 1] = pops
        mshare = _as_share(member_share, "member_share")
        pshare = _as_share(population_share, "population_share")
        total_pop = int(np.asarray(pops, dtype=object).sum()) if n else 0
        member_quota = max(math.ceil(mshare * n), int(min_members))
        pop_quota = math.ceil(pshare * total_pop)
        clauses: list[Clause] = [((0, member_quota), (1, pop_quota))]
        if blocking_minimum is not None:
            clauses.append(((0, n - int(blocking_minimum) + 1),))
        return cls(labels, weights, tuple(clauses), name).validate()

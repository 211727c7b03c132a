"""Vectorised adjudication of many ballots under one charter rule.

:class:`CompiledRule` turns a :class:`~collsec.institutions.VotingRule` (read
from a charter file) plus a body's members, seat groups and weight tables into
arrays, then adjudicates a whole batch of ballots at once. It implements every
criterion type of :mod:`collsec.institutions.rules` (``quota`` with a count or
a fraction of any base, with or without weights; ``veto`` with ``blockers``;
``no_objection`` with ``excuse``; ``max_against``; ``abstention_cap``),
clauses combined as an OR of ANDs, and the exclusion of parties, in a compiled
loop over the ballots (:func:`collsec.crisis._fused.adjudicate`, integers
throughout). A test checks it against the scalar :meth:`Body.adjudicate` on
thousands of random ballots.

Votes are coded as small integers: ``YES, NO, ABSTAIN, ABSENT, NOT_PARTICIPATING``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from collsec.crisis import _fused
from collsec.errors import InputError
from collsec.institutions.rules import (
    ABSENT,
    ABSTAIN,
    CODES,
    NO,
    NOT_PARTICIPATING,
    YES,
    Criterion,
    VotingRule,
)

__all__ = [
    "ABSENT",
    "ABSTAIN",
    "CODES",
    "NO",
    "NOT_PARTICIPATING",
    "YES",
    "BatchDecision",
    "CompiledRule",
]


@dataclass
class BatchDecision:
    """Outcome of a batch of ballots: adopted, vetoed (a veto criterion of the
    first clause failed, every other criterion of it was met, and nothing was
    adopted), and the yes count."""

    adopted: np.ndarray
    vetoed: np.ndarray
    yes: np.ndarray


@dataclass(frozen=True)
class _Crit:
    kind: str
    pool: np.ndarray  # (M,) bool: members the criterion looks at
    weight: np.ndarray  # (M,) int64
    count: int | None
    frac: Fraction | None
    strict: bool
    of: str
    blockers: int
    excuse: str
    min_yes: int


class CompiledRule:
    """A voting rule compiled to arrays for ``members`` (in this order).

    Parameters
    ----------
    rule : VotingRule
    members : sequence of str
        Member codes, one per column of the vote arrays.
    groups : mapping
        Seat group name -> set of member codes (``Body.groups``).
    weights : mapping
        Weight table name -> ``{member: weight}`` (``Body.weights``).
    """

    def __init__(
        self,
        rule: VotingRule,
        members: Sequence[str],
        groups: Mapping[str, frozenset[str]],
        weights: Mapping[str, Mapping[str, int]] | None = None,
    ):
        self.rule = rule
        self.members = list(members)
        weights = weights or {}
        m = len(self.members)

        def mask(name: str | None) -> np.ndarray:
            if name is None:
                return np.ones(m, dtype=bool)
            if name not in groups:
                raise InputError(f"unknown seat group '{name}'", source=rule.name, field="rules")
            return np.array([x in groups[name] for x in self.members], dtype=bool)

        def wvec(c: Criterion) -> np.ndarray:
            if c.weight is None:
                return np.ones(m, dtype=np.int64)
            table = weights.get(c.weight)
            if table is None:
                raise InputError(f"unknown weight table '{c.weight}'", source=rule.name)
            return np.array([int(table.get(x, 0)) for x in self.members], dtype=np.int64)

        self.clauses: list[list[_Crit]] = []
        for clause in rule.clauses:
            out = []
            for c in clause:
                pool = mask(c.holders if c.type == "veto" else c.among)
                out.append(
                    _Crit(
                        kind=c.type,
                        pool=pool,
                        weight=wvec(c),
                        count=c.count,
                        frac=c.frac,
                        strict=c.strict,
                        of=c.of,
                        blockers=c.blockers,
                        excuse=c.excuse,
                        min_yes=c.min_yes,
                    )
                )
            self.clauses.append(out)

        self._flat = self._flatten()

    def _flatten(self) -> tuple[np.ndarray, ...]:
        """The clauses as arrays for the compiled loop (:func:`_fused.adjudicate`):
        each clause's first criterion, then per criterion its type, pool, weights,
        count, fraction, strictness, base, blockers, excuse and least yes votes."""
        crits = [c for clause in self.clauses for c in clause]
        m = len(self.members)
        starts = np.cumsum([0] + [len(clause) for clause in self.clauses]).astype(np.int64)

        def col(get, dtype=np.int64) -> np.ndarray:
            return np.array([get(c) for c in crits], dtype=dtype)

        return (
            starts,
            col(lambda c: _fused.CRITERIA.index(c.kind)),
            np.array([c.pool for c in crits], dtype=bool).reshape(len(crits), m),
            np.array([c.weight for c in crits], dtype=np.int64).reshape(len(crits), m),
            col(lambda c: c.count is not None, bool),
            col(lambda c: c.count or 0),
            col(lambda c: c.frac.numerator if c.frac is not None else 0),
            col(lambda c: c.frac.denominator if c.frac is not None else 1),
            col(lambda c: c.strict, bool),
            col(lambda c: _fused.QUOTA_OF.index(c.of)),
            col(lambda c: c.blockers),
            col(lambda c: _fused.EXCUSES.index(c.excuse)),
            col(lambda c: c.min_yes),
        )

    def adjudicate(
        self,
        votes: np.ndarray,
        *,
        parties: np.ndarray | None = None,
        exclude_parties: np.ndarray | bool = False,
        target: np.ndarray | None = None,
        present: np.ndarray | None = None,
    ) -> BatchDecision:
        """Adjudicate a batch of ballots.

        Parameters
        ----------
        votes : (B, M) int array of vote codes
        parties : (B, M) bool, optional
            Members that are parties to the dispute.
        exclude_parties : bool or (B,) bool
            Whether parties are excluded from the vote (the rule's
            ``excludes_parties(chapter)`` for each ballot's chapter).
        target : (B, M) bool, optional
            The state concerned (for ``excuse = "target"``).
        present : (B, M) bool, optional
            Which columns are members of the body for each ballot (default: all).
        """
        v = np.ascontiguousarray(votes)
        b, m = v.shape

        def flags(x: np.ndarray | None) -> np.ndarray:
            if x is None:
                return np.zeros((b, m), dtype=bool)
            return np.ascontiguousarray(np.broadcast_to(x, (b, m)), dtype=bool)

        ex = np.broadcast_to(np.asarray(exclude_parties, dtype=bool).reshape(-1), (b,))
        out = np.empty((2, b), dtype=bool)
        yes = np.empty(b, dtype=np.int64)
        _fused.adjudicate(
            v,
            np.ones((b, m), dtype=bool) if present is None else flags(present),
            flags(parties),
            np.ascontiguousarray(ex),
            flags(target),
            *self._flat,
            out[0],
            out[1],
            yes,
        )
        return BatchDecision(adopted=out[0], vetoed=out[1], yes=yes)

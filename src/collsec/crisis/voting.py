"""Vectorised adjudication of many ballots under one charter rule.

:class:`CompiledRule` turns a :class:`~collsec.institutions.VotingRule` (read
from a charter file) plus a body's members, seat groups and weight tables into
arrays, then adjudicates a whole batch of ballots at once. It implements every
criterion type of :mod:`collsec.institutions.rules` (``quota`` with a count or
a fraction of any base, with or without weights; ``veto`` with ``blockers``;
``no_objection`` with ``excuse``; ``max_against``; ``abstention_cap``),
clauses combined as an OR of ANDs, and the exclusion of parties. A test checks
it against the scalar :meth:`Body.adjudicate` on thousands of random ballots.

Votes are coded as small integers: ``YES, NO, ABSTAIN, ABSENT, NOT_PARTICIPATING``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

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
        v = np.asarray(votes)
        b, m = v.shape
        if present is None:
            present = np.ones((b, m), dtype=bool)
        excluded = np.zeros((b, m), dtype=bool)
        if parties is not None:
            ex = np.broadcast_to(np.asarray(exclude_parties, dtype=bool).reshape(-1, 1), (b, 1))
            excluded = parties & ex & present
            v = np.where(excluded, NOT_PARTICIPATING, v)
        is_yes = (v == YES) & present
        is_no = (v == NO) & present
        is_abs = (v == ABSTAIN) & present
        results = []
        for clause in self.clauses:
            ok = np.ones(b, dtype=bool)
            veto_failed = np.zeros(b, dtype=bool)
            others_met = np.ones(b, dtype=bool)
            for c in clause:
                pool = c.pool[None, :] & present
                if c.kind == "quota":
                    if c.of == "members":
                        base = pool
                    elif c.of == "eligible":
                        base = pool & ~excluded
                    elif c.of == "present":
                        base = pool & (is_yes | is_no | is_abs)
                    else:
                        base = pool & (is_yes | is_no)
                    got = (is_yes & pool) @ c.weight
                    if c.count is not None:
                        req = np.full(b, c.count, dtype=np.int64)
                    else:
                        total = base @ c.weight
                        assert c.frac is not None
                        num, den = c.frac.numerator, c.frac.denominator
                        prod = total * num
                        req = prod // den + 1 if c.strict else -((-prod) // den)
                    met = got >= req
                elif c.kind == "veto":
                    met = (is_no & pool).sum(axis=1) < c.blockers
                    veto_failed |= ~met
                elif c.kind == "no_objection":
                    objecting = is_no & pool
                    if c.excuse == "target" and target is not None:
                        objecting &= ~target
                    elif c.excuse == "parties" and parties is not None:
                        objecting &= ~parties
                    met = ~objecting.any(axis=1) & ((is_yes & pool).sum(axis=1) >= c.min_yes)
                elif c.kind == "max_against":
                    not_yes = pool & ~is_yes & ~excluded
                    met = not_yes.sum(axis=1) <= (c.count or 0)
                else:  # abstention_cap: over when both shares reach the fraction
                    assert c.frac is not None
                    num, den = c.frac.numerator, c.frac.denominator
                    n_abs = (is_abs & pool).sum(axis=1)
                    n_pool = np.maximum(pool.sum(axis=1), 1)
                    w_abs = (is_abs & pool) @ c.weight
                    w_pool = np.maximum(pool @ c.weight, 1)
                    over = (n_abs * den >= num * n_pool) & (w_abs * den >= num * w_pool)
                    met = ~over
                ok &= met
                if c.kind != "veto":
                    others_met &= met
            results.append((ok, veto_failed & others_met))
        adopted = np.zeros(b, dtype=bool)
        for ok, _ in results:
            adopted |= ok
        # a veto is a holder's no that alone blocks a draft otherwise carried (UN practice:
        # a permanent member's no on a draft short of the votes is not counted as a veto)
        vetoed = results[0][1] & ~adopted
        return BatchDecision(adopted=adopted, vetoed=vetoed, yes=is_yes.sum(axis=1))

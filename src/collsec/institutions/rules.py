"""Voting rules as data, and the adjudication of ballots.

A :class:`VotingRule` is a small tree of *criteria*. A draft is adopted when
every criterion of at least one *clause* holds (an OR of ANDs), which covers
every decision rule collsec ships:

* ``quota`` -- at least ``count`` (or a ``fraction`` of a base) affirmative
  votes or weight: the Security Council's 9 of 15, the General Assembly's
  two-thirds of members present and voting (UN Charter Art. 18), the EU's
  55 % of members and 65 % of population (TEU Art. 16(4)).
* ``veto`` -- no holder votes no (UN Charter Art. 27(3)); ``blockers`` > 1
  models reforms in which two permanent members are needed to block.
* ``no_objection`` -- unanimity or consensus: no counted member objects
  (League Covenant Art. 5(1), NATO, OSCE). ``excuse`` drops the objection of
  the state concerned (OSCE consensus-minus-one) or of the parties
  (consensus-minus-two).
* ``max_against`` -- adopted when at most ``count`` members fail to vote yes
  (the EU rule that a blocking minority needs at least four members).
* ``abstention_cap`` -- abstentions above a share of members *and* weight
  sink the draft (EU constructive abstention, TEU Art. 31(1)).

Abstention is never a "yes" and never an objection or a veto; absence is the
same as abstention except that an absent member is not *present*. Parties to a
dispute are excluded (listed as not participating) when the rule says so --
always, or only under given chapters (Art. 27(3): Chapter VI and Art. 52(3),
not Chapter VII).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, field_validator, model_validator

from collsec.codes.codes import member_name
from collsec.errors import InputError

__all__ = [
    "ABSENT",
    "ABSTAIN",
    "CODES",
    "NO",
    "NOT_PARTICIPATING",
    "YES",
    "Ballot",
    "Criterion",
    "Decision",
    "Vote",
    "VotingRule",
    "adjudicate_votes",
]


class Vote(StrEnum):
    """How a member voted. ``not_participating`` is set for excluded parties."""

    yes = "yes"
    no = "no"
    abstain = "abstain"
    absent = "absent"
    not_participating = "not_participating"


#: Votes as small integers, wherever arrays hold them (the kernel, the fits, the
#: case replays): ``CODES[code]`` is the :class:`Vote`.
YES, NO, ABSTAIN, ABSENT, NOT_PARTICIPATING = 0, 1, 2, 3, 4
CODES = (Vote.yes, Vote.no, Vote.abstain, Vote.absent, Vote.not_participating)


Base = Literal["members", "eligible", "present", "present_and_voting"]


class Criterion(BaseModel):
    """One condition of a voting rule; see the module docstring for the types."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    type: Literal["quota", "veto", "no_objection", "max_against", "abstention_cap"]
    count: int | None = None
    fraction: str | None = None
    strict: bool = False
    of: Base = "members"
    weight: str | None = None
    among: str | None = None
    holders: str | None = None
    blockers: int = 1
    excuse: Literal["none", "target", "parties"] = "none"
    min_yes: int = 1
    label: str | None = None

    @field_validator("fraction")
    @classmethod
    def _fraction_ok(cls, v: str | None) -> str | None:
        if v is None:
            return v
        try:
            f = Fraction(v)
        except (ValueError, ZeroDivisionError):
            raise ValueError(f"fraction '{v}' is not a number like 2/3") from None
        if not 0 < f <= 1:
            raise ValueError(f"fraction {v} must lie in (0, 1]")
        return v

    @model_validator(mode="after")
    def _shape(self) -> Criterion:
        t = self.type
        if t == "quota" and (self.count is None) == (self.fraction is None):
            raise ValueError("a quota needs exactly one of 'count' or 'fraction'")
        if t == "veto" and not self.holders:
            raise ValueError("a veto needs 'holders' (a seat group such as 'permanent')")
        if t == "max_against" and self.count is None:
            raise ValueError("max_against needs 'count'")
        if t == "abstention_cap" and self.fraction is None:
            raise ValueError("abstention_cap needs 'fraction'")
        if self.count is not None and self.count < 0:
            raise ValueError("count must be >= 0")
        if t == "quota" and self.count is not None and self.count < 1:
            raise ValueError(f"a quota's count must be >= 1, not {self.count}")
        if self.blockers < 1:
            raise ValueError("blockers must be >= 1")
        return self

    @property
    def frac(self) -> Fraction | None:
        return Fraction(self.fraction) if self.fraction is not None else None


class VotingRule(BaseModel):
    """A decision rule of one body for one kind of question.

    Written in charter files under ``[rules.NAME]`` with either ``criteria``
    (one clause: all must hold) or ``any_of`` (several clauses: one suffices).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = ""
    description: str = ""
    articles: list[str] = []
    criteria: list[Criterion] = []
    any_of: list[list[Criterion]] = []
    parties: Literal["vote", "excluded"] = "vote"
    parties_excluded_under: list[str] = []

    @model_validator(mode="after")
    def _clauses(self) -> VotingRule:
        if bool(self.criteria) == bool(self.any_of):
            raise ValueError("a rule needs exactly one of 'criteria' or 'any_of'")
        if any(not clause for clause in self.any_of):
            raise ValueError("an 'any_of' clause is empty")
        return self

    @property
    def clauses(self) -> list[list[Criterion]]:
        return [list(self.criteria)] if self.criteria else [list(c) for c in self.any_of]

    def excludes_parties(self, chapter: str | None) -> bool:
        """Whether parties to the dispute are excluded from this vote."""
        if self.parties == "excluded":
            return True
        return bool(chapter) and chapter in self.parties_excluded_under


@dataclass(frozen=True)
class Ballot:
    """A vote as cast: every member's vote plus what the question is.

    Members missing from ``votes`` are treated as absent by :func:`adjudicate_votes`.
    """

    votes: Mapping[str, Vote]
    question: str | None = None
    chapter: str | None = None
    parties: tuple[str, ...] = ()
    target: str | None = None

    @classmethod
    def from_lists(
        cls,
        *,
        yes: Iterable[str] = (),
        no: Iterable[str] = (),
        abstain: Iterable[str] = (),
        absent: Iterable[str] = (),
        not_participating: Iterable[str] = (),
        question: str | None = None,
        chapter: str | None = None,
        parties: Iterable[str] = (),
        target: str | None = None,
        source: str = "ballot",
    ) -> Ballot:
        """Build a ballot from lists of member codes; a member listed twice is an error."""
        votes: dict[str, Vote] = {}
        groups = (
            (Vote.yes, yes),
            (Vote.no, no),
            (Vote.abstain, abstain),
            (Vote.absent, absent),
            (Vote.not_participating, not_participating),
        )
        for vote, members in groups:
            for m in members:
                if m in votes:
                    raise InputError(
                        f"member {m} votes twice ({votes[m].value} and {vote.value})",
                        source=source,
                        field=f"--{vote.value.replace('_', '-')}",
                    )
                votes[m] = vote
        return cls(
            votes=votes,
            question=question,
            chapter=chapter,
            parties=tuple(parties),
            target=target,
        )


@dataclass
class CriterionResult:
    criterion: Criterion
    met: bool
    text: str
    required: int | None = None
    blockers: list[str] = field(default_factory=list)


@dataclass
class Decision:
    """The adjudicated outcome of a ballot, with a reason a student can read."""

    adopted: bool
    reason: str
    yes: list[str]
    no: list[str]
    abstain: list[str]
    absent: list[str]
    not_participating: list[str]
    required: int | None
    #: holders whose no alone blocked a draft that met every other condition
    vetoed_by: list[str]
    body: str = ""
    rule: str = ""
    date: dt.date | None = None
    notes: list[str] = field(default_factory=list)
    criteria: list[CriterionResult] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The stable JSON shape (``docs/json.md``)."""
        return {
            "adopted": self.adopted,
            "reason": self.reason,
            "yes": self.yes,
            "no": self.no,
            "abstain": self.abstain,
            "absent": self.absent,
            "not_participating": self.not_participating,
            "required": self.required,
            "vetoed_by": self.vetoed_by,
            "body": self.body,
            "rule": self.rule,
            "date": self.date.isoformat() if self.date else None,
            "notes": self.notes,
        }


def names_phrase(codes: Sequence[str], on: dt.date | None) -> str:
    names = [member_name(c, on) for c in codes]
    if len(names) <= 2:
        return " and ".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _required(c: Criterion, base_weight: int) -> int:
    if c.count is not None:
        return c.count
    f = c.frac
    assert f is not None
    exact = f * base_weight
    return math.floor(exact) + 1 if c.strict else math.ceil(exact)


def adjudicate_votes(
    rule: VotingRule,
    ballot: Ballot,
    *,
    members: Sequence[str],
    groups: Mapping[str, frozenset[str]],
    weights: Mapping[str, Mapping[str, int]],
    on: dt.date | None = None,
    body: str = "",
) -> Decision:
    """Adjudicate ``ballot`` under ``rule`` for a body whose members are ``members``.

    Parameters
    ----------
    rule : VotingRule
    ballot : Ballot
        Votes by member code; members of the body not in it count as absent.
    members : sequence of str
        The members of the body on the date of the vote.
    groups : mapping
        Named seat groups (``"permanent"``...) to sets of member codes.
    weights : mapping
        Named weight tables (``"population"``...) to ``{member: weight}``.

    Returns
    -------
    Decision
    """
    member_set = set(members)
    for m in ballot.votes:
        if m not in member_set:
            raise InputError(
                f"{m} is not a member of {body or 'the body'}"
                + (f" on {on.isoformat()}" if on else ""),
                source="ballot",
                field="members",
            )
    votes: dict[str, Vote] = {m: ballot.votes.get(m, Vote.absent) for m in members}
    notes: list[str] = []
    excluded: set[str] = set()
    if rule.excludes_parties(ballot.chapter):
        for p in ballot.parties:
            if p in votes:
                if votes[p] in (Vote.yes, Vote.no):
                    notes.append(
                        f"{member_name(p, on)} is a party and its vote is not counted"
                        + (f" ({', '.join(rule.articles)})" if rule.articles else "")
                    )
                votes[p] = Vote.not_participating
                excluded.add(p)

    def in_group(name: str | None) -> list[str]:
        if name is None:
            return list(members)
        if name not in groups:
            raise InputError(f"unknown seat group '{name}'", source=body, field="rules")
        return [m for m in members if m in groups[name]]

    def weight_of(c: Criterion, who: Iterable[str]) -> int:
        if c.weight is None:
            return sum(1 for _ in who)
        table = weights.get(c.weight)
        if table is None:
            raise InputError(f"unknown weight table '{c.weight}'", source=body, field="rules")
        total = 0
        for m in who:
            if m not in table:
                raise InputError(f"no '{c.weight}' weight for member {m}", source=body)
            total += table[m]
        return total

    def evaluate(c: Criterion) -> CriterionResult:
        pool = in_group(c.among)
        yes = [m for m in pool if votes[m] is Vote.yes]
        if c.type == "quota":
            if c.of == "members":
                base = pool
            elif c.of == "eligible":
                base = [m for m in pool if m not in excluded]
            elif c.of == "present":
                base = [m for m in pool if votes[m] in (Vote.yes, Vote.no, Vote.abstain)]
            else:
                base = [m for m in pool if votes[m] in (Vote.yes, Vote.no)]
            req = _required(c, weight_of(c, base))
            got = weight_of(c, yes)
            unit = f" of {c.weight}" if c.weight else " affirmative vote" + "s" * (got != 1)
            if got >= req:
                return CriterionResult(c, True, f"{got}{unit} of the {req} required", req)
            return CriterionResult(
                c, False, f"{got}{unit}, {req - got} short of the {req} required", req
            )
        if c.type == "veto":
            holders = in_group(c.holders)
            nays = [m for m in holders if votes[m] is Vote.no]
            if len(nays) >= c.blockers:
                return CriterionResult(
                    c, False, f"vetoed by {names_phrase(nays, on)}", blockers=nays
                )
            if nays:
                return CriterionResult(
                    c,
                    True,
                    f"{names_phrase(nays, on)} voted no, but {c.blockers} are needed to block",
                )
            others = [
                f"{names_phrase(ms, on)} {verb}"
                for verb, ms in (
                    ("abstained", [m for m in holders if votes[m] is Vote.abstain]),
                    ("absent", [m for m in holders if votes[m] is Vote.absent]),
                    (
                        "not participating",
                        [m for m in holders if votes[m] is Vote.not_participating],
                    ),
                )
                if ms
            ]
            extra = f" ({'; '.join(others)})" if others else ""
            return CriterionResult(c, True, f"no {c.holders} member voted no{extra}")
        if c.type == "no_objection":
            excused: set[str] = set()
            if c.excuse == "target" and ballot.target:
                excused = {ballot.target}
            elif c.excuse == "parties":
                excused = set(ballot.parties)
            objectors = [m for m in pool if votes[m] is Vote.no and m not in excused]
            if objectors:
                return CriterionResult(
                    c,
                    False,
                    f"no consensus: {names_phrase(objectors, on)} objected",
                    blockers=objectors,
                )
            if len(yes) < c.min_yes:
                return CriterionResult(c, False, "no member voted in favour")
            return CriterionResult(c, True, "no member objected")
        if c.type == "max_against":
            not_yes = [m for m in pool if votes[m] is not Vote.yes and m not in excluded]
            ok = len(not_yes) <= (c.count or 0)
            return CriterionResult(
                c, ok, f"{len(not_yes)} members did not vote yes (at most {c.count} allowed)"
            )
        # abstention_cap
        abst = [m for m in pool if votes[m] is Vote.abstain]
        f = c.frac
        assert f is not None
        share_n = Fraction(len(abst), max(len(pool), 1))
        share_w = Fraction(weight_of(c, abst), max(weight_of(c, pool), 1))
        over = share_n >= f and share_w >= f
        text = (
            f"abstentions reach {f} of members and of {c.weight or 'members'}"
            if over
            else "abstentions stay below the cap"
        )
        return CriterionResult(c, not over, text)

    clause_results = [[evaluate(c) for c in clause] for clause in rule.clauses]
    passed = [i for i, res in enumerate(clause_results) if all(r.met for r in res)]
    adopted = bool(passed)
    shown = clause_results[passed[0]] if passed else clause_results[0]
    # a veto is a holder's no that alone blocks a draft otherwise carried: on a draft
    # short of the votes the holders' no is not counted as one (UN practice)
    first = clause_results[0]
    blocked = all(r.met for r in first if r.criterion.type != "veto")
    vetoed_by = sorted(
        {m for r in first if r.criterion.type == "veto" for m in r.blockers} if blocked else ()
    )
    if adopted:
        reason = "adopted: " + "; ".join(r.text for r in shown)
    else:
        failed = [
            r.text
            if r.criterion.type != "veto" or not r.blockers or blocked
            else f"{names_phrase(r.blockers, on)} voted no (not a veto: the draft lacked the votes)"
            for r in shown
            if not r.met
        ]
        reason = "; ".join(failed)
        if len(clause_results) > 1:
            reason += " (no alternative condition met)"
    required = next((r.required for r in shown if r.required is not None), None)

    def pick(v: Vote) -> list[str]:
        return [m for m in members if votes[m] is v]

    return Decision(
        adopted=adopted,
        reason=reason,
        yes=pick(Vote.yes),
        no=pick(Vote.no),
        abstain=pick(Vote.abstain),
        absent=pick(Vote.absent),
        not_participating=pick(Vote.not_participating),
        required=required,
        vetoed_by=vetoed_by if not adopted else [],
        body=body,
        rule=rule.name,
        date=on,
        notes=notes,
        criteria=[r for clause in clause_results for r in clause],
    )

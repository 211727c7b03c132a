"""Play a case from a seat: drafts written by people, votes cast by people and the model.

A play is a list of *moves* (dicts; the lab keeps them in DuckDB) and
:meth:`Game.state` reads the state of the play from them, move by move, every
time: nothing else is stored, so a play survives a server restart and its
transcript is the moves plus what the model made of them.

The model is the conditional replay's (:func:`collsec.cases.replay.ballot`):
every seat nobody holds casts its most probable vote under the vote model
fitted without the case (as ``collsec replay`` does), with its probabilities
and reasons; the decision is the body's own rules
(:func:`collsec.cases.fidelity.adjudicate_votes`). When the play ends, the
crisis kernel runs the case's threat on the decision the players took
(:class:`collsec.crisis.kernel.Decided`, through
:func:`collsec.crisis.api.sim_crises`): who carries the response, whether it
succeeds, and what it does to the institution's credibility.

Moves (each names the ``seat`` that made it; the instructor's have none):

``table``   a draft (:class:`DraftSpec`) put to the Council, the Assembly
            (``forum="assembly"``: Uniting for Peace, after a veto) or the
            target's regional body (``forum="regional"``); with the
            player's own ``vote`` when the seat sits in that forum;
``vote``    a seat's vote on the draft on the table;
``close``   the instructor counts the draft on the table (seats that have
            not voted vote as the model expects);
``alone``   the seat's state acts without authorisation (force);
``conclude`` the play ends with what has been decided.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from collsec.behavior.parameters import Parameters
from collsec.cases.case import (
    DEMANDS,
    Case,
    Draft,
    DraftContent,
    Outcome,
    Trigger,
    builtin_case_ids,
    load_case,
)
from collsec.cases.fidelity import fit_without
from collsec.cases.model import case_stage
from collsec.cases.replay import _KIND, ballot, case_threat, institution_classes
from collsec.codes import member_name
from collsec.crisis.api import sim_crises
from collsec.crisis.kernel import (
    COUNCIL,
    GA,
    LEVELS,
    NONE,
    REGIONAL,
    RESPONDERS,
    SELF_DEFENCE,
    UNAUTHORISED,
    Decided,
)
from collsec.crisis.stage import OTHER_BODIES
from collsec.errors import InputError
from collsec.institutions import load_body, load_charter
from collsec.institutions.power import body_game
from collsec.institutions.rules import ABSTAIN, CODES, NO, YES, Ballot, adjudicate_votes
from collsec.power import power_indices

__all__ = [
    "FORUMS",
    "MOVES",
    "UNITING_FOR_PEACE",
    "DraftSpec",
    "Game",
    "check_move",
    "load_game",
]

#: where a draft may be tabled
FORUMS = ("council", "assembly", "regional")
MOVES = ("table", "vote", "close", "alone", "conclude")
VOTES = {"yes": YES, "no": NO, "abstain": ABSTAIN}
#: General Assembly resolution 377 A (V), "Uniting for Peace", adopted 3 November 1950
UNITING_FOR_PEACE = dt.date(1950, 11, 3)
#: draws of the kernel behind the expected outcome of a path
OUTCOME_DRAWS = 200
MEASURE_WORDS = {
    "chapter_vi": "Chapter VI: calls for a peaceful settlement",
    "art41": "Art. 41: sanctions",
    "peacekeeping": "a peacekeeping mission",
    "art42": "Art. 42: force (all necessary means)",
}


class DraftSpec(BaseModel):
    """A draft resolution in the model's vocabulary (what a player may write)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    measure: Literal[LEVELS] = Field(description="the measure: " + ", ".join(LEVELS))
    chapter: Literal["VI", "VII"] = Field(description="the Charter chapter it acts under")
    names: tuple[str, ...] = Field((), description="codes of the states it names as responsible")
    demands: tuple[Literal[DEMANDS], ...] = ()
    sponsors: tuple[str, ...] = Field(description="codes of its sponsors (at least one)")

    @model_validator(mode="after")
    def _coherent(self) -> DraftSpec:
        if self.measure in ("art41", "art42") and self.chapter != "VII":
            raise ValueError(f"{self.measure} is a Chapter VII measure: choose chapter VII")
        if not self.sponsors:
            raise ValueError("a draft needs at least one sponsor")
        for what, xs in (("names", self.names), ("demands", self.demands)):
            if len(set(xs)) != len(xs):
                raise ValueError(f"{what} lists one entry twice")
        if len(set(self.sponsors)) != len(self.sponsors):
            raise ValueError("sponsors lists one state twice")
        return self

    def words(self) -> str:
        names = f", naming {', '.join(self.names)}" if self.names else ""
        demands = f", demanding {', '.join(self.demands)}" if self.demands else ""
        return f"{MEASURE_WORDS[self.measure]} (Chapter {self.chapter}){names}{demands}"


def parse_draft(data: Any, *, source: str = "draft") -> DraftSpec:
    """A :class:`DraftSpec` from untrusted data, or one-line :class:`InputError`."""
    try:
        return DraftSpec.model_validate(data)
    except ValidationError as e:
        err = e.errors()[0]
        where = ".".join(str(x) for x in err.get("loc", ()) if x != "__root__")
        msg = err.get("msg", "invalid").removeprefix("Value error, ")
        raise InputError(msg, source=source, field=where or None) from None


@dataclass
class Ballot_:
    """A draft on the table (or counted): its forum, content, who tabled it, votes cast."""

    forum: str
    spec: DraftSpec
    by: str
    members: list[str]
    cast: dict[str, int] = field(default_factory=dict)
    result: dict[str, Any] | None = None


class Game:
    """One case made playable: its Council of the trigger date, the model, the forums."""

    def __init__(self, case: Case, params: Parameters | None = None) -> None:
        self.case = case
        self.params = params or Parameters.default()
        self.date = case.trigger.date
        self.stage = case_stage(case, self.params)
        self.council = load_body(_council_id(case), on=self.date)
        self.seats = list(self.council.members)
        self.permanent = sorted(self.council.groups.get("permanent", frozenset()))
        self.codes = list(self.stage.codes)
        # names of the day (the USSR in 1990, not the actors table's Russia)
        self.names = {a.code: _name(a.code, a.name, self.date) for a in case.actors}
        first = [d for d in case.record if d.body in ("unsc", self.council.charter.id)]
        #: attendance is known before a vote: the members absent from the case's first
        #: Council decision with named votes stay away (the USSR's boycott in June 1950)
        named = [d for d in first if d.status in ("named", "derived")]
        self.absent = tuple(named[0].absent) if named else ()
        #: the first recorded sponsors (a first draft is sponsored as the record's was)
        self.sponsors = next((tuple(d.sponsors) for d in first if d.sponsors), ())

    # -- what the page shows before anyone drafts -----------------------------------------

    @cached_property
    def fit(self):
        """The vote model fitted without this case, as ``collsec replay`` fits it."""
        others = [load_case(c) for c in builtin_case_ids() if c != self.case.id]
        return fit_without(others, self.params)

    @cached_property
    def power(self) -> dict[str, dict[str, float]]:
        """Exact Shapley-Shubik and Banzhaf indices of the Council's members."""
        res = power_indices(body_game(self.council, self.council.rule(None))).to_dict()
        return {
            r["member"]: {
                "shapley_shubik": r.get("shapley_shubik_float"),
                "banzhaf": r.get("banzhaf_float"),
            }
            for r in res["members"]
        }

    @property
    def uniting_for_peace(self) -> bool:
        """Whether the General Assembly may meet after a veto (UN cases after GA 377)."""
        return self.council.charter.id.startswith("unsc") and self.date >= UNITING_FOR_PEACE

    @cached_property
    def region(self) -> list[str]:
        """The target's regional body: the states of its region (the kernel's)."""
        t = self.case.trigger.target or self.case.trigger.accused
        reg = {a.code: a.region for a in self.case.actors}
        return [a.code for a in self.case.actors if a.region == reg.get(t)]

    def default_draft(self, seat: str) -> DraftSpec:
        """A first draft: a Chapter VI call naming the accused, sponsored as the case's
        first recorded Council draft was (its sponsors on the Council), else by ``seat``."""
        tr = self.case.trigger
        demands = (
            ("ceasefire", "withdrawal") if tr.kind == "aggression" else ("ceasefire", "access")
        )
        return DraftSpec(
            measure="chapter_vi",
            chapter="VI",
            names=(tr.accused,) if tr.accused else (),
            demands=demands,
            sponsors=self._first_sponsors(seat),
        )

    def _first_sponsors(self, seat: str) -> tuple[str, ...]:
        """The recorded first sponsors on the Council, else ``seat``, else the first
        permanent member: never the accused (no state sponsors its own condemnation)."""
        acc = self.case.trigger.accused
        rec = tuple(s for s in self.sponsors if s in self.seats and s != acc)
        if rec:
            return rec
        return (seat,) if seat != acc else (next(s for s in self.seats if s != acc),)

    def situation(self, seat: str | None = None) -> dict[str, Any]:
        """The crisis at the trigger: the parties, the Council and its power, and the
        model's expected votes on a first draft from ``seat`` (or the first sponsor)."""
        tr = self.case.trigger
        sponsor = seat or next((s for s in self.sponsors if s in self.seats), self.seats[0])
        if sponsor not in self.seats:
            raise InputError(
                f"{sponsor!r} does not sit on the Council on {self.date.isoformat()} "
                f"(seats: {', '.join(self.seats)})",
                source="seat",
            )
        return {
            "case": self.case.summary_dict() | {"summary": self.case.summary},
            "trigger": {
                "date": tr.date.isoformat(),
                "kind": tr.kind,
                "accused": tr.accused,
                "target": tr.target,
                "severity": tr.severity,
                "description": tr.description,
            },
            "council": self.council.charter.id,
            "seats": [
                {
                    "code": m,
                    "name": self.names.get(m, m),
                    "permanent": m in self.permanent,
                    "sponsor": m in self.sponsors,
                    "absent": m in self.absent,
                    **self.power.get(m, {}),
                }
                for m in self.seats
            ],
            "uniting_for_peace": self.uniting_for_peace,
            "regional_body": self.region,
            "expected": self.vote(self.default_draft(sponsor)),
        }

    def draft(self, spec: DraftSpec, forum: str, k: int) -> Draft:
        """The :class:`collsec.cases.case.Draft` the model reads for ``spec``."""
        tr = self.case.trigger
        body = {"council": self.council.charter.id, "assembly": "unga", "regional": "regional"}
        return Draft(
            symbol=f"draft {k + 1}",
            body=body[forum],
            date=self.date,
            question="substantive",
            chapter=spec.chapter,
            measure=spec.measure,
            sponsors=spec.sponsors,
            accused=tr.accused,
            target=tr.target,
            parties=(),
            members=(),
            absent=self.absent if forum == "council" else (),
            content=DraftContent(
                text="read",
                names=spec.names,
                demands=spec.demands,
                threatens=spec.chapter == "VII",
                art41=spec.measure == "art41",
                force=spec.measure == "art42",
                mission="create" if spec.measure == "peacekeeping" else "",
                consent=spec.measure == "peacekeeping" and spec.chapter == "VI",
                sources=("the player's draft",),
            ),
        )

    def members_of(self, forum: str) -> list[str]:
        if forum == "council":
            return list(self.seats)
        if forum == "assembly":
            return list(load_body("unga", on=self.date).members)
        return list(self.region)

    def vote(
        self,
        spec: DraftSpec,
        forum: str = "council",
        cast: dict[str, int] | None = None,
        k: int = 0,
    ) -> dict[str, Any]:
        """Every member's vote on ``spec`` in ``forum`` (``cast``: votes of people) and the
        decision with its reason."""
        d = self.draft(spec, forum, k)
        kw: dict[str, Any] = {}
        if forum == "regional":
            kw = {
                "members": self.region,
                "veto_holders": frozenset(),
                "adjudicate": self._regional_rule,
            }
        elif forum == "assembly":
            kw = {"members": self.members_of("assembly")}
        else:
            kw = {"body": self.council}
        out = ballot(self.case, d, self.stage, self.fit, cast=cast, **kw)
        out["forum"] = forum
        out["draft"] = spec.model_dump(mode="json")
        out["words"] = spec.words()
        return out

    def _regional_rule(self, d: Draft, votes: dict[str, int]) -> tuple[bool, str, tuple[str, ...]]:
        """The regional body's decision: the kernel's (the AU Peace and Security
        Council's default rule, over the states of the target's region)."""
        ch = load_charter(OTHER_BODIES["regional"])
        rule = ch.rules[ch.default_rule]
        lists: dict[str, list[str]] = {"yes": [], "no": [], "abstain": [], "absent": []}
        for m in self.region:
            v = votes.get(m)
            lists["absent" if v is None else CODES[v].value].append(m)
        parties = [x for x in (d.accused, d.target) if x in self.region]
        b = Ballot.from_lists(**lists, chapter=d.chapter, parties=parties, source=d.symbol)
        dec = adjudicate_votes(
            rule, b, members=self.region, groups={}, weights={}, on=d.date, body="regional body"
        )
        return bool(dec.adopted), dec.reason, tuple(dec.vetoed_by)

    # -- a play: its moves read one by one ----------------------------------------------

    def state(self, moves: list[dict[str, Any]], humans: set[str], *, seed: int = 0) -> dict:
        """The play after ``moves``, with ``humans`` the seats people hold.

        Raises :class:`InputError` at the first move that is not allowed: the lab
        checks a move with :func:`check_move` before it keeps it.
        """
        st = _State(self, humans)
        for i, mv in enumerate(moves):
            st.apply(mv, where=f"move {i + 1}")
        return st.to_dict(seed)

    # -- the end: the kernel on the decision the players took ----------------------------

    def decided(self, ballots: list[dict[str, Any]], alone: str | None, draws: int) -> Decided:
        """The decision of a path for the kernel: the strongest adopted measure
        (the latest of equals), else action alone, else self-defence against an
        armed attack, else nothing."""
        idx = {c: i for i, c in enumerate(self.codes)}
        n = len(self.codes)
        ballot_row = np.full(n, -1, dtype=np.int8)
        adopted = [b for b in ballots if b["adopted"]]
        responder, level = NONE, -1
        if adopted:
            best = max(adopted, key=lambda b: (LEVELS.index(b["measure"]), ballots.index(b)))
            responder = {"council": COUNCIL, "assembly": GA, "regional": REGIONAL}[best["forum"]]
            level = LEVELS.index(best["measure"])
            for m, v in best["votes"].items():
                if m in idx and v["vote"] in VOTES:
                    ballot_row[idx[m]] = VOTES[v["vote"]]
        elif alone is not None:
            responder, level = UNAUTHORISED, 3
            ballot_row[idx[alone]] = YES
        elif self.case.trigger.kind == "aggression":
            responder, level = SELF_DEFENCE, 3
        vetoed = any(b["forum"] == "council" and b["vetoed_by"] for b in ballots)
        return Decided(
            responder=np.full(draws, responder),
            level=np.full(draws, level),
            ballot=np.tile(ballot_row, (draws, 1)),
            forums=np.full(draws, len(ballots)),
            vetoed=np.full(draws, vetoed),
        )

    def outcome(self, ballots: list[dict[str, Any]], alone: str | None, seed: int) -> dict:
        """What the path did: one run of the kernel (the story) and the expected
        outcome over :data:`OUTCOME_DRAWS` runs, from credibility's starting value."""

        def run(draws: int, log: bool):
            return sim_crises(
                self.kernel_stage,
                case_threat(self.case, self.codes, draws),
                random_seed=seed,
                occurred=True,
                log=log,
                decided=self.decided(ballots, alone, draws),
            )

        one = run(1, True)
        many = run(OUTCOME_DRAWS, False)
        r = one.result
        shares = many.result.contributions.mean(axis=0)
        total = shares.sum()
        top = np.argsort(-shares, kind="stable")[:8]
        lead = int(r.lead[0]) if r.lead is not None else -1
        cls = str(institution_classes(r)[0])
        return {
            "responder": RESPONDERS[int(r.responder[0])],
            "measure": LEVELS[int(r.level[0])] if r.level[0] >= 0 else None,
            "institution": cls,
            "success": bool(r.success[0]),
            "p_success": round(float(many.result.success.mean()), 3),
            "lead": self.codes[lead] if lead >= 0 else None,
            "shares": [
                {"state": self.codes[i], "share": round(float(shares[i] / total), 3)}
                for i in top
                if total > 0 and shares[i] > 0
            ],
            "credibility_before": round(float(self.params.credibility_start), 4),
            "credibility_after": round(float(one.credibility), 4),
            "events": [ev.to_dict() for ev in one.events[0]],
        }

    @cached_property
    def kernel_stage(self):
        """The stage of the kernel's run, with the vote weights of the fit (as
        ``collsec replay``'s free run)."""
        return case_stage(self.case, self.fit.parameters(self.params))

    def record(self) -> dict[str, Any]:
        """The record of the case, for the comparison at the end."""
        c = self.case
        return {
            "institution": c.outcome.institution,
            "conflict": c.outcome.conflict,
            "explanation": c.outcome.explanation,
            "decisions": [
                {
                    "symbol": d.symbol,
                    "date": d.date.isoformat(),
                    "body": d.body,
                    "measure": d.measure,
                    "sponsors": list(d.sponsors),
                    "outcome": d.outcome,
                    "tally": d.tally,
                    "vetoed_by": list(d.vetoed_by),
                }
                for d in c.record
            ],
            "sources": list(c.outcome.sources),
        }


def _name(code: str, fallback: str, on: dt.date) -> str:
    name = member_name(code, on)
    if name == code:
        return fallback
    return name.removeprefix("the ")


def _council_id(case: Case) -> str:
    return "league-council" if case.trigger.date < dt.date(1945, 10, 24) else "unsc"


class _State:
    """The play, move by move (:meth:`Game.state`)."""

    def __init__(self, game: Game, humans: set[str]) -> None:
        self.g = game
        self.humans = set(humans)
        self.ballots: list[dict[str, Any]] = []
        self.table: Ballot_ | None = None
        self.alone: str | None = None
        self.over = False
        self.log: list[dict[str, Any]] = []

    def fail(self, msg: str, where: str, fld: str | None = None) -> None:
        raise InputError(msg, source=where, field=fld)

    def apply(self, mv: dict[str, Any], where: str) -> None:
        kind = mv.get("type")
        if kind not in MOVES:
            self.fail(f"unknown move {kind!r} (one of {', '.join(MOVES)})", where, "type")
        if self.over:
            self.fail("the play is over", where, "type")
        seat = mv.get("seat")
        if kind not in ("close",) and seat not in self.humans:
            self.fail(f"{seat!r} is not a seat a player holds", where, "seat")
        getattr(self, f"_{kind}")(mv, seat, where)
        self.log.append({k: v for k, v in mv.items() if k != "type"} | {"type": kind})

    def _table(self, mv, seat, where) -> None:
        if self.table is not None:
            self.fail("a draft is already on the table: vote on it first", where, "type")
        forum = mv.get("forum", "council")
        if forum not in FORUMS:
            self.fail(f"unknown forum {forum!r} (one of {', '.join(FORUMS)})", where, "forum")
        spec = parse_draft(mv.get("draft"), source=where)
        g = self.g
        known = set(g.codes)
        for s in spec.names:
            if s not in known:
                self.fail(f"{s} is not a state of this case", where, "draft.names")
        for s in spec.sponsors:
            if s not in known:
                self.fail(f"{s} is not a state of this case", where, "draft.sponsors")
        both = sorted(set(spec.sponsors) & set(spec.names))
        if both:
            self.fail(f"{both[0]} cannot sponsor a draft that names it", where, "draft.sponsors")
        if forum == "council" and not set(spec.sponsors) & set(g.seats):
            self.fail("a Council draft needs a sponsor on the Council", where, "draft.sponsors")
        if forum == "assembly":
            last = next((b for b in reversed(self.ballots) if b["forum"] == "council"), None)
            if not g.uniting_for_peace:
                self.fail(
                    "Uniting for Peace (GA res. 377 A (V)) dates from 3 November 1950; "
                    "the Assembly cannot take it up in this case",
                    where,
                    "forum",
                )
            if last is None or not last["vetoed_by"]:
                self.fail(
                    "Uniting for Peace follows a veto: the last Council draft was not vetoed",
                    where,
                    "forum",
                )
        members = g.members_of(forum)
        self.table = Ballot_(forum=forum, spec=spec, by=seat, members=members)
        if mv.get("vote") is not None:
            self._cast(seat, mv["vote"], where)
        self._maybe_count()

    def _cast(self, seat: str, vote: Any, where: str) -> None:
        t = self.table
        if t is None:
            self.fail("no draft is on the table", where, "type")
        if vote not in VOTES:
            self.fail(f"{vote!r} is not a vote (yes, no or abstain)", where, "vote")
        if seat not in t.members:
            self.fail(f"{seat} does not sit in this forum", where, "seat")
        if seat in t.cast:
            self.fail(f"{seat} has voted already", where, "vote")
        t.cast[seat] = VOTES[vote]

    def _vote(self, mv, seat, where) -> None:
        self._cast(seat, mv.get("vote"), where)
        self._maybe_count()

    def _close(self, mv, seat, where) -> None:
        if self.table is None:
            self.fail("no draft is on the table", where, "type")
        self._count()

    def _alone(self, mv, seat, where) -> None:
        if self.table is not None:
            self.fail("a draft is on the table: vote on it first", where, "type")
        if seat == self.g.case.trigger.accused:
            self.fail("the accused cannot act against itself", where, "seat")
        self.alone = seat
        self.over = True

    def _conclude(self, mv, seat, where) -> None:
        if self.table is not None:
            self.fail("a draft is on the table: vote on it first", where, "type")
        self.over = True

    def voters_waiting(self) -> list[str]:
        t = self.table
        if t is None:
            return []
        return sorted(s for s in self.humans if s in t.members and s not in t.cast)

    def _maybe_count(self) -> None:
        if self.table is not None and not self.voters_waiting():
            self._count()

    def _count(self) -> None:
        t = self.table
        assert t is not None
        res = self.g.vote(t.spec, t.forum, cast=t.cast, k=len(self.ballots))
        res["tabled_by"] = t.by
        self.ballots.append(res)
        self.table = None

    def to_dict(self, seed: int) -> dict[str, Any]:
        t = self.table
        out: dict[str, Any] = {
            "ballots": self.ballots,
            "table": None
            if t is None
            else {
                "forum": t.forum,
                "draft": t.spec.model_dump(mode="json"),
                "words": t.spec.words(),
                "tabled_by": t.by,
                "voted": sorted(t.cast),
                "waiting": self.voters_waiting(),
            },
            "alone": self.alone,
            "over": self.over,
            "moves": len(self.log),
        }
        if self.over:
            out["outcome"] = self.g.outcome(self.ballots, self.alone, seed)
            out["record"] = self.g.record()
        return out


def check_move(game: Game, moves: list[dict], move: dict, humans: set[str]) -> None:
    """Raise :class:`InputError` if ``move`` may not follow ``moves``."""
    game.state([*moves, move], humans)


#: a generated crisis is named ``<library case>~<seed>``: the crisis the kernel draws
#: with that seed in the world of the case's trigger date
GENERATED = "~"


def generated_case(base: Case, seed: int, params: Parameters | None = None) -> Case:
    """A crisis the kernel generates in ``base``'s world (its actors, its day): the first
    threat of run ``seed`` that a Council can take up (aggression, atrocity or terrorism;
    a cyber attack is drawn again). It has no record."""
    p = params or Parameters.default()
    stage = case_stage(base, p)
    for k in range(64):
        run = sim_crises(stage, crises=1, random_seed=seed, first_crisis=k, log=True)
        d = run.events[0][0].data
        if d["kind"] in _KIND:
            break
    else:  # pragma: no cover - 64 cyber attacks in a row
        raise InputError(f"no crisis a Council takes up in 64 draws of seed {seed}", source="seed")
    names = {a.code: a.name for a in base.actors}
    a, t = d["aggressor"], d["target"]
    atrocity = d["kind"] == "atrocity"
    what = {
        "aggression": f"{names[a]} attacks {names[t]}",
        "atrocity": f"mass atrocities inside {names[a]}",
        "terrorism": f"an attack on {names[t]} by a group based in {names[a]}",
    }[d["kind"]]
    cid = f"{base.id}{GENERATED}{seed}"
    trig = Trigger(
        date=base.trigger.date,
        kind=d["kind"],
        accused=a,
        target="" if atrocity else t,
        severity=float(d["severity"]),
        sponsored=bool(d["state_sponsor"]),
        description=what,
        sources=(f"generated by collsec's crisis kernel (seed {seed}) in the world of {base.id}",),
    )
    return dataclasses.replace(
        base,
        id=cid,
        title=f"A generated crisis: {what} ({base.trigger.date.year})",
        summary=(
            f"A crisis the model drew (seed {seed}) in the world of {base.trigger.date.isoformat()}"
            f" ({base.id}'s states, alliances and ideal points); it has no record to compare with."
        ),
        trigger=trig,
        record=(),
        outcome=Outcome(conflict="", institution="", explanation="", sources=()),
    )


_GAMES: dict[str, Game] = {}
_GAMES_LOCK = threading.Lock()


def load_game(case_id: str) -> Game:
    """The game of a library case, or of a generated crisis ``<case>~<seed>`` (kept:
    the fit takes a second)."""
    base_id, gen, seed_text = case_id.partition(GENERATED)
    if base_id not in builtin_case_ids():
        raise InputError(f"no case {case_id!r} in the library", source="case")
    if gen and not (seed_text.isascii() and seed_text.isdigit() and len(seed_text) < 19):
        raise InputError(f"{seed_text!r} is not a seed (a whole number)", source="case")
    with _GAMES_LOCK:  # the lab serves pages from several threads
        if case_id not in _GAMES:
            base = load_case(base_id)
            c = generated_case(base, int(seed_text)) if gen else base
            _GAMES[case_id] = Game(c)
        return _GAMES[case_id]

"""Cases: one crisis each, with its dates, actors, trigger, record and outcome.

A case lives in three files in ``collsec/cases/library`` (or anywhere, for a
user's own case):

``<id>.toml``
    written by hand: title, dates, the trigger (accused state, target, kind,
    severity), the outcome in the classes below, and the rule that selects
    the record (the agenda items of the Security Council, the decisions of
    other bodies), each with sources.
``<id>.record.toml``
    the record, built by rule (:mod:`collsec.cases.build`): every Council
    decision on the agenda between the case's dates from the UN library's
    yearly pages with its tally, the hand-sourced votes of
    ``collsec/cases/curated`` and the decisions of other bodies. Each decision
    lists the body's members on its date and each member's vote where a
    source gives it, with a status: ``named`` (the source names every vote),
    ``derived`` (from the tally and the membership), ``partial`` (some votes
    named) or ``tally`` (the tally only).
``<id>.actors.csv``
    every state in the system at the trigger, with the attributes the model
    needs (capability share, ideal point, region, defence pacts, distance to
    the parties; optionally the ATOP ties and General Assembly agreement with
    the parties, :data:`ACTOR_COLUMNS`: a table without them means no ties and
    unknown agreement), so that a case replays offline; ``--world data`` rebuilds
    the full world of the day from the datasets instead.

Outcome classes (``outcome.conflict`` and ``outcome.institution``):

==========================  ================================================
``aggression_reversed``     the aggressor was pushed back to the status quo
``aggression_contained``    fighting stopped short of the aggressor's aim
``aggression_succeeded``    the aggressor kept what it took
``atrocities_stopped``      mass killing ended by outside action
``atrocities_continued``    mass killing went on until it ran its course
``no_attack``               a threat to the peace without an armed attack
``acted``                   the institution adopted the measures that mattered
``paralysed``               it was blocked (veto, unanimity, shortfall)
``bypassed``                others acted without it (another body, a coalition)
==========================  ================================================
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import re
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    model_validator,
)

from collsec.codes.codes import resolve_member
from collsec.errors import InputError
from collsec.institutions import Ballot, load_body
from collsec.institutions.charter import Body, builtin_charters
from collsec.validation_style import (
    Flag,
    Problem,
    SchemaExtra,
    Text,
    field_path,
    oneline,
    read_toml,
    validate,
)
from collsec.world.build import ATOP_KINDS

__all__ = [
    "CONFLICT_OUTCOMES",
    "INSTITUTION_OUTCOMES",
    "KINDS",
    "MEASURES",
    "Actor",
    "ActorRow",
    "Case",
    "CaseFile",
    "Draft",
    "RecordFile",
    "RecordedDecision",
    "builtin_case_ids",
    "load_case",
]

KINDS = ("aggression", "atrocity", "terrorism")
MEASURES = ("chapter_vi", "art41", "peacekeeping", "art42", "procedural", "other")
CONFLICT_OUTCOMES = (
    "aggression_reversed",
    "aggression_contained",
    "aggression_succeeded",
    "atrocities_stopped",
    "atrocities_continued",
    "no_attack",
)
INSTITUTION_OUTCOMES = ("acted", "paralysed", "bypassed")
STATUSES = ("named", "derived", "partial", "tally")
VOTE_LISTS = ("yes", "no", "abstain", "absent", "not_participating")
_TALLY = re.compile(r"^(\d+)-(\d+)-(\d+)$")


@dataclass(frozen=True)
class Trigger:
    date: dt.date
    kind: str
    accused: str
    target: str
    severity: float
    sponsored: bool
    description: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Outcome:
    conflict: str
    institution: str
    explanation: str
    sources: tuple[str, ...]


#: what a draft may demand (the content vocabulary, shared with the kernel's drafts)
DEMANDS = (
    "ceasefire",
    "withdrawal",
    "access",
    "political",
    "compliance",
    "accountability",
    "release",
)
#: how a draft's content was read: its operative text, a reliable summary, or not found
CONTENT_TEXT = ("read", "summary", "unknown")
MISSIONS = ("", "create", "extend")


@dataclass(frozen=True)
class DraftContent:
    """What a draft says, coded from its text (public before the vote).

    ``text`` says how it was read; ``unknown`` content is never guessed, and
    the model then reads the draft by its measure alone.
    """

    text: str = "unknown"
    names: tuple[str, ...] = ()
    demands: tuple[str, ...] = ()
    threatens: bool = False
    art41: bool = False
    force: bool = False
    icc: bool = False
    mission: str = ""
    consent: bool = False
    humanitarian: bool = False
    sources: tuple[str, ...] = ()
    note: str = ""

    @property
    def known(self) -> bool:
        return self.text != "unknown"


@dataclass(frozen=True)
class Draft:
    """What the conditional replay is given about a decision: never its votes."""

    symbol: str
    body: str
    date: dt.date
    question: str
    chapter: str
    measure: str
    sponsors: tuple[str, ...]
    accused: str
    target: str
    parties: tuple[str, ...]
    members: tuple[str, ...]
    #: members recorded absent: attendance is known before a vote, not predicted
    absent: tuple[str, ...] = ()
    #: what the draft says, when coded (None: not coded)
    content: DraftContent | None = None


@dataclass(frozen=True)
class RecordedDecision:
    """One decision of the record with each member's vote where a source gives it."""

    symbol: str
    body: str
    date: dt.date
    topic: str
    question: str
    chapter: str
    measure: str
    sponsors: tuple[str, ...]
    accused: str
    target: str
    parties: tuple[str, ...]
    members: tuple[str, ...]
    outcome: str
    vetoed_by: tuple[str, ...]
    tally: str
    status: str
    yes: tuple[str, ...] = ()
    no: tuple[str, ...] = ()
    abstain: tuple[str, ...] = ()
    absent: tuple[str, ...] = ()
    not_participating: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    note: str = ""
    content: DraftContent | None = None

    def draft(self) -> Draft:
        return Draft(
            symbol=self.symbol,
            body=self.body,
            date=self.date,
            question=self.question,
            chapter=self.chapter,
            measure=self.measure,
            sponsors=self.sponsors,
            accused=self.accused,
            target=self.target,
            parties=self.parties,
            members=self.members,
            absent=self.absent,
            content=self.content,
        )

    def votes(self) -> dict[str, str]:
        """Each member's recorded vote, for members whose vote a source gives."""
        return {m: k for k in VOTE_LISTS for m in getattr(self, k)}

    @property
    def adopted(self) -> bool:
        return self.outcome == "adopted"

    @property
    def unanimous(self) -> bool:
        """Every member present voted yes (no no, no abstention)."""
        m = _TALLY.match(self.tally)
        return bool(m) and m.group(2) == "0" and m.group(3) == "0"

    def to_dict(self) -> dict[str, Any]:
        d = {k: getattr(self, k) for k in self.__dataclass_fields__}
        d["date"] = self.date.isoformat()
        if self.content is not None:
            c = self.content
            d["content"] = {
                k: list(v) if isinstance(v, tuple) else v
                for k, v in ((f, getattr(c, f)) for f in c.__dataclass_fields__)
            }
        return {k: list(v) if isinstance(v, tuple) else v for k, v in d.items()}


@dataclass(frozen=True)
class Actor:
    code: str
    name: str
    ccode: int
    cinc: float
    ideal_point: float | None
    region: str
    major_power: bool
    un_member: bool
    allies: tuple[str, ...]
    km_accused: float | None
    km_target: float | None
    #: ATOP kinds (names from :data:`collsec.world.ATOP_KINDS`) between the actor and the
    #: accused / the target; optional columns: an older table without them means no ties
    ties_accused: tuple[str, ...] = ()
    ties_target: tuple[str, ...] = ()
    #: UN General Assembly agreement with the accused / the target (None: unknown, the
    #: default of an older table)
    agree_accused: float | None = None
    agree_target: float | None = None
    #: COW NMC military expenditure (thousands of US$) and personnel (thousands) of the
    #: year before (optional columns; None: unknown, filled from CINC)
    milex: float | None = None
    milper: float | None = None
    #: COW NMC total population (thousands), optional like milex
    tpop: float | None = None


@dataclass(frozen=True)
class Case:
    id: str
    title: str
    start: dt.date
    end: dt.date
    bodies: tuple[str, ...]
    summary: str
    trigger: Trigger
    outcome: Outcome
    agenda: tuple[str, ...]
    shared_agenda: bool
    include: tuple[str, ...]
    sources: tuple[str, ...]
    path: Path
    record: tuple[RecordedDecision, ...] = ()
    actors: tuple[Actor, ...] = ()
    actor_sources: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)

    def drafts(self) -> list[Draft]:
        """What the replay may see of the record: the drafts, not their votes."""
        return [d.draft() for d in self.record]

    def summary_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "bodies": list(self.bodies),
        }

    def actor(self, code: str) -> Actor:
        for a in self.actors:
            if a.code == code:
                return a
        raise InputError(f"no actor '{code}'", source=str(self.path), field="actors")


# -- reading -------------------------------------------------------------------


def library_dir() -> Path:
    return Path(str(files("collsec.cases").joinpath("library")))


@cache
def builtin_case_ids() -> tuple[str, ...]:
    return tuple(
        sorted(
            p.name[: -len(".toml")]
            for p in library_dir().iterdir()
            if p.name.endswith(".toml") and not p.name.endswith(".record.toml")
        )
    )


# -- the files' models -----------------------------------------------------------------

_FILE = ConfigDict(extra="forbid", frozen=True, strict=True)


def _severity(v: float) -> float:
    if not 0.0 < v <= 1.0:
        raise ValueError(f"must be in (0, 1], not {v}")
    return v


class CaseTrigger(BaseModel):
    """``[trigger]``: what started the crisis."""

    model_config = _FILE

    date: dt.date
    kind: Literal[KINDS]
    accused: Text = Field(description="ISO3 or cow:NNN code, resolved on the trigger date")
    target: str = Field("", description="needed unless the case is an atrocity")
    severity: Annotated[
        float, AfterValidator(_severity), SchemaExtra(exclusiveMinimum=0, maximum=1)
    ] = Field(description="0-1 gravity of the threat (an assumption of collsec)")
    sponsored: Flag = True
    description: str
    sources: list[str] = []


class CaseOutcome(BaseModel):
    """``[outcome]``: how the conflict and the institution fared."""

    model_config = _FILE

    conflict: Literal[CONFLICT_OUTCOMES]
    institution: Literal[INSTITUTION_OUTCOMES]
    explanation: str
    sources: list[str] = []


class CaseRecordRule(BaseModel):
    """``[record]``: the rule that selects the record (``collsec cases build``)."""

    model_config = _FILE

    agenda: list[str] = Field([], description="agenda items of the Security Council")
    shared_agenda: Flag = False
    include: list[str] = Field([], description="symbols of decisions to add")


class CaseFile(BaseModel):
    """A case file, ``<id>.toml``: one crisis, written by hand."""

    model_config = _FILE

    id: Text = Field(description="the file's name without .toml")
    title: str
    start: dt.date
    end: dt.date
    bodies: list[str] = Field([], description="body ids (see collsec bodies)")
    summary: str = ""
    trigger: CaseTrigger
    outcome: CaseOutcome
    record: CaseRecordRule = CaseRecordRule()
    sources: list[str] = []
    extra: dict[str, Any] = {}

    @model_validator(mode="after")
    def _dates(self) -> CaseFile:
        start, end, t = self.start, self.end, self.trigger
        if end < start:
            raise Problem(f"end {end} is before start {start}", at="end")
        if not start <= t.date <= end:
            raise Problem(
                f"{t.date} is outside the case's dates {start} to {end}", at="trigger.date"
            )
        if t.kind != "atrocity" and not t.target:
            raise Problem(f"a case of {t.kind} needs a target", at="trigger.target")
        return self


def _tally(v: str) -> str:
    if v and not _TALLY.match(v):
        raise ValueError(f"'{v}' is not yes-no-abstain like 13-0-2")
    return v


class ContentEntry(BaseModel):
    """A decision's ``content`` table: what the draft says (:class:`DraftContent`)."""

    model_config = _FILE

    text: Literal[CONTENT_TEXT] = "unknown"
    names: list[str] = Field([], description="codes of the states it names as responsible")
    demands: list[Literal[DEMANDS]] = []
    threatens: bool = False
    art41: bool = False
    force: bool = False
    icc: bool = False
    mission: Literal[MISSIONS] = ""
    consent: bool = False
    humanitarian: bool = False
    sources: list[str] = []
    note: str = ""

    @model_validator(mode="after")
    def _coherent(self) -> ContentEntry:
        if self.consent and not self.mission:
            raise ValueError("consent is only for a mission")
        if self.humanitarian and self.names:
            raise ValueError("a humanitarian-only draft names no one")
        if self.text != "unknown" and not self.sources:
            raise ValueError(f"content read as '{self.text}' needs its sources")
        return self


class RecordDecisionEntry(BaseModel):
    """One ``[[decision]]`` of a record file, as :class:`RecordedDecision` holds it."""

    model_config = _FILE

    symbol: Text
    body: Text
    date: dt.date
    topic: str = ""
    question: str
    chapter: str = ""
    measure: Literal[MEASURES]
    sponsors: list[str] = []
    accused: str = ""
    target: str = ""
    parties: list[str] = []
    members: list[str] = Field([], description="the body's members on the date")
    outcome: Literal["adopted", "vetoed", "not_adopted"]
    vetoed_by: list[str] = []
    tally: Annotated[str, AfterValidator(_tally), SchemaExtra(pattern=r"^(\d+-\d+-\d+)?$")]
    status: Literal[STATUSES]
    yes: list[str] = []
    no: list[str] = []
    abstain: list[str] = []
    absent: list[str] = []
    not_participating: list[str] = []
    sources: list[str] = []
    note: str = ""
    content: ContentEntry | None = Field(
        None, description="what the draft says (optional; without it the measure is read)"
    )


class RecordFile(BaseModel):
    """A case's record file, ``<id>.record.toml`` (built by ``collsec cases build``)."""

    model_config = _FILE

    decision: list[RecordDecisionEntry] = []


def _empty_none(v: Any) -> Any:
    return None if v == "" else v


def _zero_one(v: Any) -> Any:
    if v not in ("0", "1"):
        raise ValueError(f"must be 0 or 1, not {v!r}")
    return v == "1"


def _capability(v: float) -> float:
    if v < 0:
        raise ValueError("capability share must be >= 0")
    return v


Maybe = Annotated[float | None, BeforeValidator(_empty_none)]


def _atop_kinds(v: str) -> str:
    bad = [k for k in v.split(";") if k and k not in ATOP_KINDS]
    if bad:
        raise ValueError(f"unknown ATOP kind {bad[0]!r} (use {', '.join(ATOP_KINDS)})")
    return v


def _forces(v: float | None) -> float | None:
    if v is not None and not (v >= 0 and v < float("inf")):
        raise ValueError("military expenditure, personnel and population must be >= 0")
    return v


def _share(v: float | None) -> float | None:
    if v is not None and not 0.0 <= v <= 1.0:
        raise ValueError("agreement must be between 0 and 1")
    return v


class ActorRow(BaseModel):
    """One row of ``<id>.actors.csv`` (its cells are text: numbers are read from it)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    code: Text
    name: str
    ccode: int
    cinc: Annotated[float, AfterValidator(_capability)]
    ideal_point: Maybe
    region: str
    major_power: Annotated[bool, BeforeValidator(_zero_one)]
    un_member: Annotated[bool, BeforeValidator(_zero_one)]
    allies: str = Field(description="codes separated by ;")
    km_accused: Maybe
    km_target: Maybe
    ties_accused: Annotated[str, AfterValidator(_atop_kinds)] = Field(
        "", description="ATOP kinds with the accused, separated by ; (optional column)"
    )
    ties_target: Annotated[str, AfterValidator(_atop_kinds)] = Field(
        "", description="ATOP kinds with the target, separated by ; (optional column)"
    )
    agree_accused: Annotated[Maybe, AfterValidator(_share)] = None
    agree_target: Annotated[Maybe, AfterValidator(_share)] = None
    milex: Annotated[Maybe, AfterValidator(_forces)] = None
    milper: Annotated[Maybe, AfterValidator(_forces)] = None
    tpop: Annotated[Maybe, AfterValidator(_forces)] = None


def _member(token: str, on: dt.date, source: str, fld: str) -> str:
    try:
        return resolve_member(token, on, source=source)
    except InputError as e:
        raise InputError(e.problem, source=source, field=fld) from None


def load_case(name: str | Path, *, with_record: bool = True) -> Case:
    """A case by id (built-in) or by the path of its ``.toml`` file.

    The record and the actors are read from the files beside it; every fact
    is validated (one-line errors naming file, field and problem).

    Examples
    --------
    >>> c = load_case("gulf-1990")
    >>> c.trigger.accused, c.trigger.target, c.outcome.institution
    ('IRQ', 'KWT', 'acted')
    """
    path = Path(name) if str(name).endswith(".toml") else library_dir() / f"{name}.toml"
    if not path.is_file():
        if str(name).endswith(".toml"):
            raise InputError("no such case file", source=str(path))
        raise InputError(
            f"unknown case '{name}' (known: {', '.join(builtin_case_ids())})", source="CASE"
        )
    src = str(path)
    f = validate(CaseFile, read_toml(path, src), src)
    if path.name != f"{f.id}.toml":
        raise InputError(f"id '{f.id}' does not match the file name", source=src, field="id")
    known_bodies = {c.body for c in builtin_charters()}
    for b in f.bodies:
        if b not in known_bodies:
            raise InputError(
                f"unknown body '{b}' (known: {', '.join(sorted(known_bodies))})",
                source=src,
                field="bodies",
            )
    t = f.trigger
    trigger = Trigger(
        date=t.date,
        kind=t.kind,
        accused=_member(t.accused, t.date, src, "trigger.accused"),
        target=_member(t.target, t.date, src, "trigger.target") if t.target else "",
        severity=t.severity,
        sponsored=t.sponsored,
        description=t.description,
        sources=tuple(t.sources),
    )
    o = f.outcome
    case = Case(
        id=f.id,
        title=f.title,
        start=f.start,
        end=f.end,
        bodies=tuple(f.bodies),
        summary=f.summary,
        trigger=trigger,
        outcome=Outcome(o.conflict, o.institution, o.explanation, tuple(o.sources)),
        agenda=tuple(f.record.agenda),
        shared_agenda=f.record.shared_agenda,
        include=tuple(f.record.include),
        sources=tuple(f.sources),
        path=path,
        extra=dict(f.extra),
    )
    if not with_record:
        return case
    record = read_record(path.with_name(f"{case.id}.record.toml"), case)
    actors, actor_sources = read_actors(path.with_name(f"{case.id}.actors.csv"), case)
    return dataclasses.replace(case, record=record, actors=actors, actor_sources=actor_sources)


def read_record(path: Path, case: Case) -> tuple[RecordedDecision, ...]:
    """The decisions of a case's record, validated against the charters."""
    if not path.is_file():
        raise InputError(
            f"the record is missing (build it: collsec cases build {case.id})", source=str(path)
        )
    src = str(path)
    raw = read_toml(path, src)
    labels = {"decision": "symbol"}
    record = validate(RecordFile, raw, src, labels=labels)
    out = []
    for i, d in enumerate(record.decision):

        def err(key: str, problem: str, i: int = i) -> InputError:
            return InputError(
                problem, source=src, field=field_path(("decision", i, key), raw, labels)
            )

        def members(key: str, d: RecordDecisionEntry = d, i: int = i) -> tuple[str, ...]:
            fld = field_path(("decision", i, key), raw, labels)
            return tuple(_member(m, d.date, src, fld) for m in getattr(d, key))

        date = d.date
        if not case.start <= date <= case.end:
            raise err("date", f"{date} is outside the case's dates {case.start} to {case.end}")
        try:
            body = load_body(d.body, on=date)
        except InputError as e:
            raise err("body", e.problem) from None
        roster = set(body.members)
        sitting = members("members")
        if set(sitting) != roster:
            odd = sorted(set(sitting) ^ roster)
            raise err(
                "members", f"not the members of {d.body} on {date} (differs on {', '.join(odd)})"
            )
        lists: dict[str, tuple[str, ...]] = {}
        seen: dict[str, str] = {}
        for k in VOTE_LISTS:
            lists[k] = members(k)
            for m in lists[k]:
                if m not in roster:
                    raise err(k, f"{m} was not a member of {d.body} on {date}")
                if m in seen:
                    raise err(k, f"{m} is also listed under {seen[m]}")
                seen[m] = k
        mt = _TALLY.match(d.tally)
        counts = tuple(int(x) for x in mt.groups()) if mt else None
        have = (len(lists["yes"]), len(lists["no"]), len(lists["abstain"]))
        if d.status in ("named", "derived"):
            if len(seen) != len(roster):
                missing = sorted(roster - set(seen))
                raise err("status", f"{d.status} but no vote for {', '.join(missing)}")
            if counts and have != counts:
                raise err("tally", f"{d.tally} does not add up to the listed votes {have}")
        elif counts and any(h > c for h, c in zip(have, counts, strict=True)):
            raise err("tally", f"{d.tally} has fewer votes than listed {have}")
        if counts and sum(counts) > len(roster):
            raise err("tally", f"{d.tally} has more votes than {len(roster)} members")
        if d.status == "named":
            _check_named(d, body, lists, err)
        out.append(
            RecordedDecision(
                symbol=d.symbol,
                body=d.body,
                date=date,
                topic=d.topic,
                question=d.question,
                chapter=d.chapter,
                measure=d.measure,
                sponsors=members("sponsors"),
                accused=d.accused,
                target=d.target,
                parties=tuple(d.parties),
                members=sitting,
                outcome=d.outcome,
                vetoed_by=tuple(d.vetoed_by),
                tally=d.tally,
                status=d.status,
                sources=tuple(d.sources),
                note=d.note,
                content=_content(d, date, src, raw, labels, i),
                **lists,
            )
        )
    return tuple(out)


def _content(
    d: RecordDecisionEntry, date: dt.date, src: str, raw: Any, labels: dict, i: int
) -> DraftContent | None:
    c = d.content
    if c is None:
        return None
    fld = field_path(("decision", i, "content"), raw, labels) + ".names"
    return DraftContent(
        text=c.text,
        names=tuple(_member(m, date, src, fld) for m in c.names),
        demands=tuple(c.demands),
        threatens=c.threatens,
        art41=c.art41,
        force=c.force,
        icc=c.icc,
        mission=c.mission,
        consent=c.consent,
        humanitarian=c.humanitarian,
        sources=tuple(c.sources),
        note=c.note,
    )


def _check_named(
    d: RecordDecisionEntry, body: Body, lists: dict[str, tuple[str, ...]], err
) -> None:
    """A decision whose every vote is named: its outcome and ``vetoed_by`` must be what
    those votes give under the charter of the day (``err(key, problem)``: the error)."""
    question = d.question if d.question not in ("substantive", "procedural") else None
    if question and question not in body.charter.rules:
        question = None
    ballot = Ballot.from_lists(
        **lists,
        question=question,
        chapter=d.chapter or None,
        parties=[p for p in d.parties if p in body.seats],
        source=d.symbol,
    )
    try:
        decision = body.adjudicate(ballot, procedural=d.question == "procedural")
    except InputError as e:
        raise err("status", f"the named votes cannot be adjudicated ({e.problem})") from None
    outcome = "adopted" if decision.adopted else "vetoed" if decision.vetoed_by else "not_adopted"
    under = f"under {body.charter.id}: {decision.reason}"
    if outcome != d.outcome:
        raise err("outcome", f"{d.outcome}, but the named votes give {outcome} ({under})")
    if sorted(decision.vetoed_by) != sorted(d.vetoed_by):
        shown = ", ".join(decision.vetoed_by) or "nobody"
        raise err(
            "vetoed_by",
            f"{', '.join(d.vetoed_by) or 'nobody'}, but the named votes give {shown} ({under})",
        )


ACTOR_COLUMNS = (
    "code",
    "name",
    "ccode",
    "cinc",
    "ideal_point",
    "region",
    "major_power",
    "un_member",
    "allies",
    "km_accused",
    "km_target",
    "ties_accused",
    "ties_target",
    "agree_accused",
    "agree_target",
    "milex",
    "milper",
    "tpop",
)
#: the columns an actors table must have; the rest of ACTOR_COLUMNS are optional
#: (tables built before them load with no ties, unknown agreement and forces
#: filled from CINC): a table has the first 11, 15, 17 or all of them
ACTOR_REQUIRED = ACTOR_COLUMNS[:11]


def read_actors(path: Path, case: Case) -> tuple[tuple[Actor, ...], tuple[str, ...]]:
    """The actors table: ``# source:`` comment lines, then a CSV with a header."""
    if not path.is_file():
        raise InputError(
            f"the actors table is missing (build it: collsec cases build {case.id})",
            source=str(path),
        )
    src = str(path)
    try:
        lines = path.read_text("utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(f"cannot read file ({e.__class__.__name__})", source=src) from None
    sources = tuple(ln[len("# source:") :].strip() for ln in lines if ln.startswith("# source:"))
    # the file's own line numbers (every row is one line: no cell holds a line break)
    numbers = [n for n, ln in enumerate(lines, start=1) if ln and not ln.startswith("#")]
    try:
        rows = list(csv.DictReader(ln for ln in lines if not ln.startswith("#")))
    except csv.Error as e:
        raise InputError(f"not a CSV table ({e})", source=src) from None
    head = tuple(rows[0].keys()) if rows else ()
    if head not in (ACTOR_COLUMNS, ACTOR_COLUMNS[:15], ACTOR_COLUMNS[:17], ACTOR_REQUIRED):
        header = f"line {numbers[0]}" if numbers else "line 1"
        raise InputError(
            f"header must be {','.join(ACTOR_COLUMNS)} (the last {len(ACTOR_COLUMNS) - 11} "
            "optional)",
            source=src,
            field=header,
        )
    out = []
    codes = set()
    for i, row in zip(numbers[1:], rows, strict=False):
        if None in row:
            raise InputError("more cells than the header", source=src, field=f"line {i}")
        try:
            a = ActorRow.model_validate(row)
        except ValidationError as e:
            bad = oneline(e, src, raw=row, model=ActorRow)
            raise InputError(bad.problem, source=src, field=f"line {i}: {bad.field}") from None
        if a.code in codes:
            raise InputError(f"{a.code} listed twice", source=src, field=f"line {i}: code")
        codes.add(a.code)
        out.append(
            Actor(
                **a.model_dump(exclude={"allies", "ties_accused", "ties_target"}),
                allies=tuple(x for x in a.allies.split(";") if x),
                ties_accused=tuple(x for x in a.ties_accused.split(";") if x),
                ties_target=tuple(x for x in a.ties_target.split(";") if x),
            )
        )
    for code in (case.trigger.accused, case.trigger.target):
        if code and code not in codes:
            raise InputError(f"party {code} is not in the table", source=src, field="code")
    return tuple(out), sources

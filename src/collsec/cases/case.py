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
    the parties), so that a case replays offline; ``--world data`` rebuilds
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
from typing import Any

from collsec.codes.codes import resolve_member
from collsec.errors import InputError
from collsec.institutions import load_body
from collsec.institutions.charter import _read_toml as _read_charter_toml
from collsec.institutions.charter import builtin_charters

__all__ = [
    "CONFLICT_OUTCOMES",
    "INSTITUTION_OUTCOMES",
    "KINDS",
    "MEASURES",
    "Actor",
    "Case",
    "Draft",
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


def _read_toml(path: Path) -> dict[str, Any]:
    return _read_charter_toml(path, str(path))


class _Fields:
    """Typed access to a TOML table with one-line errors naming file and field."""

    def __init__(self, data: dict[str, Any], source: str, prefix: str = ""):
        self.data, self.source, self.prefix = data, source, prefix

    def _err(self, key: str, problem: str) -> InputError:
        return InputError(problem, source=self.source, field=f"{self.prefix}{key}")

    def get(self, key: str, kind: type | tuple[type, ...], default: Any = ...) -> Any:
        if key not in self.data:
            if default is ...:
                raise self._err(key, "missing")
            return default
        value = self.data[key]
        if kind is dt.date:
            if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
                raise self._err(key, f"must be a date like 1990-08-02, not {value!r}")
            return value
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, kind) or (kind in (int, float) and isinstance(value, bool)):
            names = kind.__name__ if isinstance(kind, type) else "/".join(k.__name__ for k in kind)
            raise self._err(key, f"must be {names}, not {type(value).__name__}")
        return value

    def strings(self, key: str, default: Any = ...) -> tuple[str, ...]:
        value = self.get(key, list, default=() if default is ... else default)
        if not all(isinstance(v, str) for v in value):
            raise self._err(key, "must be a list of strings")
        return tuple(value)

    def choice(self, key: str, options: tuple[str, ...], default: Any = ...) -> str:
        value = self.get(key, str, default)
        if value not in options:
            raise self._err(key, f"'{value}' is not one of {', '.join(options)}")
        return value

    def unknown(self, known: set[str]) -> None:
        extra = sorted(set(self.data) - known)
        if extra:
            raise self._err(extra[0], f"unknown field (known: {', '.join(sorted(known))})")


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
    raw = _read_toml(path)
    top = _Fields(raw, src)
    top.unknown(
        {"id", "title", "start", "end", "bodies", "summary", "trigger", "outcome"}
        | {"record", "sources", "extra"}
    )
    cid = top.get("id", str)
    if path.name != f"{cid}.toml":
        raise InputError(f"id '{cid}' does not match the file name", source=src, field="id")
    start, end = top.get("start", dt.date), top.get("end", dt.date)
    if end < start:
        raise InputError(f"end {end} is before start {start}", source=src, field="end")
    known_bodies = {c.body for c in builtin_charters()}
    bodies = top.strings("bodies")
    for b in bodies:
        if b not in known_bodies:
            raise InputError(
                f"unknown body '{b}' (known: {', '.join(sorted(known_bodies))})",
                source=src,
                field="bodies",
            )
    t = _Fields(top.get("trigger", dict), src, "trigger.")
    t.unknown(
        {"date", "kind", "accused", "target", "severity", "sponsored", "description", "sources"}
    )
    tdate = t.get("date", dt.date)
    if not start <= tdate <= end:
        raise InputError(
            f"{tdate} is outside the case's dates {start} to {end}",
            source=src,
            field="trigger.date",
        )
    severity = t.get("severity", float)
    if not 0.0 < severity <= 1.0:
        raise InputError(f"{severity} is not in (0, 1]", source=src, field="trigger.severity")
    kind = t.choice("kind", KINDS)
    accused = _member(t.get("accused", str), tdate, src, "trigger.accused")
    target_raw = t.get("target", str, "")
    target = _member(target_raw, tdate, src, "trigger.target") if target_raw else ""
    if kind != "atrocity" and not target:
        raise InputError(f"a case of {kind} needs a target", source=src, field="trigger.target")
    trigger = Trigger(
        date=tdate,
        kind=kind,
        accused=accused,
        target=target,
        severity=severity,
        sponsored=t.get("sponsored", bool, True),
        description=t.get("description", str),
        sources=t.strings("sources"),
    )
    o = _Fields(top.get("outcome", dict), src, "outcome.")
    o.unknown({"conflict", "institution", "explanation", "sources"})
    outcome = Outcome(
        conflict=o.choice("conflict", CONFLICT_OUTCOMES),
        institution=o.choice("institution", INSTITUTION_OUTCOMES),
        explanation=o.get("explanation", str),
        sources=o.strings("sources"),
    )
    r = _Fields(top.get("record", dict, {}), src, "record.")
    r.unknown({"agenda", "shared_agenda", "include"})
    case = Case(
        id=cid,
        title=top.get("title", str),
        start=start,
        end=end,
        bodies=bodies,
        summary=top.get("summary", str, ""),
        trigger=trigger,
        outcome=outcome,
        agenda=r.strings("agenda"),
        shared_agenda=r.get("shared_agenda", bool, False),
        include=r.strings("include"),
        sources=top.strings("sources"),
        path=path,
        extra=top.get("extra", dict, {}),
    )
    if not with_record:
        return case
    record = read_record(path.with_name(f"{cid}.record.toml"), case)
    actors, actor_sources = read_actors(path.with_name(f"{cid}.actors.csv"), case)
    return dataclasses.replace(case, record=record, actors=actors, actor_sources=actor_sources)


def read_record(path: Path, case: Case) -> tuple[RecordedDecision, ...]:
    """The decisions of a case's record, validated against the charters."""
    if not path.is_file():
        raise InputError(
            f"the record is missing (build it: collsec cases build {case.id})", source=str(path)
        )
    src = str(path)
    raw = _read_toml(path)
    out = []
    for i, d in enumerate(raw.get("decision", [])):
        f = _Fields(d, src, f"decision {i + 1}.")
        f.unknown(set(RecordedDecision.__dataclass_fields__))
        date = f.get("date", dt.date)
        symbol = f.get("symbol", str)
        f.prefix = f"decision {i + 1} ({symbol})."
        if not case.start <= date <= case.end:
            raise f._err("date", f"{date} is outside the case's dates {case.start} to {case.end}")
        body_name = f.get("body", str)
        try:
            body = load_body(body_name, on=date)
        except InputError as e:
            raise f._err("body", e.problem) from None
        roster = set(body.members)
        members = tuple(_member(m, date, src, f"{f.prefix}members") for m in f.strings("members"))
        if set(members) != roster:
            odd = sorted(set(members) ^ roster)
            raise f._err(
                "members",
                f"not the members of {body_name} on {date} (differs on {', '.join(odd)})",
            )
        lists: dict[str, tuple[str, ...]] = {}
        seen: dict[str, str] = {}
        for k in VOTE_LISTS:
            lists[k] = tuple(_member(m, date, src, f"{f.prefix}{k}") for m in f.strings(k))
            for m in lists[k]:
                if m not in roster:
                    raise f._err(k, f"{m} was not a member of {body_name} on {date}")
                if m in seen:
                    raise f._err(k, f"{m} is also listed under {seen[m]}")
                seen[m] = k
        status = f.choice("status", STATUSES)
        tally = f.get("tally", str)
        mt = _TALLY.match(tally)
        if tally and not mt:
            raise f._err("tally", f"'{tally}' is not yes-no-abstain like 13-0-2")
        counts = tuple(int(x) for x in mt.groups()) if mt else None
        have = (len(lists["yes"]), len(lists["no"]), len(lists["abstain"]))
        if status in ("named", "derived"):
            if len(seen) != len(roster):
                missing = sorted(roster - set(seen))
                raise f._err("status", f"{status} but no vote for {', '.join(missing)}")
            if counts and have != counts:
                raise f._err("tally", f"{tally} does not add up to the listed votes {have}")
        elif counts and any(h > c for h, c in zip(have, counts, strict=True)):
            raise f._err("tally", f"{tally} has fewer votes than listed {have}")
        if counts and sum(counts) > len(roster):
            raise f._err("tally", f"{tally} has more votes than {len(roster)} members")
        out.append(
            RecordedDecision(
                symbol=symbol,
                body=body_name,
                date=date,
                topic=f.get("topic", str, ""),
                question=f.get("question", str),
                chapter=f.get("chapter", str, ""),
                measure=f.choice("measure", MEASURES),
                sponsors=tuple(
                    _member(m, date, src, f"{f.prefix}sponsors") for m in f.strings("sponsors")
                ),
                accused=f.get("accused", str, ""),
                target=f.get("target", str, ""),
                parties=f.strings("parties"),
                members=members,
                outcome=f.choice("outcome", ("adopted", "vetoed", "not_adopted")),
                vetoed_by=f.strings("vetoed_by"),
                tally=tally,
                status=status,
                sources=f.strings("sources"),
                note=f.get("note", str, ""),
                **lists,
            )
        )
    return tuple(out)


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
)


def read_actors(path: Path, case: Case) -> tuple[tuple[Actor, ...], tuple[str, ...]]:
    """The actors table: ``# source:`` comment lines, then a CSV with a header."""
    if not path.is_file():
        raise InputError(
            f"the actors table is missing (build it: collsec cases build {case.id})",
            source=str(path),
        )
    src = str(path)
    lines = path.read_text("utf-8").splitlines()
    sources = tuple(ln[len("# source:") :].strip() for ln in lines if ln.startswith("# source:"))
    rows = list(csv.DictReader(ln for ln in lines if not ln.startswith("#")))
    if not rows or tuple(rows[0].keys()) != ACTOR_COLUMNS:
        raise InputError(f"header must be {','.join(ACTOR_COLUMNS)}", source=src, field="line 1")

    def num(row: dict[str, str], key: str, line: int) -> float | None:
        v = row[key]
        if v == "":
            return None
        try:
            return float(v)
        except ValueError:
            raise InputError(
                f"'{v}' is not a number", source=src, field=f"line {line}: {key}"
            ) from None

    out = []
    codes = set()
    for i, row in enumerate(rows, start=2):
        code = row["code"]
        if code in codes:
            raise InputError(f"{code} listed twice", source=src, field=f"line {i}: code")
        codes.add(code)
        cinc = num(row, "cinc", i)
        if cinc is None or cinc < 0:
            raise InputError("capability share must be >= 0", source=src, field=f"line {i}: cinc")
        out.append(
            Actor(
                code=code,
                name=row["name"],
                ccode=int(row["ccode"]),
                cinc=cinc,
                ideal_point=num(row, "ideal_point", i),
                region=row["region"],
                major_power=row["major_power"] == "1",
                un_member=row["un_member"] == "1",
                allies=tuple(a for a in row["allies"].split(";") if a),
                km_accused=num(row, "km_accused", i),
                km_target=num(row, "km_target", i),
            )
        )
    for code in (case.trigger.accused, case.trigger.target):
        if code and code not in codes:
            raise InputError(f"party {code} is not in the table", source=src, field="code")
    return tuple(out), sources

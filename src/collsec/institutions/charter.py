"""Charter files: decision bodies as data.

A charter file (TOML) describes one *version* of one decision body: who sits
on it (a membership table over time, fixed seats, or both), named seat groups,
weight tables, its voting rules for each kind of question, the measures it may
take and any legal gates (such as NATO's treaty area). Files are validated on
load; every error is one line naming the file, the field and the problem.

Built-in charters live in ``collsec/institutions/charters/``; membership tables
in ``collsec/institutions/membership/``. A reform is a new file, usually
``extends = "unsc-1966"`` plus the keys it changes (see ``docs/charters.md``).

Date conventions in membership tables: ``joined``/``start`` is the first day
of membership; ``left`` is the first day a state is *no longer* a member
(effective withdrawal, expulsion or succession); ``end`` (used for seats held
for a term) is the *last* day of the term.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, field_validator

from collsec.codes.codes import resolve_member
from collsec.errors import InputError
from collsec.institutions.rules import Ballot, Decision, VotingRule, adjudicate_votes, names_phrase
from collsec.validation_style import read_toml, validate

__all__ = [
    "Body",
    "Charter",
    "Practice",
    "Seat",
    "builtin_charters",
    "check_quotas",
    "load_body",
    "load_charter",
    "membership_table",
]

PKG = "collsec.institutions"


class Seat(BaseModel):
    """An explicit seat: a member code (or a placeholder) and its seat type."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    member: str
    seat: str = "member"
    placeholder: bool = False


class Roster(BaseModel):
    """Who sits on the body at a date."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    table: str | None = None
    seats: list[str] | None = None
    fixed: list[Seat] = []
    add: list[Seat] = []
    remove: list[str] = []
    size: int | None = None
    seated: int | None = None


class Group(BaseModel):
    """A named seat group: by seat type, or the members of another body."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    seat: list[str] | None = None
    body: str | None = None
    exclude_body: str | None = None


class Measure(BaseModel):
    """A measure the body may take and the rule that decides it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    rule: str | None = None
    articles: list[str] = []
    description: str = ""
    binding: bool = True
    individual: bool = False
    requires_consent: bool = False
    requires_authorisation: str | None = None
    precondition: str | None = None


class Practice(BaseModel):
    """Where the body's practice departs from its text (the text stays as written).

    ``obligatory_abstention``: parties to a dispute do abstain when a rule
    excludes them under a chapter (UN Charter Art. 27(3)). When false,
    simulations let them vote (and a permanent member veto); a recorded
    ballot is still adjudicated under the chapter it records.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    obligatory_abstention: bool = True
    note: str = ""
    sources: list[str] = []


class Charter(BaseModel):
    """One version of one decision body, as written in a charter file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    body: str
    organization: str
    title: str
    valid_from: dt.date
    valid_to: dt.date | None = None
    variant: bool = False
    extends: str | None = None
    description: str = ""
    instrument: str = ""
    sources: list[str] = []
    members: Roster
    groups: dict[str, Group] = {}
    weights: dict[str, str] = {}
    rules: dict[str, VotingRule]
    default_rule: str
    procedural_rule: str | None = None
    measures: dict[str, Measure] = {}
    gates: dict[str, dict[str, Any]] = {}
    #: what the institution has at hand, e.g. ``standing_force_days`` (days for a
    #: standing force to deploy once a mission is authorised)
    capabilities: dict[str, float] = {}
    practice: Practice = Practice()
    path: str = ""
    kind: Literal["charter"] = "charter"

    @field_validator("rules")
    @classmethod
    def _named(cls, v: dict[str, VotingRule]) -> dict[str, VotingRule]:
        return {k: r.model_copy(update={"name": r.name or k}) for k, r in v.items()}

    def check(self) -> None:
        """Cross-field checks that need the whole file."""
        src = self.path or self.id
        for key in [self.default_rule, self.procedural_rule]:
            if key is not None and key not in self.rules:
                raise InputError(f"no rule named '{key}'", source=src, field="default_rule")
        for name, m in self.measures.items():
            if m.rule is not None and m.rule not in self.rules:
                raise InputError(
                    f"no rule named '{m.rule}'", source=src, field=f"measures.{name}.rule"
                )
        groups = set(self.groups)
        for rname, rule in self.rules.items():
            for clause in rule.clauses:
                for c in clause:
                    for g in (c.among, c.holders):
                        if g is not None and g not in groups:
                            raise InputError(
                                f"unknown seat group '{g}'", source=src, field=f"rules.{rname}"
                            )
                    if c.weight is not None and c.weight not in self.weights:
                        raise InputError(
                            f"unknown weight table '{c.weight}'",
                            source=src,
                            field=f"rules.{rname}",
                        )
        if self.members.table is None and not self.members.fixed:
            raise InputError("needs 'table' or 'fixed' members", source=src, field="members")
        listed: set[str] = set()
        for s in [*self.members.fixed, *self.members.add]:
            if s.member in listed:
                raise InputError(f"duplicate member {s.member}", source=src, field="members")
            listed.add(s.member)
            if not s.placeholder:
                resolve_member(s.member, self.valid_from, source=f"{src}: members")
        if self.valid_to is not None and self.valid_to < self.valid_from:
            raise InputError("valid_to is before valid_from", source=src, field="valid_to")

    def in_force(self, on: dt.date) -> bool:
        return self.valid_from <= on and (self.valid_to is None or on <= self.valid_to)


# ---------------------------------------------------------------------------
# Loading


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    # a rule is either `criteria` or `any_of`: the variant's form replaces the base's
    for form, other in (("criteria", "any_of"), ("any_of", "criteria")):
        if form in over:
            out.pop(other, None)
    for k, v in over.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = _merge(out[k], v)
        else:
            out[k] = v
    return out


@cache
def _builtin_paths() -> dict[str, Any]:
    root = files(PKG).joinpath("charters")
    out: dict[str, Any] = {}
    for sub in (root, root.joinpath("variants")):
        for entry in sub.iterdir():
            if entry.name.endswith(".toml"):
                out[entry.name.removesuffix(".toml")] = entry
    return out


def _raw(name_or_path: str, seen: tuple[str, ...] = ()) -> tuple[dict[str, Any], str]:
    builtin = _builtin_paths()
    if name_or_path in builtin:
        path, source = builtin[name_or_path], f"charters/{name_or_path}.toml"
    else:
        p = Path(name_or_path)
        if not p.suffix == ".toml" or not p.exists():
            raise InputError(
                f"no charter '{name_or_path}' (a built-in id, see `collsec bodies`, or a .toml file)",
                source="charter",
            )
        path, source = p, str(p)
    data = read_toml(path, source)
    base_name = data.get("extends")
    if base_name is not None:
        if not isinstance(base_name, str):
            raise InputError("must be a charter id", source=source, field="extends")
        if "id" not in data:
            # never the parent's id: a reform would pass for the charter it changes
            raise InputError(
                f"required field is missing (a charter that extends {base_name!r} needs "
                "its own id)",
                source=source,
                field="id",
            )
        if base_name in seen:
            raise InputError(f"circular 'extends' via {base_name}", source=source, field="extends")
        base, _ = _raw(base_name, (*seen, base_name))
        base = {k: v for k, v in base.items() if k not in ("variant", "valid_to")}
        data = _merge(base, data)
    return data, source


def load_charter(name_or_path: str) -> Charter:
    """Load and validate a charter by built-in id (``"unsc-1966"``) or file path."""
    data, source = _raw(name_or_path)
    charter = validate(Charter, {**data, "path": source}, source)
    charter.check()
    return charter


@cache
def builtin_charters() -> tuple[Charter, ...]:
    """Every built-in charter, sorted by body then date."""
    out = [load_charter(name) for name in _builtin_paths()]
    return tuple(sorted(out, key=lambda c: (c.variant, c.body, c.valid_from, c.id)))


@dataclass(frozen=True)
class Membership:
    member: str
    seat: str
    start: dt.date
    end: dt.date | None  # last day, inclusive
    note: str = ""


def _parse_date(text: str, source: str, field: str) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InputError(f"'{text}' is not an ISO date", source=source, field=field) from None


@cache
def membership_table(name: str) -> tuple[Membership, ...]:
    """Rows of a membership table shipped in ``collsec/institutions/membership/``.

    ``start``/``joined`` opens a row; ``end`` (inclusive) or ``left`` (exclusive) closes it.
    """
    entry = files(PKG).joinpath("membership").joinpath(name)
    source = f"membership/{name}"
    try:
        text = entry.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError("membership table not found", source=source) from None
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(f"cannot read the table ({e.__class__.__name__})", source=source) from None
    rows = []
    for i, r in enumerate(csv.DictReader(text.splitlines()), start=2):
        where = f"line {i}"
        start = _parse_date(r.get("start") or r.get("joined") or "", source, where)
        if start is None:
            raise InputError("row has no start/joined date", source=source, field=where)
        end = _parse_date(r.get("end") or "", source, where)
        left = _parse_date(r.get("left") or "", source, where)
        if left is not None:
            end = left - dt.timedelta(days=1)
        rows.append(
            Membership(
                member=r["member"].strip(),
                seat=(r.get("seat") or "member").strip(),
                start=start,
                end=end,
                note=r.get("note") or "",
            )
        )
    by_member: dict[str, list[Membership]] = {}
    for row in rows:
        if row.end is not None and row.end < row.start:
            raise InputError(f"{row.member} ends before it starts", source=source)
        for other in by_member.get(row.member, []):
            if row.start <= (other.end or dt.date.max) and other.start <= (row.end or dt.date.max):
                raise InputError(
                    f"duplicate member {row.member}: rows from {other.start} and {row.start} overlap",
                    source=source,
                )
        by_member.setdefault(row.member, []).append(row)
    return tuple(rows)


@cache
def weight_table(name: str) -> dict[str, int]:
    """A ``member,<weight>`` table: the second numeric column is the weight."""
    entry = files(PKG).joinpath("membership").joinpath(name)
    source = f"membership/{name}"
    try:
        text = entry.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(
            f"cannot read the weight table ({e.__class__.__name__})", source=source
        ) from None
    reader = csv.DictReader(text.splitlines())
    cols = [c for c in (reader.fieldnames or []) if c in ("weight", "population")]
    if not cols:
        raise InputError("needs a 'weight' or 'population' column", source=source)
    out: dict[str, int] = {}
    for i, r in enumerate(reader, start=2):
        try:
            w = int(r[cols[0]])
        except (TypeError, ValueError, AttributeError):
            raise InputError("not an integer", source=source, field=f"line {i}") from None
        if w < 0:
            raise InputError(f"negative weight {w}", source=source, field=f"line {i}")
        out[str(r["member"]).strip()] = w
    return out


# ---------------------------------------------------------------------------
# A body on a date


@dataclass(frozen=True)
class Body:
    """A decision body as it stood on one date: its charter, seats, groups and weights."""

    charter: Charter
    on: dt.date
    seats: dict[str, str]  # member -> seat type, in roster order

    @property
    def id(self) -> str:
        return self.charter.body

    @property
    def members(self) -> list[str]:
        return list(self.seats)

    @property
    def groups(self) -> dict[str, frozenset[str]]:
        out: dict[str, frozenset[str]] = {}
        for name, g in self.charter.groups.items():
            chosen = set(self.seats)
            if g.seat is not None:
                chosen = {m for m, s in self.seats.items() if s in g.seat}
            if g.body is not None:
                chosen &= set(load_body(g.body, on=self.on).seats)
            if g.exclude_body is not None:
                chosen -= set(load_body(g.exclude_body, on=self.on).seats)
            out[name] = frozenset(chosen)
        return out

    @property
    def weights(self) -> dict[str, dict[str, int]]:
        return {name: weight_table(table) for name, table in self.charter.weights.items()}

    def rule(self, question: str | None = None, *, procedural: bool = False) -> VotingRule:
        """The rule for a kind of question (default: the charter's default rule)."""
        key = question or (self.charter.procedural_rule if procedural else None)
        key = key or self.charter.default_rule
        if procedural and self.charter.procedural_rule is None and question is None:
            raise InputError(f"{self.charter.id} has no procedural rule", source="--procedural")
        if key not in self.charter.rules:
            known = ", ".join(sorted(self.charter.rules))
            raise InputError(f"no rule '{key}' (known: {known})", source=self.charter.id)
        return self.charter.rules[key]

    @property
    def seated(self) -> int | None:
        """For bodies whose sitting members each ballot names (``members.seated``)."""
        return self.charter.members.seated

    def sitting(self, ballot: Ballot) -> list[str]:
        """The members who sit for ``ballot``: the roster, or those the ballot names."""
        if self.seated is None:
            return self.members
        eligible = set(self.seats)
        for m in ballot.votes:
            if m not in eligible:
                raise InputError(
                    f"{m} is not a member of {self.charter.organization} on {self.on.isoformat()}",
                    source="ballot",
                    field="members",
                )
        if len(ballot.votes) != self.seated:
            raise InputError(
                f"{self.charter.id} has {self.seated} seats; the ballot names "
                f"{len(ballot.votes)} members (list every sitting member, absent ones with --absent)",
                source="ballot",
                field="members",
            )
        return [m for m in self.seats if m in ballot.votes]

    def check_quotas(self) -> None:
        """Refuse a rule whose quota no ballot can reach (more votes than seats).

        Adjudication and voting power both refuse such a body, with the same
        message. (The simulations accept it: ``no-council`` is such a body on
        purpose, the baseline of an experiment in which nothing can pass.)
        """
        check_quotas(self.charter, self.seats, self.on)

    def adjudicate(self, ballot: Ballot, *, procedural: bool = False) -> Decision:
        """Adjudicate ``ballot`` under this body's rule for its question."""
        self.check_quotas()
        rule = self.rule(ballot.question, procedural=procedural)
        groups = self.groups
        decision = adjudicate_votes(
            rule,
            ballot,
            members=self.sitting(ballot),
            groups=groups,
            weights=self.weights,
            on=self.on,
            body=self.charter.id,
        )
        # Say so when a veto holder's "no" did not count because the rule has no veto.
        default = self.charter.rules[self.charter.default_rule]
        holders = {c.holders for cl in default.clauses for c in cl if c.type == "veto"}
        has_veto = any(c.type == "veto" for cl in rule.clauses for c in cl)
        if not has_veto:
            nays = [m for h in holders if h for m in decision.no if m in groups.get(h, ())]
            if nays:
                decision.notes.append(
                    f"the no of {names_phrase(nays, self.on)} is not a veto under the "
                    f"'{rule.name}' rule"
                    + (f" ({', '.join(rule.articles)})" if rule.articles else "")
                )
        return decision


def _roster(charter: Charter, on: dt.date) -> dict[str, str]:
    spec = charter.members
    seats: dict[str, str] = {}
    if spec.table is not None:
        for row in membership_table(spec.table):
            current = row.start <= on and (row.end is None or on <= row.end)
            if current and (spec.seats is None or row.seat in spec.seats):
                seats[row.member] = row.seat
    for s in spec.fixed:
        seats[s.member] = s.seat
    for s in spec.add:
        seats[s.member] = s.seat
    for m in spec.remove:
        seats.pop(m, None)
    if not seats and spec.seated is None:
        span = f"{charter.valid_from.isoformat()} to {charter.valid_to.isoformat() if charter.valid_to else 'today'}"
        raise InputError(
            f"no members on {on.isoformat()} (in force from {span})",
            source=charter.path or charter.id,
            field="members",
        )
    if spec.size is not None and len(seats) != spec.size:
        raise InputError(
            f"{len(seats)} members on {on.isoformat()}, expected {spec.size}",
            source=charter.path or charter.id,
            field="members.size",
        )
    order = {"permanent": 0, "permanent_no_veto": 1}
    return dict(sorted(seats.items(), key=lambda kv: (order.get(kv[1], 2), kv[0])))


def _pick_version(body: str, on: dt.date) -> Charter:
    versions = [c for c in builtin_charters() if c.body == body and not c.variant]
    if not versions:
        known = ", ".join(sorted({c.body for c in builtin_charters()}))
        raise InputError(f"unknown body '{body}' (known: {known})", source="body")
    for c in versions:
        if c.in_force(on):
            return c
    spans = "; ".join(f"{c.id} {c.valid_from}..{c.valid_to or 'today'}" for c in versions)
    raise InputError(f"no version in force on {on.isoformat()} ({spans})", source=body)


def check_quotas(charter: Charter, seats: Mapping[str, str] | int, on: dt.date | None) -> None:
    """Refuse a rule whose quota no ballot can reach: more votes than the body has seats
    (or weight), on the date ``on``. ``seats``: the roster (member -> seat type), or the
    number of seats when only that is known (a synthetic world's Council)."""
    src = charter.path or charter.id
    n = charter.members.seated or (seats if isinstance(seats, int) else len(seats))
    roster = seats if not isinstance(seats, int) else {}
    when = f" on {on.isoformat()}" if on is not None else ""
    for name, rule in charter.rules.items():
        for clause in rule.clauses:
            for c in clause:
                if c.type != "quota" or c.count is None:
                    continue
                if c.weight is not None:
                    if not roster or c.weight not in charter.weights:
                        continue
                    table = weight_table(charter.weights[c.weight])
                    total, unit = sum(table.get(m, 0) for m in roster), "weight"
                else:
                    group = charter.groups.get(c.among or "")
                    if (
                        roster
                        and group is not None
                        and group.seat is not None
                        and not (group.body or group.exclude_body)
                    ):
                        n_among = sum(1 for s in roster.values() if s in group.seat)
                    else:
                        n_among = n
                    total, unit = n_among, ("members" if c.among is None else f"{c.among} seats")
                if c.count > total:
                    raise InputError(
                        f"quota {c.count} exceeds the {total} {unit} of {charter.id}{when}: "
                        "no ballot can reach it",
                        source=src,
                        field=f"rules.{name}",
                    )


def load_body(name: str, *, on: dt.date | None = None) -> Body:
    """A body on a date.

    ``name`` is a body id (``"unsc"``: the version in force on ``on`` is picked),
    a charter id (``"unsc-1966"``) or a path to a charter file.

    Examples
    --------
    >>> import datetime as dt
    >>> b = load_body("unsc", on=dt.date(1950, 6, 25))
    >>> b.charter.id, len(b.members), sorted(b.groups["permanent"])
    ('unsc-1946', 11, ['CHN', 'FRA', 'GBR', 'SUN', 'USA'])
    """
    on = on or dt.date.today()
    ids = {c.id for c in builtin_charters()}
    if name in ids or name.endswith(".toml"):
        charter = load_charter(name)
    else:
        charter = _pick_version(name, on)
    return Body(charter=charter, on=on, seats=_roster(charter, on))


def bodies_summary() -> list[dict[str, Any]]:
    """Built-in bodies and versions for ``collsec bodies``."""
    return [
        {
            "id": c.id,
            "body": c.body,
            "organization": c.organization,
            "title": c.title,
            "valid_from": c.valid_from.isoformat(),
            "valid_to": c.valid_to.isoformat() if c.valid_to else None,
            "variant": c.variant,
            "rules": sorted(c.rules),
            "default_rule": c.default_rule,
            "instrument": c.instrument,
            "practice": {
                "obligatory_abstention": c.practice.obligatory_abstention,
                "note": " ".join(c.practice.note.split()),
            },
        }
        for c in builtin_charters()
    ]

"""Build a case's record and actors table from the data (``collsec cases build``).

The record is selected by rule, never by hand-picking: every Security Council
decision whose agenda item (the ``topic`` of the UN library's yearly pages)
is one of the case's ``record.agenda`` items and whose date falls between the
case's dates; when the agenda item is shared with other situations
(``record.shared_agenda``), only the decisions annotated with the case's id
in ``collsec/cases/curated/annotations_*.toml``. Each decision takes:

* the votes of ``collsec/cases/curated/*votes*.toml`` where a hand-sourced
  entry exists (status ``named``, ``derived`` or ``partial`` as curated);
* otherwise, for a decision adopted with every member voting yes (the tally's
  yes count equals the membership), every member's yes (status ``derived``);
  for a vetoed draft, the vetoing members' no (``partial``); else the tally
  alone (``tally``);
* its sponsors and measure from the annotations (measure ``chapter_vi`` and a
  note when none is annotated).

An annotation with ``same_as`` (and ``on``, the row's date) marks a row the
yearly page mislabels: it is read as the decision it names (the 13 September
1990 Iraq-Kuwait row prints res. 663 where the resolution adopted was 666).

Decisions of other bodies (League Council and Assembly, NATO, regional
bodies, the General Assembly) and Council decisions after the last yearly
page are the curated entries annotated with the case's id (between the
case's dates), plus any listed in ``record.include``.

The actors table is :meth:`collsec.world.World.at` on the trigger date: every
state in the system, with its capability share (COW NMC), ideal point
(Bailey, Strezhnev & Voeten; none before 1946), region, defence pacts (ATOP)
and minimum distance to the accused and the target (COW/Gleditsch-Ward), the
ATOP obligations of every kind with the accused and the target, and the UN
General Assembly agreement with them (Voeten, Strezhnev & Bailey).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import tomllib
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from collsec.cases.case import ACTOR_COLUMNS, Case, load_case
from collsec.cases.curated import named_votes
from collsec.data.export import atomic_write_text, check_writable
from collsec.data.registry import get_dataset
from collsec.data.unsc import load_actions
from collsec.errors import InputError
from collsec.institutions import load_body
from collsec.world.world import ATOP_KINDS, World

__all__ = ["annotations", "build_actors", "build_record", "write_case_files"]

PAGE_SOURCE = (
    "Dag Hammarskjold Library, Security Council meetings and outcomes {year} "
    "(scact{year}_table_en.html): {raw}"
)


@cache
def annotations() -> dict[str, dict[str, Any]]:
    """Sponsors, measure and case of decisions, by symbol (``annotations_*.toml``)."""
    out: dict[str, dict[str, Any]] = {}
    folder = files("collsec.cases").joinpath("curated")
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not (entry.name.startswith("annotations") and entry.name.endswith(".toml")):
            continue
        for i, a in enumerate(tomllib.loads(entry.read_text("utf-8")).get("annotation", [])):
            if "symbol" not in a:
                raise InputError(
                    "missing", source=f"curated/{entry.name}", field=f"annotation {i + 1}.symbol"
                )
            sym = _norm(a["symbol"])
            prev = out.get(sym)
            cases = set(prev["cases"]) if prev else set()
            cases.add(a.get("case", ""))
            out[sym] = {
                **(prev or {}),
                **a,
                "cases": sorted(c for c in cases if c),
                "file": entry.name,
            }
    return out


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", str(text)).strip()


def _roster(body: str, on: dt.date) -> tuple[str, ...]:
    return tuple(load_body(body, on=on).members)


def _from_curated(v: Any, case: Case, extra_sources: tuple[str, ...] = ()) -> dict[str, Any]:
    ann = annotations().get(_norm(v.symbol), {})
    measure = v.measure or ann.get("measure", "")
    return {
        "symbol": v.symbol,
        "body": v.body,
        "date": v.date,
        "topic": v.topic,
        "question": v.question,
        "chapter": v.chapter,
        "measure": measure or "chapter_vi",
        "sponsors": list(v.sponsors or ann.get("sponsors", [])),
        "accused": case.trigger.accused,
        "target": v.target or case.trigger.target,
        "parties": list(v.parties),
        "members": list(_roster(v.body, v.date)),
        "outcome": v.outcome,
        "vetoed_by": list(v.vetoed_by),
        "tally": v.tally,
        "status": v.status,
        "yes": list(v.yes),
        "no": list(v.no),
        "abstain": list(v.abstain),
        "absent": list(v.absent),
        "not_participating": list(v.not_participating),
        "sources": [*v.sources, *extra_sources, *ann.get("sources", [])],
        "note": v.note + ("" if measure else " Measure not annotated: taken as chapter_vi."),
    }


def build_record(case: Case, data_dir: str | None = None) -> list[dict[str, Any]]:
    """The case's decisions by rule (see the module docstring), in date order."""
    curated = {_norm(v.symbol): v for v in named_votes()}
    ann = annotations()
    agenda = {_norm(a) for a in case.agenda}
    out: list[dict[str, Any]] = []
    if agenda:
        acts = load_actions(data_dir)
        acts = acts[
            acts["topic"].map(lambda t: _norm(t) in agenda)
            & (acts["date"].dt.date >= case.start)
            & (acts["date"].dt.date <= case.end)
        ]
        for row in acts.itertuples(index=False):
            sym = _norm(row.symbol)
            date = row.date.date()
            alias = ann.get(sym, {})
            if alias.get("same_as") and alias.get("on", date) == date:
                # the yearly page mislabels this row (an annotation with its sources says so)
                sym = _norm(alias["same_as"])
            if case.shared_agenda and case.id not in ann.get(sym, {}).get("cases", []):
                continue
            page = PAGE_SOURCE.format(year=date.year, raw=_norm(row.raw))
            if sym in curated:
                out.append(_from_curated(curated[sym], case, (page,)))
                continue
            out.append(_from_page(row, date, page, case, ann.get(sym, {})))
    have = {_norm(d["symbol"]) for d in out}
    annotated = [s for s, a in ann.items() if case.id in a.get("cases", []) and s in curated]
    for sym in [*case.include, *annotated]:
        v = curated.get(_norm(sym))
        if v is None:
            raise InputError(
                f"'{sym}' is not a curated decision", source=str(case.path), field="record.include"
            )
        if _norm(v.symbol) in have or not case.start <= v.date <= case.end:
            continue
        have.add(_norm(v.symbol))
        out.append(_from_curated(v, case))
    out.sort(key=lambda d: (d["date"], d["symbol"]))
    contents = draft_contents()
    for d in out:
        c = contents.get((case.id, _norm(d["symbol"])))
        if c is not None:
            _with_content(d, c)
    return out


#: the fields of a curated draft-content entry that go into a record's ``content`` table
CONTENT_FIELDS = (
    "text",
    "names",
    "demands",
    "threatens",
    "art41",
    "force",
    "icc",
    "mission",
    "consent",
    "humanitarian",
    "sources",
    "note",
)


@cache
def draft_contents() -> dict[tuple[str, str], dict[str, Any]]:
    """What each draft says, by (case, symbol) (``draft_content_*.toml``)."""
    out: dict[tuple[str, str], dict[str, Any]] = {}
    folder = files("collsec.cases").joinpath("curated")
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not (entry.name.startswith("draft_content") and entry.name.endswith(".toml")):
            continue
        for i, a in enumerate(tomllib.loads(entry.read_text("utf-8")).get("draft", [])):
            for key in ("symbol", "case"):
                if key not in a:
                    raise InputError(
                        "missing", source=f"curated/{entry.name}", field=f"draft {i + 1}.{key}"
                    )
            out[(a["case"], _norm(a["symbol"]))] = a
    return out


def _with_content(d: dict[str, Any], c: dict[str, Any]) -> None:
    """Add a curated content entry to a record entry; a text that was read recodes
    the chapter and the measure (the note says so when they change)."""
    d["content"] = {k: c[k] for k in CONTENT_FIELDS if k in c}
    if c.get("text", "unknown") == "unknown":
        return
    changes = []
    for key in ("chapter", "measure"):
        if key in c and c[key] != d[key]:
            changes.append(f"{key} {d[key] or 'none'} -> {c[key] or 'none'}")
            d[key] = c[key]
    if changes:
        d["note"] = (d["note"] + f" Recoded from the text: {', '.join(changes)}.").strip()


def _from_page(row: Any, date: dt.date, page: str, case: Case, ann: dict) -> dict[str, Any]:
    members = _roster("unsc", date)
    yes = None if pd.isna(row.yes) else int(row.yes)
    no = 0 if pd.isna(row.no) else int(row.no)
    ab = 0 if pd.isna(row.abstain) else int(row.abstain)
    tally = f"{yes}-{no}-{ab}" if yes is not None else ""
    vetoed = list(row.vetoed_by or [])
    votes: dict[str, list[str]] = {"yes": [], "no": [], "abstain": []}
    if row.outcome == "adopted" and yes == len(members):
        status, votes["yes"] = "derived", list(members)
        how = "every member voted yes (the tally's yes count equals the membership)"
    elif vetoed:
        status, votes["no"] = "partial", vetoed
        how = "the vetoing members' no is named in the source; other votes unknown"
    else:
        status, how = "tally", "the tally only"
    measure = ann.get("measure", "")
    return {
        "symbol": row.symbol,
        "body": "unsc",
        "date": date,
        "topic": _norm(row.topic),
        "question": "procedural" if row.procedural else "substantive",
        "chapter": "",
        "measure": measure or "chapter_vi",
        "sponsors": list(ann.get("sponsors", [])),
        "accused": case.trigger.accused,
        "target": case.trigger.target,
        "parties": [],
        "members": list(members),
        "outcome": row.outcome,
        "vetoed_by": vetoed,
        "tally": tally,
        "status": status,
        **votes,
        "absent": [],
        "not_participating": [],
        "sources": [page, *ann.get("sources", [])],
        "note": (ann.get("note", "") + f" Votes: {how}.").strip()
        + ("" if measure else " Measure not annotated: taken as chapter_vi."),
    }


def build_actors(case: Case, data_dir: str | None = None) -> str:
    """The actors table (CSV text with ``# source:`` lines) from the world of the trigger."""
    w = World.at(case.trigger.date, data_dir=data_dir)
    codes = [str(c) for c in w.code]
    dist = np.asarray(w.distance, dtype=float)
    ia = codes.index(case.trigger.accused) if case.trigger.accused in codes else None
    it = codes.index(case.trigger.target) if case.trigger.target in codes else None
    pre_un = case.trigger.date.year < 1946
    buf = io.StringIO()
    buf.write(f"# actors of case {case.id}: the world of {case.trigger.date.isoformat()}\n")
    buf.write(
        "# built by `collsec cases build` from World.at(trigger date): capability share "
        "= COW NMC CINC of the year before; ideal point = Bailey, Strezhnev & Voeten (2017) "
        "of the year before (none before 1946); allies = ATOP defence pacts in force; "
        "km = COW minimum distance (empty beyond the dataset's range); ties = ATOP "
        "obligations in force with the party (either way); agree = UN General Assembly "
        "agreement with the party over the three years before (empty: unknown); milex, "
        "milper, tpop = COW NMC military expenditure (thousands of US$), personnel "
        "(thousands) and population (thousands), the latest before the trigger's year "
        "(empty: unknown)\n"
    )
    for s in w.sources:
        ds = get_dataset(s)
        buf.write(f"# source: {s} ({ds.version}): {ds.citation}\n")
    wr = csv.writer(buf, lineterminator="\n")
    wr.writerow(ACTOR_COLUMNS)
    defense = np.asarray(w.defense) > 0
    ties = np.asarray(w.ties)
    agree = np.asarray(w.agreement, dtype=float)
    un = np.asarray(w.un_member, dtype=bool)

    def kinds(i: int, j: int | None) -> str:
        if j is None or i == j:
            return ""
        return ";".join(k for b, k in enumerate(ATOP_KINDS) if int(ties[i, j]) & (1 << b))

    def share(i: int, j: int | None) -> str:
        if j is None or pre_un:
            return ""
        v = agree[i, j]
        return "" if np.isnan(v) else f"{v:.3f}"

    def km(i: int, j: int | None) -> str:
        if j is None:
            return ""
        if i == j:
            return "0"
        v = dist[i, j]
        return "" if np.isnan(v) else f"{v:g}"

    for i, code in enumerate(codes):
        allies = ";".join(sorted(codes[j] for j in np.flatnonzero(defense[i]) if j != i))
        ip = w.ideal_point[i]
        wr.writerow(
            [
                code,
                w.name[i],
                int(w.ccode[i]),
                f"{float(w.cinc[i]):.6g}" if w.cinc[i] == w.cinc[i] else "0",
                "" if pre_un or ip != ip else f"{float(ip):.4f}",
                w.region[i],
                int(bool(w.major_power[i])),
                int(bool(un[i])),
                allies,
                km(i, ia),
                km(i, it),
                kinds(i, ia),
                kinds(i, it),
                share(i, ia),
                share(i, it),
                _count(w.milex[i]),
                _count(w.milper[i]),
                _count(w.tpop[i]),
            ]
        )
    return buf.getvalue()


def _count(v: float) -> str:
    return "" if v != v else f"{v:.0f}"


def _toml(records: list[dict[str, Any]], case: Case) -> str:
    import tomli_w

    head = (
        f"# Record of case {case.id}, built by `collsec cases build {case.id}` from the UN\n"
        "# library's yearly pages and collsec/cases/curated; do not edit by hand (edit the\n"
        "# curated votes or annotations and rebuild). Statuses: named, derived, partial,\n"
        "# tally (see collsec.cases.case).\n\n"
    )
    return head + tomli_w.dumps({"decision": records}, multiline_strings=False)


#: what the build writes in the first lines of every file it writes; a record or
#: actors table without it was written by hand and is never overwritten
BUILT_MARK = "built by `collsec cases build"


def written_by_build(path: Path) -> bool:
    """Whether ``path`` says, in its first three lines, that the build wrote it."""
    try:
        with path.open(encoding="utf-8", errors="replace") as f:
            head = [f.readline() for _ in range(3)]
    except OSError:
        return False
    return any(BUILT_MARK in line for line in head)


def _target(path: Path, beside: bool) -> Path:
    """Where the build writes ``path``: ``path`` itself, unless a file there was
    written by hand; then beside it (``<id>.record.built.toml``) with ``beside``,
    or a one-line error."""
    if not path.exists() or written_by_build(path):
        return path
    stem, dot, ext = path.name.rpartition(".")
    built = path.with_name(f"{stem}.built{dot}{ext}")
    if beside:
        return built
    raise InputError(
        "written by hand (no build header), not overwritten; --beside writes the built "
        f"file to {built.name}",
        source=str(path),
    )


def write_case_files(
    case_id: str | Path,
    data_dir: str | None = None,
    out_dir: Path | None = None,
    *,
    actors: bool = True,
    beside: bool = False,
) -> list[Path]:
    """Write ``<id>.record.toml`` (and ``<id>.actors.csv``) next to the case file or in ``out_dir``.

    Files are written whole (to a temporary name, then renamed). A file there that the
    build did not write (no :data:`BUILT_MARK` in its first lines: a record or table
    written by hand, with its own sources) is never overwritten: the build refuses,
    or with ``beside`` writes ``<id>.record.built.toml`` (``<id>.actors.built.csv``)
    beside it.
    """
    case = load_case(case_id, with_record=False)
    folder = out_dir or case.path.parent
    check_writable(folder)  # before the work, not after
    record_path = _target(folder / f"{case.id}.record.toml", beside)
    actors_path = _target(folder / f"{case.id}.actors.csv", beside) if actors else None
    # both files built before either is written: a failure leaves the old pair whole
    texts = {record_path: _toml(build_record(case, data_dir), case)}
    if actors_path is not None:
        texts[actors_path] = build_actors(case, data_dir)
    for path, text in texts.items():
        atomic_write_text(path, text)
    return list(texts)

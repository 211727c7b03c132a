"""Check the Security Council's record against the Charter's voting rule.

:func:`audit_unsc` takes every decision the Dag Hammarskjöld Library's yearly
pages record (see :func:`collsec.data.unsc.load_actions`) and asks the project's
rule engine (:func:`collsec.institutions.adjudicate_tally`) what the Charter in
force on that day says the vote should have produced. Where the engine and the
record differ, the difference is explained in words; where the record contradicts
itself (a "veto" with no negative vote, a resolution number used twice), it is
listed as a source error. The record is never bent to fit the rules, nor the
rules to fit the record.

:func:`vetoes_compare` sets the yearly pages against the separate veto list, and
:func:`export_decisions` writes the adjudicated table atomically.
"""

from __future__ import annotations

import datetime as _dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from collsec.data.export import check_export_path, export_suffix, write_table
from collsec.data.unsc import (
    ACTION_COLUMNS,
    document_symbol,
    load_actions,
    load_vetoes,
)
from collsec.errors import CollsecError, InputError
from collsec.institutions import adjudicate_tally, load_body

__all__ = [
    "CHECK_KINDS",
    "MEMBER_LABELS",
    "AuditResult",
    "audit_unsc",
    "check_export_path",
    "export_decisions",
    "read_decisions",
    "vetoes_compare",
]

#: Labels of the permanent members in :func:`vetoes_compare` (keys of ``counts``).
MEMBER_LABELS = {
    "SUN": "USSR",
    "RUS": "Russia",
    "USA": "USA",
    "GBR": "UK",
    "FRA": "France",
    "CHN": "China",
}
_NAMES = {
    "SUN": "the USSR",
    "RUS": "the Russian Federation",
    "USA": "the United States",
    "GBR": "the United Kingdom",
    "FRA": "France",
    "CHN": "China",
}
# the Russian Federation took over the USSR's seat on 24 December 1991
_USSR_END = _dt.date(1991, 12, 24)

#: How each decision was checked (keys of :attr:`AuditResult.checked`).
CHECK_KINDS = {
    "tally": "checked against the recorded tally",
    "unanimous": "'adopted unanimously' with no tally: every member counted in favour",
    "without_vote": "adopted without a vote / by consensus: no tally to check, counted as agreement",
    "no_tally_adopted": "resolution listed with no tally or wording: nothing to check, agreement",
    "no_tally_vetoed": "vetoed, no tally: checked with every other member in favour",
    "no_tally_failed": "not adopted, no tally: nothing to check, agreement",
}


@dataclass
class AuditResult:
    """Outcome of :func:`audit_unsc`. :meth:`to_dict` is the stable JSON contract."""

    decisions: int
    resolutions: int
    vetoed_drafts: int
    failed_drafts: int
    agreement: float
    disagreements: list[dict[str, Any]]
    missing_resolutions: list[int]
    duplicate_resolutions: list[int]
    source_errors: list[dict[str, Any]]
    #: decisions per way of checking (see :data:`CHECK_KINDS`); not part of ``to_dict``
    checked: dict[str, int] = field(default_factory=dict)
    presidential_statements: int = 0
    #: one row per decision: :func:`load_actions` columns plus the adjudication
    table: pd.DataFrame | None = field(default=None, repr=False)

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract: exactly the keys listed in ``docs/unsc-record.md``."""
        return {
            "decisions": self.decisions,
            "resolutions": self.resolutions,
            "vetoed_drafts": self.vetoed_drafts,
            "failed_drafts": self.failed_drafts,
            "agreement": self.agreement,
            "disagreements": [dict(d) for d in self.disagreements],
            "missing_resolutions": list(self.missing_resolutions),
            "duplicate_resolutions": list(self.duplicate_resolutions),
            "source_errors": [dict(e) for e in self.source_errors],
        }


# --------------------------------------------------------------------------- helpers


def _names(codes: list[str]) -> str:
    names = [_NAMES.get(c, c) for c in codes]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _iso(ts: Any) -> str | None:
    return None if ts is None or pd.isna(ts) else pd.Timestamp(ts).date().isoformat()


def _na(x: Any) -> Any:
    return None if x is None or (not isinstance(x, list) and pd.isna(x)) else x


def _tally_text(row: Any) -> str:
    return "no tally" if pd.isna(row.yes) else f"{row.yes}-{row.no}-{row.abstain}"


def _recorded_words(row: Any) -> str:
    if row.outcome == "vetoed":
        who = _names(list(row.vetoed_by))
        return f"vetoed by {who}" if who else "vetoed"
    return "adopted" if row.outcome == "adopted" else "not adopted"


def _engine():
    return adjudicate_tally, load_body


@dataclass(frozen=True)
class _Seats:
    size: int
    elected: int


def _seats(load_body, on: _dt.date) -> _Seats:
    council = load_body("unsc", on=on)
    permanent = council.groups.get("permanent", frozenset())
    return _Seats(len(council.members), len(council.members) - len(permanent))


def _votes_required(adjudicate, on: _dt.date) -> int:
    """Affirmative votes the Charter requires on ``on`` (asked of the rule engine)."""
    return int(adjudicate("unsc", on=on, yes=0, no=0, abstain=0).required)


def _error(row: Any, problem: str) -> dict[str, Any]:
    return {
        "symbol": _na(row.symbol),
        "date": _iso(row.date),
        "meeting": _na(row.meeting),
        "source_file": _na(row.source_file),
        "problem": problem,
    }


# --------------------------------------------------------------------------- adjudication


def _adjudicate(row: Any, engine, listed: list[str] | None) -> dict[str, Any]:
    """Adjudicate one decision; return the columns the audit adds to it.

    ``listed``: the vetoing members the veto list gives for this draft, if any
    (used only to explain a disagreement, never to decide).
    """
    adjudicate, load_body = engine
    on = pd.Timestamp(row.date).date()
    seats = _seats(load_body, on)
    has_tally = not pd.isna(row.yes)
    vetoers = list(row.vetoed_by)
    out: dict[str, Any] = {"check": "tally", "required": pd.NA}
    hidden = 0  # negative votes that can only have come from unnamed permanent members

    if has_tally:
        yes, no, abstain = int(row.yes), int(row.no), int(row.abstain)
        # a veto is a permanent member's negative vote: the tally caps how many there were
        passed = vetoers[:no] if row.outcome == "vetoed" else []
        hidden = max(0, no - len(passed) - seats.elected)
    elif row.kind == "resolution" and row.unanimous:
        out["check"] = "unanimous"
        yes, no, abstain, passed = seats.size, 0, 0, []
    elif row.kind == "resolution":
        out["check"] = "without_vote" if row.without_vote else "no_tally_adopted"
        out.update(adjudicated="adopted", reason=CHECK_KINDS[out["check"]])
        return out
    elif row.outcome == "vetoed" and vetoers:
        out["check"] = "no_tally_vetoed"
        # the most favourable tally consistent with the record: if the draft fails
        # even with every other member in favour, it fails whatever the real tally was
        no = len(vetoers)
        yes, abstain, passed = seats.size - no, 0, vetoers
    else:
        out["check"] = "no_tally_failed"
        out.update(adjudicated=row.outcome, reason=CHECK_KINDS[out["check"]])
        return out

    try:
        # More negative votes than elected seats: some permanent members voted no and
        # the page does not say which. Counting those votes as abstentions can only help
        # the draft, so if it fails even then it fails as recorded; if it passes, an
        # unnamed permanent member's negative vote vetoed it.
        d = adjudicate(
            "unsc",
            on=on,
            yes=yes,
            no=no - hidden,
            abstain=abstain + hidden,
            vetoed_by=passed,
            procedural=bool(row.procedural),
        )
    except CollsecError as err:
        out.update(adjudicated="invalid", reason=f"the rule engine rejects the tally: {err}")
        return out
    required = int(d.required) if d.required is not None else pd.NA
    out["required"] = required
    reason = str(d.reason)
    if hidden and not d.adopted:
        adjudicated = "vetoed" if list(d.vetoed_by) and yes >= required else "not_adopted"
        reason += (
            f"; {hidden} of the {no} negative votes can only have come from permanent members "
            "the page does not name, which cannot change a rejection"
        )
    elif hidden and not bool(row.procedural):
        adjudicated = "vetoed"
        reason = (
            f"{yes} affirmative votes meet the {required} required, but {hidden} of the {no} "
            "negative votes can only have come from permanent members: vetoed by a permanent "
            "member the page does not name"
        )
    elif d.adopted:
        adjudicated = "adopted"
    elif list(d.vetoed_by) and yes >= required:
        adjudicated = "vetoed"
    else:
        adjudicated = "not_adopted"
    out.update(adjudicated=adjudicated, reason=reason)
    if adjudicated == row.outcome:
        return out

    # explain the miss
    tally = f"{yes}-{no}-{abstain}" if has_tally else "no tally"
    recorded = f"recorded as {_recorded_words(row)} ({tally})"
    if row.outcome == "vetoed" and has_tally and no == 0:
        guess = f" ({yes}-{abstain}-0?)" if abstain >= len(vetoers) else ""
        parts = [
            f"{recorded}, but the tally has no negative vote and a veto is a permanent "
            f"member's negative vote (Art. 27(3)); with {yes} votes in favour of the "
            f"{required} required it passes by the rules",
            f"the tally is probably transposed{guess}",
        ]
    elif row.outcome == "vetoed" and yes < required:
        in_list = (
            "the veto list counts it anyway"
            if listed
            else "the veto list does not count it as a veto either"
        )
        parts = [
            f"{recorded}, but with {yes} votes in favour of the {required} required it fails "
            f"for lack of votes, whatever {_names(vetoers) or 'the permanent members'} did",
            in_list,
        ]
    elif row.outcome == "not_adopted" and adjudicated == "adopted":
        parts = [
            f"{recorded} with no vetoing member named, but {yes} votes in favour meet the "
            f"{required} required, so by the rules it passes"
        ]
        if listed:
            parts.append(f"the veto list records a veto by {_names(listed)}: the page omits it")
        else:
            parts.append(
                "the veto list has no veto of it either, so the page's tally is probably "
                "wrong (votes for and against transposed?)"
            )
    elif row.outcome == "adopted":
        parts = [f"{recorded}, but under the Charter as in force on {on.isoformat()}: {reason}"]
    else:
        parts = [f"{recorded}, but the rules give: {reason}"]
    out["reason"] = "; ".join(parts)
    return out


# --------------------------------------------------------------------------- record checks


def _longest_increasing(values: list[int]) -> set[int]:
    """Positions of one longest strictly increasing subsequence of ``values``."""
    import bisect

    tails: list[int] = []  # tails[k]: smallest tail value of an increasing run of length k+1
    tail_pos: list[int] = []
    parent = [-1] * len(values)
    for i, v in enumerate(values):
        k = bisect.bisect_left(tails, v)
        if k == len(tails):
            tails.append(v)
            tail_pos.append(i)
        else:
            tails[k] = v
            tail_pos[k] = i
        parent[i] = tail_pos[k - 1] if k else -1
    keep: set[int] = set()
    i = tail_pos[-1] if tail_pos else -1
    while i >= 0:
        keep.add(i)
        i = parent[i]
    return keep


def _sequence_problems(res: pd.DataFrame) -> dict[Any, str]:
    """Resolutions whose number is out of step with the dates (index -> explanation).

    Resolutions are numbered in the order of adoption, so in date order the numbers
    must rise. The longest rising run is taken as right; every other resolution is
    out of sequence, and a number missing where it sits is the likely intended one.
    """
    ordered = res.sort_values(["date", "res_number"], kind="stable")
    numbers = [int(n) for n in ordered["res_number"]]
    keep = _longest_increasing(numbers)
    present = set(numbers)
    problems: dict[Any, str] = {}
    dates = list(ordered["date"])
    for pos, idx in enumerate(ordered.index):
        if pos in keep:
            continue
        # neighbours on earlier and later days (same-day order on the pages is not reliable)
        lo = max((numbers[p] for p in keep if dates[p] < dates[pos]), default=0)
        hi = min((numbers[p] for p in keep if dates[p] > dates[pos]), default=numbers[pos] + 1)
        gap = [m for m in range(lo + 1, hi) if m not in present]
        guess = (
            f"; S/RES/{gap[0]} is missing from the pages, so this is probably resolution {gap[0]}"
            if len(gap) == 1
            else ""
        )
        problems[idx] = (
            f"resolution {numbers[pos]} is out of sequence: dated "
            f"{_iso(ordered.at[idx, 'date'])}, between resolutions {lo} and {hi}{guess}"
        )
    return problems


def _record_checks(
    df: pd.DataFrame, repeated: list[dict], engine
) -> tuple[list[int], list[int], list]:
    res = df[df["kind"] == "resolution"]
    numbers = res["res_number"].astype("int64")
    top = int(numbers.max()) if len(numbers) else 0
    present = set(numbers)
    missing = [n for n in range(1, top + 1) if n not in present]

    errors: list[dict[str, Any]] = []
    counts = numbers.value_counts()
    repeated_res = {r["symbol"] for r in repeated if str(r["symbol"]).startswith("S/RES/")}
    dup_numbers = {int(n) for n in counts[counts > 1].index}
    for sym in repeated_res:
        dup_numbers.add(int(str(sym).split("/")[2].split()[0]))
    duplicates = sorted(dup_numbers)

    seq = _sequence_problems(res)
    for idx, text in seq.items():
        row = res.loc[idx]
        n = int(row.res_number)
        also = ""
        if n in dup_numbers:
            others = res[(numbers == n) & (res.index != idx)]
            where = ", ".join(f"{_iso(o.date)} ({o.meeting})" for o in others.itertuples())
            also = f"the number is also listed on {where}; "
        errors.append(_error(row, also + text))
    for n in duplicates:
        rows = res[numbers == n]
        if any(i in seq for i in rows.index):
            continue  # explained above
        if len(rows) > 1:
            where = "; ".join(f"{_iso(o.date)} ({o.meeting})" for o in rows.itertuples())
            errors.append(_error(rows.iloc[0], f"resolution {n} is listed more than once: {where}"))
    for r in repeated:
        errors.append(
            {
                "symbol": r["symbol"],
                "date": r["date"],
                "meeting": r["meeting"],
                "source_file": r["source_file"],
                "problem": "table row repeated verbatim on the page; counted once",
            }
        )

    for row in df.itertuples():
        on = pd.Timestamp(row.date).date()
        size = _seats(engine[1], on).size
        notes = [] if pd.isna(row.note) else str(row.note).split("; ")
        for note in notes:
            if note.startswith("page writes S/RES/"):
                errors.append(
                    _error(row, f"{note}: the symbol's year is wrong; the meeting's is used")
                )
            elif note.startswith("tally without a symbol"):
                errors.append(
                    _error(
                        row,
                        f"tally {row.raw} given with no draft symbol and no outcome: "
                        "recorded as a failed draft",
                    )
                )
            elif not note.endswith("first day used"):  # anything else the parser noticed
                errors.append(_error(row, f"{note} ({row.raw!r})"))
        if not pd.isna(row.yes):
            total = int(row.yes) + int(row.no) + int(row.abstain)
            if total > size:
                errors.append(
                    _error(
                        row, f"tally {_tally_text(row)} counts {total} votes in a Council of {size}"
                    )
                )
        if row.outcome == "vetoed":
            vetoers = list(row.vetoed_by)
            if not pd.isna(row.no) and int(row.no) < len(vetoers):
                errors.append(
                    _error(
                        row,
                        f"recorded as vetoed by {_names(vetoers)} but the tally {_tally_text(row)} "
                        f"has {int(row.no)} negative vote(s): a veto needs a negative vote",
                    )
                )
            for code in vetoers:
                if (code == "SUN" and on >= _USSR_END) or (code == "RUS" and on < _USSR_END):
                    errors.append(_error(row, f"{_NAMES[code]} did not hold the seat on {on}"))
            if not vetoers:
                errors.append(_error(row, "recorded as vetoed but no permanent member is named"))

    # the same draft recorded at two different meetings: one of the entries is a copy
    drafts = df[(df["kind"] == "draft") & df["symbol"].notna()]
    drafts = drafts[~drafts["symbol"].str.startswith("S/PV.")]
    for sym, rows in drafts.groupby("symbol", sort=True):
        if rows["meeting"].nunique(dropna=False) > 1:
            first = rows.iloc[0]
            for row in rows.iloc[1:].itertuples():
                same = _tally_text(row) == _tally_text(first)
                verdict = (
                    "the same tally at two meetings: one vote listed twice"
                    if same
                    else "different tallies: put to the vote twice (in parts, or revised) "
                    "or one entry misattributed"
                )
                errors.append(
                    _error(
                        row,
                        f"draft {sym} is recorded at {row.meeting} ({_recorded_words(row)}, "
                        f"{_tally_text(row)}) and at {first.meeting} on {_iso(first.date)} "
                        f"({_recorded_words(first)}, {_tally_text(first)}): {verdict}",
                    )
                )
    errors.sort(key=lambda e: (e["date"] or "", str(e["symbol"])))
    return missing, duplicates, errors


# --------------------------------------------------------------------------- public API


def _veto_index(vetoes: pd.DataFrame) -> dict[str, list[str]]:
    """Draft symbol -> vetoing members, from the veto list."""
    out: dict[str, list[str]] = {}
    for draft, codes in zip(vetoes["draft"], vetoes["vetoed_by"], strict=True):
        sym = document_symbol(str(draft))
        if sym:
            out[sym] = list(codes)
    return out


def audit_unsc(data_dir: str | os.PathLike[str] | None = None) -> AuditResult:
    """Adjudicate every recorded decision under the Charter in force on its date.

    Returns an :class:`AuditResult`; ``to_dict()`` gives the JSON contract
    documented in ``docs/unsc-record.md``.
    """
    engine = _engine()
    df = load_actions(data_dir)
    try:
        veto_list = _veto_index(load_vetoes(data_dir))
    except CollsecError:  # the veto list only sharpens explanations
        veto_list = {}

    added = [
        _adjudicate(row, engine, veto_list.get(row.symbol) if not pd.isna(row.symbol) else None)
        for row in df.itertuples()
    ]
    table = df.copy()
    table["adjudicated"] = pd.array([a["adjudicated"] for a in added], dtype="string")
    table["required"] = pd.array([a["required"] for a in added], dtype="Int64")
    table["check"] = pd.array([a["check"] for a in added], dtype="string")
    table["reason"] = pd.array([a["reason"] for a in added], dtype="string")
    table["agrees"] = (table["adjudicated"] == table["outcome"]).astype(bool)
    table.attrs = dict(df.attrs)

    disagreements = [
        {
            "symbol": _na(row.symbol),
            "date": _iso(row.date),
            "recorded": row.outcome,
            "adjudicated": row.adjudicated,
            "reason": row.reason,
        }
        for row in table[~table["agrees"]].itertuples()
    ]
    missing, duplicates, errors = _record_checks(df, df.attrs.get("repeated_rows", []), engine)
    flagged = {(e["symbol"], e["date"]) for e in errors}
    for row in table[~table["agrees"]].itertuples():
        if (_na(row.symbol), _iso(row.date)) in flagged:
            continue
        listed = veto_list.get(row.symbol) if not pd.isna(row.symbol) else None
        if row.outcome == "not_adopted" and listed:
            problem = (
                f"recorded as not adopted ({_tally_text(row)}) without the veto by "
                f"{_names(listed)} that the veto list records"
            )
        elif row.outcome == "vetoed" and not listed:
            problem = (
                f"recorded as vetoed, but its tally {_tally_text(row)} fails for lack of votes "
                "and the veto list does not count it"
            )
        else:
            problem = (
                f"recorded as {_recorded_words(row)} but its own tally {_tally_text(row)} "
                f"gives '{row.adjudicated}' under the Charter"
            )
        errors.append(_error(row, problem))
    errors.sort(key=lambda e: (e["date"] or "", str(e["symbol"])))
    n = len(table)
    return AuditResult(
        decisions=n,
        resolutions=int((table["kind"] == "resolution").sum()),
        vetoed_drafts=int((table["outcome"] == "vetoed").sum()),
        failed_drafts=int(((table["kind"] == "draft") & (table["outcome"] == "not_adopted")).sum()),
        agreement=round(float(table["agrees"].mean()), 6) if n else 1.0,
        disagreements=disagreements,
        missing_resolutions=missing,
        duplicate_resolutions=duplicates,
        source_errors=errors,
        checked={k: int((table["check"] == k).sum()) for k in CHECK_KINDS},
        presidential_statements=int(df.attrs.get("presidential_statements", 0)),
        table=table,
    )


def _match_vetoes(pages: pd.DataFrame, vetoes: pd.DataFrame) -> tuple[list, list, list]:
    """Pair page vetoes with veto-list rows: by symbol, then meeting, then date, same members."""

    def base(s: Any) -> str | None:
        return None if s is None or pd.isna(s) else document_symbol(str(s))

    left = [
        {
            "i": i,
            "symbol": base(r.symbol),
            "meeting": _na(r.meeting),
            "date": pd.Timestamp(r.date),
            "codes": tuple(sorted(r.vetoed_by)),
            "row": r,
        }
        for i, r in enumerate(pages.itertuples())
    ]
    right = [
        {
            "i": j,
            "symbol": base(r.draft),
            "meeting": base(r.meeting_record),
            "date": pd.Timestamp(r.date),
            "codes": tuple(sorted(r.vetoed_by)),
            "row": r,
        }
        for j, r in enumerate(vetoes.itertuples())
    ]
    pairs: list[tuple[dict, dict]] = []
    used_l: set[int] = set()
    used_r: set[int] = set()
    tests = [
        lambda a, b: a["symbol"] and a["symbol"] == b["symbol"] and a["codes"] == b["codes"],
        lambda a, b: a["symbol"] and a["symbol"] == b["symbol"],
        lambda a, b: a["meeting"] and a["meeting"] == b["meeting"] and a["codes"] == b["codes"],
        lambda a, b: abs((a["date"] - b["date"]).days) <= 3 and a["codes"] == b["codes"],
    ]
    for test in tests:
        for b in right:
            if b["i"] in used_r:
                continue
            cands = [a for a in left if a["i"] not in used_l and test(a, b)]
            if cands:
                a = min(cands, key=lambda a: abs((a["date"] - b["date"]).days))
                pairs.append((a, b))
                used_l.add(a["i"])
                used_r.add(b["i"])
    only_pages = [a for a in left if a["i"] not in used_l]
    only_list = [b for b in right if b["i"] not in used_r]
    return pairs, only_pages, only_list


def vetoes_compare(data_dir: str | os.PathLike[str] | None = None) -> dict[str, Any]:
    """Veto counts per permanent member: the veto list against the yearly pages.

    ``counts`` come from the whole veto list; ``pages_counts`` count the vetoes the
    yearly pages record over ``period`` (the dates both sources cover), and
    ``differences`` lists every veto one source has and the other lacks, or that
    the two date or attribute differently, with the likely reason.
    """
    adjudicate, _ = _engine()
    vetoes = load_vetoes(data_dir)
    actions = load_actions(data_dir)
    labels = list(MEMBER_LABELS.values())

    def count(lists: pd.Series) -> dict[str, int]:
        out = dict.fromkeys(labels, 0)
        for codes in lists:
            for c in codes:
                out[MEMBER_LABELS[c]] += 1
        return out

    start = max(vetoes["date"].min(), actions["date"].min())
    end = min(vetoes["date"].max(), actions["date"].max())
    pages = actions[(actions["outcome"] == "vetoed") & actions["date"].between(start, end)]
    in_period = vetoes[vetoes["date"].between(start, end)]
    pairs, only_pages, only_list = _match_vetoes(pages, in_period)

    differences: list[dict[str, Any]] = []
    by_symbol: dict[str, list[Any]] = {}
    for r in actions.itertuples():
        sym = None if pd.isna(r.symbol) else document_symbol(str(r.symbol))
        if sym:
            by_symbol.setdefault(sym, []).append(r)
    meetings = set(actions["meeting"].dropna())

    def entry(source: str, symbol: Any, date: Any, meeting: Any, codes: list[str], why: str):
        differences.append(
            {
                "source": source,
                "symbol": _na(symbol),
                "date": _iso(date),
                "meeting": _na(meeting),
                "members": [MEMBER_LABELS[c] for c in codes],
                "explanation": why,
            }
        )

    def unvetoed_entry(sym: str | None, meeting: Any) -> Any:
        """A page entry of ``sym`` at ``meeting`` that is not recorded as a veto."""
        for r in by_symbol.get(sym or "", []):
            if r.outcome != "vetoed" and (meeting is None or r.meeting == meeting):
                return r
        return None

    for a in only_pages:
        r = a["row"]
        twin = [p for p in pairs if p[0]["symbol"] == a["symbol"]]
        needed = _votes_required(adjudicate, a["date"].date())
        if not pd.isna(r.yes) and int(r.yes) < needed:
            why = (
                f"not in the veto list: with {int(r.yes)} votes in favour ({_tally_text(r)}) the "
                f"draft lacked the {needed} votes needed, so the "
                "negative vote did not decide it and is not counted as a veto"
            )
        elif twin:
            first = twin[0][1]
            why = (
                f"the pages list this draft as vetoed a second time, at {r.meeting}; the veto "
                f"list has it once, on {first['date'].date().isoformat()} ({first['meeting']})"
            )
        else:
            why = "not in the veto list"
        entry("pages only", r.symbol, r.date, r.meeting, list(r.vetoed_by), why)

    for b in only_list:
        v = b["row"]
        other = unvetoed_entry(b["symbol"], None)
        if other is not None:
            why = (
                f"the pages record this draft at {other.meeting} on {_iso(other.date)} as "
                f"'{_recorded_words(other)}' ({_tally_text(other)}) without naming "
                f"{_names(list(v.vetoed_by))}"
            )
        elif b["meeting"] and b["meeting"] not in meetings:
            why = f"the pages record no decision at {b['meeting']}: the veto is missing there"
        else:
            why = "the yearly pages record no veto of this draft"
        entry("veto list only", v.draft, v.date, v.meeting_record, list(v.vetoed_by), why)

    for a, b in pairs:
        r, v = a["row"], b["row"]
        notes = []
        if a["codes"] != b["codes"]:
            notes.append(
                "vetoing members differ: pages "
                + ", ".join(MEMBER_LABELS[c] for c in r.vetoed_by)
                + "; list "
                + ", ".join(MEMBER_LABELS[c] for c in v.vetoed_by)
            )
        if a["date"] != b["date"]:
            same_meeting = a["meeting"] and a["meeting"] == b["meeting"]
            text = (
                f"dated {a['date'].date().isoformat()} on the pages and "
                f"{b['date'].date().isoformat()} in the list"
            )
            other = unvetoed_entry(a["symbol"], b["meeting"]) if not same_meeting else None
            if other is not None:
                text += (
                    f": the list's meeting {b['meeting']} is on the pages too, as "
                    f"'{_recorded_words(other)}' ({_tally_text(other)}) without the veto, and "
                    f"the veto appears instead under {r.meeting} ({_na(r.topic)})"
                )
            elif same_meeting and abs((a["date"] - b["date"]).days) <= 2:
                text += (
                    f" for the same meeting {r.meeting}: the meeting may have gone past midnight "
                    "or resumed a day later (the pages give the day it opened), or one date is wrong"
                )
            elif same_meeting:
                text += f" for the same meeting {r.meeting}: one of the two dates is wrong"
            else:
                text += f" (pages: {r.meeting}; list: {v.meeting_record})"
            notes.append(text)
        if a["symbol"] and b["symbol"] and a["symbol"] != b["symbol"]:
            notes.append(f"draft written {r.symbol} on the pages and {v.draft} in the list")
        if notes:
            entry("both", r.symbol, r.date, r.meeting, list(r.vetoed_by), "; ".join(notes))
    outside = vetoes[~vetoes["date"].between(start, end)]
    for v in outside.itertuples():
        entry(
            "outside period",
            v.draft,
            v.date,
            v.meeting_record,
            list(v.vetoed_by),
            f"in the veto list but outside {_iso(start)}..{_iso(end)}, the period both sources "
            "cover: counted in 'counts', not in 'pages_counts'",
        )
    differences.sort(key=lambda d: (d["date"] or "", str(d["symbol"])))
    return {
        "counts": count(vetoes["vetoed_by"]),
        "period": {"start": _iso(start), "end": _iso(end)},
        "pages_counts": count(pages["vetoed_by"]),
        "differences": differences,
    }


# --------------------------------------------------------------------------- export


def export_decisions(df: pd.DataFrame, path: str | os.PathLike[str]) -> Path:
    """Write ``df`` to ``path`` as Parquet or CSV (by suffix), atomically.

    See :func:`collsec.data.export.write_table`; list columns (``vetoed_by``)
    are written as ``;``-separated codes in CSV, and :func:`read_decisions`
    reads either format back with the original dtypes.
    """
    return write_table(df, path)


def read_decisions(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read a table written by :func:`export_decisions` back with its dtypes."""
    source = Path(path)
    suffix = export_suffix(source)
    if not source.exists():
        raise InputError("file does not exist", source=str(source))
    if suffix == ".parquet":
        df = pd.read_parquet(source)
        if "vetoed_by" in df.columns:
            df["vetoed_by"] = df["vetoed_by"].map(lambda x: [str(c) for c in x])
        return df
    df = pd.read_csv(source, keep_default_na=True)
    if "vetoed_by" in df.columns:
        df["vetoed_by"] = df["vetoed_by"].map(
            lambda x: [c for c in str(x).split(";") if c] if isinstance(x, str) else []
        )
    if "date" in df.columns:
        df["date"] = pd.to_datetime(df["date"]).astype("datetime64[ns]")
    ints = ["res_number", "yes", "no", "abstain", "absent_or_np", "required"]
    for col in ints:
        if col in df.columns:
            df[col] = df[col].astype("Int64")
    bools = ["unanimous", "without_vote", "preliminary_question", "procedural", "agrees"]
    for col in bools:
        if col in df.columns:
            df[col] = df[col].astype(bool)
    strings = [c for c in [*ACTION_COLUMNS, "adjudicated", "check", "reason"] if c in df.columns]
    for col in strings:
        if col not in ints and col not in bools and col not in ("date", "vetoed_by"):
            df[col] = df[col].astype("string")
    return df

"""Convert official releases into the layout of the reference (mirror) files.

``collsec data fetch`` downloads a dataset's official release; where that release is
laid out differently from the mirror files the loaders read, the registry's
``fetch_format`` ends with a ``convert:NAME`` step and :func:`convert` rewrites the
unpacked official file into the mirror's layout: the mirror's header, in its column
order, its row order, its codes and its way of writing missing values (blank) and
numbers. Each converter is documented in :data:`CONVERTERS` and in ``docs/data.md``
("Official downloads").

Converters read the official CSV as text (UTF-8, falling back to Latin-1 as some COW
files are), match column names case-insensitively and ignoring surrounding blanks, and
raise :class:`ConvertError` (one line: the official file and the problem) when a
column is missing or a value cannot be read. They never touch the cache: :mod:`fetch`
writes their output to a temporary file and moves it into place only once every step
has succeeded.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["CONVERTERS", "ConvertError", "Converter", "convert"]


class ConvertError(Exception):
    """The official file cannot be converted (one-line message)."""


Rows = list[list[str]]


@dataclass(frozen=True)
class Converter:
    """How one official file becomes one mirror file."""

    name: str
    official: str  # the official file's name, for messages
    header: tuple[str, ...]  # the mirror's header
    run: Callable[[_Table, dict[str, Path]], Iterable[Sequence[str]]]
    needs: tuple[tuple[str, str], ...] = field(default=())  # (dataset, registry path)
    doc: str = ""


class _Table:
    """An official CSV read as text, with case-insensitive column lookup.

    Rows are parsed as they are iterated (the IGO file has some 500 columns), so a
    malformed row is reported when it is reached. Row numbers count CSV records, the
    header being row 1.
    """

    def __init__(self, path: Path, official: str) -> None:
        self.official = official
        raw = path.read_bytes()
        try:
            self.text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            self.text = raw.decode("latin-1")
        first = next(self._records(), None)
        if first is None:
            raise ConvertError(f"{official}: empty file")
        self.header = [h.strip() for h in first[1]]
        self.index = {h.lower(): i for i, h in reversed(list(enumerate(self.header)))}

    def _records(self) -> Iterator[tuple[int, list[str]]]:
        reader = csv.reader(io.StringIO(self.text, newline=""))
        n = 0
        try:
            for record in reader:
                n += 1
                yield n, record
        except csv.Error as e:
            raise ConvertError(f"{self.official}: row {n + 1}: not readable CSV ({e})") from None

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """(row number, fields) of every non-blank data row."""
        records = self._records()
        next(records)
        for n, r in records:
            if not any(c.strip() for c in r):
                continue
            if len(r) != len(self.header):
                raise ConvertError(
                    f"{self.official}: row {n} has {len(r)} fields, the header {len(self.header)}"
                )
            yield n, r

    def require(self, *names: str) -> list[int]:
        missing = [n for n in names if n.lower() not in self.index]
        if missing:
            raise ConvertError(
                f"{self.official}: missing column(s) {', '.join(missing)} (not the official layout)"
            )
        return [self.index[n.lower()] for n in names]

    def fail(self, row: int, column: str, value: str, what: str) -> ConvertError:
        return ConvertError(f"{self.official}: row {row}, {column} = {value!r}: {what}")

    def columns(self, *names: str) -> Iterator[tuple[int, list[str]]]:
        """(row number, values of ``names``) for every data row."""
        idx = self.require(*names)
        for n, r in self.rows():
            yield n, [r[i].strip() for i in idx]


def _number(table: _Table, row: int, column: str, value: str) -> float:
    try:
        return float(value)
    except ValueError:
        raise table.fail(row, column, value, "not a number") from None


def _int_text(table: _Table, row: int, column: str, value: str) -> str:
    """An integer as the mirror writes it (``3823``, not ``3823.0``); blank stays blank."""
    if value == "":
        return ""
    x = _number(table, row, column, value)
    if x != int(x):
        raise table.fail(row, column, value, "not a whole number")
    return str(int(x))


def _float_text(table: _Table, row: int, column: str, value: str) -> str:
    """A float as the mirror writes it (shortest round-trip form: ``8659.0``, ``4.78e-05``)."""
    if value == "":
        return ""
    return repr(_number(table, row, column, value))


def _int(table: _Table, row: int, column: str, value: str) -> int:
    if value == "":
        raise table.fail(row, column, value, "missing value")
    return int(_int_text(table, row, column, value))


def _select(
    table: _Table,
    pairs: Sequence[tuple[str, str]],
    *,
    kinds: dict[str, str] | None = None,
    na9: Sequence[str] = (),
) -> Rows:
    """Columns ``official -> mirror`` in mirror order, as text (``kinds``: int / float)."""
    kinds = kinds or {}
    names = [o for o, _ in pairs]
    out: Rows = []
    for n, values in table.columns(*names):
        row = []
        for (official, mirror), v in zip(pairs, values, strict=True):
            if mirror in na9 and v != "" and _number(table, n, official, v) == -9:
                v = ""
            kind = kinds.get(mirror)
            if kind == "int":
                v = _int_text(table, n, official, v)
            elif kind == "float":
                v = _float_text(table, n, official, v)
            row.append(v)
        out.append(row)
    return out


# --------------------------------------------------------------------------- COW majors

MAJORS_HEADER = ("ccode", "styear", "stmonth", "stday", "endyear", "endmonth", "endday", "version")


def _majors(table: _Table, _: dict[str, Path]) -> Rows:
    return _select(table, [(c, c) for c in MAJORS_HEADER])


# --------------------------------------------------------------------------- COW NMC

NMC_HEADER = ("ccode", "year", "milex", "milper", "irst", "pec", "tpop", "upop", "cinc")
NMC_INTS = ("ccode", "year", "milex", "milper", "irst", "pec")
NMC_FLOATS = ("tpop", "upop", "cinc")


def _nmc(table: _Table, _: dict[str, Path]) -> Rows:
    kinds = {c: "int" for c in NMC_INTS} | {c: "float" for c in NMC_FLOATS}
    return _select(table, [(c, c) for c in NMC_HEADER], kinds=kinds, na9=NMC_HEADER[2:])


# --------------------------------------------------------------------------- COW MID

MID_HEADER = (
    "dispnum", "styear", "stmon", "outcome", "settle", "fatality", "mindur", "maxdur", "hiact",
    "hostlev", "recip",
)  # fmt: skip


def _mid(table: _Table, _: dict[str, Path]) -> Rows:
    return _select(table, [(c, c) for c in MID_HEADER])


# --------------------------------------------------------------------------- ATOP

ATOP_PAIRS = (
    ("stateA", "ccode1"),
    ("stateB", "ccode2"),
    ("year", "year"),
    ("defense", "atop_defense"),
    ("offense", "atop_offense"),
    ("neutral", "atop_neutral"),
    ("nonagg", "atop_nonagg"),
    ("consul", "atop_consul"),
)
ATOP_HEADER = tuple(m for _, m in ATOP_PAIRS)


def _atop(table: _Table, _: dict[str, Path]) -> Rows:
    return _select(table, ATOP_PAIRS)


# --------------------------------------------------------------------------- COW contiguity

CONTIGUITY_HEADER = ("ccode1", "ccode2", "conttype", "stdate", "enddate")

Month = tuple[int, int]


def _yyyymm(table: _Table, row: int, column: str, value: str) -> Month:
    text = _int_text(table, row, column, value)
    if len(text) != 6 or not 1 <= int(text[4:]) <= 12:
        raise table.fail(row, column, value, "not a YYYYMM month")
    return int(text[:4]), int(text[4:])


def _iso(m: Month) -> str:
    return f"{m[0]:04d}-{m[1]:02d}-01"


def _months(lo: Month, hi: Month) -> Iterator[Month]:
    y, m = lo
    while (y, m) <= hi:
        yield y, m
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)


def _state_spells(path: Path) -> dict[int, list[tuple[dt.date, dt.date]]]:
    table = _Table(path, "cow/states.csv")
    cols = ("ccode", "styear", "stmonth", "stday", "endyear", "endmonth", "endday")
    spells: dict[int, list[tuple[dt.date, dt.date]]] = {}
    for n, v in table.columns(*cols):
        x = [_int(table, n, c, s) for c, s in zip(cols, v, strict=True)]
        try:
            start, end = dt.date(x[1], x[2], x[3]), dt.date(x[4], x[5], x[6])
        except ValueError as e:
            raise table.fail(n, "styear..endday", ",".join(v), f"not a date ({e})") from None
        spells.setdefault(x[0], []).append((start, end))
    return spells


def _contiguity(table: _Table, needs: dict[str, Path]) -> Rows:
    cols = ("statelno", "statehno", "conttype", "begin", "end")
    spells: list[tuple[int, int, int, Month, Month]] = []
    for n, v in table.columns(*cols):
        lo, hi = _int(table, n, "statelno", v[0]), _int(table, n, "statehno", v[1])
        kind = _int(table, n, "conttype", v[2])
        begin, end = _yyyymm(table, n, "begin", v[3]), _yyyymm(table, n, "end", v[4])
        spells.append((lo, hi, kind, begin, end))
    directed = spells + [(b, a, k, s, e) for a, b, k, s, e in spells]
    # conttype 0: the months both states were in the system (on a common day) that no
    # contiguity spell of the dyad covers, from the first to the last such month.
    members = _state_spells(needs["cow/states.csv"])
    covered: dict[tuple[int, int], set[Month]] = {}
    for a, b, _, s, e in directed:
        covered.setdefault((a, b), set()).update(_months(s, e))
    zeros = []
    for (a, b), months in covered.items():
        common: set[Month] = set()
        for sa, ea in members.get(a, []):
            for sb, eb in members.get(b, []):
                lo_d, hi_d = max(sa, sb), min(ea, eb)
                if lo_d <= hi_d:
                    common.update(_months((lo_d.year, lo_d.month), (hi_d.year, hi_d.month)))
        gaps = common - months
        if gaps:
            zeros.append((a, b, 0, min(gaps), max(gaps)))
    rows = sorted(directed + zeros, key=lambda r: (r[0], r[1], r[3]))
    return [[str(a), str(b), str(k), _iso(s), _iso(e)] for a, b, k, s, e in rows]


# --------------------------------------------------------------------------- COW IGO

IGO_HEADER = (
    "ccode", "year", "sum_igo_full", "sum_igo_associate", "sum_igo_observer", "sum_igo_anytype",
)  # fmt: skip
IGO_KEYS = ("ccode", "year", "state")


def _igo(table: _Table, _: dict[str, Path]) -> Rows:
    table.require(*IGO_KEYS)
    keys = {table.index[k] for k in IGO_KEYS}
    igos = [i for i in range(len(table.header)) if i not in keys]
    if not igos:
        raise ConvertError(f"{table.official}: no IGO columns (not the official layout)")
    kc, ky = table.require("ccode", "year")
    known = {"1": 1.0, "2": 2.0, "3": 3.0, "0": 0.0, "-1": -1.0, "-9": -9.0, "": None}
    out: dict[tuple[int, int], list[int]] = {}
    for n, r in table.rows():
        key = (_int(table, n, "ccode", r[kc].strip()), _int(table, n, "year", r[ky].strip()))
        counts = out.setdefault(key, [0, 0, 0, 0])
        for i in igos:
            v = r[i].strip()
            code = known[v] if v in known else _number(table, n, table.header[i], v)
            if code is None:
                continue
            if code in (1, 2, 3):
                counts[int(code) - 1] += 1
            if code >= 1:
                counts[3] += 1
    return [[str(c), str(y), *map(str, v)] for (c, y), v in sorted(out.items())]


# --------------------------------------------------------------------------- UCDP/PRIO ACD

UCDP_HEADER = (
    "conflict_id", "year", "gwno_a", "gwno_a_2nd", "gwno_b", "gwno_b_2nd", "incompatibility",
    "intensity_level", "type_of_conflict", "start_date", "start_prec", "start_date2",
    "start_prec2", "ep_end", "ep_end_date",
)  # fmt: skip
UCDP_LISTS = ("gwno_a", "gwno_a_2nd", "gwno_b", "gwno_b_2nd")
#: UCDP codebook codes -> the mirror's labels.
UCDP_INCOMPATIBILITY = {"1": "territory", "2": "government", "3": "both"}
UCDP_TYPE = {"1": "extrasystemic", "2": "interstate", "3": "intrastate", "4": "II"}


def _ucdp(table: _Table, _: dict[str, Path]) -> Rows:
    out: list[tuple[tuple[str, int], list[str]]] = []
    for n, v in table.columns(*UCDP_HEADER):
        rec = dict(zip(UCDP_HEADER, v, strict=True))
        for column, labels in (
            ("incompatibility", UCDP_INCOMPATIBILITY),
            ("type_of_conflict", UCDP_TYPE),
        ):
            code = _int_text(table, n, column, rec[column]) if rec[column] else ""
            if code not in labels:
                raise table.fail(n, column, rec[column], "not a UCDP code")
            rec[column] = labels[code]
        lists = []
        for column in UCDP_LISTS:
            items = [x.strip() for x in rec[column].split(",")]
            items = [_int_text(table, n, column, x) for x in items if x] or [""]
            lists.append(items)
        key = (rec["conflict_id"], _int(table, n, "year", rec["year"]))
        for a in lists[0]:
            for a2 in lists[1]:
                for b in lists[2]:
                    for b2 in lists[3]:
                        rec.update(gwno_a=a, gwno_a_2nd=a2, gwno_b=b, gwno_b_2nd=b2)
                        out.append((key, [rec[c] for c in UCDP_HEADER]))
    out.sort(key=lambda kv: kv[0])  # stable: conflict_id (as text), then year
    return [row for _, row in out]


# --------------------------------------------------------------------------- COW wars

WAR_HEADER = (
    "warnum", "ccode1", "ccode2", "year", "cowinterongoing", "cowinteronset", "sidea1",
    "sidea2", "initiator1", "initiator2", "outcome1", "outcome2", "batdeath1", "batdeath2",
    "resume",
)  # fmt: skip
WAR_COLUMNS = (
    "WarNum", "ccode", "Side", "StartMonth1", "StartDay1", "StartYear1", "EndMonth1",
    "EndDay1", "EndYear1", "StartMonth2", "StartDay2", "StartYear2", "EndMonth2", "EndDay2",
    "EndYear2", "Initiator", "Outcome", "BatDeath",
)  # fmt: skip


@dataclass
class _Part:
    order: int
    warnum: int
    ccode: int
    side: int
    initiator: str
    outcome: str
    batdeath: str
    start: dt.date
    end: dt.date


def _war_date(table: _Table, n: int, v: dict[str, str], which: str, k: str) -> dt.date:
    parts = [f"{which}{p}{k}" for p in ("Year", "Month", "Day")]
    y, m, d = (_int(table, n, p, v[p]) for p in parts)
    try:
        return dt.date(y, m, d)
    except ValueError:
        raise table.fail(n, "/".join(parts), f"{y}-{m}-{d}", "not a date") from None


def _war_pairs(parts: list[_Part], resume: int) -> list[list[str]]:
    best: dict[tuple[int, int, int, int, int, int], tuple[dt.date, int, int, _Part, _Part]] = {}
    wars: dict[int, list[_Part]] = {}
    for p in parts:
        wars.setdefault(p.warnum, []).append(p)
    for a, b in ((a, b) for war in wars.values() for a in war for b in war):
        if a.ccode == b.ccode or a.side == b.side:
            continue
        lo, hi = max(a.start, b.start), min(a.end, b.end)
        if lo > hi:
            continue
        for year in range(lo.year, hi.year + 1):
            first = max(lo, dt.date(year, 1, 1))
            key = (a.warnum, a.ccode, b.ccode, year, a.side, b.side)
            cand = (first, a.order, b.order, a, b)
            if key not in best or cand[:3] < best[key][:3]:
                best[key] = cand
    rows = []
    previous = None
    for key in sorted(best):
        _, _, _, a, b = best[key]
        dyad = key[:3]
        onset = "1" if dyad != previous else "0"
        previous = dyad
        rows.append(
            [
                str(a.warnum), str(a.ccode), str(b.ccode), str(key[3]), "1", onset,
                str(a.side), str(b.side),
                "1" if a.initiator == "1" else "0", "1" if b.initiator == "1" else "0",
                a.outcome if not resume else "", b.outcome if not resume else "",
                a.batdeath, b.batdeath, str(resume),
            ]
        )  # fmt: skip
    return rows


def _wars(table: _Table, _: dict[str, Path]) -> Rows:
    first: list[_Part] = []
    second: list[_Part] = []
    for n, values in table.columns(*WAR_COLUMNS):
        v = dict(zip(WAR_COLUMNS, values, strict=True))
        warnum = _int(table, n, "WarNum", v["WarNum"])
        ccode = _int(table, n, "ccode", v["ccode"])
        side = _int(table, n, "Side", v["Side"])
        initiator = _int_text(table, n, "Initiator", v["Initiator"])
        outcome = _int_text(table, n, "Outcome", v["Outcome"])
        batdeath = _int_text(table, n, "BatDeath", v["BatDeath"])
        episodes = [(first, "1")]
        if _int(table, n, "StartYear2", v["StartYear2"]) != -8:
            episodes.append((second, "2"))
        for into, k in episodes:
            start = _war_date(table, n, v, "Start", k)
            end = _war_date(table, n, v, "End", k)
            if end < start:
                raise table.fail(n, f"EndYear{k}", v[f"EndYear{k}"], "ends before it starts")
            into.append(_Part(n, warnum, ccode, side, initiator, outcome, batdeath, start, end))
    return _war_pairs(first, 0) + _war_pairs(second, 1)


# --------------------------------------------------------------------------- registry

CONVERTERS: dict[str, Converter] = {
    c.name: c
    for c in (
        Converter("cow_majors", "majors2016.csv", MAJORS_HEADER, _majors,
                  doc="drop stateabb"),
        Converter("cow_nmc", "NMC-*-abridged.csv", NMC_HEADER, _nmc,
                  doc="drop stateabb and version; -9 -> blank; tpop, upop, cinc as floats"),
        Converter("cow_mid", "MIDA 5.0.csv", MID_HEADER, _mid,
                  doc="keep the mirror's 11 dispute-level columns"),
        Converter("atop", "atop5_1ddyr.csv", ATOP_HEADER, _atop,
                  doc="stateA/stateB -> ccode1/ccode2; obligations -> atop_*"),
        Converter("cow_contiguity", "contdir.csv", CONTIGUITY_HEADER, _contiguity,
                  needs=(("cow_states", "cow/states.csv"),),
                  doc="both directions, YYYYMM -> ISO dates, conttype 0 spells from cow_states"),
        Converter("cow_igo", "state_year_formatv3.csv", IGO_HEADER, _igo,
                  doc="per state-year counts of full, associate, observer, any membership"),
        Converter("ucdp_acd", "UcdpPrioConflict_v25_1.csv", UCDP_HEADER, _ucdp,
                  doc="lists spread over rows; codes -> labels; sorted by conflict_id, year"),
        Converter("cow_wars", "Inter-StateWarData_v4.0.csv", WAR_HEADER, _wars,
                  doc="participants -> directed dyad-years of opponents"),
    )
}  # fmt: skip


def convert(name: str, src: Path, dest: Path, needs: dict[str, Path] | None = None) -> None:
    """Convert the official file ``src`` with converter ``name`` into ``dest`` (mirror layout).

    ``needs`` maps the registry paths in the converter's ``needs`` to files (for
    contiguity: ``cow/states.csv``). Raises :class:`ConvertError` (one line).
    """
    conv = CONVERTERS.get(name)
    if conv is None:
        raise ConvertError(f"unknown converter '{name}'")
    given = needs or {}
    for dataset, path in conv.needs:
        if path not in given:
            raise ConvertError(f"{conv.official}: needs {path} ({dataset})")
    table = _Table(src, conv.official)
    rows = conv.run(table, given)
    with open(dest, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(conv.header)
        writer.writerows(rows)

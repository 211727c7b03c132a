"""The code crosswalk: COW, ISO 3166 and Gleditsch-Ward codes and collsec member codes, by date.

Datasets name states by different codes: Correlates of War numbers (COW, ATOP,
ideal points, ICB), Gleditsch-Ward numbers (UCDP), ISO 3166 alpha-2 (UN votes)
and alpha-3 codes, and collsec's own member codes (:mod:`collsec.world.codes`).
The same code can mean different states at different times (COW 365 is the
USSR, then the Russian Federation; GW 970 is Kiribati, COW 970 is Nauru; ISO CS
was Czechoslovakia, then Serbia and Montenegro), so every conversion here is
made *on a date*.

The table is ``crosswalk.csv`` beside this module, built by
``tools/build_crosswalk.py``: one row per COW state and validity spell, cut
where one of its codes changes. ``start`` and ``end`` are inclusive; a blank
``end`` is an open spell (COW v2016 stops on 2016-12-31 and spells reaching that
day are treated as continuing). The conventions and the hard cases are in
``docs/codes.md``; the ``source`` column names the keys of :data:`SOURCES`.

:func:`crosswalk_check` checks the UN General Assembly votes and ideal points
of a data directory against the COW state system (``collsec data verify``).
"""

from __future__ import annotations

import csv
import datetime as dt
import os
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Literal, NamedTuple

import pandas as pd

from collsec.errors import InputError

__all__ = [
    "EXPLAINED",
    "KINDS",
    "SOURCES",
    "CrosswalkRow",
    "Explanation",
    "code_on",
    "cow_to_gw",
    "cow_to_iso3",
    "crosswalk",
    "crosswalk_check",
    "crosswalk_rows",
    "gw_to_cow",
    "iso2_to_cow",
    "iso3_to_cow",
]

Kind = Literal["cow", "cow_abb", "iso3", "iso2", "gw", "code", "name"]
KINDS: tuple[str, ...] = ("cow", "cow_abb", "iso3", "iso2", "gw", "code", "name")
_KEY_KINDS = ("cow", "cow_abb", "iso3", "iso2", "gw", "code")
_INT_KINDS = ("cow", "gw")
_LABEL = {
    "cow": "COW code",
    "cow_abb": "COW abbreviation",
    "iso3": "ISO3 code",
    "iso2": "ISO2 code",
    "gw": "GW code",
    "code": "member code",
    "name": "name",
}

#: Keys of the ``source`` column and what they cite.
SOURCES: dict[str, str] = {
    "COW2016": "Correlates of War Project (2017), State System Membership List v2016 "
    "(cow/states.csv): COW codes, abbreviations, names and spells.",
    "BSV2017": "Bailey, Strezhnev & Voeten (2017), 'Estimating Dynamic State Preferences "
    "from United Nations Voting Data', JCR 61(2), July 2025 release "
    "(unga/ideal_points.csv): COW code to ISO3 pairs.",
    "VSB2009": "Voeten, Strezhnev & Bailey (2009), United Nations General Assembly Voting "
    "Data, Harvard Dataverse doi:10.7910/DVN/LEJUQZ, unvotes tables (unga/votes.csv.gz): "
    "ISO2 codes, matched to ISO3 through country names.",
    "GW1999": "Gleditsch & Ward (1999), 'Interstate System Membership: A Revised List of "
    "the Independent States since 1816', International Interactions 25(4): 393-413, with "
    "its microstates list: GW codes equal COW codes except where stated.",
    "GWLIST": "The Gleditsch-Ward state list as distributed by K. S. Gleditsch "
    "(ksgleditsch.com, list to 2020): GW spells quoted in notes (Serbia 340 1878-07-13 to "
    "1915-10-01 and from 2006-06-05; Yugoslavia 345 1918-12-01 to 2006-06-04; German "
    "Federal Republic 260 from 1949-09-21; GDR 265 1949-10-05 to 1990-10-02; Yemen 678 "
    "from 1918-10-30; Yemen PR 680 1967-11-30 to 1990-05-21; Kosovo 347 from 2008-02-17).",
    "BEGER2019": "Beger, A. (2019), 'G&W and COW country code differences', vignette of "
    "the R package states: GW keeps 260 for unified Germany and 678 for unified Yemen, "
    "codes Serbia 340 after 2006, Kiribati 970, Nauru 971, Tonga 972, Tuvalu 973.",
    "ISO3166-3": "ISO 3166-3:2013, codes for formerly used names of countries (as adopted "
    "in TCVN 7217-3:2013): SUHH SU/SUN 1974-1992, CSHH CS/CSK 1974-1993, DDDE DD/DDR "
    "1974-1990, YDYE YD/YMD 1974-1990, VDVN VD/VDR 1974-1977, YUCS YU/YUG 1974-2003, "
    "CSXX CS/SCG 2003-2006 (divided 2006-09-26).",
    "ISOMA2003": "ISO 3166 Maintenance Agency, interim reports of 2003-06-18 and "
    "2003-07-07 and ISO 3166-1 Newsletter V-8 (2003-07-23): Yugoslavia YU/YUG/891 becomes "
    "Serbia and Montenegro CS/SCG/891; YU/YUG to be used until then.",
    "COLLSEC": "collsec member codes, src/collsec/world/codes.csv (tools/build_codes.py).",
}


@dataclass(frozen=True)
class CrosswalkRow:
    """One row of the crosswalk: the codes of one state during one spell (dates inclusive)."""

    cow: int
    cow_abb: str
    iso3: str | None
    iso2: str | None
    gw: int | None
    name: str
    start: dt.date
    end: dt.date | None
    code: str | None
    note: str
    source: str

    def valid_on(self, on: dt.date) -> bool:
        return self.start <= on and (self.end is None or on <= self.end)

    def overlaps_year(self, year: int) -> bool:
        return self.start.year <= year and (self.end is None or self.end.year >= year)


def _text() -> str:
    return files("collsec.world").joinpath("crosswalk.csv").read_text(encoding="utf-8")


@cache
def crosswalk_rows() -> tuple[CrosswalkRow, ...]:
    """All rows of the shipped crosswalk, as typed records (cached)."""
    out = []
    for r in csv.DictReader(_text().splitlines()):
        out.append(
            CrosswalkRow(
                cow=int(r["cow"]),
                cow_abb=r["cow_abb"],
                iso3=r["iso3"] or None,
                iso2=r["iso2"] or None,
                gw=int(r["gw"]) if r["gw"] else None,
                name=r["name"],
                start=dt.date.fromisoformat(r["start"]),
                end=dt.date.fromisoformat(r["end"]) if r["end"] else None,
                code=r["code"] or None,
                note=r["note"],
                source=r["source"],
            )
        )
    return tuple(out)


def crosswalk() -> pd.DataFrame:
    """The crosswalk as a typed DataFrame (a fresh copy on each call).

    Columns: ``cow`` (int64), ``cow_abb``, ``iso3``, ``iso2`` (string, missing
    where no ISO code designates the state), ``gw`` (Int64, missing where the
    state is not in the Gleditsch-Ward list in that spell), ``name``, ``start``,
    ``end`` (datetime64; ``end`` is NaT for open spells), ``code`` (the collsec
    member code, missing for states without one), ``note`` and ``source``.

    Examples
    --------
    >>> df = crosswalk()
    >>> row = df[(df.cow == 260)].iloc[0]
    >>> (row.iso3, int(row.gw), row.start.date().isoformat(), row.end.date().isoformat())
    ('DEU', 260, '1955-05-05', '1990-10-02')
    """
    rows = crosswalk_rows()
    df = pd.DataFrame(
        {
            "cow": pd.array([r.cow for r in rows], dtype="int64"),
            "cow_abb": pd.array([r.cow_abb for r in rows], dtype="string"),
            "iso3": pd.array([r.iso3 for r in rows], dtype="string"),
            "iso2": pd.array([r.iso2 for r in rows], dtype="string"),
            "gw": pd.array([r.gw for r in rows], dtype="Int64"),
            "name": pd.array([r.name for r in rows], dtype="string"),
            "start": pd.to_datetime([r.start for r in rows]),
            "end": pd.to_datetime([r.end for r in rows]),
            "code": pd.array([r.code for r in rows], dtype="string"),
            "note": pd.array([r.note for r in rows], dtype="string"),
            "source": pd.array([r.source for r in rows], dtype="string"),
        }
    )
    return df


@cache
def _index() -> dict[tuple[str, object], tuple[CrosswalkRow, ...]]:
    idx: dict[tuple[str, object], list[CrosswalkRow]] = {}
    for r in crosswalk_rows():
        for kind in _KEY_KINDS:
            value = getattr(r, kind)
            if value is not None and value != "":
                idx.setdefault((kind, value), []).append(r)
    return {k: tuple(v) for k, v in idx.items()}


def _norm_value(kind: str, value: object) -> object:
    if kind in _INT_KINDS:
        if isinstance(value, bool):
            raise InputError(f"{_LABEL[kind]} must be a number, not {value!r}", source=kind)
        try:
            return int(str(value).strip())
        except ValueError:
            raise InputError(
                f"{_LABEL[kind]} must be a number, not {value!r}", source=kind
            ) from None
    return str(value).strip().upper()


def _norm_date(on: dt.date | str) -> dt.date:
    if isinstance(on, dt.datetime):
        return on.date()
    if isinstance(on, dt.date):
        return on
    try:
        return dt.date.fromisoformat(str(on).strip())
    except ValueError:
        raise InputError(f"not an ISO date: {on!r} (use YYYY-MM-DD)", source="date") from None


def _check_kind(kind: str, allowed: Iterable[str]) -> None:
    allowed = tuple(allowed)
    if kind not in allowed:
        raise InputError(f"unknown code kind {kind!r} (use one of {', '.join(allowed)})")


def code_on(
    kind_from: Kind,
    value: object,
    kind_to: Kind,
    on: dt.date | str,
    *,
    strict: bool = False,
) -> object | None:
    """Convert ``value`` of kind ``kind_from`` to kind ``kind_to`` as of the date ``on``.

    Parameters
    ----------
    kind_from : {"cow", "cow_abb", "iso3", "iso2", "gw", "code"}
        What ``value`` is: a COW number or abbreviation, an ISO 3166 alpha-3 or
        alpha-2 code, a Gleditsch-Ward number, or a collsec member code.
    value : int or str
        The code (case and surrounding spaces are ignored; numbers may be strings).
    kind_to : {"cow", "cow_abb", "iso3", "iso2", "gw", "code", "name"}
        What to return.
    on : datetime.date or str
        The day (``YYYY-MM-DD`` strings accepted). Codes are valid from a
        row's ``start`` to its ``end`` inclusive.
    strict : bool
        If true, raise instead of returning ``None``.

    Returns
    -------
    int, str or None
        The code (an ``int`` for ``cow`` and ``gw``), or ``None`` if ``value``
        designates no state on ``on`` or that state has no code of kind ``kind_to``.

    Raises
    ------
    InputError
        With ``strict=True``: a one-line message naming the code and the date.
        Always: an unknown kind, a malformed number or date.

    Examples
    --------
    >>> import datetime as dt
    >>> code_on("gw", 970, "cow", dt.date(2005, 1, 1))   # GW 970 is Kiribati
    946
    >>> code_on("cow", 970, "name", "2005-01-01")         # COW 970 is Nauru
    'Nauru'
    >>> code_on("iso2", "CS", "cow", "1980-01-01"), code_on("iso2", "CS", "cow", "2005-01-01")
    (315, 345)
    >>> code_on("cow", 365, "code", "1991-12-24")  # the Russian Federation's UN seat
    'RUS'
    >>> code_on("iso3", "SUN", "cow", "1995-01-01") is None
    True
    """
    _check_kind(kind_from, _KEY_KINDS)
    _check_kind(kind_to, KINDS)
    day = _norm_date(on)
    key = _norm_value(kind_from, value)
    rows = [r for r in _index().get((kind_from, key), ()) if r.valid_on(day)]
    if not rows:
        if strict:
            known = (kind_from, key) in _index()
            why = "designates no state on" if known else "is unknown; checked on"
            raise InputError(f"{_LABEL[kind_from]} {key} {why} {day.isoformat()}", source=kind_from)
        return None
    result = getattr(rows[0], kind_to)
    if result is None and strict:
        raise InputError(
            f"{_LABEL[kind_from]} {key} has no {_LABEL[kind_to]} on {day.isoformat()} "
            f"({rows[0].name})",
            source=kind_from,
        )
    return result


def cow_to_iso3(cow: int, on: dt.date | str, *, strict: bool = False) -> str | None:
    """ISO 3166 alpha-3 code of COW state ``cow`` on ``on`` (ISO 3166-3 codes for ended states).

    Examples
    --------
    >>> from datetime import date
    >>> cow_to_iso3(365, date(1980, 1, 1))
    'SUN'
    >>> cow_to_iso3(365, date(1992, 1, 1))
    'RUS'
    >>> cow_to_iso3(345, date(2010, 1, 1))
    'SRB'
    >>> cow_to_iso3(817, date(1970, 1, 1)) is None   # South Vietnam has no ISO code
    True
    """
    return code_on("cow", cow, "iso3", on, strict=strict)  # type: ignore[return-value]


def iso3_to_cow(iso3: str, on: dt.date | str, *, strict: bool = False) -> int | None:
    """COW code of the state with ISO 3166 alpha-3 code ``iso3`` on ``on``.

    Examples
    --------
    >>> from datetime import date
    >>> iso3_to_cow("DEU", date(1980, 1, 1)), iso3_to_cow("DEU", date(2000, 1, 1))
    (260, 255)
    >>> iso3_to_cow("YEM", date(1980, 1, 1)), iso3_to_cow("YEM", date(2000, 1, 1))
    (678, 679)
    """
    return code_on("iso3", iso3, "cow", on, strict=strict)  # type: ignore[return-value]


def iso2_to_cow(iso2: str, on: dt.date | str, *, strict: bool = False) -> int | None:
    """COW code of the state with ISO 3166 alpha-2 code ``iso2`` on ``on``.

    Examples
    --------
    >>> from datetime import date
    >>> iso2_to_cow("SU", date(1960, 1, 1)), iso2_to_cow("YD", date(1980, 1, 1))
    (365, 680)
    >>> iso2_to_cow("NA", date(2000, 1, 1))   # Namibia
    565
    """
    return code_on("iso2", iso2, "cow", on, strict=strict)  # type: ignore[return-value]


def cow_to_gw(cow: int, on: dt.date | str, *, strict: bool = False) -> int | None:
    """Gleditsch-Ward code of COW state ``cow`` on ``on``.

    Examples
    --------
    >>> from datetime import date
    >>> cow_to_gw(255, date(2000, 1, 1)), cow_to_gw(679, date(2000, 1, 1))
    (260, 678)
    >>> cow_to_gw(345, date(2010, 1, 1)), cow_to_gw(946, date(2010, 1, 1))
    (340, 970)
    """
    return code_on("cow", cow, "gw", on, strict=strict)  # type: ignore[return-value]


def gw_to_cow(gw: int, on: dt.date | str, *, strict: bool = False) -> int | None:
    """COW code of the state with Gleditsch-Ward code ``gw`` on ``on`` (within COW spells).

    Examples
    --------
    >>> from datetime import date
    >>> gw_to_cow(260, date(1980, 1, 1)), gw_to_cow(260, date(2000, 1, 1))
    (260, 255)
    >>> gw_to_cow(678, date(1980, 1, 1)), gw_to_cow(678, date(2000, 1, 1))
    (678, 679)
    >>> gw_to_cow(340, date(2010, 1, 1))
    345
    """
    return code_on("gw", gw, "cow", on, strict=strict)  # type: ignore[return-value]


# --------------------------------------------------------------------------
# The verify check
# --------------------------------------------------------------------------


class Explanation(NamedTuple):
    """A known reason why a data item does not map to a COW state in the COW system.

    ``source`` is ``"unga_votes"`` or ``"ideal_points"``; ``code`` the item's code
    as reported (an ISO2 code for votes, ``"ccode/iso3c"`` for ideal points);
    ``first``/``last`` the years it covers; ``name`` restricts it to one country
    name (for rows without a code); ``cow``, where given, is the COW state the item
    is (the item then counts as explained only while that state is in the COW system).
    """

    source: str
    code: str
    first: int
    last: int
    reason: str
    cow: int | None = None
    name: str | None = None


_SSR = (
    "an original UN member (1945) as a Soviet republic; COW counts it as a state only "
    "from 1991-12-26"
)

_INDIA = (
    "India, an original UN member (1945-10-30) before independence; COW counts it from 1947-08-15"
)

#: Known explanations of mismatches in the UN mirrors (see docs/codes.md).
EXPLAINED: tuple[Explanation, ...] = (
    # -- states in the UN before COW counts them --------------------------------
    Explanation("unga_votes", "BY", 1946, 1990, f"Byelorussian SSR: {_SSR}"),
    Explanation("unga_votes", "UA", 1946, 1990, f"Ukrainian SSR: {_SSR}"),
    Explanation("ideal_points", "370/BLR", 1946, 1990, f"Byelorussian SSR: {_SSR}"),
    Explanation("ideal_points", "369/UKR", 1946, 1990, f"Ukrainian SSR: {_SSR}"),
    Explanation("unga_votes", "IN", 1946, 1946, _INDIA),
    Explanation("ideal_points", "750/IND", 1946, 1946, _INDIA),
    # -- the Republic of China before COW's Taiwan (713) ---------------------------
    Explanation(
        "unga_votes",
        "TW",
        1946,
        1948,
        "the Republic of China held China's seat; the vote file labels it TW, but before "
        "1949-12-08 COW codes that government as China (710)",
        cow=710,
    ),
    Explanation(
        "ideal_points",
        "713/TWN",
        1946,
        1948,
        "the Republic of China held China's seat; the ideal-point file codes it 713 "
        "throughout, but before 1949-12-08 COW codes that government as China (710)",
        cow=710,
    ),
    # -- labels that use another state's code ------------------------------------
    Explanation(
        "unga_votes",
        "RU",
        1946,
        1990,
        "the vote file labels the USSR with the Russian Federation's RU (the USSR is SU); "
        "same COW state 365",
        cow=365,
    ),
    Explanation(
        "ideal_points",
        "365/RUS",
        1946,
        1990,
        "the ideal-point file labels the USSR with the Russian Federation's RUS (SUN); "
        "ccode 365 is right",
        cow=365,
    ),
    Explanation(
        "unga_votes",
        "YU",
        2004,
        2020,
        "the vote file keeps Yugoslavia's YU for Serbia and Montenegro (CS, from 2003-07-23) "
        "and Serbia (RS); same COW state 345",
        cow=345,
    ),
    Explanation(
        "ideal_points",
        "345/YUG",
        2004,
        2024,
        "the ideal-point file keeps Yugoslavia's YUG for Serbia and Montenegro (SCG) and "
        "Serbia (SRB); ccode 345 is right",
        cow=345,
    ),
    Explanation(
        "ideal_points",
        "680/YAR",
        1967,
        1989,
        "the ideal-point file labels South Yemen with North Yemen's YAR (South Yemen is "
        "YMD); ccode 680 is right",
        cow=680,
    ),
    # -- votes without an ISO2 code, identified by name ---------------------------
    Explanation(
        "unga_votes",
        "",
        1973,
        1990,
        "the vote file leaves the ISO2 code blank; the name identifies COW 260",
        cow=260,
        name="Federal Republic of Germany",
    ),
    Explanation(
        "unga_votes",
        "",
        1947,
        1990,
        "the vote file leaves the ISO2 code blank; the name identifies COW 678",
        cow=678,
        name="Yemen Arab Republic",
    ),
    Explanation(
        "unga_votes",
        "",
        1963,
        1963,
        "the vote file leaves the ISO2 code blank; the name identifies COW 511",
        cow=511,
        name="Zanzibar",
    ),
)

#: Spells that COW v2016 ends on this day are treated as continuing (no state in the
#: COW system at the end of 2016 has ceased to exist since).
COW_V2016_END = dt.date(2016, 12, 31)

SESSION_YEAR_REASON = (
    "session year: the ideal-point year {year} labels Assembly session {session} (opened in "
    "{year}); the state entered the COW system on {start} and voted in that "
    "session afterwards"
)


def _read_states(path: Path) -> dict[int, list[tuple[dt.date, dt.date]]]:
    spells: dict[int, list[tuple[dt.date, dt.date]]] = {}
    with open(path, encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            start = dt.date(int(r["styear"]), int(r["stmonth"]), int(r["stday"]))
            end = dt.date(int(r["endyear"]), int(r["endmonth"]), int(r["endday"]))
            spells.setdefault(int(r["ccode"]), []).append((start, end))
    return spells


class _System:
    """COW system membership by year, with the v2016 extension rule."""

    def __init__(self, spells: dict[int, list[tuple[dt.date, dt.date]]]):
        self.spells = spells

    def status(self, cow: int, year: int) -> str | None:
        """``"in"`` if a spell overlaps ``year``, ``"extended"`` if only by the v2016 rule."""
        extended = False
        for start, end in self.spells.get(cow, ()):
            if start.year <= year <= end.year:
                return "in"
            if end == COW_V2016_END and start.year <= year:
                extended = True
        return "extended" if extended else None

    def next_start(self, cow: int, year: int) -> dt.date | None:
        starts = [s for s, _ in self.spells.get(cow, ()) if s.year == year + 1]
        return min(starts) if starts else None


def _rows_in_year(kind: str, value: object, year: int) -> list[CrosswalkRow]:
    return [r for r in _index().get((kind, value), ()) if r.overlaps_year(year)]


def _explain(source: str, code: str, year: int, name: str | None) -> Explanation | None:
    for e in EXPLAINED:
        matches = e.source == source and e.code == code and e.first <= year <= e.last
        if matches and (e.name is None or e.name == name):
            return e
    return None


def _locate(name: str, path: str, data_dir: str | os.PathLike[str] | None) -> Path:
    from collsec.data.registry import locate

    return locate(name, path, data_dir=data_dir)


def crosswalk_check(data_dir: str | os.PathLike[str] | None = None) -> dict[str, object]:
    """Check UN votes and ideal points against the COW state system through the crosswalk.

    Every UN General Assembly voter-year (ISO2 code and year of the roll call)
    and every ideal-point row (``ccode``/``iso3c``, year) should name a state that
    is in the COW system in that year (some spell in ``cow/states.csv`` overlaps
    the year). Votes are mapped ISO2 -> COW through the crosswalk; ideal-point
    rows by ``ccode``, and their ``iso3c`` label must match the ISO3 code or the
    member code of that state in that year. Rules applied throughout:

    - COW v2016 ends on 2016-12-31: spells ending that day are treated as
      continuing, so 2017-2024 items map.
    - Ideal-point years are session years (session n opens in 1945 + n): a
      state that entered the COW system in the following calendar year and
      voted in that session after entering is explained ("session year").

    Everything else that does not map is looked up in :data:`EXPLAINED`.

    Parameters
    ----------
    data_dir : path, optional
        The data directory (default: ``$COLLSEC_DATA_DIR``, then the cache).

    Returns
    -------
    dict
        ``{"checked": {"unga_votes": N, "ideal_points": M}, "rows": {...},
        "unmapped": [...], "unexplained": [...], "rules": {...}}``. ``checked``
        counts distinct voter-years and ideal-point rows; ``rows`` the rows read.
        ``unmapped`` lists every item that does not map, each
        ``{"source", "code", "year", "reason", "explained", "cow", "name"}``;
        ``unexplained`` is the part of it with ``explained`` false (empty on the
        reference mirror).

    Examples
    --------
    >>> report = crosswalk_check("../shared/data")  # doctest: +SKIP
    >>> report["checked"], report["unexplained"]  # doctest: +SKIP
    ({'unga_votes': 10633, 'ideal_points': 11440}, [])
    """
    states_path = _locate("cow_states", "cow/states.csv", data_dir)
    votes_path = _locate("unga_votes", "unga/votes.csv.gz", data_dir)
    calls_path = _locate("unga_votes", "unga/roll_calls.csv", data_dir)
    ideal_path = _locate("unga_ideal_points", "unga/ideal_points.csv", data_dir)

    system = _System(_read_states(states_path))
    unmapped: list[dict[str, object]] = []
    extended: set[tuple[str, str, int]] = set()

    def member(source: str, code: str, cow: int, year: int) -> bool:
        status = system.status(cow, year)
        if status == "extended":
            extended.add((source, code, year))
        return status is not None

    def miss(
        source: str, code: str, year: int, name: str, default: str, cow: int | None = None
    ) -> None:
        e = _explain(source, code, year, name)
        ok = e is not None and (e.cow is None or member(source, code, e.cow, year))
        unmapped.append(
            {
                "source": source,
                "code": code,
                "year": year,
                "reason": e.reason if e is not None and ok else default,
                "explained": ok,
                "cow": e.cow if e is not None and e.cow is not None else cow,
                "name": name,
            }
        )

    # UN votes: distinct (ISO2, name, year) of the roll calls.
    votes = pd.read_csv(
        votes_path,
        usecols=["rcid", "country", "country_code"],
        keep_default_na=False,
        dtype={"rcid": "int64", "country": str, "country_code": str},
    )
    calls = pd.read_csv(calls_path, usecols=["rcid", "session", "date"], dtype={"date": str})
    calls["year"] = calls["date"].str[:4].astype(int)
    voted = votes.merge(calls, on="rcid", how="left")
    if voted["year"].isna().any():
        raise InputError(
            "votes refer to roll calls missing from roll_calls.csv", source=str(calls_path)
        )
    voter_years = voted[["country_code", "country", "year"]].drop_duplicates()
    last_vote = {  # (ISO2, session) -> date of the state's last roll call in that session
        (iso2, int(session)): str(date)
        for (iso2, session), date in voted.groupby(["country_code", "session"])["date"]
        .max()
        .items()
    }
    for iso2, name, year in voter_years.itertuples(index=False):
        year = int(year)
        iso2 = iso2.strip().upper()
        if not iso2:
            miss("unga_votes", "", year, name, f"no ISO2 code for '{name}'")
            continue
        rows = _rows_in_year("iso2", iso2, year)
        if any(member("unga_votes", iso2, r.cow, year) for r in rows):
            continue
        if rows:
            default = f"ISO2 {iso2} is COW {rows[0].cow}, not in the COW system in {year}"
        else:
            default = f"ISO2 {iso2} designates no state of the crosswalk in {year}"
        miss("unga_votes", iso2, year, name, default, rows[0].cow if rows else None)

    # Ideal points: ccode in the system that year, and iso3c matching that state.
    ideal = pd.read_csv(
        ideal_path,
        usecols=["ccode", "iso3c", "countryname", "year"],
        keep_default_na=False,
        dtype={"ccode": "int64", "iso3c": str, "countryname": str, "year": "int64"},
    )
    session_year = 0
    for ccode, iso3c, cname, year in ideal.itertuples(index=False):
        ccode, year = int(ccode), int(year)
        iso3c = iso3c.strip().upper()
        code = f"{ccode}/{iso3c}"
        if not member("ideal_points", code, ccode, year):
            start = system.next_start(ccode, year)
            iso2 = code_on("cow", ccode, "iso2", start) if start else None
            session = year - 1945  # session n opens in September of 1945 + n
            if start and iso2 and last_vote.get((iso2, session), "") >= start.isoformat():
                session_year += 1
                reason = SESSION_YEAR_REASON.format(
                    year=year, session=session, start=start.isoformat()
                )
                unmapped.append(
                    {
                        "source": "ideal_points",
                        "code": code,
                        "year": year,
                        "reason": reason,
                        "explained": True,
                        "cow": ccode,
                        "name": cname,
                    }
                )
                continue
            default = f"COW {ccode} is not in the COW system in {year}"
            miss("ideal_points", code, year, cname, default, ccode)
            continue
        if not iso3c:
            continue  # no label to check; the COW code maps
        labels = {x for r in _rows_in_year("cow", ccode, year) for x in (r.iso3, r.code)}
        if iso3c not in labels:
            shown = ", ".join(sorted(x for x in labels if x)) or "none"
            default = f"iso3c {iso3c} is not a code of COW {ccode} in {year} ({shown})"
            miss("ideal_points", code, year, cname, default, ccode)

    unexplained = [u for u in unmapped if not u["explained"]]
    return {
        "checked": {"unga_votes": len(voter_years), "ideal_points": len(ideal)},
        "rows": {"unga_votes": len(votes), "ideal_points": len(ideal)},
        "unmapped": unmapped,
        "unexplained": unexplained,
        "rules": {
            "cow_v2016_extension": {
                "rule": "COW spells ending 2016-12-31 (the end of v2016) are treated as continuing",
                "items": len(extended),
            },
            "session_year": {
                "rule": "an ideal-point year is a session year: a state that entered the COW "
                "system in the next calendar year and voted in that session after entering "
                "is explained",
                "items": session_year,
            },
        },
    }

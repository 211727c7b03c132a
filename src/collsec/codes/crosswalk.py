"""The code crosswalk: COW, ISO 3166 and Gleditsch-Ward codes and collsec member codes, by date.

Datasets name states by different codes: Correlates of War numbers (COW, ATOP,
ideal points, ICB), Gleditsch-Ward numbers (UCDP), ISO 3166 alpha-2 (UN votes)
and alpha-3 codes, and collsec's own member codes (:mod:`collsec.codes.codes`).
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

:func:`collsec.data.crosswalk_check.crosswalk_check` checks the UN General
Assembly votes and ideal points of a data directory against the COW state
system through this table (``collsec data verify``).
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Literal

import pandas as pd

from collsec.errors import InputError

__all__ = [
    "KINDS",
    "SOURCES",
    "CrosswalkRow",
    "code_on",
    "cow_to_gw",
    "cow_to_iso3",
    "crosswalk",
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
    "COLLSEC": "collsec member codes, src/collsec/codes/codes.csv (tools/build_codes.py).",
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
    return files("collsec.codes").joinpath("crosswalk.csv").read_text(encoding="utf-8")


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

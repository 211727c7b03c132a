"""The crosswalk checked against the data: UN votes and ideal points map to COW states.

:func:`crosswalk_check` reads the UN General Assembly votes and ideal points of
a data directory and maps every voter-year and ideal-point row to a state of
the COW system through the crosswalk (:mod:`collsec.codes.crosswalk`); what does
not map is looked up in :data:`EXPLAINED` (``collsec data verify`` runs it). It
lives in ``data`` because it reads the mirrors; the crosswalk itself is a
shipped table in :mod:`collsec.codes`, below ``data``.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
from functools import cache
from pathlib import Path
from typing import NamedTuple

import pandas as pd

from collsec.codes.crosswalk import CrosswalkRow, code_on, crosswalk_rows
from collsec.data.registry import locate
from collsec.errors import InputError

__all__ = ["COW_V2016_END", "EXPLAINED", "SESSION_YEAR_REASON", "Explanation", "crosswalk_check"]


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


@cache
def _rows_by_code() -> dict[tuple[str, object], tuple[CrosswalkRow, ...]]:
    """The crosswalk's rows by ISO2 code and by COW number."""
    idx: dict[tuple[str, object], list[CrosswalkRow]] = {}
    for r in crosswalk_rows():
        for kind in ("iso2", "cow"):
            value = getattr(r, kind)
            if value is not None and value != "":
                idx.setdefault((kind, value), []).append(r)
    return {k: tuple(v) for k, v in idx.items()}


def _rows_in_year(kind: str, value: object, year: int) -> list[CrosswalkRow]:
    return [r for r in _rows_by_code().get((kind, value), ()) if r.overlaps_year(year)]


def _explain(source: str, code: str, year: int, name: str | None) -> Explanation | None:
    for e in EXPLAINED:
        matches = e.source == source and e.code == code and e.first <= year <= e.last
        if matches and (e.name is None or e.name == name):
            return e
    return None


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
    states_path = locate("cow_states", "cow/states.csv", data_dir=data_dir)
    votes_path = locate("unga_votes", "unga/votes.csv.gz", data_dir=data_dir)
    calls_path = locate("unga_votes", "unga/roll_calls.csv", data_dir=data_dir)
    ideal_path = locate("unga_ideal_points", "unga/ideal_points.csv", data_dir=data_dir)

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

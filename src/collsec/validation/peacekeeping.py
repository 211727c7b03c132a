"""The peacekeeping record as data: troops by contributing country and decade, and the missions.

Two tables for comparing the model's burden-sharing with the record of UN
peacekeeping, both read from the IPI Peacekeeping Database (Perry & Smith 2013;
``peacekeeping/ipi_contributions_country_month.csv`` and
``peacekeeping/ipi_mission_month.csv``) and the UN Peace and Security Data Hub's
mission list (``peacekeeping/un_missions.csv``):

:func:`ipi_country_decade`
    troop-months per contributing country (COW code) and decade;
:func:`missions_by_decade`
    the missions of ``un_missions.csv`` active in each decade, with their
    troop-months and host state.

Decades
-------
The windows are the calendar decades cut to the months the country file covers
(:func:`decade_windows` reads them from the file). For the mirrored release they
are :data:`DECADES`: 1990-11..1999-12, 2000-01..2009-12 and 2010-01..2014-03
(the country file's first and last months; the mission file runs on to 2017-03,
which is not used). Both tables use the same windows, so that a decade's
troop-months are comparable between them: in every month the mission file's
troops summed over missions equal the country file's troops summed over
countries.

Rules of :func:`ipi_country_decade`
-----------------------------------
- Only troops are counted; police and experts/observers are not. A missing
  troop count is 0. A country is listed in a decade when it has a row in that
  decade, whatever it contributed (``troop_months`` may then be 0).
- IPI country names match the names of :mod:`collsec.codes.crosswalk` except
  six, mapped by :data:`NAME_ALIASES`. A name matching no crosswalk name raises
  :class:`~collsec.errors.InputError` naming the file, the field and the name.
- The COW code is taken on the month's date. IPI writes today's names for
  earlier months ("Russian Federation" and "Czech Republic" from 1990, "Serbia"
  from 1990): when the named state's code designates no state on that date in
  the crosswalk's own name, the code of the name is used if that COW state
  exists on the date under another name (365 for the USSR in 1990-1991, 345 for
  Yugoslavia/Serbia and Montenegro), else its predecessor from
  :data:`PREDECESSORS` (the Czech Republic's troops before 1993 are
  Czechoslovakia's, 315). A month that still designates no state raises.
- ``name`` and ``iso3`` are the crosswalk's, on the last month of the decade in
  which the country appears (``ipi_names`` keeps IPI's spellings).

Rules of :func:`missions_by_decade`
-----------------------------------
- A mission is active in a month when its spell (``start_date`` to
  ``end_date``, both inclusive, an empty end being still active) touches at
  least one day of it; ``months`` counts these months inside the window. A
  mission without ``start_date`` is placed by its IPI months; without either,
  it is dropped (listed in ``df.attrs["notes"]``).
- Umbrella rows: a row ``X`` that has numbered parts ``X I``, ``X II``...
  whose spells overlap its own is dropped and its parts are kept (UNEF, UNOSOM
  and UNAVEM in this release). IPI does not number the parts as the UN dates
  them (its "UNOSOM" runs to 1994-05 though UNOSOM II began in 1993-03, its
  "UNAVEM" and "UNAVEM II" together run from 1990-11 to 1997-06 across UNAVEM I,
  II and III), so every IPI row of a family (the umbrella's acronym or a
  part's) is given to the part active on the row's date (the part that started
  last among those active, else the part whose spell is nearest). No IPI month
  is counted twice: a test checks one row per mission and month.
- IPI acronyms are matched exactly, plus :data:`IPI_ALIASES` (IPI writes UNOCI
  as "ONUCI" from 2005-05 to 2006-06, filling the gap of its UNOCI rows; same
  host and headquarters). IPI missions absent from ``un_missions.csv`` are not
  rows; their troop-months per decade are in ``df.attrs["ipi_unlisted"]``.
- ``troop_months`` sums the IPI rows given to the mission whose month lies in the
  window (missing troops are 0), including IPI months outside the UN spell
  (IPI reports UNPROFOR to 1995-12, the UN dates its end 1995-03); so a row may
  have ``months == 0`` and troops, and a mission is listed in a decade when it
  is active or has IPI rows there. ``ipi_months`` counts those IPI months;
  ``in_ipi`` is false (and ``troop_months`` 0) when no IPI row is the mission's.
- Host: the IPI "Country of Mission ISO-3" of the mission's IPI rows
  (``host_source="ipi"``), taking the country with the most mission-months in
  the window (in the whole file if none is in the window; ties: the latest
  month). No mission of this release is listed in two countries. Its COW code
  is read on the last of those months; ISO codes used by IPI before they
  existed (SRB for Kosovo from 1999) are read through the state holding them
  later if it existed then (345); a territory that is no COW state stays NA
  (ESH, Western Sahara; TLS before East Timor's COW entry on 2002-09-27).
- Otherwise the host is the state whose capital (``cow/capitals.csv``, capitals
  in office on the last active day in the window) is nearest the HQ
  (``host_source="nearest_capital"``, great-circle distance). Missions with
  neither IPI rows nor coordinates are dropped and listed in the notes.
- Swapped coordinates (see :func:`mission_headquarters`): a pair is read as
  (longitude, latitude) only when (a) the swapped point is nearer its nearest
  capital than the point as written is to its own, and (b) that capital is a
  plausible host: its city is the mission's ``mission_location`` or its state's
  name is a word of ``mission_name``. (b) is needed: swapping UNIFIL's Naqoura
  would land nearer Nicosia than Naqoura is to Beirut, UNMEE's Asmara nearer
  Rome, UNOMIG's Sukhumi nearer Yerevan.
"""

from __future__ import annotations

import copy
import functools
import os
import re
from collections.abc import Mapping
from types import MappingProxyType

import numpy as np
import pandas as pd

from collsec.codes.crosswalk import code_on, crosswalk_rows, iso3_to_cow
from collsec.data.loaders import (
    load_capitals,
    load_ipi_contributions,
    load_ipi_missions,
    load_un_missions,
)
from collsec.data.registry import DATA_ENV, locate
from collsec.errors import InputError

__all__ = [
    "DECADES",
    "IPI_ALIASES",
    "NAME_ALIASES",
    "PREDECESSORS",
    "decade_windows",
    "ipi_country_decade",
    "mission_headquarters",
    "missions_by_decade",
]

PathLike = str | os.PathLike[str]

#: Decade label -> (first month, last month), inclusive, as ``YYYY-MM``: the
#: calendar decades cut to the months of ipi_contributions_country_month.csv
#: (1990-11-30 to 2014-03-31 in the mirrored release). The functions compute
#: the windows from the file (:func:`decade_windows`); a test checks that they
#: equal this table.
DECADES: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        "1990s": ("1990-11", "1999-12"),
        "2000s": ("2000-01", "2009-12"),
        "2010s": ("2010-01", "2014-03"),
    }
)

#: IPI contributor names -> the crosswalk's names (the six that differ).
NAME_ALIASES: Mapping[str, str] = MappingProxyType(
    {
        "Antigua and Barbuda": "Antigua & Barbuda",
        "Cote d Ivoire": "Ivory Coast",
        "DR Congo": "Democratic Republic of the Congo",
        "Republic of Korea": "South Korea",
        "The former Yugoslav Republic of Macedonia": "Macedonia",
        "Timor-Leste": "East Timor",
    }
)

#: COW code -> the COW code of the state it succeeded, for months IPI dates
#: before the successor existed. Source: crosswalk.csv, Czechoslovakia (315),
#: "split into 316 and 317 on 1993-01-01".
PREDECESSORS: Mapping[int, int] = MappingProxyType({316: 315})

#: IPI mission acronyms -> the acronym of un_missions.csv they stand for.
#: "ONUCI" (French) is UNOCI: IPI's UNOCI rows stop in 2005-04 and resume in
#: 2006-07, its ONUCI rows fill 2005-05 to 2006-06, same host (CIV) and HQ.
IPI_ALIASES: Mapping[str, str] = MappingProxyType({"ONUCI": "UNOCI"})

_CONTRIB = ("ipi_peacekeeping", "peacekeeping/ipi_contributions_country_month.csv")
_MISSION = ("ipi_peacekeeping", "peacekeeping/ipi_mission_month.csv")
_UN = ("un_missions", "peacekeeping/un_missions.csv")
_CAPITALS = ("cow_capitals", "cow/capitals.csv")
_ROMAN = re.compile(r"^(?P<base>.+) (?P<num>I|II|III|IV|V|VI|VII|VIII|IX|X)$")
_EARTH_KM = 6371.0088


# --------------------------------------------------------------------------- shared


def _key(data_dir: PathLike | None, files: tuple[tuple[str, str], ...]) -> tuple:
    """Cache key: the files found for ``data_dir`` (or $COLLSEC_DATA_DIR) and their stamps."""
    out = []
    for dataset, path in files:
        p = locate(dataset, path, data_dir=data_dir)
        st = p.stat()
        out.append((str(p), st.st_mtime_ns, st.st_size))
    return (str(data_dir) if data_dir is not None else os.environ.get(DATA_ENV), *out)


def _copy(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    out.attrs = copy.deepcopy(df.attrs)
    return out


def _months(first: pd.Period, last: pd.Period) -> int:
    return 0 if last < first else (last - first).n + 1


def decade_windows(data_dir: PathLike | None = None) -> dict[str, tuple[pd.Period, pd.Period]]:
    """The decades cut to the months of the IPI country file: label -> (first, last) months.

    Computed from the file's first and last dates; :data:`DECADES` holds the
    values for the mirrored release.
    """
    dates = load_ipi_contributions(data_dir=data_dir)["date"]
    return _windows(dates.min().to_period("M"), dates.max().to_period("M"))


def _windows(first: pd.Period, last: pd.Period) -> dict[str, tuple[pd.Period, pd.Period]]:
    out = {}
    for start in range(first.year // 10 * 10, last.year + 1, 10):
        lo = max(first, pd.Period(f"{start}-01", "M"))
        hi = min(last, pd.Period(f"{start + 9}-12", "M"))
        if lo <= hi:
            out[f"{start}s"] = (lo, hi)
    return out


def _decade_of(months: pd.Series, windows: Mapping[str, tuple[pd.Period, pd.Period]]) -> pd.Series:
    """The decade label of each month (NA outside every window)."""
    out = pd.Series(pd.NA, index=months.index, dtype="string")
    for label, (lo, hi) in windows.items():
        out[(months >= lo) & (months <= hi)] = label
    return out


# --------------------------------------------------------------------------- countries


def _state_on(cow: int, day: pd.Timestamp) -> bool:
    d = day.date()
    return any(r.cow == cow and r.valid_on(d) for r in crosswalk_rows())


def _country_codes(pairs: pd.DataFrame, source: str, field: str = "country") -> pd.Series:
    """COW code of each (``country``, ``date``) of ``pairs`` (see the module's rules).

    Raises :class:`InputError` (``source``, ``field``) for a name that matches no
    crosswalk name, or a month on which the named state and its predecessor did
    not exist.
    """
    by_name: dict[str, list] = {}
    for r in crosswalk_rows():
        by_name.setdefault(r.name.casefold(), []).append(r)
    codes = {}
    for name, day in pairs[["country", "date"]].drop_duplicates().itertuples(index=False):
        rows = by_name.get(NAME_ALIASES.get(name, name).casefold())
        if not rows:
            raise InputError(
                f"country name {name!r} matches no state of the crosswalk "
                "(collsec/codes/crosswalk.csv; add it to NAME_ALIASES)",
                source=source,
                field=field,
            )
        codes[name, day] = _code_of(name, rows, day, source, field)
    keys = zip(pairs["country"], pairs["date"], strict=True)
    out = pd.Series([codes[k] for k in keys], index=pairs.index, dtype="int64")
    return out


def _code_of(name: str, rows: list, day: pd.Timestamp, source: str, field: str) -> int:
    """The COW code the crosswalk rows ``rows`` of ``name`` give on ``day`` (module rules)."""
    d = day.date()
    for r in rows:
        if r.valid_on(d):
            return r.cow
    cows = sorted({r.cow for r in rows})
    alive = [c for c in cows if _state_on(c, day)]
    if len(alive) == 1:
        return alive[0]
    before = [PREDECESSORS[c] for c in cows if c in PREDECESSORS]
    before = [c for c in before if _state_on(c, day)]
    if len(before) == 1:
        return before[0]
    raise InputError(
        f"country name {name!r} designates no COW state on {d.isoformat()}",
        source=source,
        field=field,
    )


@functools.lru_cache(maxsize=4)
def _country_decade(key: tuple) -> pd.DataFrame:
    data_dir = key[0]
    df = load_ipi_contributions(data_dir=data_dir)
    source = key[1][0]
    month = df["date"].dt.to_period("M")
    windows = _windows(month.min(), month.max())
    pairs = df[["country", "date"]].drop_duplicates().reset_index(drop=True)
    pairs["ccode"] = _country_codes(pairs, source)
    df = df.merge(pairs, on=["country", "date"], how="left", validate="many_to_one")
    df["decade"] = _decade_of(df["date"].dt.to_period("M"), windows)
    df["troops"] = df["troops"].fillna(0).astype("int64")
    df["has_troops"] = df["troops"] > 0
    rows = []
    for (decade, ccode), g in df.groupby(["decade", "ccode"], sort=False):
        last = g["date"].max()
        rows.append(
            {
                "decade": decade,
                "ccode": int(ccode),
                "iso3": code_on("cow", int(ccode), "iso3", last.date()),
                "name": code_on("cow", int(ccode), "name", last.date()),
                "troop_months": int(g["troops"].sum()),
                "months_present": int(g["date"].nunique()),
                "months_with_troops": int(g.loc[g["has_troops"], "date"].nunique()),
                "ipi_names": " / ".join(sorted(g["country"].unique())),
            }
        )
    out = _by_decade(pd.DataFrame(rows), windows, "ccode")
    out = out.astype(
        {
            "decade": "string",
            "ccode": "int64",
            "iso3": "string",
            "name": "string",
            "troop_months": "int64",
            "months_present": "int64",
            "months_with_troops": "int64",
            "ipi_names": "string",
        }
    )
    out.attrs["windows"] = {k: (str(a), str(b)) for k, (a, b) in windows.items()}
    return out


def _by_decade(df: pd.DataFrame, windows: Mapping[str, object], tie: str) -> pd.DataFrame:
    """Rows in decade order (the windows' order), the largest troop-months first,
    then by ``tie``."""
    order = {label: i for i, label in enumerate(windows)}
    return df.sort_values(
        ["decade", "troop_months", tie],
        ascending=[True, False, True],
        key=lambda s: s.map(order) if s.name == "decade" else s,
    ).reset_index(drop=True)


def ipi_country_decade(data_dir: PathLike | None = None) -> pd.DataFrame:
    """Troop-months per contributing country and decade, from the IPI country file.

    One row per (decade, contributing country). Only **troops** are counted:
    police and experts on mission are not (a missing troop count is 0); a
    country with only police or experts in a decade has a row with
    ``troop_months == 0``. Decades are :func:`decade_windows` (for the mirrored
    release :data:`DECADES`). Names are mapped to COW codes through
    :mod:`collsec.codes.crosswalk` on each month's date (module docstring).

    Columns: ``decade``, ``ccode`` (COW), ``iso3`` and ``name`` (the crosswalk's,
    on the state's last month in the decade), ``troop_months`` (troops summed
    over the decade's months), ``months_present`` (months in which the country
    has a row: troops, police or experts), ``months_with_troops`` (months with
    troops > 0) and ``ipi_names`` (IPI's names, `` / ``-joined). Sorted by
    decade, then troop-months (descending). ``df.attrs["windows"]``: the windows.

    Raises
    ------
    InputError
        A country name that matches no state, naming the file and the field.
    """
    return _copy(_country_decade(_key(data_dir, (_CONTRIB,))))


# --------------------------------------------------------------------------- missions


def _haversine(lat: float, lon: float, lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    p = np.pi / 180.0
    a = (
        np.sin((lats - lat) * p / 2) ** 2
        + np.cos(lat * p) * np.cos(lats * p) * np.sin((lons - lon) * p / 2) ** 2
    )
    return 2 * _EARTH_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def _capitals_on(capitals: pd.DataFrame, day: pd.Timestamp | None) -> pd.DataFrame:
    if day is None or pd.isna(day):
        return capitals
    keep = (capitals["stdate"] <= day) & (capitals["enddate"].isna() | (capitals["enddate"] >= day))
    return capitals[keep.fillna(False).to_numpy(dtype=bool)]


def _nearest(capitals: pd.DataFrame, lat: float, lon: float) -> tuple[int, float]:
    """(row position in ``capitals``, distance km) of the capital nearest (lat, lon)."""
    d = _haversine(
        lat,
        lon,
        capitals["lat"].to_numpy(dtype=float),
        capitals["lng"].to_numpy(dtype=float),
    )
    i = int(np.argmin(d))
    return i, float(d[i])


def _plausible(cap: pd.Series, names: set[str], location: str, title: str) -> bool:
    """Is the capital ``cap`` (a capitals.csv row) a plausible host of the mission?"""
    if str(cap["capital"]).strip().casefold() == location.strip().casefold():
        return True
    return any(re.search(rf"\b{re.escape(n)}\b", title, re.IGNORECASE) for n in names if n)


def _state_names(ccode: int, statenme: str) -> set[str]:
    return {statenme, *(r.name for r in crosswalk_rows() if r.cow == ccode)}


@functools.lru_cache(maxsize=4)
def _headquarters(key: tuple) -> pd.DataFrame:
    data_dir = key[0]
    un = load_un_missions(data_dir=data_dir)
    capitals = load_capitals(data_dir=data_dir)
    rows = []
    for r in un.itertuples(index=False):
        lat, lon = r.mission_latitude, r.mission_longitude
        rec = {
            "mission": r.mission_acronym,
            "location": r.mission_location,
            "latitude": lat,
            "longitude": lon,
            "hq_latitude": pd.NA,
            "hq_longitude": pd.NA,
            "swapped": False,
            "capital_ccode": pd.NA,
            "capital": pd.NA,
            "capital_km": np.nan,
        }
        if pd.isna(lat) or pd.isna(lon):
            rows.append(rec)
            continue
        lat, lon = float(lat), float(lon)
        day = r.start_date if pd.notna(r.start_date) else r.end_date
        caps = _capitals_on(capitals, None if pd.isna(day) else day)
        best = (lat, lon, False)
        if abs(lat) > 90 and abs(lon) <= 90:  # cannot be a latitude
            best = (lon, lat, True)
        elif abs(lon) <= 90:
            _, d0 = _nearest(caps, lat, lon)
            i1, d1 = _nearest(caps, lon, lat)
            cap = caps.iloc[i1]
            location = "" if pd.isna(r.mission_location) else str(r.mission_location)
            title = "" if pd.isna(r.mission_name) else str(r.mission_name)
            names = _state_names(int(cap["ccode"]), str(cap["statenme"]))
            if d1 < d0 and _plausible(cap, names, location, title):
                best = (lon, lat, True)
        blat, blon, swapped = best
        i, d = _nearest(caps, blat, blon)
        cap = caps.iloc[i]
        rec.update(
            hq_latitude=blat,
            hq_longitude=blon,
            swapped=swapped,
            capital_ccode=int(cap["ccode"]),
            capital=str(cap["capital"]),
            capital_km=round(d, 1),
        )
        rows.append(rec)
    out = pd.DataFrame(rows).astype(
        {
            "mission": "string",
            "location": "string",
            "latitude": "Float64",
            "longitude": "Float64",
            "hq_latitude": "Float64",
            "hq_longitude": "Float64",
            "swapped": "bool",
            "capital_ccode": "Int64",
            "capital": "string",
            "capital_km": "float64",
        }
    )
    return out


def mission_headquarters(data_dir: PathLike | None = None) -> pd.DataFrame:
    """HQ coordinates of every row of ``un_missions.csv``, with swapped pairs put right.

    Columns: ``mission``, ``location``, ``latitude`` and ``longitude`` (as
    written), ``hq_latitude`` and ``hq_longitude`` (as read), ``swapped``, and
    the capital nearest the HQ among those in office on the mission's start
    (``capital_ccode``, ``capital``, ``capital_km``). A pair is read swapped only
    when the swap brings it nearer a capital *and* that capital is a plausible
    host (its city is the mission's location, or its state is named in the
    mission's name); see the module docstring. NA where no coordinates are given.
    """
    return _copy(_headquarters(_key(data_dir, (_UN, _CAPITALS))))


def _families(un: pd.DataFrame) -> dict[str, list[str]]:
    """Umbrella acronym -> its numbered parts, for umbrellas whose spell overlaps a part's."""
    acr = set(un["mission_acronym"])
    spans = {r.mission_acronym: (r.start_date, r.end_date) for r in un.itertuples(index=False)}
    out: dict[str, list[str]] = {}
    for a in sorted(acr):
        m = _ROMAN.match(a)
        if not m or m["base"] not in acr:
            continue
        out.setdefault(m["base"], []).append(a)
    keep = {}
    for base, parts in out.items():
        s0, e0 = spans[base]
        overlaps = False
        for p in parts:
            s1, e1 = spans[p]
            if pd.isna(s0) or pd.isna(s1):
                continue
            end0 = pd.Timestamp.max if pd.isna(e0) else e0
            end1 = pd.Timestamp.max if pd.isna(e1) else e1
            overlaps |= bool(s0 <= end1 and s1 <= end0)
        if overlaps:
            keep[base] = sorted(parts, key=lambda p: spans[p][0])
    return keep


def _part_on(day: pd.Timestamp, parts: list[str], spans: dict[str, tuple]) -> str:
    """The numbered part active on ``day``: the latest started, else the nearest spell."""
    active = [
        p for p in parts if spans[p][0] <= day and (pd.isna(spans[p][1]) or day <= spans[p][1])
    ]
    if active:
        return max(active, key=lambda p: spans[p][0])

    def gap(p: str) -> pd.Timedelta:
        s, e = spans[p]
        if day < s:
            return s - day
        return day - e

    return min(parts, key=gap)


def _attribute_ipi(
    ipi: pd.DataFrame, un: pd.DataFrame, families: dict[str, list[str]]
) -> tuple[pd.Series, list[str]]:
    """The un_missions acronym each IPI row stands for (NA: not listed), and notes."""
    listed = set(un["mission_acronym"]) - set(families)
    spans = {r.mission_acronym: (r.start_date, r.end_date) for r in un.itertuples(index=False)}
    member = {a: base for base, parts in families.items() for a in (base, *parts)}
    out = pd.Series(pd.NA, index=ipi.index, dtype="string")
    notes = []
    for acronym, g in ipi.groupby("mission", sort=True):
        name = IPI_ALIASES.get(acronym, acronym)
        if name != acronym and name in listed:
            out[g.index] = name
            notes.append(f"IPI acronym {acronym} read as {name} ({len(g)} months)")
        elif name in member:
            parts = families[member[name]]
            given = [_part_on(day, parts, spans) for day in g["date"]]
            out[g.index] = given
            split = pd.Series(given).value_counts().sort_index()
            notes.append(
                f"IPI acronym {acronym} given by date to "
                + ", ".join(f"{p} ({n} months)" for p, n in split.items())
            )
        elif name in listed:
            out[g.index] = name
    return out, notes


def _cow_of_iso3(iso3: str, day: pd.Timestamp) -> int | None:
    """COW code of ``iso3`` on ``day``; else the one COW state that ever held it, if alive then."""
    cow = iso3_to_cow(iso3, day.date())
    if cow is not None:
        return int(cow)
    holders = {r.cow for r in crosswalk_rows() if r.iso3 == iso3}
    if len(holders) == 1:
        (c,) = holders
        if _state_on(c, day):
            return c
    return None


def _ipi_host(rows: pd.DataFrame) -> tuple[str, pd.Timestamp]:
    """(ISO3 with the most mission-months, its last month); ties: the latest month."""
    g = rows.groupby("iso3")["date"].agg(["size", "max"])
    g = g.sort_values(["size", "max"], ascending=[False, False])
    return str(g.index[0]), g["max"].iloc[0]


@functools.lru_cache(maxsize=4)
def _missions(key: tuple) -> pd.DataFrame:
    data_dir = key[0]
    contrib = load_ipi_contributions(data_dir=data_dir)
    ipi = load_ipi_missions(data_dir=data_dir)
    un = load_un_missions(data_dir=data_dir)
    capitals = load_capitals(data_dir=data_dir)
    hq = _headquarters(_key(data_dir, (_UN, _CAPITALS))).set_index("mission")
    windows = _windows(contrib["date"].min().to_period("M"), contrib["date"].max().to_period("M"))
    notes: list[str] = []
    dropped: dict[str, str] = {}

    families = _families(un)
    for base, parts in families.items():
        reason = f"umbrella row overlapping its parts {', '.join(parts)}; the parts are kept"
        dropped[base] = reason
        notes.append(f"{base}: dropped, {reason}")

    ipi = ipi.copy()
    ipi["un"], attributed = _attribute_ipi(ipi, un, families)
    notes.extend(attributed)
    ipi["month"] = ipi["date"].dt.to_period("M")
    ipi["decade"] = _decade_of(ipi["month"], windows)
    ipi["troops"] = ipi["troops"].fillna(0).astype("int64")

    unlisted: dict[str, dict[str, int]] = {}
    for acronym, g in ipi[ipi["un"].isna()].groupby("mission", sort=True):
        per = g.dropna(subset=["decade"]).groupby("decade")["troops"].sum()
        unlisted[acronym] = {str(k): int(v) for k, v in per.items()}
    if unlisted:
        notes.append(
            "IPI missions not in un_missions.csv (troop-months per decade in "
            "attrs['ipi_unlisted']): " + ", ".join(unlisted)
        )

    rows = []
    for r in un.itertuples(index=False):
        acronym = r.mission_acronym
        if acronym in families:
            continue
        mine = ipi[ipi["un"] == acronym]
        start, end = r.start_date, r.end_date
        first_window = min(lo for lo, _ in windows.values())
        if pd.isna(start) and mine.empty and pd.notna(end) and end.to_period("M") < first_window:
            continue  # no start, ended before the windows (UNSCOB)
        if pd.isna(start):
            if mine.empty:
                dropped[acronym] = "no start date and no IPI rows: cannot be placed in time"
                notes.append(f"{acronym}: dropped, {dropped[acronym]}")
                continue
            start = mine["date"].min().to_period("M").start_time
            end = mine["date"].max()
            notes.append(
                f"{acronym}: no start date in un_missions.csv; placed by its IPI months "
                f"({start:%Y-%m} to {end:%Y-%m})"
            )
        first = start.to_period("M")
        last = None if pd.isna(end) else end.to_period("M")
        late = mine["month"] > last if last is not None else False
        outside = mine[(mine["month"] < first) | late]
        if len(outside):
            notes.append(
                f"{acronym}: {len(outside)} IPI months outside its UN spell "
                f"({int(outside['troops'].sum())} troop-months), counted"
            )
        for label, (lo, hi) in windows.items():
            a = max(lo, first)
            b = hi if last is None else min(hi, last)
            months = _months(a, b)
            here = mine[mine["decade"] == label]
            if months == 0 and here.empty:
                continue
            row = {
                "mission": acronym,
                "decade": label,
                "months": months,
                "ipi_months": int(here["month"].nunique()),
                "troop_months": int(here["troops"].sum()),
                "in_ipi": not mine.empty,
                "host_ccode": pd.NA,
                "host_iso3": pd.NA,
                "host_source": pd.NA,
            }
            if not mine.empty:
                iso3, day = _ipi_host(here if not here.empty else mine)
                row.update(host_iso3=iso3, host_ccode=_cow_of_iso3(iso3, day), host_source="ipi")
                if row["host_ccode"] is None:
                    row["host_ccode"] = pd.NA
                    notes.append(
                        f"{acronym} ({label}): IPI host {iso3} is no COW state on "
                        f"{day.date().isoformat()}; host_ccode NA"
                    )
            else:
                h = hq.loc[acronym]
                if pd.isna(h["hq_latitude"]):
                    dropped[acronym] = "not in IPI and no HQ coordinates"
                    notes.append(f"{acronym} ({label}): dropped, {dropped[acronym]}")
                    continue
                day = (b if months else hi).end_time.normalize()
                if pd.notna(end):
                    day = min(day, end)
                caps = _capitals_on(capitals, day)
                i, _ = _nearest(caps, float(h["hq_latitude"]), float(h["hq_longitude"]))
                ccode = int(caps["ccode"].iloc[i])
                row.update(
                    host_ccode=ccode,
                    host_iso3=code_on("cow", ccode, "iso3", day.date()),
                    host_source="nearest_capital",
                )
            rows.append(row)
    for acronym in hq.index[hq["swapped"]]:
        notes.append(f"{acronym}: HQ latitude/longitude read swapped")

    out = _by_decade(pd.DataFrame(rows), windows, "mission")
    out = out.astype(
        {
            "mission": "string",
            "decade": "string",
            "months": "int64",
            "ipi_months": "int64",
            "troop_months": "int64",
            "in_ipi": "bool",
            "host_ccode": "Int64",
            "host_iso3": "string",
            "host_source": "string",
        }
    )
    out.attrs["notes"] = notes
    out.attrs["dropped"] = dropped
    out.attrs["ipi_unlisted"] = unlisted
    out.attrs["windows"] = {k: (str(a), str(b)) for k, (a, b) in windows.items()}
    return out


def missions_by_decade(data_dir: PathLike | None = None) -> pd.DataFrame:
    """The missions of ``un_missions.csv`` per decade, with troop-months and host state.

    One row per (mission, decade) in which the mission is active or has IPI
    rows (rules in the module docstring). Columns: ``mission`` (acronym of
    un_missions.csv), ``decade``, ``months`` (months of its UN spell in the
    window), ``ipi_months`` and ``troop_months`` (IPI months and troops summed
    over the window; police and observers are not counted), ``in_ipi`` (the
    mission has IPI rows), ``host_ccode`` (COW, Int64), ``host_iso3`` and
    ``host_source`` (``"ipi"`` or ``"nearest_capital"``).

    ``df.attrs``: ``notes`` (list of sentences: dropped rows, swapped
    coordinates, IPI acronyms read otherwise, IPI months outside the UN spell,
    hosts without a COW code), ``dropped`` (acronym -> reason), ``ipi_unlisted``
    (IPI acronym absent from un_missions.csv -> decade -> troop-months) and
    ``windows``.
    """
    key = _key(data_dir, (_CONTRIB, _MISSION, _UN, _CAPITALS))
    return _copy(_missions(key))

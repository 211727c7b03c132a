"""The arrays of a :class:`~collsec.world.world.World`, built from the data mirrors.

:meth:`World.from_year <collsec.world.world.World.from_year>` and
:meth:`World.at <collsec.world.world.World.at>` call :func:`world_fields`; this
module does not import :mod:`collsec.world.world` (the arrow points one way:
the class knows its builder, the builder returns plain arrays). The rules for
gaps are in the docstring of :mod:`collsec.world.world`. Frames are read
through the loaders (typed, cached as parquet) and kept in memory for the
process, so building many years in a row is fast.
"""

from __future__ import annotations

import datetime as dt
from functools import cache, lru_cache
from typing import Any

import numpy as np
import pandas as pd

from collsec.codes.codes import PRC_CODE, PRC_START, ROC_SEAT_END, code_table
from collsec.data import loaders as L
from collsec.errors import InputError
from collsec.institutions.charter import membership_table
from collsec.world.agreement import CHINA_SEAT_KEY, agreement

__all__ = ["ATOP_KINDS", "COW_LAST", "ORGANIZATIONS", "SOURCES", "cow_region", "world_fields"]

#: China's seat (see the module docstring of :mod:`collsec.world.world`): the ROC's COW
#: code from 1949 (Taiwan), the first NMC year of that code, names and flags
ROC_COW = 713
ROC_COW_FIRST_YEAR = 1949
ROC_NAME = "China (Republic of China)"
PRC_NAME = "China (People's Republic)"
ROC_FLAG = "china seat: the Republic of China holds CHN (before 1971-10-25)"
PRC_FLAG = "china seat: the People's Republic, not the holder of CHN (before 1971-10-25)"

#: The ATOP obligations of :attr:`World.ties <collsec.world.world.World.ties>`, in bit
#: order: kind ``k`` is bit ``1 << k`` (defense 1, offense 2, neutral 4, nonagg 8, consul 16).
ATOP_KINDS = ("defense", "offense", "neutral", "nonagg", "consul")

COW_LAST = pd.Timestamp("2016-12-31")  # COW v2016: spells ending here are still running
IDEAL_COLUMN = "idealpointall"
SOURCES = (
    "cow_states",
    "cow_majors",
    "cow_nmc",
    "unga_ideal_points",
    "atop",
    "cow_contiguity",
    "cow_mindist",
    "unga_votes",
)
ORGANIZATIONS = {
    "un": "un.csv",
    "league": "league.csv",
    "nato": "nato.csv",
    "eu": "eu.csv",
    "au": "au.csv",
    "ecowas": "ecowas.csv",
    "osce": "osce.csv",
}


def cow_region(ccode: int) -> str:
    """The COW region of a state from its code range (COW codebook convention).

    >>> cow_region(2), cow_region(365), cow_region(651), cow_region(900)
    ('americas', 'europe', 'middle_east', 'oceania')
    """
    if ccode < 200:
        return "americas"
    if ccode < 400:
        return "europe"
    if ccode < 630:
        return "africa"
    if ccode < 700:
        return "middle_east"
    if ccode < 900:
        return "asia"
    return "oceania"


@lru_cache(maxsize=8)
def _frame(loader: str, data_dir: str | None) -> pd.DataFrame:
    return getattr(L, loader)(data_dir=data_dir)


def _frames(data_dir: str | None, as_of: dt.date | None) -> dict[str, pd.DataFrame]:
    names = {
        "states": "load_states",
        "majors": "load_majors",
        "nmc": "load_nmc",
        "ideal": "load_ideal_points",
        "atop": "load_atop",
        "contiguity": "load_contiguity",
        "mindist": "load_mindist",
    }
    if as_of is None:
        return {k: _frame(v, data_dir) for k, v in names.items()}
    return {k: getattr(L, v)(as_of=as_of, data_dir=data_dir) for k, v in names.items()}


@cache
def _codes_by_cow() -> dict[int, list]:
    out: dict[int, list] = {}
    for row in code_table():
        if row.cow is not None:
            out.setdefault(row.cow, []).append(row)
    return out


def _member_code(ccode: int, abb: str, on: dt.date) -> tuple[str, str | None]:
    rows = _codes_by_cow().get(ccode, [])
    dated = [r for r in rows if r.valid_on(on)]
    if dated:
        return dated[0].code, None
    if rows:
        return rows[-1].code, None
    return abb, "code: no ISO code, COW abbreviation used"


@cache
def _org_rows(table: str) -> dict[str, list]:
    out: dict[str, list] = {}
    for r in membership_table(table):
        out.setdefault(r.member, []).append(r)
    return out


def _is_member(table: str, code: str, start: dt.date, end: dt.date) -> bool:
    for r in _org_rows(table).get(code, []):
        if r.start <= end and (r.end is None or r.end >= start):
            return True
    return False


def _latest(df: pd.DataFrame, value: str, target_year: int) -> pd.DataFrame:
    """Per ccode, the row of the latest year <= target_year with a value."""
    d = df[(df["year"] <= target_year) & df[value].notna()]
    idx = d.groupby("ccode")["year"].idxmax()
    return d.loc[idx, ["ccode", "year", value]].set_index("ccode")


def world_fields(
    *, year: int | None = None, date: dt.date | None = None, data_dir: str | None = None
) -> dict[str, Any]:
    """The fields of the world of ``year`` (descriptive) or of ``date`` (as of the day before).

    The keyword arguments of :class:`~collsec.world.world.World`.
    """
    if (year is None) == (date is None):
        raise InputError("give a year or a date", source="world")
    if date is not None:
        f = _frames(data_dir, as_of=date)
        period_start = period_end = pd.Timestamp(date)
        value_year = date.year - 1  # year-level values: the year before (no peeking)
        label_year = date.year
    else:
        assert year is not None
        f = _frames(data_dir, as_of=None)
        period_start, period_end = pd.Timestamp(year, 1, 1), pd.Timestamp(year, 12, 31)
        value_year = label_year = year

    # -- which states ----------------------------------------------------------
    st = f["states"].copy()
    end = st["end"].where(st["end"].notna() & (st["end"] < COW_LAST), pd.Timestamp.max)
    live = st[(st["start"] <= period_end) & (end >= period_start)]
    live = live.sort_values(["ccode", "start"]).drop_duplicates("ccode", keep="last")
    if live.empty:
        raise InputError(f"no states in the COW system in {period_start.date()}", source="world")
    live = live.assign(spell_end=end.loc[live.index])
    # -- China's seat: who holds CHN on the reference day ------------------------
    ref = period_end.date()
    split = PRC_START <= ref < ROC_SEAT_END and bool((live["ccode"] == 710).any())
    roc_added = split and not bool((live["ccode"] == ROC_COW).any())
    if roc_added:  # COW starts Taiwan on 1949-12-08; the ROC held the seat throughout
        roc_row = pd.DataFrame(
            {"ccode": [ROC_COW], "stateabb": ["TAW"], "statenme": ["Taiwan"]}
        ).assign(spell_end=pd.Timestamp.max)
        live = pd.concat([live, roc_row], ignore_index=True).sort_values("ccode")
    ccode = live["ccode"].to_numpy(dtype=np.int64)
    n = len(ccode)
    flags: list[list[str]] = [[] for _ in range(n)]
    beyond_cow = period_end > COW_LAST
    codes, names = [], []
    for k, row in enumerate(live.itertuples(index=False)):
        last_day = min(row.spell_end, period_end).date()
        code, flag = _member_code(int(row.ccode), str(row.stateabb), last_day)
        codes.append(code)
        names.append(str(row.statenme))
        if flag:
            flags[k].append(flag)
        if beyond_cow:
            flags[k].append("system membership: COW v2016 spell assumed to continue")
    code = np.array(codes, dtype=object)
    pos = pd.Index(ccode)
    vote_keys = ccode.copy()  # whose General Assembly votes each row casts
    nmc_src = ccode.copy()  # whose NMC, ideal-point rows each row takes
    ideal_src = ccode.copy()
    atop_extra: dict[int, int] = {}  # ATOP codes that also mean a row (the ROC's 713)
    roc = None
    if ref < ROC_SEAT_END and bool((ccode == 710).any()):
        roc = int(np.flatnonzero(ccode == (ROC_COW if split else 710))[0])
        code[roc], names[roc] = "CHN", ROC_NAME
        ideal_src[roc] = ROC_COW  # the ideal-point file codes the seat's holder 713, 1946-1971
        vote_keys[roc] = CHINA_SEAT_KEY  # the vote file labels the seat TW before 1971-10-25
        flags[roc].append(ROC_FLAG)
        if split:
            prc = int(np.flatnonzero(ccode == 710)[0])
            code[prc], names[prc] = PRC_CODE, PRC_NAME
            flags[prc].append(PRC_FLAG)
            if value_year < ROC_COW_FIRST_YEAR:  # no 713 rows yet: the mainland's (710)
                nmc_src[roc] = 710
                flags[roc].append(
                    f"cinc: COW 710 (China) used for the ROC before {ROC_COW_FIRST_YEAR}"
                )
        else:
            atop_extra[ROC_COW] = roc  # ATOP codes the ROC's 1947 treaty with the Philippines 713
        if roc_added:
            flags[roc].append(
                "system membership: the ROC from 1949-10-01 (COW starts Taiwan on 1949-12-08)"
            )

    # -- capability ------------------------------------------------------------
    cinc = np.zeros(n)
    latest = _latest(f["nmc"], "cinc", value_year)
    for k, c in enumerate(nmc_src):
        if c in latest.index:
            y, v = int(latest.at[c, "year"]), float(latest.at[c, "cinc"])
            cinc[k] = v
            if y != value_year:
                flags[k].append(f"cinc: carried forward from {y}")
        else:
            flags[k].append("cinc: no NMC record")
    # military expenditure, personnel and population (NMC), for the capability to
    # project force and the pool peacekeepers are drawn from:
    # the latest known value (NaN when none; the contribution rule fills it from CINC)
    milex, milper, tpop = np.full(n, np.nan), np.full(n, np.nan), np.full(n, np.nan)
    for arr, col in ((milex, "milex"), (milper, "milper"), (tpop, "tpop")):
        latest = _latest(f["nmc"], col, value_year)
        for k, c in enumerate(nmc_src):
            if c in latest.index:
                arr[k] = float(latest.at[c, col])

    # -- ideal point -------------------------------------------------------------
    ideal = np.full(n, np.nan)  # missing stays missing (NaN)
    latest = _latest(f["ideal"], IDEAL_COLUMN, value_year)
    for k, c in enumerate(ideal_src):
        if c in latest.index:
            y, v = int(latest.at[c, "year"]), float(latest.at[c, IDEAL_COLUMN])
            ideal[k] = v
            if y != value_year:
                flags[k].append(f"ideal_point: carried forward from {y}")
        else:
            flags[k].append("ideal_point: none")

    # -- major powers -----------------------------------------------------------
    mj = f["majors"]
    mj_end = mj["end"].where(mj["end"].notna() & (mj["end"] < COW_LAST), pd.Timestamp.max)
    majors = set(
        mj.loc[(mj["start"] <= period_end) & (mj_end >= period_start), "ccode"].astype(int)
    )
    major = np.array([int(c) in majors for c in ccode])

    # -- memberships -------------------------------------------------------------
    p0, p1 = period_start.date(), period_end.date()
    memberships = {
        org: np.array([_is_member(table, c, p0, p1) for c in code])
        for org, table in ORGANIZATIONS.items()
    }

    # -- dyads ---------------------------------------------------------------------
    def fill(
        rows: pd.DataFrame, value: np.ndarray | int, dtype, extra: dict[int, int] | None = None
    ) -> np.ndarray:
        m = np.zeros((n, n), dtype=dtype)
        c1 = rows["ccode1"].to_numpy(dtype=np.int64)
        c2 = rows["ccode2"].to_numpy(dtype=np.int64)
        i, j = pos.get_indexer(c1), pos.get_indexer(c2)
        for c, k in (extra or {}).items():
            i[c1 == c], j[c2 == c] = k, k
        ok = (i >= 0) & (j >= 0) & (i != j)
        vals = value if np.isscalar(value) else np.asarray(value)[ok]
        m[i[ok], j[ok]] = vals
        return m

    at = f["atop"]
    atop_years = at["year"][at["year"] <= value_year]
    defense = np.zeros((n, n), dtype=np.int8)
    ties = np.zeros((n, n), dtype=np.int8)
    if len(atop_years):
        ay = int(atop_years.max())
        year_rows = at[at["year"] == ay]
        rows = year_rows[year_rows["atop_defense"].fillna(False)]
        defense = fill(rows, 1, np.int8, atop_extra)
        for bit, kind in enumerate(ATOP_KINDS):
            rows = year_rows[year_rows[f"atop_{kind}"].fillna(False)]
            ties |= fill(rows, 1 << bit, np.int8, atop_extra)
        ties |= ties.T  # an obligation either way is a tie
        np.fill_diagonal(ties, 0)
        if ay != value_year:
            for k in range(n):
                flags[k].append(f"defense: ATOP {ay} used")

    ct = f["contiguity"]
    ct_end = ct["enddate"].where(
        ct["enddate"].notna() & (ct["enddate"] < pd.Timestamp("2016-12-01")), pd.Timestamp.max
    )
    rows = ct[(ct["stdate"] <= period_end) & (ct_end >= period_start)]
    rows = rows.sort_values("conttype", ascending=False)  # closest type written last
    contiguity = fill(rows, rows["conttype"].to_numpy(dtype=np.int8), np.int8)

    md = f["mindist"]
    years = md["year"].unique()
    distance = np.full((n, n), np.nan)
    if len(years):
        my = int(years[np.argmin(np.abs(years - value_year))])
        rows = md[md["year"] == my]
        d = fill(rows, rows["mindist"].to_numpy(dtype=float), float)
        known = fill(rows, 1, np.int8).astype(bool)
        # the file lists each pair once: minimum distance is symmetric
        distance = np.where(known, d, np.where(known.T, d.T, np.nan))
    np.fill_diagonal(distance, 0.0)

    # -- General Assembly agreement (roll calls of the three years before) ---------
    agree = agreement(vote_keys, label_year, data_dir)

    return dict(
        year=label_year,
        date=date,
        ccode=ccode,
        code=code,
        name=np.array(names, dtype=object),
        cinc=cinc,
        milex=milex,
        milper=milper,
        tpop=tpop,
        ideal_point=ideal,
        region=np.array([cow_region(int(c)) for c in ccode], dtype=object),
        major_power=major,
        memberships=memberships,
        defense=defense,
        ties=ties,
        agreement=agree,
        contiguity=contiguity,
        distance=distance,
        flags=flags,
        sources=SOURCES,
    )

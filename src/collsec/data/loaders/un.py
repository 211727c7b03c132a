"""United Nations: General Assembly votes and ideal points, Security Council vetoes, peacekeeping."""

from __future__ import annotations

import numpy as np
import pandas as pd

from collsec.data.loaders._core import (
    AsOf,
    Col,
    Derived,
    PathLike,
    Spec,
    as_of_date,
    cut_spells,
    keep_years_before,
    mask_dates_after,
    read,
    register,
)
from collsec.data.registry import locate
from collsec.data.unsc import VETOES_FILE, load_vetoes

__all__ = [
    "load_ideal_points",
    "load_ipi_contributions",
    "load_ipi_missions",
    "load_un_missions",
    "load_unga_issues",
    "load_unga_roll_calls",
    "load_unga_votes",
    "load_unsc_vetoes",
]


def _before(df: pd.DataFrame, as_of: AsOf, date: str = "date") -> pd.DataFrame:
    """Rows dated before as_of (rows without a date cannot be placed and are dropped)."""
    when = as_of_date(as_of)
    if when is None:
        return df
    keep = (df[date] < when).fillna(False).to_numpy(dtype=bool)
    return df[keep].reset_index(drop=True)


# --------------------------------------------------------------------------- General Assembly

ROLL_CALLS = Spec(
    dataset="unga_votes",
    path="unga/roll_calls.csv",
    columns=(
        Col("rcid", "int", "roll-call id (joins votes and issues)"),
        Col("session", "int", "General Assembly session"),
        Col("importantvote", "bool", "classified as important by the US State Department"),
        Col("date", "date", "date of the vote"),
        Col("unres", "str", "resolution symbol as coded (e.g. `R/1/66`)"),
        Col("amend", "bool", "the vote was on an amendment"),
        Col("para", "bool", "the vote was on a paragraph"),
        Col("short", "str", "short description"),
        Col("descr", "str", "description"),
    ),
    multiline=True,
    as_of_rule="Dated: rows with `date < as_of`.",
)

VOTES = Spec(
    dataset="unga_votes",
    path="unga/votes.csv.gz",
    columns=(
        Col("rcid", "int", "roll-call id"),
        Col("country", "str", "member state's name"),
        Col(
            "country_code",
            "str",
            "ISO 3166 alpha-2 (Namibia is the string `NA`; blank for a few former states)",
        ),
        Col("vote", "str", "`yes`, `no` or `abstain`"),
    ),
    derived=(Derived("date", "date", "date of the roll call, from roll_calls.csv"),),
    as_of_rule="Dated by the roll call: rows whose roll call has `date < as_of`.",
)

ISSUES = Spec(
    dataset="unga_votes",
    path="unga/roll_call_issues.csv",
    columns=(
        Col("rcid", "int", "roll-call id"),
        Col("short_name", "str", "issue code: `me`, `nu`, `di`, `hr`, `co`, `ec`"),
        Col("issue", "str", "issue name"),
    ),
    as_of_rule="Dated by the roll call: rows whose roll call has `date < as_of`.",
)


def _with_dates(df: pd.DataFrame, data_dir: PathLike | None) -> pd.DataFrame:
    """``df`` with the ``date`` of its roll call (``rcid``) from roll_calls.csv."""
    rc = read(ROLL_CALLS, data_dir).drop_duplicates("rcid")
    index = pd.Index(rc["rcid"].to_numpy(dtype="int64", na_value=-1))
    pos = index.get_indexer(df["rcid"].to_numpy(dtype="int64", na_value=-1))
    dates = rc["date"].to_numpy(dtype="datetime64[ns]")
    out = dates[np.maximum(pos, 0)] if len(dates) else np.full(len(pos), np.datetime64("NaT"))
    out[pos < 0] = np.datetime64("NaT")
    df = df.copy()
    df["date"] = pd.Series(out, index=df.index, dtype="datetime64[ns]")
    return df


@register(VOTES)
def load_unga_votes(*, as_of: AsOf = None, data_dir: PathLike | None = None) -> pd.DataFrame:
    """UN General Assembly roll-call votes, one row per country and roll call (1946-2019).

    ``country_code`` is ISO2 as published: Namibia's code is the *string* ``"NA"``,
    not a missing value. ``date`` is the roll call's date (from roll_calls.csv).
    With ``as_of``: votes of roll calls dated before ``as_of``.
    """
    df = _with_dates(read(VOTES, data_dir), data_dir)
    return _before(df, as_of)


@register(ROLL_CALLS)
def load_unga_roll_calls(*, as_of: AsOf = None, data_dir: PathLike | None = None) -> pd.DataFrame:
    """The General Assembly roll calls (date, resolution, description); as_of: ``date < as_of``."""
    return _before(read(ROLL_CALLS, data_dir), as_of)


@register(ISSUES)
def load_unga_issues(*, as_of: AsOf = None, data_dir: PathLike | None = None) -> pd.DataFrame:
    """Issue tags of roll calls (several per roll call); as_of: roll calls dated before it."""
    df = read(ISSUES, data_dir)
    if as_of_date(as_of) is None:
        return df
    return _before(_with_dates(df, data_dir), as_of).drop(columns="date")


_Q = "quantile of the posterior"
IDEAL_POINTS = Spec(
    dataset="unga_ideal_points",
    path="unga/ideal_points.csv",
    columns=(
        Col("ccode", "int", "COW state code"),
        Col("iso3c", "str", "ISO 3166 alpha-3 (blank for some former states)"),
        Col("countryname", "str", "country name"),
        Col("year", "int", "year (the session's first year)"),
        Col("idealpointfp", "float", "ideal point, fixed-parameter model (main estimate)"),
        Col("idealpointall", "float", "ideal point, all votes"),
        Col("idealpointlegacy", "float", "ideal point, legacy (2017) method"),
        Col("nvotesfp", "int", "votes used (fixed-parameter)"),
        *(
            Col(f"{q}fp", "float", f"{q} {_Q} (fixed-parameter)")
            for q in ("qo", "q5", "q10", "q50", "q90", "q95", "q100")
        ),
        Col("nvotesall", "int", "votes used (all)"),
        *(
            Col(f"{q}all", "float", f"{q} {_Q} (all votes)")
            for q in ("qo", "q5", "q10", "q50", "q90", "q95", "q100")
        ),
        Col("nvotesLegacy", "int", "votes used (legacy)"),
    ),
    as_of_rule="Year-level: rows with `year < as_of.year`.",
)


@register(IDEAL_POINTS)
def load_ideal_points(*, as_of: AsOf = None, data_dir: PathLike | None = None) -> pd.DataFrame:
    """UNGA ideal points per state-year (Bailey, Strezhnev & Voeten), 1946-2024.

    as_of: ``year < as_of.year`` (an ideal point is estimated from the whole year's votes).
    """
    return keep_years_before(read(IDEAL_POINTS, data_dir), as_of)


# --------------------------------------------------------------------------- Security Council


@register(dataset="unsc_vetoes", path="unsc/vetoes_1946_2022.csv")
def load_unsc_vetoes(*, as_of: AsOf = None, data_dir: PathLike | None = None) -> pd.DataFrame:
    """The Security Council veto list, read by :func:`collsec.data.unsc.load_vetoes`.

    That reader types the file (``date`` as datetime64, ``vetoed_by`` as lists of
    ISO3 codes); this wrapper finds the file through the registry and applies
    as_of: ``date < as_of``. It is not cached (214 rows).
    """
    path = locate("unsc_vetoes", "unsc/vetoes_1946_2022.csv", data_dir=data_dir)
    root = path
    for _ in VETOES_FILE.split("/"):
        root = root.parent
    return _before(load_vetoes(data_dir=root), as_of)


# --------------------------------------------------------------------------- peacekeeping

UN_MISSIONS = Spec(
    dataset="un_missions",
    path="peacekeeping/un_missions.csv",
    columns=(
        Col("id", "int", "UN Peace and Security Data Hub id"),
        Col("mission_acronym", "str", "acronym (e.g. `UNFICYP`)"),
        Col("mission_name", "str", "full name"),
        Col("lead_department", "str", "lead UN department (DPO)"),
        Col(
            "mission_isactive", "bool", "active (as of `last_update`; with as_of: active at as_of)"
        ),
        Col("start_date", "date", "mission start"),
        Col("end_date", "date", "mission end (NA: still active)"),
        Col("mission_location", "str", "headquarters"),
        Col("mission_longitude", "float", "HQ longitude"),
        Col("mission_latitude", "float", "HQ latitude"),
        Col("last_update", "date", "date of the record"),
    ),
    multiline=True,
    as_of_rule=(
        "Spells (day precision): missions with `start_date < as_of` (or an `end_date` before "
        "`as_of`) are kept; `end_date` on/after `as_of` → NA; `mission_isactive` is recomputed "
        'as "active at as_of" (no end before as_of); `last_update` on/after `as_of` → NA. '
        "Missions with neither date are dropped."
    ),
)


@register(UN_MISSIONS)
def load_un_missions(*, as_of: AsOf = None, data_dir: PathLike | None = None) -> pd.DataFrame:
    """UN peacekeeping missions with start/end dates and HQ coordinates (81 rows)."""
    df = read(UN_MISSIONS, data_dir)
    when = as_of_date(as_of)
    if when is None:
        return df
    out, _ = cut_spells(df, when, start="start_date", end="end_date")
    out["mission_isactive"] = out["end_date"].isna().astype("boolean")
    return mask_dates_after(out, when, out["last_update"], ["last_update"])


def _prepare_ipi(df: pd.DataFrame, spec: Spec) -> pd.DataFrame:
    # The published file has the HQ coordinates under each other's headers (its
    # "Longitude" holds values within +-46, its "Latitude" values up to 125), so the
    # spec names the columns by their content. Should a release put them under the
    # right headers, "hq_latitude" would then hold values beyond +-90: swap back.
    lat, lon = df["hq_latitude"], df["hq_longitude"]
    if bool((lat.abs() > 90).any()) and not bool((lon.abs() > 90).any()):
        df["hq_latitude"], df["hq_longitude"] = lon, lat
    return df


_IPI_FLAGS = (
    ("Mission - NAM", "nam", "Non-Aligned Movement"),
    ("Mission - G77", "g77", "G77"),
    ("Mission - AU", "au", "African Union"),
    ("Mission - Arab League", "arab_league", "Arab League"),
    ("Mission - OIC", "oic", "Organisation of Islamic Cooperation"),
    ("Mission - CIS", "cis", "CIS"),
    ("Mission - G20", "g20", "G20"),
    ("Mission - EU", "eu", "European Union"),
)

IPI_MISSIONS = Spec(
    dataset="ipi_peacekeeping",
    path="peacekeeping/ipi_mission_month.csv",
    columns=(
        Col("Date", "date", "last day of the month reported", rename="date"),
        Col("Mission", "str", "mission acronym", rename="mission"),
        Col("Country of Mission", "str", "host country", rename="country"),
        Col("Country of Mission ISO-3", "str", "host country ISO3", rename="iso3"),
        Col("Mission HQ", "str", "headquarters city", rename="hq"),
        Col(
            "Mission HQ Longitude",
            "float",
            "HQ latitude (the file's header says Longitude; see below)",
            rename="hq_latitude",
        ),
        Col(
            "Mission HQ Latitude",
            "float",
            "HQ longitude (the file's header says Latitude)",
            rename="hq_longitude",
        ),
        Col("Mission Continent", "str", "continent", rename="continent"),
        Col("Mission Region", "str", "UN region", rename="region"),
        *(
            Col(src, "bool", f"host country is a member of the {name} (NA: not marked)", rename=out)
            for src, out, name in _IPI_FLAGS
        ),
        Col("Number of Contributors", "int", "contributing countries", rename="contributors"),
        Col("Troops", "int", "troops", rename="troops"),
        Col("Police", "int", "police", rename="police"),
        Col("Observers", "int", "military observers", rename="observers"),
        Col("Total", "int", "total uniformed personnel", rename="total"),
    ),
    na_strings=("", "NA"),
    prepare=_prepare_ipi,
    as_of_rule="Monthly: rows with `date < as_of` (the date is the month's last day).",
)


@register(IPI_MISSIONS)
def load_ipi_missions(*, as_of: AsOf = None, data_dir: PathLike | None = None) -> pd.DataFrame:
    """IPI Peacekeeping Database: personnel per mission-month (Nov 1990 - Mar 2017).

    Columns are renamed to snake_case (see docs/data-loaders.md); the file's "NA"
    cells are NA; the HQ coordinates, published under each other's headers, are named by content. as_of: ``date < as_of``.
    """
    return _before(read(IPI_MISSIONS, data_dir), as_of)


IPI_CONTRIBUTIONS = Spec(
    dataset="ipi_peacekeeping",
    path="peacekeeping/ipi_contributions_country_month.csv",
    columns=(
        Col("country", "str", "contributing country"),
        Col("date", "date", "last day of the month reported"),
        Col("troops", "int", "troops contributed (all missions)"),
        Col("police", "int", "police"),
        Col("experts", "int", "experts on mission / military observers"),
    ),
    na_strings=("", "NA"),
    as_of_rule="Monthly: rows with `date < as_of`.",
)


@register(IPI_CONTRIBUTIONS)
def load_ipi_contributions(*, as_of: AsOf = None, data_dir: PathLike | None = None) -> pd.DataFrame:
    """IPI: uniformed personnel contributed per country-month (Nov 1990 - Mar 2014); as_of: ``date < as_of``."""
    return _before(read(IPI_CONTRIBUTIONS, data_dir), as_of)

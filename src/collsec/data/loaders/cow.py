"""Correlates of War files: states, major powers, NMC, MIDs, wars, contiguity, distance, capitals, IGOs, codes."""

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
    latest,
    mask_groups_reaching,
    read,
    register,
    ymd_dates,
)

__all__ = [
    "load_capitals",
    "load_contiguity",
    "load_cow_codes",
    "load_igo",
    "load_majors",
    "load_mid_disputes",
    "load_mid_dyads",
    "load_mindist",
    "load_nmc",
    "load_states",
    "load_wars",
]

NA9 = (-9,)

SPELL_DERIVED = (
    Derived(
        "start",
        "date",
        "first day of the spell (earliest possible when the day or month is unknown)",
    ),
    Derived("start_precision", "str", "`day`, `month` or `year`: how much of the start is known"),
    Derived(
        "end", "date", "last day of the spell (latest possible when the day or month is unknown)"
    ),
    Derived("end_precision", "str", "`day`, `month` or `year`"),
)


def _spell_dates(
    df: pd.DataFrame,
    spec: Spec,
    start: tuple[str, str | None, str | None],
    end: tuple[str, str | None, str | None],
) -> pd.DataFrame:
    df["start"], df["start_precision"] = ymd_dates(df, *start, end=False, spec=spec)
    df["end"], df["end_precision"] = ymd_dates(df, *end, end=True, spec=spec)
    return df


# --------------------------------------------------------------------------- states, majors


def _prepare_states(df: pd.DataFrame, spec: Spec) -> pd.DataFrame:
    return _spell_dates(df, spec, ("styear", "stmonth", "stday"), ("endyear", "endmonth", "endday"))


_STATE_DATES = (
    Col("styear", "int", "year of entry into the system"),
    Col("stmonth", "int", "month of entry (-9 unknown → NA)", na_codes=NA9),
    Col("stday", "int", "day of entry (-9 unknown → NA)", na_codes=NA9),
    Col("endyear", "int", "year of exit (2016: still a member when v2016 was coded)"),
    Col("endmonth", "int", "month of exit (-9 → NA)", na_codes=NA9),
    Col("endday", "int", "day of exit (-9 → NA)", na_codes=NA9),
    Col("version", "int", "data version (2016)", required=False),
)
_SPELL_RULE = (
    "Spells: rows that had certainly begun before `as_of` are kept; a spell not certainly "
    "over before `as_of` gets `end`, `end_precision`, `endyear`, `endmonth`, `endday` = NA "
    "(still running as far as `as_of` knows)."
)

STATES = Spec(
    dataset="cow_states",
    path="cow/states.csv",
    columns=(
        Col("stateabb", "str", "COW three-letter state abbreviation"),
        Col("ccode", "int", "COW state code"),
        Col("statenme", "str", "state name"),
        *_STATE_DATES,
    ),
    derived=SPELL_DERIVED,
    prepare=_prepare_states,
    as_of_rule=_SPELL_RULE,
)

MAJORS = Spec(
    dataset="cow_majors",
    path="cow/majors.csv",
    columns=(
        Col("stateabb", "str", "COW abbreviation (official file only)", required=False),
        Col("ccode", "int", "COW state code"),
        *_STATE_DATES,
    ),
    derived=SPELL_DERIVED,
    prepare=_prepare_states,
    as_of_rule=_SPELL_RULE,
)

_STATE_END = ("endyear", "endmonth", "endday")


def _spells(
    spec: Spec, as_of: AsOf, data_dir: PathLike | None, end_columns=_STATE_END, mask=()
) -> pd.DataFrame:
    df = read(spec, data_dir)
    out, _ = cut_spells(
        df,
        as_of,
        start="start",
        end="end",
        start_precision="start_precision",
        end_precision="end_precision",
        end_columns=end_columns,
        mask=mask,
    )
    return out


@register(STATES)
def load_states(*, as_of: AsOf = None, data_dir: PathLike | None = None) -> pd.DataFrame:
    """COW state system membership (v2016): one row per membership spell (243 rows).

    ``start``/``end`` combine the year/month/day columns; see docs/data-loaders.md.
    With ``as_of``, only spells begun before that day, with ends after it cut to NA.
    """
    return _spells(STATES, as_of, data_dir)


@register(MAJORS)
def load_majors(*, as_of: AsOf = None, data_dir: PathLike | None = None) -> pd.DataFrame:
    """COW major-power spells (v2016), with ``start``/``end`` dates; as_of as for states."""
    return _spells(MAJORS, as_of, data_dir)


# --------------------------------------------------------------------------- NMC

NMC = Spec(
    dataset="cow_nmc",
    path="cow/nmc.csv",
    columns=(
        Col("stateabb", "str", "COW abbreviation (official file only)", required=False),
        Col("ccode", "int", "COW state code"),
        Col("year", "int", "year"),
        Col(
            "milex", "int", "military expenditure, thousands of current US$ (-9 → NA)", na_codes=NA9
        ),
        Col("milper", "int", "military personnel, thousands (-9 → NA)", na_codes=NA9),
        Col("irst", "int", "iron and steel production, thousands of tons (-9 → NA)", na_codes=NA9),
        Col(
            "pec",
            "int",
            "primary energy consumption, thousands of coal-ton equivalents (-9 → NA)",
            na_codes=NA9,
        ),
        Col("tpop", "float", "total population, thousands (-9 → NA)", na_codes=NA9),
        Col("upop", "float", "urban population, thousands (-9 → NA)", na_codes=NA9),
        Col("cinc", "float", "Composite Index of National Capability (share of the system total)"),
        Col("version", "float", "data version (official file only)", required=False),
    ),
    as_of_rule="Year-level: rows with `year < as_of.year`.",
)


@register(NMC)
def load_nmc(*, as_of: AsOf = None, data_dir: PathLike | None = None) -> pd.DataFrame:
    """National Material Capabilities v7.0: one row per state-year, with CINC.

    ``as_of``: year-level covariates are known once the year is over, so only rows
    with ``year < as_of.year`` are returned.
    """
    return keep_years_before(read(NMC, data_dir), as_of)


# --------------------------------------------------------------------------- MIDs

MID_SUMMARY = (
    "outcome",
    "settle",
    "fatality",
    "fatalpre",
    "mindur",
    "maxdur",
    "hiact",
    "hostlev",
    "recip",
    "numa",
    "numb",
    "link1",
    "link2",
    "link3",
    "ongo2014",
)


def _prepare_mid(df: pd.DataFrame, spec: Spec) -> pd.DataFrame:
    df["start"], df["start_precision"] = ymd_dates(
        df, "styear", "stmon", "stday", end=False, spec=spec
    )
    if "endyear" in df.columns:
        df["end"], df["end_precision"] = ymd_dates(
            df, "endyear", "endmon", "endday", end=True, spec=spec
        )
    else:
        # no end date in this file: the latest possible end is the latest possible
        # start plus maxdur - 1 days (maxdur counts both the first and the last day)
        late = latest(df["start"], df["start_precision"])
        days = df["maxdur"].astype("Float64").to_numpy(dtype="float64", na_value=np.nan)
        td = pd.to_timedelta(np.where(np.isnan(days), np.nan, np.maximum(days - 1, 0)), unit="D")
        df["end"] = (late + td).astype("datetime64[ns]")
        prec = np.where(df["end"].isna().to_numpy(), None, "derived").astype(object)
        df["end_precision"] = pd.Series(prec, index=df.index, dtype="string")
    return df


MID_DISPUTES = Spec(
    dataset="cow_mid",
    path="cow/mid_disputes.csv",
    columns=(
        Col("dispnum", "int", "dispute number"),
        Col("stday", "int", "start day (official file; -9 → NA)", required=False, na_codes=NA9),
        Col("stmon", "int", "start month (-9 → NA)", na_codes=NA9),
        Col("styear", "int", "start year"),
        Col("endday", "int", "end day (official file; -9 → NA)", required=False, na_codes=NA9),
        Col("endmon", "int", "end month (official file; -9 → NA)", required=False, na_codes=NA9),
        Col("endyear", "int", "end year (official file)", required=False),
        Col("outcome", "int", "outcome code 1-9 (-9 → NA)", na_codes=NA9),
        Col(
            "settle",
            "int",
            "settlement: 1 negotiated, 2 imposed, 3 none, 4 unclear (-9 → NA)",
            na_codes=NA9,
        ),
        Col("fatality", "int", "fatality level 0-6 (-9 → NA)", na_codes=NA9),
        Col(
            "fatalpre",
            "int",
            "precise fatalities (official file; -9 → NA)",
            required=False,
            na_codes=NA9,
        ),
        Col("mindur", "int", "minimum duration, days"),
        Col("maxdur", "int", "maximum duration, days"),
        Col(
            "hiact", "int", "highest action in the dispute (MID action code; -9 → NA)", na_codes=NA9
        ),
        Col("hostlev", "int", "hostility level 1-5 (-9 → NA)", na_codes=NA9),
        Col("recip", "bool", "reciprocated: side B took a militarized action"),
        Col("numa", "int", "states on side A (official file)", required=False),
        Col("numb", "int", "states on side B (official file)", required=False),
        Col("link1", "str", "linked disputes (official file)", required=False),
        Col("link2", "str", "linked disputes (official file)", required=False),
        Col("link3", "str", "linked disputes (official file)", required=False),
        Col("ongo2014", "bool", "ongoing at the end of 2014 (official file)", required=False),
        Col("version", "float", "data version (official file)", required=False),
    ),
    derived=(
        SPELL_DERIVED[0],
        SPELL_DERIVED[1],
        Derived(
            "end",
            "date",
            "latest possible end: from endyear/endmon/endday when the file has them, else "
            "derived as latest possible start + maxdur - 1 days",
        ),
        Derived("end_precision", "str", "`day`/`month`/`year`, or `derived` (from maxdur)"),
    ),
    prepare=_prepare_mid,
    as_of_rule=(
        "Disputes begun before `as_of` are kept; for a dispute not certainly over before "
        "`as_of`: `end`, `end_precision`, the end date parts and every whole-dispute summary "
        "(" + ", ".join(f"`{c}`" for c in MID_SUMMARY) + ") are NA."
    ),
)


@register(MID_DISPUTES)
def load_mid_disputes(*, as_of: AsOf = None, data_dir: PathLike | None = None) -> pd.DataFrame:
    """Militarized Interstate Disputes 5.0, one row per dispute.

    This file has only ``styear``/``stmon`` for dates: ``start`` is the 1st of the
    start month (``start_precision`` "month") and ``end`` is derived from ``maxdur``
    (``end_precision`` "derived"). With ``as_of``, disputes still running then lose
    their end and every whole-dispute summary (outcome, settle, fatality, hiact, ...).
    """
    return _spells(
        MID_DISPUTES, as_of, data_dir, end_columns=("endyear", "endmon", "endday"), mask=MID_SUMMARY
    )


MID_DYAD_SUMMARY = (
    "fatality1",
    "fatality2",
    "fatalpre1",
    "fatalpre2",
    "hiact1",
    "hiact2",
    "hostlev1",
    "hostlev2",
)

MID_DYADS = Spec(
    dataset="cow_mid",
    path="cow/mid_dir_dyad_disputes.csv",
    columns=(
        Col("dispnum", "int", "dispute number"),
        Col("ccode1", "int", "COW code of state 1"),
        Col("ccode2", "int", "COW code of state 2"),
        Col("year", "int", "year"),
        Col("dispongoing", "bool", "a dispute between the two is ongoing this year"),
        Col("disponset", "bool", "the dispute began this year"),
        Col("sidea1", "bool", "state 1 is on side A (the side that took the first action)"),
        Col("sidea2", "bool", "state 2 is on side A"),
        Col(
            "fatality1",
            "int",
            "fatality level of state 1 in the dispute, 0-6 (-9 → NA)",
            na_codes=NA9,
        ),
        Col("fatality2", "int", "fatality level of state 2 (-9 → NA)", na_codes=NA9),
        Col("fatalpre1", "int", "precise fatalities of state 1 (-9 → NA)", na_codes=NA9),
        Col("fatalpre2", "int", "precise fatalities of state 2 (-9 → NA)", na_codes=NA9),
        Col("hiact1", "int", "highest action of state 1 (MID action code; -9 → NA)", na_codes=NA9),
        Col("hiact2", "int", "highest action of state 2 (-9 → NA)", na_codes=NA9),
        Col("hostlev1", "int", "hostility level of state 1, 1-5 (-9 → NA)", na_codes=NA9),
        Col("hostlev2", "int", "hostility level of state 2 (-9 → NA)", na_codes=NA9),
        Col("orig1", "bool", "state 1 was an originator (not a joiner)"),
        Col("orig2", "bool", "state 2 was an originator"),
    ),
    as_of_rule=(
        "Year-level: rows with `year < as_of.year`; for a dispute that also has rows in "
        "`as_of.year` or later (still running), the whole-dispute fields "
        + ", ".join(f"`{c}`" for c in MID_DYAD_SUMMARY)
        + " are NA."
    ),
)


@register(MID_DYADS)
def load_mid_dyads(*, as_of: AsOf = None, data_dir: PathLike | None = None) -> pd.DataFrame:
    """MID 5.0 directed dispute dyad-years.

    ``as_of``: rows with ``year < as_of.year``; fatality/hiact/hostlev describe the
    whole dispute, so they are NA for disputes still running in ``as_of.year``.
    """
    return mask_groups_reaching(read(MID_DYADS, data_dir), as_of, "dispnum", MID_DYAD_SUMMARY)


# --------------------------------------------------------------------------- wars

WAR_SUMMARY = ("outcome1", "outcome2", "batdeath1", "batdeath2")

WARS = Spec(
    dataset="cow_wars",
    path="cow/war_inter.csv",
    columns=(
        Col("warnum", "int", "COW war number"),
        Col("ccode1", "int", "COW code of state 1"),
        Col("ccode2", "int", "COW code of state 2"),
        Col("year", "int", "year"),
        Col("cowinterongoing", "bool", "the two are at war this year"),
        Col("cowinteronset", "bool", "the war (for this dyad) began this year"),
        Col("sidea1", "int", "side of state 1 (1 or 2)"),
        Col("sidea2", "int", "side of state 2 (1 or 2)"),
        Col("initiator1", "bool", "state 1 initiated the war"),
        Col("initiator2", "bool", "state 2 initiated the war"),
        Col(
            "outcome1",
            "int",
            "outcome for state 1: 1 winner, 2 loser, 3 compromise/tie, 4 transformed into another type of war, 5 ongoing, 6 stalemate, 7 continued below war level, 8 changed sides",
            na_codes=NA9,
        ),
        Col("outcome2", "int", "outcome for state 2 (codes as outcome1)", na_codes=NA9),
        Col(
            "batdeath1",
            "int",
            "battle deaths of state 1 in the war (-9 unknown, -8 n/a → NA)",
            na_codes=(-9, -8),
        ),
        Col("batdeath2", "int", "battle deaths of state 2 (-9, -8 → NA)", na_codes=(-9, -8)),
        Col("resume", "bool", "resumption flag as published (see the COW war codebook)"),
    ),
    as_of_rule=(
        "Year-level: rows with `year < as_of.year`; for wars with rows in `as_of.year` or later, "
        + ", ".join(f"`{c}`" for c in WAR_SUMMARY)
        + " (whole-war values) are NA."
    ),
)


@register(WARS)
def load_wars(*, as_of: AsOf = None, data_dir: PathLike | None = None) -> pd.DataFrame:
    """COW inter-state wars, directed dyad-years (v4.0).

    ``as_of``: rows with ``year < as_of.year``; outcome and battle deaths are NA for
    wars still running in ``as_of.year``.
    """
    return mask_groups_reaching(read(WARS, data_dir), as_of, "warnum", WAR_SUMMARY)


# --------------------------------------------------------------------------- contiguity

CONTIGUITY = Spec(
    dataset="cow_contiguity",
    path="cow/contiguity.csv",
    columns=(
        Col("ccode1", "int", "COW code of state 1"),
        Col("ccode2", "int", "COW code of state 2"),
        Col(
            "conttype",
            "int",
            "1 land/river border; 2-5 separated by ≤12, 24, 150, 400 miles of water",
        ),
        Col("stdate", "date", "first month of the relationship (written as the 1st of the month)"),
        Col(
            "enddate",
            "date",
            "last month (written as the 1st; 2016-12: still contiguous at the end of coverage)",
        ),
    ),
    as_of_rule=(
        "Spells at month precision: kept when `stdate`'s month ended before `as_of`; "
        "`enddate` is NA unless its month ended before `as_of`."
    ),
)


@register(CONTIGUITY)
def load_contiguity(*, as_of: AsOf = None, data_dir: PathLike | None = None) -> pd.DataFrame:
    """COW direct contiguity, directed dyads with begin/end months.

    The dates are month precision (the file writes the 1st of the month), so as_of
    compares the *last* day of those months with ``as_of``.
    """
    out, _ = cut_spells(
        read(CONTIGUITY, data_dir),
        as_of,
        start="stdate",
        end="enddate",
        start_precision="month",
        end_precision="month",
    )
    return out


# --------------------------------------------------------------------------- distance, capitals, IGOs, codes

MINDIST = Spec(
    dataset="cow_mindist",
    path="cow/mindist.csv.gz",
    columns=(
        Col("ccode1", "int", "COW code of state 1"),
        Col("ccode2", "int", "COW code of state 2"),
        Col("year", "int", "year"),
        Col("mindist", "float", "minimum distance between the two states' territories, km"),
    ),
    as_of_rule="Year-level: rows with `year < as_of.year`.",
)


@register(MINDIST)
def load_mindist(*, as_of: AsOf = None, data_dir: PathLike | None = None) -> pd.DataFrame:
    """Minimum distance between states (CShapes 2.0), directed dyad-years; as_of: ``year < as_of.year``."""
    return keep_years_before(read(MINDIST, data_dir), as_of)


CAPITALS = Spec(
    dataset="cow_capitals",
    path="cow/capitals.csv",
    columns=(
        Col("ccode", "int", "COW state code"),
        Col("statenme", "str", "state name"),
        Col("capital", "str", "capital city"),
        Col("stdate", "date", "first day this city is the capital"),
        Col("enddate", "date", "last day (2024-12-31: still the capital)"),
        Col("lat", "float", "latitude, degrees"),
        Col("lng", "float", "longitude, degrees"),
    ),
    as_of_rule="Spells (day precision): rows with `stdate < as_of`; `enddate` on/after `as_of` → NA.",
)


@register(CAPITALS)
def load_capitals(*, as_of: AsOf = None, data_dir: PathLike | None = None) -> pd.DataFrame:
    """Capitals with coordinates and the dates each city was the capital."""
    out, _ = cut_spells(read(CAPITALS, data_dir), as_of, start="stdate", end="enddate")
    return out


IGO = Spec(
    dataset="cow_igo",
    path="cow/igo_state_year.csv",
    columns=(
        Col("ccode", "int", "COW state code"),
        Col("year", "int", "year"),
        Col("sum_igo_full", "int", "IGOs the state is a full member of"),
        Col("sum_igo_associate", "int", "IGOs it is an associate member of"),
        Col("sum_igo_observer", "int", "IGOs it is an observer of"),
        Col("sum_igo_anytype", "int", "IGOs with any kind of membership"),
    ),
    as_of_rule="Year-level: rows with `year < as_of.year`.",
)


@register(IGO)
def load_igo(*, as_of: AsOf = None, data_dir: PathLike | None = None) -> pd.DataFrame:
    """IGO membership counts per state-year (COW IGO v3); as_of: ``year < as_of.year``."""
    return keep_years_before(read(IGO, data_dir), as_of)


COW_CODES = Spec(
    dataset="cow_codes",
    path="cow/country_codes.csv",
    columns=(
        Col("StateAbb", "str", "COW three-letter abbreviation"),
        Col("CCode", "int", "COW state code"),
        Col("StateNme", "str", "state name"),
    ),
    as_of_rule="No dates: `as_of` changes nothing.",
)


@register(COW_CODES)
def load_cow_codes(*, as_of: AsOf = None, data_dir: PathLike | None = None) -> pd.DataFrame:
    """COW code ↔ abbreviation ↔ name (one row per code and name; 243 rows).

    The table has no dates, so ``as_of`` is accepted (and checked) but changes nothing.
    """
    as_of_date(as_of)
    return read(COW_CODES, data_dir)

"""Alliances (ATOP), armed conflict (UCDP/PRIO) and crises (ICB)."""

from __future__ import annotations

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
    mask_dates_after,
    read,
    register,
    ymd_dates,
)

__all__ = ["load_atop", "load_icb_actors", "load_icb_crises", "load_ucdp"]

# --------------------------------------------------------------------------- ATOP

ATOP = Spec(
    dataset="atop",
    path="atop/dyad_year.csv.gz",
    columns=(
        Col("ccode1", "int", "COW code of state 1"),
        Col("ccode2", "int", "COW code of state 2"),
        Col("year", "int", "year"),
        Col(
            "atop_defense",
            "bool",
            "an ATOP alliance with a defense obligation links the two this year",
        ),
        Col("atop_offense", "bool", "... with an offense obligation"),
        Col("atop_neutral", "bool", "... with a neutrality obligation"),
        Col("atop_nonagg", "bool", "... with a non-aggression obligation"),
        Col("atop_consul", "bool", "... with a consultation obligation"),
    ),
    as_of_rule="Year-level: rows with `year < as_of.year`.",
)


@register(ATOP)
def load_atop(*, as_of: AsOf = None, data_dir: PathLike | None = None) -> pd.DataFrame:
    """ATOP 5.1 alliance obligations, directed dyad-years; as_of: ``year < as_of.year``."""
    return keep_years_before(read(ATOP, data_dir), as_of)


# --------------------------------------------------------------------------- UCDP/PRIO

UCDP = Spec(
    dataset="ucdp_acd",
    path="ucdp/armed_conflict.csv",
    columns=(
        Col("conflict_id", "int", "UCDP conflict id"),
        Col("year", "int", "year"),
        Col("gwno_a", "int", "Gleditsch-Ward code of the side A government"),
        Col("gwno_a_2nd", "int", "G-W code of a state supporting side A with troops (one per row)"),
        Col("gwno_b", "int", "G-W code of the side B government (interstate conflicts)"),
        Col("gwno_b_2nd", "int", "G-W code of a state supporting side B (one per row)"),
        Col("incompatibility", "str", "`territory`, `government` or `both`"),
        Col("intensity_level", "int", "1: 25-999 battle deaths in the year; 2: 1,000 or more"),
        Col(
            "type_of_conflict",
            "str",
            "`extrasystemic`, `interstate`, `intrastate`, `II` (internationalized intrastate)",
        ),
        Col("start_date", "date", "date of the first battle death of the conflict"),
        Col(
            "start_prec", "int", "precision of start_date (1 exact day ... 7 year only; UCDP codes)"
        ),
        Col("start_date2", "date", "date the current episode reached 25 battle deaths"),
        Col("start_prec2", "int", "precision of start_date2"),
        Col("ep_end", "bool", "the episode ended this year"),
        Col("ep_end_date", "date", "date the episode ended"),
    ),
    as_of_rule="Year-level: rows with `year < as_of.year` (their dates all fall in or before that year).",
)


@register(UCDP)
def load_ucdp(*, as_of: AsOf = None, data_dir: PathLike | None = None) -> pd.DataFrame:
    """UCDP/PRIO armed conflict, conflict-years (one row per secondary supporter).

    ``(conflict_id, year)`` repeats when several states support a side: this file
    spreads the official list columns over rows. as_of: ``year < as_of.year``.
    """
    return keep_years_before(read(UCDP, data_dir), as_of)


# --------------------------------------------------------------------------- ICB

#: ICB day codes that do not give a day (66/77/88 appear in the v14 files, with no
#: label in the codebooks at hand; 99 is ICB's usual "missing"): the day is unknown.
ICB_UNKNOWN_DAYS = (66, 77, 88, 99)

#: Crisis-level columns known when a crisis is triggered; the others summarize the
#: whole crisis and are NA for a crisis still running at as_of.
ICB1_ONSET = (
    "icb1",
    "crisno",
    "crisname",
    "break",
    "trigent",
    "yrtrig",
    "motrig",
    "datrig",
    "geog",
    "period",
    "protrac",
    "pcid",
    "sourdt",
)

#: Actor-level columns known at the actor's trigger: identity, trigger, location and
#: the actor's pre-crisis attributes and conditions.
ICB2_ONSET = (
    "icb2",
    "crisno",
    "cracno",
    "cracid",
    "actor",
    "systrgyr",
    "systrgmo",
    "systrgda",
    "crisname",
    "triggr",
    "yrtrig",
    "motrig",
    "datrig",
    "trigent",
    "trigloc",
    "southv",
    "southpow",
    "actloc",
    "geog",
    "cractloc",
    "stainsys",
    "period",
    "pc",
    "pcid",
    "age",
    "territ",
    "regime",
    "durreg",
    "allycap",
    "globmemb",
    "nuclear",
    "powsta",
    "col",
    "unemp",
    "inflat",
    "foodpr",
    "labstr",
    "short",
    "econdt",
    "regrep",
    "socunr",
    "massvl",
    "gvinst",
    "sourdt",
)

#: Other dated triples (crisis level): mediation start, end and final agreement.
ICB1_OTHER_DATES = (
    ("yrmedst", "momedst", "damedst"),
    ("yrmedend", "momedend", "damedend"),
    ("yrmedfin", "momedfin", "damedfin"),
)
ICB2_OTHER_DATES = (("yerres", "monres", "dayres"),)

_ICB_DERIVED = (
    Derived("start", "date", "trigger date (earliest possible when the day or month is unknown)"),
    Derived("start_precision", "str", "`day`, `month` or `year`"),
    Derived("end", "date", "termination date (latest possible)"),
    Derived("end_precision", "str", "`day`, `month` or `year`"),
)


def _prepare_icb(df: pd.DataFrame, spec: Spec) -> pd.DataFrame:
    for c in df.columns:
        if str(df[c].dtype) == "Int64":
            df[c] = df[c].mask(df[c] == -99)
    df["start"], df["start_precision"] = ymd_dates(
        df, "yrtrig", "motrig", "datrig", end=False, spec=spec, unknown_days=ICB_UNKNOWN_DAYS
    )
    df["end"], df["end_precision"] = ymd_dates(
        df, "yrterm", "moterm", "daterm", end=True, spec=spec, unknown_days=ICB_UNKNOWN_DAYS
    )
    return df


ICB_CRISES = Spec(
    dataset="icb",
    path="icb/crises_dev.csv",
    columns=(
        Col("icb1", "str", "dataset tag (ICB1)"),
        Col("crisno", "int", "crisis number"),
        Col("crisname", "str", "crisis name"),
        Col("yrtrig", "int", "year of the trigger (breakpoint)"),
        Col("motrig", "int", "month of the trigger"),
        Col("datrig", "int", "day of the trigger (66/77/88: day not given)"),
        Col("yrterm", "int", "year of termination"),
        Col("moterm", "int", "month of termination"),
        Col("daterm", "int", "day of termination (66/77/88: day not given)"),
        Col(
            "outesr",
            "int",
            "1 tension escalation (crisis recurred within five years), 2 reduction, 3 recent case",
        ),
    ),
    derived=_ICB_DERIVED,
    default_kind="int",
    multiline=True,
    prepare=_prepare_icb,
    as_of_rule=(
        "Crises whose trigger was certainly before `as_of` are kept. For a crisis not certainly "
        "terminated before `as_of`, every column except the onset columns ("
        + ", ".join(f"`{c}`" for c in ICB1_ONSET)
        + ") is NA, including `end`, the termination date parts and all outcome, management, "
        "violence, involvement and mediation fields. For terminated crises, `outesr` (which "
        "looks five years past termination) is NA until those five years are over, and the "
        "mediation dates (and their parts) are NA when on/after `as_of`."
    ),
)

ICB_ACTORS = Spec(
    dataset="icb",
    path="icb/actors_dev.csv",
    columns=(
        Col("icb2", "str", "dataset tag"),
        Col("crisno", "int", "crisis number"),
        Col("cracno", "int", "crisis-actor case number"),
        Col("cracid", "int", "actor's country code (ICB list, close to COW)"),
        Col("actor", "str", "actor's three-letter code"),
        Col("crisname", "str", "crisis name"),
        Col("systrgyr", "int", "year of the system-level trigger"),
        Col("systrgmo", "int", "month of the system-level trigger"),
        Col("systrgda", "int", "day of the system-level trigger"),
        Col("yrtrig", "int", "year of the actor's trigger"),
        Col("motrig", "int", "month of the actor's trigger"),
        Col("datrig", "int", "day of the actor's trigger (66/77/88: day not given)"),
        Col("yrterm", "int", "year the crisis ended for the actor"),
        Col("moterm", "int", "month of termination"),
        Col("daterm", "int", "day of termination (66/77/88: day not given)"),
        Col(
            "outesr",
            "int",
            "1 tension escalation (crisis recurred within five years), 2 reduction, 3 recent case",
        ),
    ),
    derived=_ICB_DERIVED,
    default_kind="int",
    multiline=True,
    prepare=_prepare_icb,
    as_of_rule=(
        "Actor cases whose own trigger was certainly before `as_of` are kept; for an actor "
        "whose crisis had not certainly ended before `as_of`, every column except "
        + ", ".join(f"`{c}`" for c in ICB2_ONSET)
        + " is NA (so `end`, termination, response, outcome, management, violence and "
        "involvement fields). `outesr` is NA until five years after termination; the "
        "response date (`yerres`/`monres`/`dayres`) is NA when on/after `as_of`."
    ),
)


def _icb_as_of(
    df: pd.DataFrame,
    as_of: AsOf,
    onset: tuple[str, ...],
    other_dates: tuple[tuple[str, str, str], ...],
    spec: Spec,
) -> pd.DataFrame:
    when = as_of_date(as_of)
    if when is None:
        return df
    mask = [c for c in df.columns if c not in onset and c not in ("start", "start_precision")]
    out, _ = cut_spells(
        df,
        when,
        start="start",
        end="end",
        start_precision="start_precision",
        end_precision="end_precision",
        mask=mask,
    )
    # outesr looks five years past the termination
    five = latest(out["end"], out["end_precision"]) + pd.DateOffset(years=5)
    out = mask_dates_after(out, when, five.where(out["end"].notna()), ["outesr"])
    # dates coded in other columns (mediation, response) may fall after the end
    for y, m, d in other_dates:
        if y in out.columns:
            date, prec = ymd_dates(
                out, y, m, d, end=False, spec=spec, unknown_days=ICB_UNKNOWN_DAYS, strict=False
            )
            out = mask_dates_after(out, when, latest(date, prec), [y, m, d])
    return out


@register(ICB_CRISES)
def load_icb_crises(*, as_of: AsOf = None, data_dir: PathLike | None = None) -> pd.DataFrame:
    """ICB v14 crises (system level), development split (347 crises).

    All coded variables are nullable integers (ICB codes; see ``icb/CODEBOOK.md``),
    ``-99`` read as NA. ``start``/``end`` come from the trigger and termination dates.
    With ``as_of``, crises triggered before then are kept and, for those still running,
    everything but the onset columns (:data:`ICB1_ONSET`) is NA.
    """
    df = read(ICB_CRISES, data_dir)
    return _icb_as_of(df, as_of, ICB1_ONSET, ICB1_OTHER_DATES, ICB_CRISES)


@register(ICB_ACTORS)
def load_icb_actors(*, as_of: AsOf = None, data_dir: PathLike | None = None) -> pd.DataFrame:
    """ICB v14 crisis actors (actor level), development split (772 actor cases).

    ``start``/``end`` are the actor's own trigger and termination. With ``as_of``,
    actor cases triggered before then are kept and, for those still running,
    everything but the onset columns (:data:`ICB2_ONSET`) is NA.
    """
    df = read(ICB_ACTORS, data_dir)
    return _icb_as_of(df, as_of, ICB2_ONSET, ICB2_OTHER_DATES, ICB_ACTORS)

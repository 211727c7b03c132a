"""Economic sanctions: TIES 4.1 and the Global Sanctions Database v3."""

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
    latest,
    mask_dates_after,
    read,
    register,
    ymd_dates,
)

__all__ = ["load_gsdb", "load_ties"]

# --------------------------------------------------------------------------- TIES

#: Columns known only once a case is over (final outcome, costs, carrots).
TIES_OUTCOME = (
    "finaloutcome",
    "settlementnaturesender",
    "settlementnaturetarget",
    "targetcosts",
    "targeteconomiccostsfigure",
    "targeteconomiccostscurrency",
    "targeteconomiccostsyear",
    "sendercosts",
    "sendereconomiccostsfigure",
    "sendereconomiccostscurrency",
    "sendereconomiccostsyear",
    "carrotsduringsanction",
    "carrotvalue",
    "carrotcurrency",
    "carrotyear",
)

#: Columns that describe an imposition (NA while it had not certainly happened).
TIES_IMPOSITION = (
    "imposition",
    "sancimpositionstartmonth",
    "sancimpositionstartday",
    "sancimpositionstartyear",
    "imposition_start",
    "imposition_start_precision",
    "sanctionidentity",
    "sanctiontype",
    "othersanctiontype",
    "implementationofdiplomaticsancti",
)

_LIST = "space-separated codes"


def _lead_int(s: pd.Series) -> pd.Series:
    """The integer a free-text cell starts with (``"1949, sometime before"`` -> 1949), else NA."""
    return pd.to_numeric(s.str.extract(r"^\s*(\d+)", expand=False), errors="coerce").astype("Int64")


def _prepare_ties(df: pd.DataFrame, spec: Spec) -> pd.DataFrame:
    # v4.1 has two impossible dates (31 June 1965 and 31 June 1996): with
    # strict=False an impossible day counts as an unknown day (month precision)
    df["start"], df["start_precision"] = ymd_dates(
        df, "startyear", "startmonth", "startday", end=False, spec=spec, strict=False
    )
    df["end"], df["end_precision"] = ymd_dates(
        df, "endyear", "endmonth", "endday", end=True, spec=spec, strict=False
    )
    df["ongoing_as_of"], _ = ymd_dates(
        df,
        "ongoingasofyear",
        "ongoingasofmonth",
        "ongoingasofday",
        end=False,
        spec=spec,
        strict=False,
    )
    parts = pd.DataFrame(
        {
            "y": _lead_int(df["sancimpositionstartyear"]),
            "m": _lead_int(df["sancimpositionstartmonth"]),
            "d": _lead_int(df["sancimpositionstartday"]),
        },
        index=df.index,
    )
    df["imposition_start"], df["imposition_start_precision"] = ymd_dates(
        parts, "y", "m", "d", end=False, spec=spec, strict=False
    )
    return df


TIES = Spec(
    dataset="ties",
    path="sanctions/ties_v4_1.csv",
    columns=(
        Col("caseid", "int", "case id (start date + sequence: YYYYMMDDnn)"),
        Col("startmonth", "int", "month the case began (threat or imposition)"),
        Col("startday", "int", "day the case began"),
        Col("startyear", "int", "year the case began"),
        Col("endmonth", "int", "month the case ended"),
        Col("endday", "int", "day the case ended"),
        Col("endyear", "int", "year the case ended (blank: ongoing when coded)"),
        Col("ongoingasofmonth", "int", "for ongoing cases: month of the last observation"),
        Col("ongoingasofday", "int", "day of the last observation"),
        Col("ongoingasofyear", "int", "year of the last observation"),
        *(Col(f"sender{i}", "int", f"COW code of sender {i}") for i in range(1, 6)),
        Col("primarysender", "int", "COW code of the primary sender"),
        Col("targetstate", "int", "COW code of the target"),
        Col("institution", "bool", "an international institution is involved as sender"),
        Col("institutionid", "str", f"COW IGO codes of the institutions ({_LIST})"),
        Col("targetinstitution", "bool", "the target is a member of the sending institution"),
        Col("otherinstitution", "str", "institution not in the COW IGO list"),
        Col("issue1", "int", "issue code"),
        Col("issue2", "int", "second issue code"),
        Col("issue3", "int", "third issue code"),
        Col("otherissue", "str", "issue, free text"),
        Col("threat", "bool", "the case includes a threat"),
        Col("threatid1", "int", "who made the threat (code)"),
        Col("threatid2", "int", "second threat code"),
        Col("threatid3", "int", "third threat code"),
        Col("sanctiontypethreat", "str", f"sanction types threatened ({_LIST})"),
        Col("othersanctiontypethreatened", "str", "other sanction threatened, free text"),
        Col("bspecif", "int", "specificity of the threat"),
        Col("scommit", "int", "sender commitment"),
        Col("threatenedtargetinterest", "str", f"target interests threatened ({_LIST})"),
        Col("dsanctions", "str", f"sanctions threatened against third parties ({_LIST})"),
        Col("carrots", "str", f"inducements offered with the threat ({_LIST})"),
        Col(
            "anticipatedtargetcosts", "int", "anticipated costs to the target (1 minor - 3 severe)"
        ),
        Col("anticipatedtargetcostsfigureifav", "str", "amount, as written (free text)"),
        Col("tcurrency", "str", "currency of that amount"),
        Col("tyearofestimate", "int", "year of that estimate"),
        Col("anticipatedsendercosts", "int", "anticipated costs to the sender"),
        Col("scurrency", "str", "currency"),
        Col("syearofestimate", "int", "year of estimate"),
        Col("imposition", "bool", "sanctions were imposed"),
        Col("sancimpositionstartmonth", "str", "month of imposition, as written"),
        Col("sancimpositionstartday", "str", "day of imposition, as written (one cell is `?`)"),
        Col(
            "sancimpositionstartyear",
            "str",
            "year of imposition, as written (three cells carry notes)",
        ),
        Col("sanctionidentity", "str", f"who imposed ({_LIST})"),
        Col("sanctiontype", "str", f"sanction types imposed ({_LIST})"),
        Col("othersanctiontype", "str", "other sanction imposed, free text"),
        Col("implementationofdiplomaticsancti", "int", "implementation of diplomatic sanctions"),
        Col("carrotsduringsanction", "str", f"inducements during the sanctions ({_LIST})"),
        Col("carrotvalue", "str", "value of inducements, as written"),
        Col("carrotcurrency", "str", "currency"),
        Col("carrotyear", "str", "year, as written (`various`, `1968?`)"),
        Col("targetcosts", "int", "costs to the target (1 minor - 3 severe)"),
        Col("targeteconomiccostsfigure", "str", "amount, as written"),
        Col("targeteconomiccostscurrency", "str", "currency"),
        Col("targeteconomiccostsyear", "int", "year"),
        Col("sendercosts", "int", "costs to the sender"),
        Col("sendereconomiccostsfigure", "str", "amount, as written"),
        Col("sendereconomiccostscurrency", "str", "currency"),
        Col("sendereconomiccostsyear", "int", "year"),
        Col("finaloutcome", "int", "final outcome code (1-10)"),
        Col(
            "settlementnaturesender",
            "int",
            "nature of the settlement for the sender (-9 as published)",
        ),
        Col(
            "settlementnaturetarget",
            "int",
            "nature of the settlement for the target (-9 as published)",
        ),
    ),
    derived=(
        Derived("start", "date", "case start (earliest possible)"),
        Derived("start_precision", "str", "`day`, `month` or `year`"),
        Derived("end", "date", "case end (latest possible; NA: ongoing when coded)"),
        Derived("end_precision", "str", "`day`, `month` or `year`"),
        Derived("ongoing_as_of", "date", "date the coders last saw an ongoing case"),
        Derived(
            "imposition_start",
            "date",
            "start of the imposition, from the leading numbers of the three text cells",
        ),
        Derived("imposition_start_precision", "str", "`day`, `month` or `year`"),
    ),
    multiline=True,
    prepare=_prepare_ties,
    as_of_rule=(
        "Cases begun before `as_of` are kept. A case not certainly over before `as_of` gets "
        "`end`, `end_precision`, `endyear`/`endmonth`/`endday` and the outcome block ("
        + ", ".join(f"`{c}`" for c in TIES_OUTCOME)
        + ") = NA; `ongoing_as_of` and its parts are NA when on/after `as_of`; the imposition "
        "block (" + ", ".join(f"`{c}`" for c in TIES_IMPOSITION) + ") is NA unless the imposition "
        "had certainly started before `as_of` or the case was over before `as_of`."
    ),
)


@register(TIES)
def load_ties(*, as_of: AsOf = None, data_dir: PathLike | None = None) -> pd.DataFrame:
    """Threat and Imposition of Economic Sanctions 4.1, one row per case (1,412 cases).

    Numbers are typed where the file is numeric; cells the coders wrote as text
    (amounts, currencies, code lists, the imposition date cells) stay text.
    """
    df = read(TIES, data_dir)
    when = as_of_date(as_of)
    if when is None:
        return df
    out, cut = cut_spells(
        df,
        when,
        start="start",
        end="end",
        start_precision="start_precision",
        end_precision="end_precision",
        end_columns=("endyear", "endmonth", "endday"),
        mask=TIES_OUTCOME,
    )
    imposed = (latest(out["imposition_start"], out["imposition_start_precision"]) < when).fillna(
        False
    )
    hide = cut & ~imposed.to_numpy(dtype=bool)
    for c in TIES_IMPOSITION:
        out[c] = out[c].mask(hide)
    ongoing = ("ongoing_as_of", "ongoingasofyear", "ongoingasofmonth", "ongoingasofday")
    return mask_dates_after(out, when, out["ongoing_as_of"], ongoing)


# --------------------------------------------------------------------------- GSDB

GSDB = Spec(
    dataset="gsdb",
    path="sanctions/gsdb_v3.csv",
    columns=(
        Col("case_id", "int", "case id"),
        Col("sanctioned_state", "str", "target, by name (GSDB names, not COW)"),
        Col("sanctioning_state", "str", "sender, by name (a state, a group, an organization)"),
        Col("begin", "int", "first year"),
        Col("end", "int", "last year (2022 with success `ongoing`: still in force)"),
        Col("trade", "bool", "trade sanctions"),
        Col(
            "descr_trade",
            "str",
            "kind of trade sanction (`exp_compl`, `imp_part`, ...; comma-separated)",
        ),
        Col("arms", "bool", "arms sanctions"),
        Col("military", "bool", "military assistance sanctions"),
        Col("financial", "bool", "financial sanctions"),
        Col("travel", "bool", "travel sanctions"),
        Col("other", "bool", "other sanctions"),
        Col("target_mult", "bool", "several targets"),
        Col("sender_mult", "bool", "several senders"),
        Col("objective", "str", "objectives (comma-separated)"),
        Col("success", "str", "outcome(s) (comma-separated; `ongoing`)"),
    ),
    multiline=True,
    as_of_rule=(
        "Year spells: cases with `begin < as_of.year` are kept; when `end >= as_of.year` the case "
        "is still running as far as `as_of` knows: `end` and `success` are NA."
    ),
)


@register(GSDB)
def load_gsdb(*, as_of: AsOf = None, data_dir: PathLike | None = None) -> pd.DataFrame:
    """Global Sanctions Database v3, one row per case (1949-2022; years only).

    as_of: cases that began in a year before ``as_of.year``; for those whose last year
    is ``as_of.year`` or later, ``end`` and ``success`` are NA.
    """
    df = read(GSDB, data_dir)
    when = as_of_date(as_of)
    if when is None:
        return df
    out = df[(df["begin"] < when.year).fillna(False).to_numpy(dtype=bool)].reset_index(drop=True)
    running = (out["end"] >= when.year).fillna(True).to_numpy(dtype=bool)
    for c in ("end", "success"):
        out[c] = out[c].mask(running)
    return out

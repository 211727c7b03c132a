"""ICB crises as backtest inputs and targets, kept apart.

The backtest may see only what was knowable when a crisis broke (issue 7,
"Allowed inputs"): the trigger date, the kind of trigger (``break``), the
triggering entity (``trigent``), the region (``geog``), the gravity of the
threat (``gravcr``) and the crisis actors whose own trigger date is the crisis
trigger date. :func:`read_inputs` returns exactly those, as :class:`IcbCrisis`
records; :func:`read_targets` returns the codes to be predicted. Nothing else
in the files is read.

Targets (ICB1 codes, ``icb/CODEBOOK.md``):

* ``involvement``: ``globorg`` 2-5 against 1 (0, before the League, excluded);
* ``council_action``: ``globorg`` = 5 against 1-4;
* ``activity``: ``globactm`` on four steps -- none (1), talk (2, 3, 4, 7, 8),
  demand (5, 6), act (9, 10, 11, 12); 13 ("general - other") excluded;
* ``effectiveness``: ``globefct`` 5-6 against 2-4, among involved crises;
* ``regional``: ``regorg`` 2 or more against 0-1.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from collsec import limits
from collsec.data.loaders._core import cached_frame
from collsec.data.loaders.conflict import ICB_ACTORS, ICB_CRISES
from collsec.errors import InputError

__all__ = [
    "ACTIVITY_STEPS",
    "INSTITUTIONS",
    "TARGETS",
    "IcbCrisis",
    "activity_step",
    "dev_crisis_numbers",
    "era",
    "read_inputs",
    "read_targets",
    "skipped_crises",
]

TARGETS = ("involvement", "council_action", "activity", "effectiveness", "regional")
ACTIVITY_STEPS = ("none", "talk", "demand", "act")
_STEP = {1: 0, 2: 1, 3: 1, 4: 1, 7: 1, 8: 1, 5: 2, 6: 2, 9: 3, 10: 3, 11: 3, 12: 3}

#: The global organisation in force on a date (issue 7): the League from the
#: Covenant's entry into force, the UN from the Charter's.
INSTITUTIONS = (
    (dt.date(1920, 1, 10), "league"),  # Covenant in force (Treaty of Versailles)
    (dt.date(1945, 10, 24), "un"),  # UN Charter in force
)
ERAS = ("league", "cold_war", "post_cold_war")

#: The only columns read as inputs.
INPUT_COLUMNS = ("crisno", "crisname", "start", "break", "trigent", "geog", "gravcr")
TARGET_COLUMNS = ("crisno", "globorg", "globactm", "globefct", "regorg")


@dataclass(frozen=True)
class IcbCrisis:
    """What was knowable when an ICB crisis broke."""

    crisno: int
    name: str  # for narration only: never a model input
    trigger: dt.date
    breakpoint: int | None  # ICB1 ``break``
    trigent: int | None  # a state code, or 995 / 996 / 997
    geog: int | None
    gravcr: int | None
    initial: tuple[int, ...]  # crisis actors triggered on the crisis trigger date
    #: each initial actor's own trigger type (ICB2 ``triggr``), aligned with ``initial``
    initial_triggers: tuple[int | None, ...] = ()

    @property
    def institution(self) -> str | None:
        org = None
        for start, name in INSTITUTIONS:
            if self.trigger >= start:
                org = name
        return org

    @property
    def era(self) -> str | None:
        return era(self.trigger)


def era(on: dt.date) -> str | None:
    """League 1920-45, Cold War 1945-89, after 1990 (None before the League)."""
    if on < INSTITUTIONS[0][0]:
        return None
    if on < INSTITUTIONS[1][0]:
        return "league"
    return "cold_war" if on.year < 1990 else "post_cold_war"


def activity_step(globactm: int | None) -> int | None:
    """The ladder step (index into :data:`ACTIVITY_STEPS`) of a ``globactm`` code."""
    if globactm is None or pd.isna(globactm):
        return None
    return _STEP.get(int(globactm))


def _frame(spec, path: str | Path, label: str) -> pd.DataFrame:
    p = Path(path)
    if not p.is_file():
        raise InputError("no such file", source=str(path), field=label)
    try:
        return cached_frame(spec, p)
    except InputError as err:
        if err.source and str(p) in err.source:
            raise
        raise InputError(err.problem, source=str(p), field=err.field) from None


def _opt(v) -> int | None:
    return None if pd.isna(v) else int(v)


def read_inputs(crises: str | Path, actors: str | Path) -> list[IcbCrisis]:
    """The allowed inputs of every crisis in ``crises`` (ICB1) with ``actors`` (ICB2)."""
    c = _frame(ICB_CRISES, crises, "--crises")
    a = _frame(ICB_ACTORS, actors, "--actors")
    limits.check("icb_crises", len(c), source=str(crises), field="crises")
    c = c[list(INPUT_COLUMNS)].rename(columns={"break": "breakpoint"})
    a = a[["crisno", "cracid", "cracno", "start", "triggr"]]
    if c["crisno"].duplicated().any():
        dup = int(c.loc[c["crisno"].duplicated(), "crisno"].iloc[0])
        raise InputError(f"crisis {dup} appears twice", source=str(crises), field="crisno")
    missing = set(c["crisno"]) - set(a["crisno"])
    if missing:
        raise InputError(
            f"{len(missing)} crises have no actors (first: {min(missing)})",
            source=str(actors),
            field="crisno",
        )
    # a row with no trigger date is not a crisis one can predict (ICB v14 crisis 474
    # is blank in every column): it is left out and reported by skipped_crises()
    c = c[c["start"].notna()]
    first = a.merge(c[["crisno", "start"]], on="crisno", suffixes=("", "_crisis"))
    first = first[first["start"] == first["start_crisis"]].sort_values(["crisno", "cracno"])
    initial = first.groupby("crisno")["cracid"].apply(lambda s: tuple(int(x) for x in s))
    triggers = first.groupby("crisno")["triggr"].apply(lambda s: tuple(_opt(x) for x in s))
    out = []
    for row in c.sort_values("crisno").itertuples(index=False):
        out.append(
            IcbCrisis(
                crisno=int(row.crisno),
                name=str(row.crisname),
                trigger=pd.Timestamp(row.start).date(),
                breakpoint=_opt(row.breakpoint),
                trigent=_opt(row.trigent),
                geog=_opt(row.geog),
                gravcr=_opt(row.gravcr),
                initial=initial.get(int(row.crisno), ()),
                initial_triggers=triggers.get(int(row.crisno), ()),
            )
        )
    return out


def skipped_crises(crises: str | Path) -> list[int]:
    """Crises with no trigger date (left out of the backtest)."""
    c = _frame(ICB_CRISES, crises, "--crises")
    return sorted(int(x) for x in c.loc[c["start"].isna(), "crisno"])


def read_targets(crises: str | Path) -> pd.DataFrame:
    """The five targets per crisis (nullable: NA where a crisis is excluded)."""
    c = _frame(ICB_CRISES, crises, "--crises")[list(TARGET_COLUMNS)].sort_values("crisno")
    g, act, eff, reg = c["globorg"], c["globactm"], c["globefct"], c["regorg"]
    out = pd.DataFrame({"crisno": c["crisno"].astype(int).to_numpy()})
    valid = g.isin([1, 2, 3, 4, 5]).to_numpy()
    out["involvement"] = pd.array(np.where(valid, g.isin([2, 3, 4, 5]), pd.NA), dtype="Int64")
    out["council_action"] = pd.array(np.where(valid, g == 5, pd.NA), dtype="Int64")
    step = [activity_step(v) for v in act]
    out["activity"] = pd.array([pd.NA if s is None else s for s in step], dtype="Int64")
    involved = g.isin([2, 3, 4, 5]) & eff.isin([2, 3, 4, 5, 6])
    out["effectiveness"] = pd.array(
        np.where(involved.to_numpy(), eff.isin([5, 6]).to_numpy(), pd.NA), dtype="Int64"
    )
    out["regional"] = pd.array(
        np.where(reg.notna().to_numpy(), (reg >= 2).fillna(False).to_numpy(), pd.NA),
        dtype="Int64",
    )
    return out


@cache
def dev_crisis_numbers() -> frozenset[int]:
    """The crisis numbers of ICB's development split, as shipped with the package.

    Calibration refuses any other crisis: the rest are kept for evaluation.
    """
    text = resources.files("collsec.backtest").joinpath("icb_dev_crises.txt").read_text()
    nums = [int(t) for line in text.splitlines() if not line.startswith("#") for t in line.split()]
    return frozenset(nums)

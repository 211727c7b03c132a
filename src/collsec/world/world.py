"""The international system on a given year or day, as arrays.

A :class:`World` holds one row per state: COW code, member code (ISO3 or a
documented historical code), name, capability (CINC), UN ideal point, region,
major-power status, UN and other memberships, plus dyadic matrices (ATOP
defence obligations, contiguity, minimum distance, ATOP ties of every kind, UN
General Assembly agreement). ``State`` objects are views for people; the
arrays are the storage (see ``DESIGN.md``).

Dyadic arrays, (n, n):

* ``defense`` (int8): 1 where ATOP v5.1 (Leeds et al. 2002) codes a defence
  obligation of i to j, as the file's directed dyads have it (the United
  States to Japan, not Japan to the United States).
* ``ties`` (int8 bitmask): the ATOP obligations in force between i and j,
  either way (symmetric, 0 on the diagonal); kind ``ATOP_KINDS[k]`` is bit
  ``1 << k``: defense 1, offense 2, neutral 4, nonagg 8, consul 16. So
  ``ties & 1`` is ``defense`` made symmetric. Same ATOP year as ``defense``
  (the latest ATOP year not after the value year).
* ``agreement`` (float): the share of the UN General Assembly roll calls of the
  three calendar years before the world's year (for ``World.at`` and
  ``World.from_year`` alike) on which both states voted (yes, no or abstain)
  and cast the same vote; NaN where they shared fewer than 10 such roll calls
  (not members, not voting, or after the votes end in 2019), 1 on the
  diagonal; worlds of 1946 and earlier are all NaN. Votes: Voeten, Strezhnev &
  Bailey (2009), United Nations General Assembly Voting Data, Harvard
  Dataverse, doi:10.7910/DVN/LEJUQZ (:mod:`collsec.world.agreement`, cached
  per year). No per-state flag.
* ``contiguity`` (int8, COW type), ``distance`` (float km, NaN unknown).

Two ways to build one from data, and one without data:

* :meth:`World.from_year` -- *descriptive*: every state in the COW system at
  any time in the year, with that year's values.
* :meth:`World.at` -- *no peeking*: the states in the system on that day,
  with only what was known before it: year-level values (capabilities, ideal
  points, alliances, distances) from the previous year, dated records
  (contiguity, memberships) as they stood on the day.
* :meth:`World.synthetic` -- a generated world with realistic distributions.

Gaps are filled by documented rules and flagged per value in ``flags``:

* CINC missing for the year (after the last NMC year, or a new state): the
  state's latest earlier value, flagged ``cinc: carried forward from YEAR``;
  none at all: 0, flagged ``cinc: no NMC record``.
* Ideal point missing (before 1946, not yet voting, or a gap): the state's
  latest earlier value, flagged ``ideal_point: carried forward from YEAR``;
  none: NaN (unknown), flagged ``ideal_point: none``; ``to_dict`` gives
  ``null``. The crisis stage fills it for affinity and threats only
  (:func:`collsec.crisis.stage.fill_ideal`: the mean known ideal point of the
  state's region in that world, 0.0 if none there).
* Minimum distance missing (outside 1886-2019): the nearest year's value,
  flagged in ``dyad_flags``; none: NaN.

China's seat. Before 25 October 1971 (GA res. 2758 (XXVI)) the state with
member code ``CHN`` is the Republic of China, judged on the world's day (the
date, or 31 December for :meth:`World.from_year`):

* before 1 October 1949, COW 710 with 710's capability and ATOP rows (and
  ATOP's rows of 713, its code for the ROC's 1947 treaty with the Philippines);
* from 1 October 1949, COW 713 (Taiwan; COW starts it on 1949-12-08, so the
  row is added, flagged, to earlier worlds) with 713's capability (710's for
  value years before 1949, flagged), ATOP rows and distances; the People's
  Republic is the separate non-member ``PRC`` with COW 710's values.

Throughout, ``CHN``'s ideal point is the ideal-point file's 713 row (its code
for the seat's holder, 1946-1971) and its votes are the vote file's ``TW``
(1946-01-01 to 1971-10-07). From 25 October 1971, ``CHN`` is COW 710 and
``TWN`` COW 713. Both rows carry a ``china seat:`` flag; see ``docs/data.md``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from collsec import limits
from collsec.errors import InputError
from collsec.world.build import ATOP_KINDS, world_fields
from collsec.world.similarity import cohen_kappa, ideal_point_distance, portfolio, s_score, scott_pi

__all__ = ["ATOP_KINDS", "REGIONS", "State", "World"]

REGIONS = ("americas", "europe", "africa", "middle_east", "asia", "oceania")
FIRST_YEAR, LAST_YEAR = 1816, 2024


def _number(v: Any) -> float | None:
    """A float for JSON, None for NaN (unknown)."""
    v = float(v)
    return None if np.isnan(v) else v


@dataclass(frozen=True)
class State:
    """A read-only view of one state of a :class:`World`."""

    world: World = field(repr=False)
    index: int

    def __getattr__(self, name: str) -> Any:
        if name in World.STATE_FIELDS:
            value = getattr(self.world, name)[self.index]
            return value.item() if hasattr(value, "item") else value
        raise AttributeError(name)

    def __repr__(self) -> str:
        w = self.world
        return f"State({w.code[self.index]!r}, ccode={int(w.ccode[self.index])}, name={w.name[self.index]!r})"


@dataclass(frozen=True, eq=False)
class World:
    """The international system as arrays, one row per state."""

    year: int
    date: dt.date | None
    ccode: np.ndarray
    code: np.ndarray
    name: np.ndarray
    cinc: np.ndarray
    ideal_point: np.ndarray
    region: np.ndarray
    major_power: np.ndarray
    memberships: dict[str, np.ndarray]
    defense: np.ndarray
    contiguity: np.ndarray
    distance: np.ndarray
    flags: list[list[str]]
    sources: tuple[str, ...] = ()
    kind: str = "data"
    #: (n, n) int8 bitmask of the ATOP obligations between i and j (bits: :data:`ATOP_KINDS`);
    #: None when built: the defence bit of ``defense`` (either way)
    ties: np.ndarray = None  # type: ignore[assignment]
    #: (n, n) float, UN General Assembly agreement (see the module docstring); None when
    #: built: unknown (NaN) off the diagonal, 1 on it
    agreement: np.ndarray = None  # type: ignore[assignment]
    #: (n,) NMC military expenditure (thousands of US$) and personnel (thousands), the
    #: latest known value; NaN when unknown (None when built: unknown for every state)
    milex: np.ndarray = None  # type: ignore[assignment]
    milper: np.ndarray = None  # type: ignore[assignment]
    #: (n,) NMC total population (thousands), the latest known value; NaN when unknown
    tpop: np.ndarray = None  # type: ignore[assignment]

    STATE_FIELDS = ("ccode", "code", "name", "cinc", "ideal_point", "region", "major_power")

    def __post_init__(self) -> None:
        n = len(self.ccode)
        if self.ties is None:
            d = np.asarray(self.defense) > 0
            ties = (d | d.T).astype(np.int8)
            np.fill_diagonal(ties, 0)
            object.__setattr__(self, "ties", ties)
        for name in ("milex", "milper", "tpop"):
            if getattr(self, name) is None:
                object.__setattr__(self, name, np.full(n, np.nan))
        if self.agreement is None:
            agree = np.full((n, n), np.nan)
            np.fill_diagonal(agree, 1.0)
            object.__setattr__(self, "agreement", agree)

    # -- access ------------------------------------------------------------

    @property
    def n(self) -> int:
        return len(self.ccode)

    @property
    def un_member(self) -> np.ndarray:
        return self.memberships.get("un", np.zeros(self.n, dtype=bool))

    def index(self, key: int | str) -> int:
        """Position of a state by COW code or member code."""
        if isinstance(key, (int, np.integer)):
            hits = np.flatnonzero(self.ccode == key)
        else:
            hits = np.flatnonzero(self.code == str(key).upper())
        if len(hits) == 0:
            raise InputError(f"no state '{key}' in the world of {self.label}", source="world")
        return int(hits[0])

    def state(self, key: int | str) -> State:
        return State(self, self.index(key))

    def __len__(self) -> int:
        return self.n

    def __iter__(self):
        return (State(self, i) for i in range(self.n))

    @property
    def label(self) -> str:
        return self.date.isoformat() if self.date else str(self.year)

    # -- similarity ----------------------------------------------------------

    def similarity(self, kind: str = "s_score") -> np.ndarray:
        """Dyadic similarity: ``s_score``, ``scott_pi``, ``cohen_kappa`` of the ATOP
        defence portfolios, or ``ideal`` (ideal-point distance)."""
        if kind == "ideal":
            return ideal_point_distance(self.ideal_point)
        p = portfolio(self.defense)
        funcs = {"s_score": s_score, "scott_pi": scott_pi, "cohen_kappa": cohen_kappa}
        if kind not in funcs:
            raise InputError(f"unknown similarity '{kind}' (s_score, scott_pi, cohen_kappa, ideal)")
        return funcs[kind](p)

    # -- tables --------------------------------------------------------------

    def to_frame(self) -> pd.DataFrame:
        """One row per state (the ``world`` export)."""
        df = pd.DataFrame(
            {
                "ccode": pd.array(self.ccode, dtype="Int64"),
                "iso3": pd.array(self.code, dtype="string"),
                "name": pd.array(self.name, dtype="string"),
                "cinc": self.cinc,
                "ideal_point": self.ideal_point,
                "region": pd.array(self.region, dtype="string"),
                "major_power": self.major_power,
            }
        )
        for org, arr in self.memberships.items():
            df[f"{org}_member"] = arr
        df["flags"] = ["; ".join(f) for f in self.flags]
        df.insert(0, "date" if self.date else "year", self.label if self.date else self.year)
        return df

    def dyads(self) -> pd.DataFrame:
        """Directed dyads (i != j) with contiguity, distance, alliance, similarity, capability ratio."""
        n = self.n
        i, j = np.nonzero(~np.eye(n, dtype=bool))
        s = self.similarity("s_score")
        pi = self.similarity("scott_pi")
        kappa = self.similarity("cohen_kappa")
        ideal = self.similarity("ideal")
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = self.cinc[i] / (self.cinc[i] + self.cinc[j])
        return pd.DataFrame(
            {
                "year": self.year,
                "ccode1": self.ccode[i],
                "ccode2": self.ccode[j],
                "iso3_1": self.code[i],
                "iso3_2": self.code[j],
                "contiguity": self.contiguity[i, j],
                "mindist_km": self.distance[i, j],
                "defense": self.defense[i, j],
                "s_score": s[i, j],
                "scott_pi": pi[i, j],
                "cohen_kappa": kappa[i, j],
                "ideal_point_distance": ideal[i, j],
                "cap_ratio": ratio,
            }
        )

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract of ``collsec world``."""
        states = []
        for k in range(self.n):
            states.append(
                {
                    "ccode": int(self.ccode[k]),
                    "iso3": str(self.code[k]),
                    "name": str(self.name[k]),
                    "cinc": float(self.cinc[k]),
                    "ideal_point": _number(self.ideal_point[k]),
                    "region": str(self.region[k]),
                    "major_power": bool(self.major_power[k]),
                    "un_member": bool(self.un_member[k]),
                    "memberships": sorted(o for o, arr in self.memberships.items() if arr[k]),
                    "flags": list(self.flags[k]),
                }
            )
        key = {"date": self.date.isoformat()} if self.date else {"year": self.year}
        return {**key, "states": states, "sources": list(self.sources)}

    # -- constructors ----------------------------------------------------------

    @classmethod
    def from_year(cls, year: int, *, data_dir: str | None = None) -> World:
        """Every state in the COW system at any time during ``year``, with that year's values."""
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise InputError(
                f"year {year} is outside {FIRST_YEAR}-{LAST_YEAR}", source="world", field="year"
            )
        return cls(**world_fields(year=year, data_dir=data_dir))

    @classmethod
    def at(cls, date: dt.date | str, *, data_dir: str | None = None) -> World:
        """The states in the system on ``date``, built only from what was known before it."""
        if isinstance(date, str):
            try:
                date = dt.date.fromisoformat(date)
            except ValueError:
                raise InputError(
                    f"'{date}' is not a date like 1990-08-02", source="world"
                ) from None
        if not dt.date(FIRST_YEAR, 1, 1) <= date <= dt.date(LAST_YEAR, 12, 31):
            raise InputError(f"date {date} is outside {FIRST_YEAR}-{LAST_YEAR}", source="world")
        return cls(**world_fields(date=date, data_dir=data_dir))

    @classmethod
    def synthetic(
        cls, n_states: int = 60, seed: int | None = None, *, n_regions: int = 5, year: int = 2000
    ) -> World:
        """A generated world with realistic distributions (no data needed).

        Capabilities are heavy-tailed like CINC (lognormal shares, a handful of
        states hold most of it; the five largest are the major powers);
        states sit in ``n_regions`` regions on a plane, so contiguity and
        distance follow geography; ideal points cluster by region; defence
        pacts form mostly within regions and between like-minded states.
        ``ties`` holds the defence bit of those pacts only; ``agreement`` is
        ``exp(-|x_i - x_j|)`` of the ideal points ``x`` (1 on the diagonal, in
        (0, 1]: the General Assembly agreement of two states one unit apart on the
        ideal-point scale is about 0.37).
        ``seed`` makes it reproducible; without one a seed is drawn and
        recorded in ``sources``.
        """
        if n_states < 2:
            raise InputError(
                "a world needs at least 2 states", source="synthetic", field="n_states"
            )
        limits.check_memory(
            limits.world_memory(n_states),
            what=f"a world of {n_states:,} states",
            source="synthetic",
        )
        if seed is None:
            seed = int(np.random.SeedSequence().entropy % 2**32)
        rng = np.random.default_rng(seed)
        n = n_states
        regions = np.array(
            REGIONS[:n_regions]
            if n_regions <= len(REGIONS)
            else [f"region{k}" for k in range(n_regions)]
        )
        reg_idx = rng.integers(0, n_regions, size=n)
        centres = rng.uniform(0, 10_000, size=(n_regions, 2))
        xy = centres[reg_idx] + rng.normal(0, 900, size=(n, 2))
        distance = np.sqrt(((xy[:, None, :] - xy[None, :, :]) ** 2).sum(-1))
        np.fill_diagonal(distance, 0.0)
        # land borders between close neighbours
        contiguity = ((distance < 700) & ~np.eye(n, dtype=bool)).astype(np.int8)
        cap = rng.lognormal(mean=0.0, sigma=1.6, size=n)
        cinc = cap / cap.sum()
        region_pos = rng.normal(0, 1.2, size=n_regions)
        ideal = region_pos[reg_idx] + rng.normal(0, 0.6, size=n)
        major = np.zeros(n, dtype=bool)
        major[np.argsort(-cinc)[: min(5, n)]] = True
        same_region = reg_idx[:, None] == reg_idx[None, :]
        affinity = np.exp(-np.abs(ideal[:, None] - ideal[None, :]))
        p_pact = np.where(same_region, 0.25, 0.02) * affinity
        draws = rng.uniform(size=(n, n))
        upper = np.triu(draws < p_pact, k=1)
        defense = (upper | upper.T).astype(np.int8)
        ccode = np.arange(1, n + 1) * 5
        code = np.array([f"S{k + 1:03d}" for k in range(n)], dtype=object)
        return cls(
            year=year,
            date=None,
            ccode=ccode,
            code=code,
            name=np.array([f"State {k + 1}" for k in range(n)], dtype=object),
            cinc=cinc,
            ideal_point=ideal,
            region=regions[reg_idx].astype(object),
            major_power=major,
            memberships={"un": np.ones(n, dtype=bool)},
            defense=defense,
            contiguity=contiguity,
            distance=distance,
            flags=[[] for _ in range(n)],
            ties=defense.copy(),  # the defence bit (1 << 0) only
            agreement=np.exp(-np.abs(ideal[:, None] - ideal[None, :])),
            sources=(f"synthetic(n_states={n}, seed={seed}, n_regions={n_regions})",),
            kind="synthetic",
        )

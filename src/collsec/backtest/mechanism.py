"""From an ICB crisis to the kernel's threat, and what the kernel expects to happen.

For each crisis the world is built as of the day before the trigger
(:meth:`collsec.world.world.World.at`), the crisis becomes one threat of the
crisis kernel, and the kernel runs it ``draws`` times with independent noise
(the attack is taken as given: ``occurred=True``). The shares of draws in
which the Council (the League Council before 24 October 1945) was seized,
adopted a measure, was vetoed, and so on, are the model's *signals*: they
come from the votes of the members of the day, their alliances, capabilities
and ideal points, and the body's voting rule, not from ICB's codes.

The threat (assumptions, documented in ``docs/backtest.md``):

* **Aggressor and target.** ``trigent`` names the triggering state; the target
  is the first crisis actor triggered on the crisis date that is not the
  trigger. ``995`` (internal) and ``996`` (a non-state actor) make the crisis
  internal to the first crisis actor (the kernel's "atrocity or civil war"
  kind); so does a break of type 6 (internal challenge). ``997`` (several
  states) takes the other crisis actor triggered that day as the aggressor
  when there is one.
* **Severity** from ``gravcr`` (:data:`GRAVITY`), scaled by
  :data:`NONVIOLENT` when the trigger was not violent (``break`` 1-7);
  :data:`NO_GRAVITY` when gravity is ablated.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from functools import cache

import numpy as np
import pandas as pd

from collsec import __version__
from collsec.backtest.icb import IcbCrisis
from collsec.behavior.parameters import Parameters
from collsec.crisis.api import sim_crises
from collsec.crisis.kernel import DRAFT_HIDDEN_VETO, DRAFT_NONE, DRAFT_TABLED
from collsec.crisis.stage import Scenario, Stage
from collsec.crisis.threats import Threat
from collsec.data.export import atomic_write_bytes
from collsec.data.loaders.cow import load_states
from collsec.data.registry import cache_dir, cache_failed, writable_cache
from collsec.data.unsc import load_actions, load_meetings
from collsec.institutions.rules import ABSTAIN, NO, YES
from collsec.workers import process_pool
from collsec.world.world import World

__all__ = [
    "GRAVITY",
    "NONVIOLENT",
    "NO_GRAVITY",
    "REGIONAL_BODIES",
    "SIGNALS",
    "CrisisModel",
    "agenda_count",
    "agenda_words",
    "council_load",
    "crisis_model",
    "recourse_count",
    "regional_bodies",
    "signals",
]

#: Severity of a threat by ICB ``gravcr`` (assumption: the codebook warns the
#: codes are not a scale; the order here is by the harm threatened).
GRAVITY = {
    0: 0.20,  # economic threat
    1: 0.45,  # limited military damage
    2: 0.35,  # political threat
    3: 0.55,  # territorial threat
    4: 0.30,  # threat to influence
    5: 0.80,  # threat of grave damage
    6: 0.95,  # threat to existence
    7: 0.30,  # other
}
NO_GRAVITY = 0.5
NONVIOLENT = 0.7
VIOLENT_BREAKS = (8, 9)

#: ICB ``geog`` codes by broad region (ICB1 Var 56).
_AFRICA = (20, 21, 22, 23, 24)
_AMERICAS = (41, 42, 43)
_EUROPE = (30, 31, 32, 33, 34, 35)
_MIDEAST = (10, 15, 21)
_ASIA = (9, 11, 12, 13)

#: Regional and security organisations that ICB codes in ``regorg``, with the
#: date each came into being and the ICB regions it covers. Sources: each
#: organisation's founding instrument as published by the organisation.
REGIONAL_BODIES: tuple[tuple[str, dt.date, dt.date | None, tuple[int, ...]], ...] = (
    # Pact of the League of Arab States, signed Cairo 22 March 1945
    ("Arab League", dt.date(1945, 3, 22), None, _MIDEAST),
    # Charter of the OAS, signed Bogotá 30 April 1948
    ("OAS", dt.date(1948, 4, 30), None, _AMERICAS),
    # North Atlantic Treaty, in force 24 August 1949
    ("NATO", dt.date(1949, 8, 24), None, (*_EUROPE, 41)),
    # Southeast Asia Collective Defense Treaty, in force 19 February 1955; dissolved 30 June 1977
    ("SEATO", dt.date(1955, 2, 19), dt.date(1977, 6, 30), (12, 13)),
    # Baghdad Pact 24 February 1955, CENTO from 1959, dissolved 1979
    ("CENTO", dt.date(1955, 2, 24), dt.date(1979, 9, 28), (10, 13, 15)),
    # Warsaw Treaty, signed 14 May 1955; dissolved 1 July 1991
    ("Warsaw Pact", dt.date(1955, 5, 14), dt.date(1991, 7, 1), (30, 31, 32)),
    # OAU Charter, signed Addis Ababa 25 May 1963
    ("OAU/AU", dt.date(1963, 5, 25), None, _AFRICA),
    # ASEAN Declaration, Bangkok 8 August 1967
    ("ASEAN", dt.date(1967, 8, 8), None, (12,)),
    # Treaty of Lagos, 28 May 1975
    ("ECOWAS", dt.date(1975, 5, 28), None, (20,)),
    # Helsinki Final Act, 1 August 1975
    ("CSCE/OSCE", dt.date(1975, 8, 1), None, (*_EUROPE, 9, 10, 41)),
    # Charter of the GCC, 25 May 1981
    ("GCC", dt.date(1981, 5, 25), None, (15,)),
    # SAARC Charter, Dhaka 8 December 1985
    ("SAARC", dt.date(1985, 12, 8), None, (13,)),
    # Agreement establishing the CIS, 8 December 1991
    ("CIS", dt.date(1991, 12, 8), None, (9, 10, 30, 31)),
    # Treaty of Windhoek (SADC), 17 August 1992
    ("SADC", dt.date(1992, 8, 17), None, (23, 24)),
    # Treaty on European Union in force 1 November 1993
    ("EU", dt.date(1993, 11, 1), None, _EUROPE),
)

#: The signal columns, in order.
SIGNALS = (
    "member_parties",
    "p_seized",
    "p_tabled",
    "p_adopted",
    "p_vetoed",
    "p_demand_level",
    "p_act_level",
    "p_pass_vi",
    "party_cinc",
    "p5_allied",
    "p5_proximity",
    "p_pass_vii",
    "p_success",
    "p_regional",
    "regional_bodies",
    "agenda_10y",
    "agenda_1y",
    "recourse",
    "council_load_5y",
    "initial_actors",
    "shielded",
    "major_party",
    "internal",
    "severity",
)

KIND_AGGRESSION, KIND_INTERNAL = 0, 1

#: Words by which the Council's agenda names a state or its conflict, where the
#: state's own name would miss it (our reading of the agenda titles in the
#: Council's yearly tables of actions; any other state is matched by its name).
#: "The situation in the Middle East" is the Council's item on the Arab-Israeli
#: conflict, so it names Israel's disputes; the Arab states are matched by their
#: own names (an Egypt-Libya or a Syria-Turkey crisis is not on that item).
AGENDA_WORDS: dict[int, tuple[str, ...]] = {
    2: ("united states",),
    200: ("united kingdom",),
    220: ("france", "french"),
    255: ("german", "berlin"),
    260: ("german", "berlin"),
    265: ("german", "berlin"),
    345: ("yugoslav", "bosnia", "kosovo", "serbia"),
    365: ("soviet", "ussr", "russia"),
    437: ("ivoire", "ivory coast"),  # "Côte d'Ivoire" with its accent
    484: ("congo",),
    490: ("congo", "zaire"),
    552: ("rhodesia", "zimbabwe"),
    560: ("south africa",),
    565: ("namibia", "south west africa"),
    630: ("iran",),
    645: ("iraq",),
    651: ("egypt", "suez"),
    666: ("israel", "middle east", "palestin"),
    710: ("china",),
    811: ("cambodia", "kampuchea"),
    850: ("indonesia", "timor"),  # the Indonesian question; East Timor
    713: ("taiwan", "formosa"),
    731: ("korea",),
    732: ("korea",),
    750: ("india", "kashmir"),
    770: ("pakistan", "kashmir"),
    816: ("viet",),
    817: ("viet",),
}


@cache
def _agenda(data_dir: str | None) -> tuple[np.ndarray, tuple[str, ...]]:
    """Dates and lower-case agenda titles of every Council decision (1946-)."""
    a = load_actions(data_dir)
    dates = pd.to_datetime(a["date"]).to_numpy(dtype="datetime64[D]")
    return dates, tuple(a["topic"].fillna("").str.lower())


#: the Security Council's first meeting
FIRST_MEETING = dt.date(1946, 1, 17)


def _decisions_before(before: dt.date, years: int, data_dir: str | None) -> np.ndarray:
    """Rows of the Council's record dated in the ``years`` before ``before``."""
    if before < FIRST_MEETING:
        return np.zeros(0, dtype=np.int64)
    dates, _ = _agenda(data_dir)
    hi = np.datetime64(before, "D")
    lo = np.datetime64(before - dt.timedelta(days=round(365.25 * years)), "D")
    return np.flatnonzero((dates >= lo) & (dates < hi))


def agenda_count(
    words: Iterable[str], before: dt.date, years: int, data_dir: str | None = None
) -> int:
    """Council decisions in the ``years`` before ``before`` whose agenda title has a word."""
    _, topics = _agenda(data_dir)
    return _naming(topics, _decisions_before(before, years, data_dir), words)


def _naming(topics: Sequence[str], rows: Iterable[int], words: Iterable[str]) -> int:
    """How many of ``rows`` have a title in ``topics`` with one of ``words``."""
    words = tuple(w for w in words if w)
    return sum(1 for i in rows if any(w in topics[i] for w in words)) if words else 0


#: Agenda titles under which a state brings a matter to the Council, or is the
#: subject of another's: "Complaint by Cuba", "Letter, 9 November 1984, from
#: Nicaragua", "Complaint concerning South Africa", "Cablegram, 5 November 1956,
#: from the USSR".
RECOURSE_WORDS = ("complaint", "letter", "cablegram", "telegram", "communication")


@cache
def _meetings(data_dir: str | None) -> tuple[np.ndarray, tuple[str, ...]]:
    """Dates and lower-case titles of every agenda item taken up at a meeting whose
    title is a complaint or a letter (:data:`RECOURSE_WORDS`), decided or not."""
    m = load_meetings(data_dir)
    topics = m["topic"].fillna("").str.lower()
    keep = topics.str.contains("|".join(RECOURSE_WORDS), regex=True).to_numpy()
    dates = pd.to_datetime(m["date"]).to_numpy(dtype="datetime64[D]")[keep]
    return dates, tuple(topics[keep])


def recourse_count(words: Iterable[str], before: dt.date, data_dir: str | None = None) -> int:
    """Council meetings before ``before`` on a complaint or letter whose title has a word.

    The parties' record of recourse: how often they brought a matter to the
    Council, or had one brought against them, over the whole record before the
    crisis (with or without a decision). A state that has used the Council before
    knows the way there, and a Council that has heard its complaints knows it.
    """
    if before < FIRST_MEETING:
        return 0
    dates, topics = _meetings(data_dir)
    return _naming(topics, np.flatnonzero(dates < np.datetime64(before, "D")), words)


def council_load(before: dt.date, years: int, data_dir: str | None = None) -> int:
    """Council decisions on any item in the ``years`` before ``before`` (its workload)."""
    return len(_decisions_before(before, years, data_dir))


@cache
def _cow_names(data_dir: str | None) -> dict[int, str]:
    """Every COW state's name (states.csv), in or out of the system on a date."""
    st = load_states(data_dir=data_dir)
    return {int(c): str(n) for c, n in zip(st["ccode"], st["statenme"], strict=True)}


def agenda_words(ccodes: Iterable[int], world, data_dir: str | None = None) -> tuple[str, ...]:
    """The words that name the states ``ccodes`` in Council agenda titles."""
    names = dict(_cow_names(data_dir))
    names.update({int(c): str(n) for c, n in zip(np.asarray(world.ccode), world.name, strict=True)})
    out: list[str] = []
    for c in ccodes:
        out.extend(AGENDA_WORDS.get(c, (names[c].lower(),) if c in names else ()))
    return tuple(dict.fromkeys(out))


def regional_bodies(geog: int | None, on: dt.date) -> list[str]:
    """The regional organisations in being on ``on`` that cover ICB region ``geog``."""
    if geog is None:
        return []
    return [
        name
        for name, start, end, where in REGIONAL_BODIES
        if start <= on and (end is None or on < end) and geog in where
    ]


@dataclass
class CrisisModel:
    """The kernel's view of one crisis."""

    crisno: int
    institution: str | None
    kind: str = "none"
    aggressor: str | None = None
    target: str | None = None
    severity: float = 0.0
    council: str | None = None
    signals: dict[str, float] = field(default_factory=dict)
    votes: dict[str, dict[str, float]] = field(default_factory=dict)  # member -> share y/n/a
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)


def _severity(c: IcbCrisis, gravity: bool) -> float:
    base = GRAVITY.get(c.gravcr, NO_GRAVITY) if gravity and c.gravcr is not None else NO_GRAVITY
    return base * (1.0 if c.breakpoint in VIOLENT_BREAKS else NONVIOLENT)


#: how directly an actor's own trigger struck it (ICB2 ``triggr``): an internal challenge
#: or a violent act on the actor itself first, a revolt or violence next door last
DIRECTNESS = {6: 0, 9: 1, 7: 2, 1: 3, 2: 3, 3: 3, 5: 3, 4: 4, 8: 5}
#: ICB1 ``break``: an external change (an intelligence report, a new capability, a change
#: of government or alignment in the subsystem) is not an act of the triggering state
EXTERNAL_CHANGE = 4


def _parties(
    c: IcbCrisis, index: dict[int, int], cinc=None, contiguous=None
) -> tuple[int, int, int, list[str]]:
    """(kind, aggressor, target) as world indices, with notes: the orientation rule.

    Read from what ICB codes at the trigger (``docs/backtest.md``, "Who is accused"):

    * the crisis actor struck is the initial actor whose own trigger was most direct
      (:data:`DIRECTNESS`); for a state's act, then a land neighbour of the triggering
      state, then the most capable (``cinc``); for an internal or non-state challenge,
      then the least capable (the state challenged rather than its patron);
    * a state's act (verbal, political, economic, military or violent) makes it the
      accused and that actor the target;
    * an *external change* (:data:`EXTERNAL_CHANGE`) next door to a stronger crisis
      actor makes the crisis actor the would-be aggressor against the triggering state
      (a change of government or alignment beside a larger neighbour: Poland 1946,
      Hungary 1947, Chad 1978, Crimea 2014); otherwise the triggering state's new
      capability is the threat (the Falklands fleet, Cienfuegos);
    * an internal or non-state trigger is an internal crisis of the actor struck.
    """
    notes: list[str] = []
    trig_of = dict(zip(c.initial, c.initial_triggers, strict=False))
    initial = [x for x in c.initial if x in index]
    lost = [x for x in c.initial if x not in index]
    if lost:
        notes.append(f"crisis actors not in the state system: {', '.join(map(str, lost))}")
    if not initial:
        return -1, -1, -1, [*notes, "no crisis actor in the state system"]
    trig = c.trigent

    def struck(candidates: list[int], near: int | None = None) -> int:
        """The actor struck: most direct trigger; then, for a state's act, a land
        neighbour of the triggering state and the most capable; for an internal
        challenge, the least capable (the state challenged, not its patron)."""

        def key(x: int):
            adjacent = near is not None and contiguous is not None
            adjacent = adjacent and near in index and bool(contiguous[index[x], index[near]])
            capability = float(cinc[index[x]]) if cinc is not None else 0.0
            side = -capability if near is not None else capability
            return (DIRECTNESS.get(trig_of.get(x), 6), not adjacent, side)

        return min(candidates, key=key)

    if c.breakpoint == 6 or trig in (995, 996) or trig is None:
        why = "internal challenge" if c.breakpoint == 6 or trig == 995 else "non-state trigger"
        where = struck(initial)
        return KIND_INTERNAL, index[where], index[where], [*notes, f"internal: {why}"]
    if trig == 997:
        others = initial[1:]
        if others:
            return KIND_AGGRESSION, index[others[0]], index[initial[0]], notes
        return (
            KIND_INTERNAL,
            index[initial[0]],
            index[initial[0]],
            [*notes, "several triggering states"],
        )
    if trig not in index:
        where = struck(initial)
        return KIND_INTERNAL, index[where], index[where], [*notes, f"trigger {trig} not a state"]
    candidates = [x for x in initial if x != trig]
    if not candidates:
        return KIND_INTERNAL, index[trig], index[trig], [*notes, "the trigger is the only actor"]
    target = struck(candidates, near=trig)
    a, t = index[trig], index[target]
    if (
        c.breakpoint == EXTERNAL_CHANGE
        and cinc is not None
        and contiguous is not None
        and bool(contiguous[t, a])
        and cinc[t] > cinc[a]
    ):
        notes.append(
            "an external change beside a stronger crisis actor: it is the would-be aggressor"
        )
        return KIND_AGGRESSION, t, a, notes
    return KIND_AGGRESSION, a, t, notes


def crisis_model(
    c: IcbCrisis,
    params: Parameters | None = None,
    *,
    draws: int = 200,
    seed: int = 0,
    gravity: bool = True,
    data_dir: str | None = None,
    world=None,
    policy: str = "utility",
) -> CrisisModel:
    """Build the world of the day before ``c`` broke and run the kernel on it
    (through :func:`collsec.crisis.api.sim_crises`, under ``policy``)."""
    p = params or Parameters.default()
    org = c.institution
    out = CrisisModel(crisno=c.crisno, institution=org)
    bodies = regional_bodies(c.geog, c.trigger)
    zero = dict.fromkeys(SIGNALS, 0.0)
    zero["regional_bodies"] = float(len(bodies))
    zero["severity"] = _severity(c, gravity)
    zero["initial_actors"] = float(len(c.initial))
    if org is None:
        out.signals = zero
        out.notes.append("no global organisation in being")
        return out
    w = (
        world
        if world is not None
        else World.at(c.trigger - dt.timedelta(days=1), data_dir=data_dir)
    )
    index = {int(x): i for i, x in enumerate(np.asarray(w.ccode))}
    # the Council's agenda names the states of the crisis whether or not they are yet
    # members of the state system (Indonesia in 1948, Rhodesia in 1965)
    named = {int(x) for x in c.initial}
    if c.trigent is not None and c.trigent < 995:
        named.add(int(c.trigent))
    words = agenda_words(sorted(named), w, data_dir)
    agenda = {y: agenda_count(words, c.trigger, y, data_dir) for y in (10, 1)}
    zero["agenda_10y"], zero["agenda_1y"] = float(agenda[10]), float(agenda[1])
    zero["recourse"] = float(recourse_count(words, c.trigger, data_dir))
    zero["council_load_5y"] = float(council_load(c.trigger, 5, data_dir))
    # land contiguity only (COW type 1): sea contiguity puts the Bering Strait between
    # the superpowers
    kind, a, t, notes = _parties(
        c, index, np.asarray(w.cinc, dtype=float), np.asarray(w.contiguity) == 1
    )
    out.notes.extend(notes)
    if kind < 0:
        out.signals = zero
        return out
    council = "league-council" if org == "league" else "unsc"
    member = np.asarray(w.memberships["league" if org == "league" else "un"], dtype=bool)
    sev = _severity(c, gravity)
    codes = [str(x) for x in w.code]
    out.kind = "internal" if kind == KIND_INTERNAL else "aggression"
    out.aggressor, out.target, out.severity, out.council = codes[a], codes[t], sev, council
    threat = Threat(
        kind=np.full(draws, kind),
        aggressor=np.full(draws, a),
        target=np.full(draws, t),
        severity=np.full(draws, sev),
        sponsored=np.ones(draws, dtype=bool),
    )
    run_args = dict(
        policy=policy,
        random_seed=seed,
        first_crisis=c.crisno * draws,
        credibility=p.credibility_start,
        occurred=True,
    )
    stage = Stage.build(w, p, Scenario(council=council, regional_first=False))
    r = sim_crises(stage, threat, **run_args).result
    seized = r.draft != DRAFT_NONE
    adopted = r.council_adopted
    vetoed = r.council_vetoed | (r.draft == DRAFT_HIDDEN_VETO)
    lvl = np.where(adopted, r.level, -1)
    p_regional = 0.0
    if bodies:
        stage_r = Stage.build(w, p, Scenario(council=council, regional_first=True))
        rr = sim_crises(stage_r, threat, **run_args).result
        p_regional = float(np.mean(rr.regional_adopted))
    major = np.asarray(w.major_power, dtype=bool)
    perm = [codes.index(x) for x in stage.council_groups.get("permanent", ()) if x in codes]
    parties = {a, t}
    p5_allied = sum(1 for i in perm if any(stage.alliance[i, j] for j in parties))
    p5_prox = max((stage.prox[i, j] for i in perm for j in parties), default=0.0)
    out.signals = {
        "member_parties": float(member[a]) + float(member[t] if t != a else member[a]),
        "p_seized": float(np.mean(seized)),
        "p_tabled": float(np.mean(r.draft == DRAFT_TABLED)),
        "p_adopted": float(np.mean(adopted)),
        "p_vetoed": float(np.mean(vetoed)),
        "p_demand_level": float(np.mean(lvl == 0)),
        "p_act_level": float(np.mean(lvl >= 1)),
        "p_pass_vi": float(np.mean(r.expected_pass[:, 0])),
        "party_cinc": float(stage.cinc[a] + (stage.cinc[t] if t != a else 0.0)),
        "p5_allied": float(p5_allied),
        "p5_proximity": float(p5_prox),
        "p_pass_vii": float(np.mean(r.expected_pass[:, 1])),
        "p_success": float(np.mean(r.success)),
        "p_regional": p_regional,
        "regional_bodies": float(len(bodies)),
        "agenda_10y": float(agenda[10]),
        "agenda_1y": float(agenda[1]),
        "recourse": zero["recourse"],
        "council_load_5y": zero["council_load_5y"],
        "initial_actors": zero["initial_actors"],
        "shielded": float(stage.shielded[a]),
        "major_party": float(major[a] or major[t]),
        "internal": float(kind == KIND_INTERNAL),
        "severity": sev,
    }
    tabled = r.council_votes[r.draft == DRAFT_TABLED]
    if len(tabled):
        for j, seat in enumerate(stage.seats):
            col = tabled[:, j]
            out.votes[codes[seat]] = {
                "yes": round(float(np.mean(col == YES)), 3),
                "no": round(float(np.mean(col == NO)), 3),
                "abstain": round(float(np.mean(col == ABSTAIN)), 3),
            }
    out.notes.extend(stage.notes)
    return out


def _one(args) -> dict:
    c, params, draws, seed, gravity, data_dir, policy = args
    m = crisis_model(
        c, params, draws=draws, seed=seed, gravity=gravity, data_dir=data_dir, policy=policy
    )
    return {"crisno": c.crisno, **m.signals}


def _key(
    crises: Sequence[IcbCrisis],
    params: Parameters,
    draws: int,
    seed: int,
    gravity: bool,
    policy: str = "utility",
):
    blob = json.dumps(
        {
            "v": __version__,
            "mechanism": 13,  # 13: worlds with NaN ideal points and the ROC as CHN
            "policy": policy,
            "crises": [asdict(c) for c in crises],
            "params": params.to_dict(),
            "draws": draws,
            "seed": seed,
            "gravity": gravity,
        },
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(blob.encode()).hexdigest()[:20]


def signals(
    crises: Iterable[IcbCrisis],
    params: Parameters | None = None,
    *,
    draws: int = 200,
    seed: int = 0,
    gravity: bool = True,
    data_dir: str | None = None,
    workers: int | None = None,
    progress: Callable[[str, int, int], None] | None = None,
    policy: str = "utility",
) -> pd.DataFrame:
    """The kernel's signals for every crisis (one row each), cached on disk.

    The cache (under ``COLLSEC_CACHE_DIR``) is keyed by the crises' inputs, the
    parameters, the policy, the draws, the seed, the ablation and the package version.
    ``progress(step, done, total)`` is told of each crisis run (not of a cached table).
    """
    crises = list(crises)
    p = params or Parameters.default()
    key = _key(crises, p, draws, seed, gravity, policy)
    path = cache_dir() / "backtest" / f"signals-{key}.parquet"
    if path.is_file():
        with contextlib.suppress(Exception):  # a damaged cache file: compute again
            return pd.read_parquet(path)
    writable_cache()  # checked (and said) here, once, not in every worker
    jobs = [(c, p, draws, seed, gravity, data_dir, policy) for c in crises]
    n = workers if workers is not None else min(2, os.cpu_count() or 1)
    rows: list[dict] = []
    if n > 1 and len(jobs) > 8:
        with process_pool(n) as pool:  # workers that die with this process
            it = pool.map(_one, jobs, chunksize=8)
            rows = list(_told(it, len(jobs), progress, gravity))
    else:
        rows = list(_told(map(_one, jobs), len(jobs), progress, gravity))
    df = pd.DataFrame(rows, columns=["crisno", *SIGNALS])
    if writable_cache() is not None:  # else: said once, and computed each time
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write_bytes(path, df.to_parquet(index=False))
        except OSError as err:  # a full disk: the signals are computed, the cache not kept
            cache_failed(path, err)
    return df


def _told(it, total: int, progress, gravity: bool):
    if progress is None:
        yield from it
        return
    step = f"kernel signals of {total} crises" + ("" if gravity else ", gravity ablated")
    progress(step, 0, total)
    for done, x in enumerate(it, 1):
        progress(step, done, total)
        yield x

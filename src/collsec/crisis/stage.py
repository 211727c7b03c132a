"""The stage of a run: a World turned into the arrays the kernel reads.

Everything that depends only on the world, the institutions and the
parameters is computed once here and shared by the batch kernel and the
object-per-agent reference: affinity, proximity, risk, defended strength,
contest odds, the Council's seats and rule, NATO's members and treaty area,
regional bodies and the General Assembly.

Institutions come from the charter files. For a world built from data, the
bodies are taken on the world's date (1 July of its year) with
:func:`collsec.institutions.load_body`; members missing from the world are
dropped. A synthetic world has no real codes, so (assumptions, documented in
``docs/model.md``): its five major powers hold the permanent seats of the
``unsc-1966`` rule, ten elected seats go to the non-major states at evenly
spaced positions, the major powers are nuclear-armed, and the NATO analogue is
every state of the ``europe`` and ``americas`` regions with a defence pact to
another state of those regions (treaty area: those regions).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

import numpy as np

from collsec.behavior import contribution
from collsec.behavior.contribution import capability_logs
from collsec.behavior.model import sponsor_distance
from collsec.behavior.nuclear import nuclear_codes
from collsec.behavior.parameters import Parameters
from collsec.crisis.scenario import Scenario
from collsec.crisis.threats import ThreatTables
from collsec.crisis.voting import CompiledRule
from collsec.errors import InputError
from collsec.institutions import load_body, load_charter
from collsec.institutions.charter import Charter
from collsec.institutions.rules import VotingRule
from collsec.world.world import World

__all__ = [
    "OTHER_BODIES",
    "Scenario",
    "Stage",
    "as_practised",
    "fill_ideal",
    "load_council",
    "stage_charters",
]

#: COW codes of North American states (treaty-area region "north_america")
NORTH_AMERICA = (2, 20)


def fill_ideal(ideal: np.ndarray, region: np.ndarray) -> np.ndarray:
    """Ideal points with the unknown ones (NaN) filled, for affinity and threats only.

    A state without an ideal point takes the mean of the known ideal points of
    its region in the same world (0.0, the centre of the scale, if its region has
    none). :attr:`Stage.ideal` keeps NaN: sponsor alignment treats it as unknown.

    >>> fill_ideal(np.array([1.0, np.nan, 3.0, np.nan]), np.array(["a", "a", "a", "b"]))
    array([1., 2., 3., 0.])
    """
    x = np.asarray(ideal, dtype=float).copy()
    missing = np.isnan(x)
    if not missing.any():
        return x
    reg = np.asarray(region).astype(str)
    for r in np.unique(reg[missing]):
        known = (reg == r) & ~missing
        x[(reg == r) & missing] = float(x[known].mean()) if known.any() else 0.0
    return x


def as_practised(rule: VotingRule, charter: Charter) -> VotingRule:
    """``rule`` as the body applies it: without the parties' obligatory abstention
    under a chapter when the charter's practice says the body does not apply it."""
    if charter.practice.obligatory_abstention or not rule.parties_excluded_under:
        return rule
    return rule.model_copy(update={"parties_excluded_under": []})


#: the built-in charters a stage reads besides its Council's: role -> charter id
OTHER_BODIES = {"nato": "nato-nac", "regional": "au-psc", "general_assembly": "unga"}


def load_council(council: str, on: dt.date | None = None) -> Charter:
    """The Council's charter, resolved (``extends`` applied). ``on``: the date of a
    world of data (a body id names the version in force then); None for a synthetic
    world, whose Council is the charter the scenario names (``"unsc"``: ``unsc-1966``)."""
    if on is None:
        return load_charter("unsc-1966" if council == "unsc" else council)
    return load_body(council, on=on).charter


def stage_charters(scenario: Scenario, on: dt.date | None = None) -> dict[str, Charter]:
    """Every charter a stage of ``scenario`` reads, by role: ``council``
    (:func:`load_council`), then those of :data:`OTHER_BODIES`."""
    council = load_council(scenario.council, on)
    return {"council": council, **{k: load_charter(v) for k, v in OTHER_BODIES.items()}}


@dataclass(eq=False)
class Stage:
    """Arrays of one world under one set of institutions and parameters."""

    world: World
    params: Parameters
    scenario: Scenario
    on: dt.date
    codes: list[str]
    cinc: np.ndarray
    risk: np.ndarray
    nuclear: np.ndarray
    aff: np.ndarray  # (N, N) affinity of i to j
    ideal: np.ndarray  # (N,) UN ideal point, NaN where unknown
    prox: np.ndarray  # (N, N) proximity
    alliance: np.ndarray  # (N, N) bool defence pact
    tie: np.ndarray  # (N, N) bool: an ATOP obligation of any kind
    agree_rel: (
        np.ndarray
    )  # (N, N) UN agreement of i with j beyond the world's mean with j (0 unknown)
    agree_rel_t: np.ndarray  # agree_rel.T, contiguous (rows gathered per accused)
    agree_t: np.ndarray  # (N, N) UN agreement of j with i (0 unknown), i the accused
    aff_mean: np.ndarray  # (N,) a state's mean affinity to the others (its affinity to victims)
    veto: np.ndarray  # (N,) bool: holds a veto in the Council
    statism: np.ndarray  # (N,) ideal point below the world's mean in sd (negative above)
    camp: np.ndarray  # (N,) distance from the Council's mean ideal point (drafts without sponsors)
    remote_t: np.ndarray  # (N, N) ideal-point distance of j from i (i the accused), filled
    strength: np.ndarray  # (N,) defended strength: own plus honoured allies
    capability: np.ndarray  # (N,) log share of world military expenditure (NMC; CINC fills)
    personnel: np.ndarray  # (N,) log share of world military personnel (NMC; CINC fills)
    population: np.ndarray  # (N,) log share of world population (NMC; CINC fills)
    km: np.ndarray  # (N, N) minimum distance in km (NaN unknown)
    ideal_fill: np.ndarray  # (N,) ideal point, the region's mean where unknown
    p_win: np.ndarray  # (N, N) attacker a beats defender t (ratio-form CSF)
    shielded: np.ndarray  # (N,) float: holds a veto or is allied to a holder
    seats: np.ndarray  # (M,) state index of each Council seat
    council: CompiledRule
    council_name: str
    nato: np.ndarray  # (N,) bool
    treaty_area: np.ndarray  # (N,) bool
    nac: CompiledRule
    region: np.ndarray  # (N,) int region id
    regional: CompiledRule
    un: np.ndarray  # (N,) bool
    ga: CompiledRule
    threats: ThreatTables
    honour_logit: float
    aff_t: np.ndarray | None = None  # aff.T, contiguous (rows gathered per crisis)
    prox_t: np.ndarray | None = None
    council_groups: dict = field(default_factory=dict)
    #: the Council's rule for atrocity crises, when its charter has one (a reform variant)
    council_atrocity: CompiledRule | None = None
    council_weights: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def n(self) -> int:
        return len(self.codes)

    def member_terms(
        self,
        a: np.ndarray,
        t: np.ndarray,
        qs: np.ndarray,
        haven: np.ndarray,
        internal: np.ndarray,
        cols: np.ndarray | None = None,
        *,
        sponsor: np.ndarray | None = None,
        veto: np.ndarray | None = None,
    ) -> dict[str, np.ndarray]:
        """The vote model's member terms (:data:`collsec.behavior.model.MEMBER_TERMS`)
        of the states ``cols`` (all when None) in crises against accused ``a`` for
        targets ``t``: arrays of shape ``(crises, states)`` (or broadcastable).

        ``qs`` is attribution confidence times severity, ``haven`` the share of
        the accused's weight that counts (1 for a state, ``nonstate_haven`` for a
        group's host), ``internal`` 1 for an internal conflict (the target is
        then the victims: the member's mean affinity). ``sponsor`` replaces the
        distance from the sponsors' camp (by default the kernel's drafts name no
        sponsors: the Council's mean, :func:`collsec.behavior.model.sponsor_distance`);
        ``veto`` replaces the Council's veto holders (a recorded draft's body on its date).
        """
        c = slice(None) if cols is None else np.asarray(cols)
        h = np.asarray(haven, dtype=float)[:, None]
        aff_a = self.aff_t[a][:, c] * h
        aff_to = np.where(
            np.asarray(internal)[:, None] > 0, self.aff_mean[c][None, :], self.aff_t[t][:, c]
        )
        idx = np.arange(self.n)[c]
        accused = (idx[None, :] == np.asarray(a)[:, None]).astype(float)
        tie = self.tie[a][:, c].astype(float) * h
        held = self.veto[c] if veto is None else np.asarray(veto)
        vt = np.asarray(held, dtype=float)[None, :]
        q = np.asarray(qs, dtype=float)[:, None]
        return {
            "qs": q,
            "affinity": q * (aff_to - aff_a),
            "risk": (self.risk[a] * np.asarray(haven, dtype=float))[:, None],
            "prox": self.prox_t[a][:, c] * h,
            "internal": np.asarray(internal, dtype=float)[:, None],
            "sponsor": (self.camp[c] if sponsor is None else np.asarray(sponsor))[None, :],
            "remote": self.remote_t[a][:, c],
            "accused": accused,
            "target": (idx[None, :] == np.asarray(t)[:, None]).astype(float),
            "tie": tie,
            "agreement": self.agree_rel_t[a][:, c] * h,
            "veto_stake": vt * np.maximum(accused, tie),
            "veto": vt,
            "statism": self.statism[c][None, :],
            "shield": tie * self.agree_t[a][:, c] * np.asarray(internal, dtype=float)[:, None],
        }

    def distance_feature(self) -> tuple[np.ndarray, np.ndarray]:
        """The contribution rule's ``distance`` feature from every state to every
        state, ``log1p(km / 1000)`` (:func:`collsec.behavior.contribution.terms`;
        an unknown distance as ``MISSING_KM``), and where the distance is unknown
        (the theatre is then the aggressor's territory): computed once per ``km``."""
        cached = self.__dict__.get("_distance_feature")
        if cached is None or cached[0] is not self.km:
            km = self.km
            feat = np.log1p(np.where(np.isfinite(km), km, contribution.MISSING_KM) / 1000.0)
            cached = (km, np.ascontiguousarray(feat), np.isnan(km))
            self.__dict__["_distance_feature"] = cached
        return cached[1], cached[2]

    def contribution_terms(
        self,
        a: np.ndarray,
        t: np.ndarray,
        lead: np.ndarray,
        yes: np.ndarray,
        cols: np.ndarray | None = None,
    ) -> dict[str, np.ndarray]:
        """The contribution rule's features (:func:`collsec.behavior.contribution.terms`)
        of every state (or of ``cols``) in responses against ``a`` for ``t`` led by
        ``lead`` (-1: none), with ``yes`` (rows by the same columns) the states
        that voted for the decision. Arrays are (B, len(cols))."""
        c = np.arange(self.n) if cols is None else np.asarray(cols)
        a, t, lead = np.asarray(a), np.asarray(t), np.asarray(lead)
        has = (lead >= 0)[:, None]
        ld = np.maximum(lead, 0)
        km_a = self.km[a][:, c]
        return contribution.terms(
            capability=self.capability[c][None, :],
            personnel=self.personnel[c][None, :],
            population=self.population[c][None, :],
            # the theatre: the target's territory, or the aggressor's where the data
            # give no distance to the target (South Korea before 1950 in CShapes)
            km=np.where(np.isnan(self.km[t][:, c]), km_a, self.km[t][:, c]),
            exposure=(km_a == 0.0).astype(float),
            tie=self.tie[t][:, c].astype(float),
            agreement=self.agree_rel_t[t][:, c],
            lead_ally=np.where(has, self.alliance[ld][:, c], False).astype(float),
            lead_camp=np.where(
                has, -np.abs(self.ideal_fill[c][None, :] - self.ideal_fill[ld][:, None]), 0.0
            ),
            yes=np.asarray(yes, dtype=float),
            lead=(c[None, :] == lead[:, None]).astype(float),  # -1 (no lead) matches none
        )

    @property
    def m(self) -> int:
        return len(self.seats)

    @classmethod
    def build(
        cls, world: World, params: Parameters | None = None, scenario: Scenario | None = None
    ) -> Stage:
        p = params or Parameters.default()
        sc = scenario or Scenario()
        n = world.n
        codes = [str(c) for c in world.code]
        synthetic = world.kind == "synthetic"
        on = world.date or dt.date(world.year, 7, 1)
        notes: list[str] = []
        cinc = np.nan_to_num(np.asarray(world.cinc, dtype=float), nan=0.0)
        cinc = np.maximum(cinc, 1e-6)
        cinc = cinc / cinc.sum()
        cap_norm = cinc / cinc.max()
        if synthetic:
            nuclear = np.asarray(world.major_power, dtype=bool).copy()
        else:
            nuc = nuclear_codes(on.year, on)
            nuclear = np.array([c in nuc for c in codes], dtype=bool)
        risk = cap_norm + p.nuclear * nuclear
        ideal = np.asarray(world.ideal_point, dtype=float).copy()  # NaN: unknown
        x = fill_ideal(ideal, world.region)  # for affinity and the threat tables only
        alliance = np.asarray(world.defense) > 0
        np.fill_diagonal(alliance, False)
        aff = np.exp(-np.abs(x[:, None] - x[None, :]) / p.ideal_scale) + p.alliance_tie * alliance
        np.fill_diagonal(aff, p.self_affinity)
        dist = np.asarray(world.distance, dtype=float)
        prox = np.where(np.isnan(dist), 0.0, np.exp(-np.nan_to_num(dist) / p.distance_scale))
        np.fill_diagonal(prox, 1.0)
        strength = cinc + p.honour * (alliance.astype(float) @ cinc)
        mexp = p.csf_exponent
        ca = cinc[:, None] ** mexp
        p_win = ca / (ca + strength[None, :] ** mexp)

        # -- the Council --------------------------------------------------------
        if synthetic:
            charter = load_council(sc.council)
            rule = charter.rules[charter.default_rule]
            major = np.flatnonzero(world.major_power)
            others = np.flatnonzero(~np.asarray(world.major_power, dtype=bool))
            size = charter.members.size or 15
            n_elected = max(0, min(size - len(major), len(others)))
            pick = (np.arange(n_elected) * len(others)) // max(n_elected, 1)
            seats = np.concatenate([major, others[pick]]).astype(np.int64)
            perm = frozenset(codes[i] for i in major)
            groups = {
                name: (perm if name.startswith("permanent") else frozenset())
                for name in charter.groups
            }
            groups["permanent"] = perm
            groups["elected"] = frozenset(codes[i] for i in others[pick])
            council_name = charter.id
            weights: dict[str, dict[str, int]] = {}
        else:
            if on < dt.date(1945, 10, 24) and sc.council == "unsc":
                raise InputError(
                    f"no Security Council on {on.isoformat()} (the UN dates from 1945)",
                    source="--world",
                )
            body = load_body(sc.council, on=on)
            rule = body.rule()
            index = {c: i for i, c in enumerate(codes)}
            missing = [c for c in body.members if c not in index]
            if missing:
                notes.append(f"Council members not in the world, dropped: {', '.join(missing)}")
            seats = np.array([index[c] for c in body.members if c in index], dtype=np.int64)
            groups = dict(body.groups)
            council_name = body.charter.id
            weights = body.weights
        council_charter = charter if synthetic else body.charter
        rules = council_charter.rules
        council = CompiledRule(
            as_practised(rule, council_charter), [codes[i] for i in seats], groups, weights
        )
        council_atrocity = (
            CompiledRule(
                as_practised(rules["atrocity"], council_charter),
                [codes[i] for i in seats],
                groups,
                weights,
            )
            if "atrocity" in rules
            else None
        )

        # -- NATO -----------------------------------------------------------------
        nac_charter = load_charter(OTHER_BODIES["nato"])
        gate = nac_charter.gates.get("article5", {})
        regions = np.asarray(world.region).astype(str)
        if synthetic:
            bloc = np.isin(regions, ["europe", "americas"])
            nato = bloc & (alliance & bloc[None, :]).any(axis=1)
            treaty_area = bloc.copy()
        else:
            try:
                allies = set(load_body("nato-nac", on=on).members)
            except InputError:
                allies = set()
            nato = np.array([c in allies for c in codes], dtype=bool)
            where = np.where(regions == "europe", "europe", "elsewhere").astype(object)
            where[np.isin(np.asarray(world.ccode), NORTH_AMERICA)] = "north_america"
            where[np.asarray(codes) == "TUR"] = "turkey"
            treaty_area = np.isin(where.astype(str), list(gate.get("regions", [])))
        if not sc.nato:
            nato = np.zeros(n, dtype=bool)
        nac = CompiledRule(nac_charter.rules[nac_charter.default_rule], codes, {})

        # -- regional bodies and the General Assembly ---------------------------
        _, region_id = np.unique(regions, return_inverse=True)
        psc = load_charter(OTHER_BODIES["regional"])
        regional = CompiledRule(psc.rules[psc.default_rule], codes, {})
        un = np.asarray(world.un_member, dtype=bool)
        if not un.any():
            un = np.ones(n, dtype=bool)
        unga = load_charter(OTHER_BODIES["general_assembly"])
        ga = CompiledRule(unga.rules["important"], codes, {})

        veto_holders = np.zeros(n, dtype=bool)
        for crit in (c for cl in rule.clauses for c in cl if c.type == "veto"):
            grp = groups.get(crit.holders or "", frozenset())
            veto_holders |= np.array([c in grp for c in codes], dtype=bool)
        shielded = (veto_holders | (alliance & veto_holders[None, :]).any(axis=1)).astype(float)
        tie, agree_rel, agree, aff_mean = _relations(world, alliance, aff)

        capability, personnel, population = capability_logs(
            world.milex, world.milper, world.cinc, world.tpop
        )
        h = p.honour
        honour_logit = math.inf if h >= 1 else (-math.inf if h <= 0 else math.log(h / (1 - h)))
        return cls(
            world=world,
            params=p,
            scenario=sc,
            on=on,
            codes=codes,
            cinc=cinc,
            risk=risk,
            nuclear=nuclear,
            aff=aff,
            ideal=ideal,
            prox=prox,
            alliance=alliance,
            tie=tie,
            agree_rel=agree_rel,
            agree_rel_t=np.ascontiguousarray(agree_rel.T),
            agree_t=np.ascontiguousarray(agree.T),
            aff_mean=aff_mean,
            veto=veto_holders,
            statism=_statism(ideal),
            camp=sponsor_distance(ideal, np.arange(n), np.zeros(0, dtype=np.int64), seats),
            remote_t=_remoteness(ideal),
            strength=strength,
            capability=capability,
            personnel=personnel,
            population=population,
            km=dist,
            ideal_fill=x,
            p_win=p_win,
            shielded=shielded,
            seats=seats,
            council=council,
            council_name=council_name,
            nato=nato,
            treaty_area=treaty_area,
            nac=nac,
            region=region_id.astype(np.int64),
            regional=regional,
            un=un,
            ga=ga,
            threats=ThreatTables.build(world, cinc, x, alliance, dist, p),
            honour_logit=honour_logit,
            aff_t=np.ascontiguousarray(aff.T),
            prox_t=np.ascontiguousarray(prox.T),
            council_groups=groups,
            council_atrocity=council_atrocity,
            council_weights=weights,
            notes=notes,
        )


#: the ATOP kinds (``collsec.world.world.ATOP_KINDS`` bits) that make a tie: every
#: kind but non-aggression alone
PARTNER_BITS = 0b10111


def _relations(
    world: World, alliance: np.ndarray, aff: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Ties of every kind, relative and raw UN agreement (0 where unknown) and mean
    affinity (see :class:`Stage`).

    A tie is an ATOP obligation other than non-aggression alone (:data:`PARTNER_BITS`);
    a world without ``ties`` has its defence pacts as ties; without ``agreement``,
    agreement is unknown (0 relative agreement). Relative agreement of ``i``
    with ``j`` is ``agreement[i, j]`` minus the mean known agreement of the
    other states with ``j``; a state's affinity to the victims of an internal
    conflict is its mean affinity to the other states.
    """
    n = world.n
    ties = getattr(world, "ties", None)
    # a tie is an obligation beyond non-aggression: bilateral non-aggression pledges
    # are near universal among the great powers (the US and Russia, China and
    # Russia), while defence, offence, neutrality and consultation bind partners
    tie = alliance.copy() if ties is None else (np.asarray(ties) & PARTNER_BITS) != 0
    np.fill_diagonal(tie, False)
    agreement = getattr(world, "agreement", None)
    rel = np.zeros((n, n))
    raw = np.zeros((n, n))
    if agreement is not None and n > 1:
        ag = np.asarray(agreement, dtype=float).copy()
        np.fill_diagonal(ag, np.nan)
        known = ~np.isnan(ag)
        count = known.sum(axis=0)
        mean = np.where(count > 0, np.nansum(ag, axis=0) / np.maximum(count, 1), 0.0)
        rel = np.where(known, ag - mean[None, :], 0.0)
        raw = np.where(known, ag, 0.0)
    off = ~np.eye(n, dtype=bool)
    aff_mean = (aff * off).sum(axis=1) / max(n - 1, 1)
    return tie, rel, raw, aff_mean


def _statism(ideal: np.ndarray) -> np.ndarray:
    """How far each state's ideal point lies below the mean of the known ones, in
    standard deviations (negative above the mean; 0 where unknown, and all 0 without
    ideal points). Signed: a state on the liberal side welcomes intrusive measures."""
    x = np.asarray(ideal, dtype=float)
    known = ~np.isnan(x)
    if known.sum() < 2:
        return np.zeros(len(x))
    mu, sd = float(np.mean(x[known])), float(np.std(x[known]))
    if sd <= 0:
        return np.zeros(len(x))
    return np.where(known, (mu - np.nan_to_num(x, nan=mu)) / sd, 0.0)


def _remoteness(ideal: np.ndarray) -> np.ndarray:
    """|x_i - x_j| on the ideal-point dimension; a pair with an unknown point gets
    the mean of the known distances (0 if none)."""
    x = np.asarray(ideal, dtype=float)
    d = np.abs(x[:, None] - x[None, :])
    known = ~np.isnan(d)
    fill = float(d[known].mean()) if known.any() else 0.0
    return np.where(known, d, fill)

"""The object-per-agent reference: the same model as a plain loop over states.

This is the cross-check and the performance baseline of the batch kernel
(DESIGN.md, "Architecture"). Each crisis is a :class:`Crisis` object, each
state a :class:`Agent` that computes its own utility and vote, and every
ballot is adjudicated by the scalar :func:`collsec.institutions.rules.adjudicate_votes`
(the code that audits the Council's real record), not by the vectorised
:mod:`collsec.crisis.voting`. It reads the same pre-drawn noise
(:mod:`collsec.crisis.noise`) and the same stage, and must reach the same
votes, decisions and outcomes as :func:`collsec.crisis.kernel.run_batch`.

:func:`run_crisis` runs one crisis; :mod:`collsec.crisis.mesa_model` steps the
same function from a Mesa model (Mesa is an optional extra).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from collsec.behavior import contribution
from collsec.behavior.model import (
    LEVEL_PRESSURE,
    combine,
    draft_terms,
    draw_vote,
    most_probable,
    vote_probabilities,
)
from collsec.behavior.policy import UtilityPolicy
from collsec.crisis.kernel import (
    COUNCIL,
    DRAFT_HIDDEN_SHORTFALL,
    DRAFT_HIDDEN_VETO,
    DRAFT_NONE,
    DRAFT_TABLED,
    GA,
    NATO,
    NONE,
    REGIONAL,
    SELF_DEFENCE,
    UNAUTHORISED,
)
from collsec.crisis.noise import Noise
from collsec.crisis.stage import Stage
from collsec.crisis.threats import AGGRESSION, ATROCITY, CYBER, TERRORISM
from collsec.crisis.voting import ABSENT, CODES
from collsec.institutions.rules import YES, Ballot, VotingRule, adjudicate_votes

__all__ = ["Agent", "Crisis", "Setup", "make_agents", "run_crisis", "run_reference"]


@dataclass
class Agent:
    """One state, as an object."""

    index: int
    code: str
    cinc: float
    un: bool
    nato: bool
    region: int

    def _parts(self, policy: UtilityPolicy, crisis: Crisis) -> tuple:
        """This state's parts of the vote model in ``crisis`` (computed once)."""
        got = crisis.parts.get(self.index)
        if got is None:
            terms = crisis.stage.member_terms(
                np.array([crisis.aggressor]),
                np.array([crisis.target]),
                np.array([crisis.confidence * crisis.severity]),
                np.array([crisis.hf]),
                np.array([crisis.internal]),
                np.array([self.index]),
            )
            got = crisis.parts[self.index] = policy.parts(terms)
        return got

    def _draft(self, crisis: Crisis, level: int) -> dict:
        p = crisis.stage.params
        return draft_terms(p.level_cost[level], p.level_intrusion[level], LEVEL_PRESSURE[level])

    def utility(self, policy: UtilityPolicy, crisis: Crisis, level: int) -> float:
        """The state's support for a draft of ``level``."""
        return float(
            np.asarray(combine(self._parts(policy, crisis)[0], self._draft(crisis, level))).reshape(
                -1
            )[0]
        )

    def tilt(self, policy: UtilityPolicy, crisis: Crisis, level: int) -> float:
        """The state's no/abstain tilt for a draft of ``level``."""
        return float(
            np.asarray(combine(self._parts(policy, crisis)[1], self._draft(crisis, level))).reshape(
                -1
            )[0]
        )

    def vote(self, policy: UtilityPolicy, crisis: Crisis, level: int, uniform: float) -> int:
        """The state's vote drawn with its ``uniform`` (:func:`collsec.behavior.model.draw_vote`)."""
        p = crisis.stage.params
        u, tl = self.utility(policy, crisis, level), self.tilt(policy, crisis, level)
        return draw_vote(u, tl, p.vote_no, p.vote_yes, p.vote_noise, uniform)


@dataclass
class Crisis:
    """One crisis, from threat to outcome."""

    stage: Stage
    kind: int
    aggressor: int
    target: int
    severity: float
    sponsored: bool
    internal: float
    hf: float
    attacked: bool = False
    delay: float = 0.0
    confidence: float = 1.0
    art5: bool = False
    forums: int = 0
    nac_votes: dict[int, int] = field(default_factory=dict)
    nac_adopted: bool = False
    regional_votes: dict[int, int] = field(default_factory=dict)
    regional_adopted: bool = False
    draft: int = DRAFT_NONE
    draft_level: int = -1
    expected: list[bool] = field(default_factory=lambda: [False] * 4)
    council_votes: list[int] = field(default_factory=list)
    council_adopted: bool = False
    council_vetoed: bool = False
    ga_votes: dict[int, int] = field(default_factory=dict)
    ga_adopted: bool = False
    responder: int = NONE
    level: int = -1
    contributions: list[float] = field(default_factory=list)
    #: the lead state of the response (-1: none)
    lead: int = -1
    strength: float = 0.0
    p_success: float = 0.0
    success: bool = False
    fought: bool = False
    time_to_decision: float = 0.0
    #: each state's parts of the vote model, by state index (filled as states vote)
    parts: dict[int, tuple] = field(default_factory=dict, repr=False)

    @property
    def parties(self) -> tuple[str, ...]:
        codes = self.stage.codes
        return tuple(dict.fromkeys((codes[self.aggressor], codes[self.target])))


def _decide(rule: VotingRule, votes: dict[str, int], members: list[str], chapter, parties):
    ballot = Ballot(votes={m: CODES[votes[m]] for m in members}, chapter=chapter, parties=parties)
    d = adjudicate_votes(
        rule, ballot, members=members, groups=_decide.groups, weights=_decide.weights
    )
    return d.adopted, bool(d.vetoed_by)


def make_agents(stage: Stage) -> list[Agent]:
    """One :class:`Agent` per state of ``stage``, in state order."""
    return [
        Agent(
            i,
            stage.codes[i],
            float(stage.cinc[i]),
            bool(stage.un[i]),
            bool(stage.nato[i]),
            int(stage.region[i]),
        )
        for i in range(stage.n)
    ]


@dataclass
class Setup:
    """What every crisis of a run reads: the stage, its agents, the threat tables.

    ``agents`` may be any objects with the attributes and the ``utility`` and
    ``vote`` methods of :class:`Agent`, in state order (the Mesa agents of
    :mod:`collsec.crisis.mesa_model` are).
    """

    stage: Stage
    agents: Sequence[Agent]
    kind_cum: list[float]
    aggr_cum: list[list[float]]
    targ_cum: list[list[float]]
    seat_agents: list[Agent]
    seat_codes: list[str]

    @classmethod
    def build(cls, stage: Stage, agents: Sequence[Agent] | None = None) -> Setup:
        agents = make_agents(stage) if agents is None else agents
        if [ag.index for ag in agents] != list(range(stage.n)):
            raise ValueError("agents must be one per state, in state order")
        tables = stage.threats
        seat_agents = [agents[i] for i in stage.seats]
        return cls(
            stage=stage,
            agents=agents,
            kind_cum=tables.kind_cum.tolist(),
            aggr_cum=[row.tolist() for row in tables.aggressor_cum],
            targ_cum=[row.tolist() for row in tables.target_cum],
            seat_agents=seat_agents,
            seat_codes=[a.code for a in seat_agents],
        )


def run_reference(
    stage: Stage, policy: UtilityPolicy, noise: Noise, credibility: float
) -> list[Crisis]:
    """Run the crises of ``noise`` one by one, state by state."""
    setup = Setup.build(stage)
    return [run_crisis(setup, policy, noise, k, credibility) for k in range(noise.size)]


def run_crisis(
    setup: Setup, policy: UtilityPolicy, noise: Noise, k: int, credibility: float
) -> Crisis:
    """Run crisis ``k`` of ``noise`` (a row of the batch), state by state."""
    stage = setup.stage
    p = stage.params
    sc = stage.scenario
    agents = setup.agents
    n = stage.n
    kind_cum, aggr_cum, targ_cum = setup.kind_cum, setup.aggr_cum, setup.targ_cum
    seat_agents, seat_codes = setup.seat_agents, setup.seat_codes
    s = {key: float(v[k]) for key, v in noise.s.items()}
    kind = min(bisect_right(kind_cum, s["kind"]), 3)
    a = min(bisect_right(aggr_cum[kind], s["aggressor"]), n - 1)
    t = min(bisect_right(targ_cum[kind], a + s["target"]) - a * n, n - 1)
    sponsored = kind != TERRORISM or s["sponsor"] < p.state_sponsor
    c = Crisis(
        stage=stage,
        kind=kind,
        aggressor=a,
        target=t,
        severity=0.05 + 0.95 * s["severity"],
        sponsored=sponsored,
        internal=1.0 if kind == ATROCITY else 0.0,
        hf=1.0 if sponsored else p.nonstate_haven,
    )
    # atrocity crises go under the charter's atrocity rule when it has one
    atrocity = getattr(stage, "council_atrocity", None)
    council_rule = (
        atrocity.rule if (kind == ATROCITY and atrocity is not None) else stage.council.rule
    )
    vote_shock = noise.vote(k)
    vote_u = noise.vote_uniform(k)
    misjudge = noise.misjudge(k)
    contrib_shock = noise.contrib(k)
    # deterrence
    if kind in (AGGRESSION, CYBER):
        value = policy.attack_value(c.severity, stage.p_win[a, t], credibility, stage.shielded[a])
        c.attacked = bool(value + p.attack_noise * s["attack"] > 0.0)
    else:
        c.attacked = True
    # attribution
    share = p.intelligence_sharing if sc.intelligence_sharing else 1.0
    if kind in (CYBER, TERRORISM):
        mean = p.attribution_days_cyber if kind == CYBER else p.attribution_days_terror
        c.delay = mean * share * s["delay"]
        c.confidence = 1.0 - p.attribution_doubt * share * s["doubt"]
    else:
        c.delay = p.detection_days
    allowed = [
        True,
        c.severity >= p.chapter_vii_severity,
        c.internal > 0 and s["consent"] < p.host_consent and c.severity >= p.chapter_vii_severity,
        c.severity >= p.force_severity,
    ]
    if not c.attacked:
        c.p_success = 0.0
        c.contributions = [0.0] * n
        return c
    live = True
    # NATO Art. 5
    c.art5 = (
        kind == AGGRESSION and agents[t].nato and bool(stage.treaty_area[t]) and not agents[a].nato
    )
    if c.art5:
        allies = [ag for ag in agents if ag.nato]
        votes = {ag.code: ag.vote(policy, c, 3, vote_u[ag.index]) for ag in allies}
        c.nac_votes = {ag.index: votes[ag.code] for ag in allies}
        _decide.groups, _decide.weights = {}, {}
        c.nac_adopted, _ = _decide(
            stage.nac.rule, votes, [ag.code for ag in allies], None, c.parties
        )
        c.forums += 1
        if c.nac_adopted:
            c.responder, c.level, live = NATO, 3, False
    # regional body first
    if live and sc.regional_first:
        lvl = 1 if allowed[1] else 0
        region = [ag for ag in agents if ag.region == agents[t].region]
        votes = {ag.code: ag.vote(policy, c, lvl, vote_u[ag.index]) for ag in region}
        c.regional_votes = {ag.index: votes[ag.code] for ag in region}
        _decide.groups, _decide.weights = {}, {}
        c.regional_adopted, _ = _decide(
            stage.regional.rule, votes, [ag.code for ag in region], None, c.parties
        )
        c.forums += 1
        if c.regional_adopted:
            c.responder, c.level, live = REGIONAL, lvl, False
    # the Security Council
    if live and seat_agents:
        _decide.groups, _decide.weights = stage.council_groups, stage.council_weights
        forecasts = []
        for lvl in range(4):
            fc = [
                ag.utility(policy, c, lvl) + p.misjudgement * misjudge[j]
                for j, ag in enumerate(seat_agents)
            ]
            forecasts.append(fc)
        demand = max(forecasts[0]) > p.vote_yes
        vetoed0 = False
        for lvl in range(4):
            votes = {}
            for j, ag in enumerate(seat_agents):
                pr = vote_probabilities(
                    np.array([forecasts[lvl][j]]),
                    np.array([ag.tilt(policy, c, lvl)]),
                    p.vote_no,
                    p.vote_yes,
                    p.vote_noise,
                )
                votes[ag.code] = int(most_probable(pr)[0])
            ok, vetoed = _decide(
                council_rule, votes, seat_codes, "VI" if lvl == 0 else "VII", c.parties
            )
            c.expected[lvl] = ok
            if lvl == 0:
                vetoed0 = vetoed
        choice = max((lvl for lvl in range(4) if c.expected[lvl] and allowed[lvl]), default=-1)
        top = max(lvl for lvl in range(4) if allowed[lvl])
        position = choice < 0 and vetoed0 and s["position"] < p.position_taking
        if not demand:
            c.draft = DRAFT_NONE
        elif choice >= 0 or position:
            c.draft = DRAFT_TABLED
        else:
            c.draft = DRAFT_HIDDEN_VETO if vetoed0 else DRAFT_HIDDEN_SHORTFALL
        if demand:
            c.forums += 1
        if c.draft == DRAFT_TABLED:
            lvl = choice if choice >= 0 else top
            c.draft_level = lvl
            votes = {}
            for j, ag in enumerate(seat_agents):
                v = ag.vote(policy, c, lvl, vote_u[ag.index])
                if noise.absent[k][j] < p.absent:
                    v = ABSENT
                votes[ag.code] = v
            c.council_votes = [votes[code] for code in seat_codes]
            c.council_adopted, c.council_vetoed = _decide(
                council_rule, votes, seat_codes, "VI" if lvl == 0 else "VII", c.parties
            )
            if c.council_adopted:
                c.responder, c.level, live = COUNCIL, lvl, False
    # Uniting for Peace
    if live and sc.uniting_for_peace and c.council_vetoed:
        lvl = c.draft_level
        members = [ag for ag in agents if ag.un]
        votes = {ag.code: ag.vote(policy, c, lvl, vote_u[ag.index]) for ag in members}
        c.ga_votes = {ag.index: votes[ag.code] for ag in members}
        _decide.groups, _decide.weights = {}, {}
        c.ga_adopted, _ = _decide(
            stage.ga.rule, votes, [ag.code for ag in members], None, c.parties
        )
        c.forums += 1
        if c.ga_adopted:
            c.responder, c.level, live = GA, lvl, False
    # Art. 51 or action without authorisation
    alone: set[int] = set()
    if live:
        if kind == AGGRESSION:
            c.responder, c.level = SELF_DEFENCE, 3
        else:
            alone = {
                ag.index
                for ag in agents
                if ag.index not in (a, t)
                and policy.acts_alone(
                    ag.utility(policy, c, 3) + p.vote_noise * vote_shock[ag.index]
                )
            }
            if alone:
                c.responder, c.level = UNAUTHORISED, 3
    # who carries the response (collsec.behavior.contribution) and the outcome
    legit = {GA: p.ga_legitimacy, UNAUTHORISED: p.legitimacy_cost}.get(c.responder, 1.0)
    c.contributions = [0.0] * n
    total = 0.0
    leak = 0.0
    # an armed attack met with words alone leaves self-defence in place (Art. 51)
    words = c.attacked and kind == AGGRESSION and c.level == 0
    if c.level >= 1 or words:
        ballot = {
            NATO: c.nac_votes,
            REGIONAL: c.regional_votes,
            GA: c.ga_votes,
            COUNCIL: dict(zip(stage.seats.tolist(), c.council_votes, strict=False)),
        }.get(c.responder, {})
        may, cand = [], []
        for ag in agents:
            i = ag.index
            vote = ballot.get(i, -1)
            # barred by a tie to the aggressor alone; peacekeeping: the host consents
            cross = bool(stage.tie[t, i]) and t != a  # tied to the victim as well
            tied = bool(stage.tie[a, i]) and not cross and c.level != 2
            outside = c.responder in (COUNCIL, GA) and not ag.un  # Charter Art. 48(1)
            ok = not (i in (a, t) or (vote >= 0 and vote != YES) or tied or outside)
            may.append(ok)
            pr = vote_probabilities(
                np.array([ag.utility(policy, c, c.level)]),
                np.array([ag.tilt(policy, c, c.level)]),
                p.vote_no,
                p.vote_yes,
                p.vote_noise,
            )
            steady = int(most_probable(pr)[0]) == YES  # most probably yes, not by its shock
            voted = i in alone if c.responder == UNAUTHORISED else (vote == YES and steady)
            cand.append(ok and voted)
        lead = -1
        if c.responder != SELF_DEFENCE and c.level != 2 and not words:
            lead = int(contribution.choose_lead(stage.capability, np.array([cand]))[0])
        c.lead = lead
        mode = contribution.mode_of(c.level)
        jw, sw = policy.contribution_weights(mode)
        _, sw_force = policy.contribution_weights("enforcement")
        for ag in agents:
            i = ag.index
            shock = contrib_shock[i]
            x = stage.contribution_terms(
                np.array([a]),
                np.array([t]),
                np.array([lead]),
                np.array([[float(ballot.get(i, -1) == YES)]]),
                np.array([i]),
            )
            if i == t and i != a and (c.level == 3 or words):  # the target defends itself
                given = contribution.effort(sw_force, x) * legit
            elif c.responder == SELF_DEFENCE or words:  # allies honour pacts (Leeds et al.)
                honour = bool(stage.alliance[t, i]) and shock < stage.honour_logit and i != a
                given = contribution.effort(sw_force, x) * legit if honour else 0.0
            else:
                given = contribution.contributions(jw, sw, x, shock, may[i], i == lead, legit)
            c.contributions[i] = float(np.asarray(given).reshape(-1)[0])
            leak += float(c.contributions[i] == 0.0) * ag.cinc * stage.prox[a, i]
    for x in c.contributions:
        total += x
    eff = total
    if c.level == 1:
        eff = total * p.sanctions_efficacy * (1.0 - p.leakage * leak / (leak + total + 1e-12))
    elif c.level == 2:
        eff = total * p.peacekeeping_efficacy
    c.strength = eff
    resist = stage.strength[a] if sponsored else p.nonstate_strength * c.severity
    mexp = p.csf_exponent
    if c.level >= 1:
        em = np.power(np.float64(eff), mexp)
        c.p_success = float(em / (em + np.power(np.float64(resist), mexp)))
    elif c.level == 0:
        c.p_success = p.chapter_vi_efficacy * (1.0 - c.severity)
        if words:  # words, or the victim's self-defence
            em = np.power(np.float64(eff), mexp)
            fight = float(em / (em + np.power(np.float64(resist), mexp)))
            c.p_success = c.p_success + (1.0 - c.p_success) * fight
    c.success = c.level >= 0 and s["outcome"] < c.p_success
    c.fought = (c.level >= 1 or words) and not (c.success and c.p_success >= p.coerce)
    c.time_to_decision = c.delay + p.deliberation_days * c.forums
    return c


_decide.groups = {}  # type: ignore[attr-defined]
_decide.weights = {}  # type: ignore[attr-defined]

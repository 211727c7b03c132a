"""One replication of an experiment's history as a Mesa model, object by object.

The performance baseline of ``benchmarks/bench_experiment.py``: the same model
as :mod:`collsec.experiments.history`, written the way an agent-based modeller
would write it, and run with ``mesa.batch_run``.

:class:`HistoryModel` (a :class:`mesa.Model`) runs ONE replication ``rep`` of
ONE design of an :class:`~collsec.experiments.spec.Experiment`. It has one
:class:`HistoryAgent` (a :class:`mesa.Agent`) per state, holding its peace
years towards every partner. Each ``step()`` is one year:

1. **Opportunities**, agent by agent: each state looks at each partner, turns
   its peace years into the MID-onset probability and draws; then each state
   draws its atrocity, terrorist and cyber attacks. The uniforms are the same
   counter-based stream :func:`collsec.experiments.history._rng` gives the
   vectorised history for (seed, replication, year), read in the same order,
   so the opportunities are identical (same threats, same order, same cap of
   ``max_per_year``, same dropped count).
2. **Crises**: each threat goes through the object-per-agent reference
   :func:`collsec.crisis.reference.run_crisis` (not the batch kernel), on the
   same pre-drawn noise (slot ``(rep * years + year) * max_per_year + k``,
   drawn with the widest Council of the experiment).
   ``run_crisis`` draws its threat from the noise's ``kind``/``aggressor``/``target``
   uniforms through the threat tables of its :class:`~collsec.crisis.reference.Setup`;
   here the threat is given, so the model hands ``run_crisis`` a Setup with
   *identity* tables (kind ``k`` <- ``(k + .5) / 4``, state ``i`` <- ``(i + .5) / n``)
   and writes the threat's codes into those three slots. Every other draw
   (severity, sponsor, attack shock, votes, ...) is the noise's own.
3. **Credibility** moves towards the year's share of attacks met by a
   successful collective response, as in the history.

Per-replication counts are model reporters of ``model.datacollector``
(collected every step, so ``batch_run(..., data_collection_period=-1)``
returns the end of the run). The model stops itself after ``years`` steps.
"""

from __future__ import annotations

import dataclasses
from bisect import bisect_right
from typing import Any

import mesa
import numpy as np

from collsec.behavior.model import next_credibility
from collsec.crisis.kernel import (
    COUNCIL,
    DRAFT_HIDDEN_SHORTFALL,
    DRAFT_HIDDEN_VETO,
    DRAFT_TABLED,
    GA,
    NATO,
    NONE,
    REGIONAL,
)
from collsec.crisis.noise import Noise, draw_noise
from collsec.crisis.reference import Agent, Crisis, Setup, make_agents, run_crisis
from collsec.crisis.threats import AGGRESSION, ATROCITY, CYBER, TERRORISM
from collsec.experiments.history import Setting, _rng, prepare
from collsec.experiments.spec import Experiment

__all__ = ["COUNTS", "HistoryAgent", "HistoryModel", "setting"]

#: model reporters (per replication, cumulated over the years)
COUNTS = (
    "attempted",  # aggressions launched
    "deterred",  # would-be aggressions deterred
    "authorised_aggr",  # aggressions met by an authorised response (NATO, regional, Council)
    "paralysis_veto",
    "paralysis_shortfall",
    "responses",  # attacked and a response of some level
    "successes",
    "responded",  # attacked and any responder
    "authorised",  # attacked and an authorised responder
    "threats",  # threats run (after the cap)
    "dropped",  # threats over the cap
    "credibility",  # at the end of the last year
)

_COLLECTIVE = (NATO, REGIONAL, COUNCIL, GA)
_AUTHORISED = (NATO, REGIONAL, COUNCIL)

_SETTINGS: dict[int, tuple[Experiment, Setting]] = {}


def setting(exp: Experiment) -> Setting:
    """The experiment's world and stages, built once per process (as the runner does)."""
    hit = _SETTINGS.get(id(exp))
    if hit is not None and hit[0] is exp:
        return hit[1]
    for e, st in _SETTINGS.values():
        if e == exp:
            return st
    st = prepare(exp)
    _SETTINGS[id(exp)] = (exp, st)
    return st


class HistoryAgent(mesa.Agent):
    """One state: its attributes, its peace years towards every partner, its votes.

    ``utility`` and ``vote`` delegate to the reference's
    :class:`collsec.crisis.reference.Agent`, so the agent can sit in a
    :class:`~collsec.crisis.reference.Setup` and cast its own votes.
    """

    def __init__(self, model: HistoryModel, state: Agent, peace_years: int) -> None:
        super().__init__(model)
        self.state = state
        self.index = state.index
        self.code = state.code
        self.cinc = state.cinc
        self.un = state.un
        self.nato = state.nato
        self.region = state.region
        n = model.n
        #: years since the last opportunity against each partner
        self.peace = [peace_years] * n
        #: exp(-covariate logit) of the MID hazard towards each partner (constant)
        self.exp_neg_base = model.exp_neg_base[self.index]

    def utility(self, policy, crisis: Crisis, level: int) -> float:
        return self.state.utility(policy, crisis, level)

    def tilt(self, policy, crisis: Crisis, level: int) -> float:
        return self.state.tilt(policy, crisis, level)

    def vote(self, policy, crisis: Crisis, level: int, uniform: float) -> int:
        return self.state.vote(policy, crisis, level, uniform)

    def opportunities(self, draws: list[float]) -> list[int]:
        """Partners this state has an opportunity against this year; ages its peace years."""
        m = self.model
        spline, cap, scale = m.exp_neg_spline, m.max_peace, m.opportunity_scale
        eb = self.exp_neg_base
        peace = self.peace
        found = []
        for b in range(m.n):
            py = peace[b]
            p = 1.0 / (1.0 + spline[py if py < cap else cap] * eb[b])
            if scale != 1.0:
                p = min(p * scale, 1.0)
            if draws[b] < p:
                found.append(b)
                peace[b] = 0
            else:
                peace[b] = min(py + 1, cap)
        return found


class HistoryModel(mesa.Model):
    """One replication ``rep`` of design ``design`` of ``experiment``; one year per step.

    ``rng`` seeds Mesa's own generators (``model.random``, ``model.rng``), which the
    model does not use: its draws are the experiment's counter-based streams, so a run
    depends on ``experiment.seed`` alone. It defaults to ``experiment.seed``; the
    parameter is there because ``mesa.batch_run`` (from Mesa 3.4) passes ``rng`` to
    every model it builds.
    """

    def __init__(
        self, experiment: Experiment, design: str, rep: int, rng: int | None = None
    ) -> None:
        super().__init__(rng=experiment.seed if rng is None else rng)
        st = setting(experiment)
        exp = experiment
        self.experiment = exp
        self.design = design
        self.rep = int(rep)
        d = [x.id for x in exp.designs].index(design)
        self.stage = st.stages[d]
        self.policy = st.policies[d]
        self.params = st.params[d]
        self.n = n = st.world.n
        self.m_max = st.m_max
        self.years = exp.years
        th = exp.threats
        self.opportunity_scale = th.opportunity_scale
        self.rates = (th.atrocity_rate, th.terrorism_rate, th.cyber_rate)
        self.max_per_year = th.max_per_year
        self.max_peace = st.hazard.max_peace_years
        self.exp_neg_spline = st.hazard.exp_neg_spline.tolist()
        with np.errstate(over="ignore"):
            self.exp_neg_base = np.exp(-np.asarray(st.base_logits, dtype=float)).tolist()
        tables = st.stages[0].threats
        self.target_cum = [row.tolist() for row in tables.target_cum]
        # the agents, in state order
        states = make_agents(self.stage)
        self.states = [HistoryAgent(self, s, th.initial_peace_years) for s in states]
        setup = Setup.build(self.stage, self.states)
        # identity threat tables: run_crisis reads the threat written into the noise
        self.setup = dataclasses.replace(
            setup,
            kind_cum=[0.25, 0.5, 0.75, 1.0],
            aggr_cum=[[(i + 1) / n for i in range(n)] for _ in range(4)],
            targ_cum=[[a + (j + 1) / n for a in range(n) for j in range(n)] for _ in range(4)],
        )
        self.year = 0
        for k in COUNTS:
            setattr(self, k, 0)
        self.credibility = self.params.credibility_start
        self.datacollector = mesa.DataCollector(model_reporters={k: k for k in COUNTS})
        self.running = self.years > 0

    # -- one year ------------------------------------------------------------------
    def threats_of_year(self) -> list[tuple[int, int, int]]:
        """This year's threats ``(kind, aggressor, target)``, in the history's order."""
        g = _rng(self.experiment.seed, self.rep, self.year)
        n = self.n
        onset = g.random((n, n), dtype=np.float32).tolist()
        v = g.random((n, 5)).tolist()
        threats = []
        for ag in self.states:  # opportunities, aggressor by aggressor
            threats.extend((AGGRESSION, ag.index, b) for b in ag.opportunities(onset[ag.index]))
        for k, kind in enumerate((ATROCITY, TERRORISM, CYBER)):
            rate = self.rates[k]
            for ag in self.states:
                a = ag.index
                if v[a][k] < rate:
                    if kind == ATROCITY:
                        t = a
                    else:
                        pos = bisect_right(self.target_cum[kind], a + v[a][3 + (k - 1)])
                        t = min(pos - a * n, n - 1)
                    threats.append((kind, a, t))
        keep = min(len(threats), self.max_per_year)
        self.dropped += len(threats) - keep
        return threats[:keep]

    def step(self) -> None:
        if self.year >= self.years:
            self.running = False
            return
        exp = self.experiment
        threats = self.threats_of_year()
        c = len(threats)
        if c:
            slots = exp.threats.max_per_year
            start = (self.rep * exp.years + self.year) * slots
            raw = draw_noise(exp.seed, start, c, self.n, self.m_max)
            n = self.n
            s = dict(raw.s)
            s["kind"] = np.array([(k + 0.5) / 4 for k, _, _ in threats])
            s["aggressor"] = np.array([(a + 0.5) / n for _, a, _ in threats])
            s["target"] = np.array([(t + 0.5) / n for _, _, t in threats])
            noise = Noise(raw.start, s, raw.absent, raw.misjudge_u, raw.vote_u, raw.contrib_u)
            occ = eff = 0
            for k in range(c):
                crisis = run_crisis(self.setup, self.policy, noise, k, self.credibility)
                self.record(crisis)
                occ += crisis.attacked
                eff += crisis.success and crisis.responder in _COLLECTIVE
            self.threats += c
            # the credibility rule, written once (collsec.behavior.model)
            self.credibility = float(
                next_credibility(self.credibility, eff, occ, self.params.credibility_rate)
            )
        self.year += 1
        self.datacollector.collect(self)
        if self.year >= self.years:
            self.running = False

    def record(self, c: Crisis) -> None:
        agg = c.kind == AGGRESSION
        authorised = c.responder in _AUTHORISED
        no_council = not c.council_adopted and c.responder not in (NATO, REGIONAL)
        self.attempted += agg and c.attacked
        self.deterred += agg and not c.attacked
        self.authorised_aggr += agg and c.attacked and authorised
        self.paralysis_veto += no_council and (c.draft == DRAFT_HIDDEN_VETO or c.council_vetoed)
        self.paralysis_shortfall += no_council and (
            c.draft == DRAFT_HIDDEN_SHORTFALL
            or (c.draft == DRAFT_TABLED and not c.council_vetoed and not c.council_adopted)
        )
        self.responses += c.attacked and c.level >= 0
        self.successes += bool(c.success)
        self.responded += c.attacked and c.responder != NONE
        self.authorised += c.attacked and authorised


def _ratio(a: float, b: float) -> float | None:
    return float(a / b) if b > 0 else None


def as_metrics(row: dict[str, Any]) -> dict[str, float | None]:
    """A batch_run row in the history's metric names (``collsec.experiments.store.METRICS``)."""
    return {
        "aggression_attempted": float(row["attempted"]),
        "aggression_deterred": float(row["deterred"]),
        "authorised_share": _ratio(float(row["authorised_aggr"]), float(row["attempted"])),
        "paralysis_veto": float(row["paralysis_veto"]),
        "paralysis_shortfall": float(row["paralysis_shortfall"]),
        "response_success": _ratio(float(row["successes"]), float(row["responses"])),
        "legitimacy": _ratio(float(row["authorised"]), float(row["responded"])),
        "credibility_final": float(row["credibility"]),
        "threats_dropped": float(row["dropped"]),
    }

"""Decades of simulated history, replication by replication, every design on the same draws.

One replication runs ``years`` years. Each year:

1. **Opportunities.** Every ordered pair (a, b) draws a would-be aggression with
   the MID-onset hazard (:mod:`collsec.experiments.hazard`) times
   ``opportunity_scale``, given the pair's peace years (the years since its last
   opportunity). Atrocities, terrorist and cyber attacks arise at per-state
   annual rates (assumptions; terrorist and cyber targets are drawn with the
   kernel's threat tables). At most ``max_per_year`` threats a year (the rest
   are counted as dropped).
2. **Crises.** The year's threats go through the crisis kernel under each
   design: the aggressor weighs the expected collective response (deterrence,
   scaled by the replication's current credibility), the bodies deliberate,
   vote and respond.
3. **Credibility** carries from year to year: after each year it moves towards
   the share of that year's crises met by a successful collective response.

The crises run through the same loop as ``collsec simulate``
(:class:`collsec.crisis.run.CrisisLoop`, one group per replication, a year as
the record window), with the same credibility rule and the same metrics.

Common random numbers: the opportunities depend only on the seed, the
replication and the year -- never on a design -- and each threat's noise is
keyed by (seed, replication, year, slot), drawn with the widest Council of
the experiment so every design reads the same shocks. Nothing depends on how
replications are grouped into chunks or spread over workers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from collsec import limits
from collsec.behavior.parameters import Parameters
from collsec.behavior.policy import UtilityPolicy, get_policy
from collsec.crisis.metrics import METRICS
from collsec.crisis.noise import Noise, draw_noise
from collsec.crisis.run import CrisisLoop
from collsec.crisis.stage import Stage
from collsec.crisis.threats import AGGRESSION, ATROCITY, CYBER, TERRORISM, Threat
from collsec.experiments.hazard import Hazard
from collsec.experiments.spec import Experiment
from collsec.world.world import World

__all__ = ["Setting", "prepare", "run_replications"]

#: stream ids of the counter-based generators (kept apart from the kernel's noise)
_OPPORTUNITY_STREAM = 0x0C0FFEE


@dataclass
class Setting:
    """What every chunk of an experiment needs, built once per process."""

    experiment: Experiment
    world: Any
    stages: list[Stage]
    policies: list[UtilityPolicy]
    params: list[Parameters]
    base_logits: np.ndarray
    hazard: Any
    m_max: int


def _world(exp: Experiment, data_dir: str | None = None):
    w = exp.world
    if w.kind == "synthetic":
        return World.synthetic(w.states, seed=w.seed)
    return World.from_year(int(w.year), data_dir=data_dir)


def prepare(
    exp: Experiment, data_dir: str | None = None, params: dict[str, Parameters] | None = None
) -> Setting:
    """The world, one stage per design, the hazard's covariate logits."""
    world = _world(exp, data_dir)
    stages, policies, plist = [], [], []
    for d in exp.designs:
        p = params[d.id] if params and d.id in params else exp.parameters(d)
        stages.append(Stage.build(world, p, d.scenario))
        policies.append(get_policy(d.policy, p))
        plist.append(p)
    hz = Hazard.default()
    return Setting(
        experiment=exp,
        world=world,
        stages=stages,
        policies=policies,
        params=plist,
        base_logits=hz.base_logits(world),
        hazard=hz,
        m_max=max(s.m for s in stages),
    )


def _rng(seed: int, rep: int, year: int) -> np.random.Generator:
    ss = np.random.SeedSequence([seed, _OPPORTUNITY_STREAM, rep, year])
    return np.random.Generator(np.random.Philox(ss))


def _threats_of_year(st: Setting, peace: np.ndarray, reps: np.ndarray, year: int):
    """This year's threats of every replication in ``reps``, and the dropped count.

    Returns ``(rep, kind, aggressor, target)`` arrays, ordered by replication, then
    interstate opportunities (by aggressor, target), atrocities, terrorist and cyber
    attacks (by state); and updates ``peace`` in place.
    """
    exp = st.experiment
    th = exp.threats
    n = st.world.n
    r_n = len(reps)
    tables = st.stages[0].threats
    prob = st.hazard.probabilities_from_base(st.base_logits, peace)
    if th.opportunity_scale != 1.0:
        np.minimum(prob * th.opportunity_scale, 1.0, out=prob)
    u = np.empty((r_n, n, n), dtype=np.float32)
    v = np.empty((r_n, n, 5))
    for i, rep in enumerate(reps):
        g = _rng(exp.seed, int(rep), year)
        g.random(dtype=np.float32, out=u[i])
        g.random(out=v[i])
    onset = u < prob
    # peace years: reset where an opportunity arose, else one more year
    peace += 1
    np.putmask(peace, onset, 0)
    np.minimum(peace, st.hazard.max_peace_years, out=peace)
    blocks = [np.nonzero(onset)]  # (rep, aggressor, target), in C order
    kinds = [AGGRESSION]
    for k, kind in enumerate((ATROCITY, TERRORISM, CYBER)):
        r, who = np.nonzero(v[:, :, k] < (th.atrocity_rate, th.terrorism_rate, th.cyber_rate)[k])
        if kind == ATROCITY:
            tgt = who
        else:
            pos = np.searchsorted(tables.target_cum[kind], who + v[r, who, 2 + k], "right")
            tgt = np.minimum(pos - who * n, n - 1)
        blocks.append((r, who, tgt))
        kinds.append(kind)
    rep_i = np.concatenate([b[0] for b in blocks])
    order = np.argsort(
        rep_i * 4 + np.concatenate([np.full(len(b[0]), j) for j, b in enumerate(blocks)]),
        kind="stable",
    )
    rep_i = rep_i[order]
    kind = np.concatenate([np.full(len(b[0]), kinds[j]) for j, b in enumerate(blocks)])[order]
    aggr = np.concatenate([b[1] for b in blocks])[order]
    targ = np.concatenate([b[2] for b in blocks])[order]
    counts = np.bincount(rep_i, minlength=r_n)
    first = np.concatenate([[0], np.cumsum(counts)[:-1]])
    slot = np.arange(len(rep_i)) - first[rep_i]
    keep = slot < th.max_per_year
    dropped = np.bincount(rep_i[~keep], minlength=r_n)
    return rep_i[keep], kind[keep], aggr[keep], targ[keep], dropped


def _noise(st: Setting, reps: np.ndarray, year: int, counts: list[int]) -> Noise:
    exp = st.experiment
    slots = exp.threats.max_per_year
    n, m = st.world.n, st.m_max
    parts = []
    for rep, c in zip(reps, counts, strict=True):
        if c == 0:
            continue
        start = (int(rep) * exp.years + year) * slots
        parts.append(draw_noise(exp.seed, start, c, n, m))
    if not parts:
        return draw_noise(exp.seed, 0, 0, n, m)
    return Noise.concat(parts)


def _seats(noise: Noise, m: int) -> Noise:
    return noise.seats(m)


def run_replications(st: Setting, rep_from: int, rep_to: int) -> list[tuple]:
    """Rows ``(design, rep, metric, value)`` for replications ``rep_from .. rep_to - 1``."""
    exp = st.experiment
    reps = np.arange(rep_from, rep_to)
    r_n, n = len(reps), st.world.n
    limits.check_memory(
        limits.history_memory(r_n, n, exp.threats.max_per_year),
        what=f"{r_n:,} replications at once x {n:,} states",
        source=exp.source or exp.id,
    )
    peace = np.full((r_n, n, n), exp.threats.initial_peace_years, dtype=np.int32)
    loops = [
        CrisisLoop(stage, policy, groups=r_n)
        for stage, policy in zip(st.stages, st.policies, strict=True)
    ]
    dropped = np.zeros(r_n, dtype=np.int64)
    for year in range(exp.years):
        which, kind, aggr, targ, drop = _threats_of_year(st, peace, reps, year)
        dropped += drop
        if len(which) == 0:
            continue
        counts = np.bincount(which, minlength=r_n).tolist()
        noise = _noise(st, reps, year, counts)
        sev = 0.05 + 0.95 * noise.s["severity"]
        for loop, p in zip(loops, st.params, strict=True):
            sponsored = (kind != TERRORISM) | (noise.s["sponsor"] < p.state_sponsor)
            threat = Threat(
                kind=kind, aggressor=aggr, target=targ, severity=sev, sponsored=sponsored
            )
            # a year is every replication's record window
            loop.step(_seats(noise, loop.stage.m), threat, which, close=True)
    out: list[tuple] = []
    for design, loop in zip(exp.designs, loops, strict=True):
        for i, rep in enumerate(reps):
            vals = loop.metrics(i)
            vals["threats_dropped"] = float(dropped[i])
            out.extend((design.id, int(rep), k, vals[k]) for k in (*METRICS, "threats_dropped"))
    return out

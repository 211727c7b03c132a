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


class _Peace:
    """The peace years of every ordered pair of a chunk's replications, kept sparse.

    A pair without an opportunity since the first year has ``initial_peace_years +
    year`` years of peace (clipped at the hazard's last knot), the same for every such
    pair: its probability is one (N, N) table a year, shared by the replications. Only
    the pairs that had an opportunity (a few a year) have a clock of their own: their
    last year of opportunity, per replication. The probabilities are those of
    :meth:`Hazard.probabilities_from_base` on the full (R, N, N) array of peace years,
    bit for bit (the same operations on the same numbers), without reading or writing
    R x N x N numbers a year.
    """

    def __init__(self, st: Setting, replications: int):
        self.cap = st.hazard.max_peace_years
        self.initial = st.experiment.threats.initial_peace_years
        self.scale = st.experiment.threats.opportunity_scale
        self.exp_neg_spline = st.hazard.exp_neg_spline
        with np.errstate(over="ignore"):
            self.exp_neg_base = np.exp(-np.asarray(st.base_logits, dtype=float))
        self.flat_exp_neg_base = self.exp_neg_base.ravel()
        #: per replication: flat pair index -> the last year it had an opportunity
        self.last: list[dict[int, int]] = [{} for _ in range(replications)]
        self._tables: dict[int, np.ndarray] = {}

    def _scaled(self, prob: np.ndarray) -> np.ndarray:
        if self.scale != 1.0:
            np.minimum(prob * self.scale, 1.0, out=prob)
        return prob

    def table(self, year: int) -> np.ndarray:
        """(N, N) probabilities of the pairs that never had an opportunity."""
        k = min(self.initial + year, self.cap)
        out = self._tables.get(k)
        if out is None:
            out = np.full(self.exp_neg_base.shape, self.exp_neg_spline[k])
            out *= self.exp_neg_base
            out += 1.0
            np.reciprocal(out, out=out)
            self._tables = {k: self._scaled(out)}
            out = self._tables[k]
        return out

    def own(self, i: int, year: int) -> tuple[np.ndarray, np.ndarray]:
        """Flat indices and probabilities of replication ``i``'s pairs with a clock of
        their own (an opportunity since the first year)."""
        last = self.last[i]
        idx = np.fromiter(last.keys(), dtype=np.intp, count=len(last))
        since = np.fromiter(last.values(), dtype=np.intp, count=len(last))
        prob = self.exp_neg_spline[np.minimum(year - since - 1, self.cap)]
        prob *= self.flat_exp_neg_base[idx]
        prob += 1.0
        np.reciprocal(prob, out=prob)
        return idx, self._scaled(prob)

    def onsets(self, i: int, year: int, u: np.ndarray, table: np.ndarray) -> np.ndarray:
        """Flat pair indices (ascending) of replication ``i``'s opportunities this year,
        from its uniform draws ``u`` (N, N) and :meth:`table`; their clocks restart."""
        onset = u < table
        if self.last[i]:
            idx, prob = self.own(i, year)
            onset.ravel()[idx] = u.ravel()[idx] < prob
        hit = np.flatnonzero(onset)
        last = self.last[i]
        for j in hit.tolist():
            last[j] = year
        return hit


def _threats_of_year(st: Setting, peace: _Peace, reps: np.ndarray, year: int):
    """This year's threats of every replication in ``reps``, and the dropped count.

    Returns ``(rep, kind, aggressor, target)`` arrays, ordered by replication, then
    interstate opportunities (by aggressor, target), atrocities, terrorist and cyber
    attacks (by state); and updates ``peace``.
    """
    exp = st.experiment
    th = exp.threats
    n = st.world.n
    r_n = len(reps)
    tables = st.stages[0].threats
    prob = peace.table(year)
    u = np.empty((n, n), dtype=np.float32)
    v = np.empty((r_n, n, 5))
    hits = []
    for i, rep in enumerate(reps):
        g = _rng(exp.seed, int(rep), year)
        g.random(dtype=np.float32, out=u)
        g.random(out=v[i])
        hits.append(peace.onsets(i, year, u, prob))
    flat = np.concatenate(hits)
    # (rep, aggressor, target), in C order
    blocks = [(np.repeat(np.arange(r_n), [len(h) for h in hits]), flat // n, flat % n)]
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
    peace = _Peace(st, r_n)
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

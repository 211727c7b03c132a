"""Threats: who threatens whom, how, and how badly.

Four kinds (DESIGN.md, "The model", point 2):

====  ==========================  ======================================
code  kind                        aggressor / target
====  ==========================  ======================================
0     interstate aggression       a state / another state
1     atrocity or civil war       a government / its own population
2     terrorism                   a non-state group based in a host state
                                  (the sponsor if any) / a victim state
3     cyber attack                a state / another state
====  ==========================  ======================================

The generator draws, from pre-drawn uniforms, the kind (``kind_rates``), the
aggressor and the target from weights computed once per world, and the
severity (uniform on [0.05, 1]). All weights are assumptions (not calibrated):

* aggression: aggressor weight ``sqrt(c)``; target weight
  ``(1 + 4 contiguous) * exp(-distance / 2000 km) * (0.5 + |ideal point gap|)
  * c_a / (c_a + c_t) * (0.2 if allied else 1)`` -- neighbours, rivals and
  weaker states are likelier targets (cf. Bremer 1992 on dangerous dyads);
* atrocity: any state, uniformly; the target is the state itself;
* terrorism: host uniform; target weight ``c_t * (0.5 + |ideal point gap|)``;
* cyber: aggressor weight ``c``; target weight ``c_t * (0.5 + |gap|)``, distance
  irrelevant.

Arrays have a leading batch dimension.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from collsec.behavior.parameters import Parameters
from collsec.world.world import World

__all__ = ["KINDS", "Threat", "ThreatTables", "draw_threats"]

KINDS = ("aggression", "atrocity", "terrorism", "cyber")
AGGRESSION, ATROCITY, TERRORISM, CYBER = 0, 1, 2, 3


@dataclass(frozen=True)
class ThreatTables:
    """Cumulative sampling tables of one world."""

    kind_cum: np.ndarray  # (4,)
    aggressor_cum: np.ndarray  # (4, N) per kind, cumulative, last = 1
    target_cum: np.ndarray  # (4, N * N) per kind: row a holds a + cumulative weights

    @classmethod
    def build(
        cls,
        world: World,
        cinc: np.ndarray,
        ideal: np.ndarray,
        alliance: np.ndarray,
        distance: np.ndarray,
        params: Parameters,
    ) -> ThreatTables:
        n = len(cinc)
        gap = np.abs(ideal[:, None] - ideal[None, :])
        contig = np.asarray(world.contiguity) > 0
        dist = np.nan_to_num(distance, nan=20_000.0)
        off = ~np.eye(n, dtype=bool)
        w_aggr = (
            (1 + 4 * contig)
            * np.exp(-dist / 2000.0)
            * (0.5 + gap)
            * (cinc[:, None] / (cinc[:, None] + cinc[None, :]))
            * np.where(alliance, 0.2, 1.0)
        )
        w_far = cinc[None, :] * (0.5 + gap)
        targets = [w_aggr, np.eye(n), w_far, w_far]
        aggressors = [np.sqrt(cinc), np.ones(n), np.ones(n), cinc]
        t_cum = []
        for k, w in enumerate(targets):
            w = np.where(off, w, 0.0) if k != ATROCITY else w
            w = w + 1e-12 * (off if k != ATROCITY else np.eye(n))
            c = np.cumsum(w, axis=1)
            c = c / c[:, -1:]
            c[:, -1] = 1.0
            t_cum.append((c + np.arange(n)[:, None]).ravel())
        a_cum = []
        for w in aggressors:
            c = np.cumsum(w) / w.sum()
            c[-1] = 1.0
            a_cum.append(c)
        rates = np.asarray(params.kind_rates, dtype=float)
        kc = np.cumsum(rates) / rates.sum()
        kc[-1] = 1.0
        return cls(kind_cum=kc, aggressor_cum=np.array(a_cum), target_cum=np.array(t_cum))


@dataclass
class Threat:
    """A batch of threats."""

    kind: np.ndarray  # (B,) int
    aggressor: np.ndarray  # (B,) state index (host state for terrorism)
    target: np.ndarray  # (B,) state index
    severity: np.ndarray  # (B,) float in [0.05, 1]
    sponsored: np.ndarray  # (B,) bool: a state actor or a state-sponsored group


def draw_threats(tables: ThreatTables, s: dict[str, np.ndarray], params: Parameters) -> Threat:
    """Threats from the scalar noise slots ``s`` (see :mod:`collsec.crisis.noise`)."""
    kind = np.minimum(np.searchsorted(tables.kind_cum, s["kind"], side="right"), 3)
    n = tables.aggressor_cum.shape[1]
    aggressor = np.empty(len(kind), dtype=np.int64)
    target = np.empty(len(kind), dtype=np.int64)
    for k in range(4):
        rows = np.flatnonzero(kind == k)
        if len(rows) == 0:
            continue
        a = np.minimum(
            np.searchsorted(tables.aggressor_cum[k], s["aggressor"][rows], "right"), n - 1
        )
        pos = np.searchsorted(tables.target_cum[k], a + s["target"][rows], side="right")
        t = np.minimum(pos - a * n, n - 1)
        aggressor[rows] = a
        target[rows] = t
    severity = 0.05 + 0.95 * s["severity"]
    sponsored = (kind != TERRORISM) | (s["sponsor"] < params.state_sponsor)
    return Threat(kind, aggressor, target, severity, sponsored)

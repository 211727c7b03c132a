"""The crisis loop: batches of crises, record windows, credibility, metrics.

One loop serves every caller. :class:`CrisisLoop` runs batches of crises
through :func:`collsec.crisis.kernel.run_batch` for one or more *groups*
(the replications of an experiment; a plain run has one), keeps each group's
credibility, and after each *record window* moves it with
:func:`next_credibility` towards the share of the window's crises met by a
successful collective response. ``simulate`` cuts generated crises into
windows of ``params.credibility_window`` crises; an experiment's history
(:mod:`collsec.experiments.history`) uses a year as the window of every
replication. Both report the same metrics (:data:`METRIC_INFO`), computed by
:meth:`Tally.metrics`.

Metrics are accumulated from integers (counts; days in units of 1e-6;
contributions and costs in units of 1e-9 CINC share), so no sum depends on how
the crises are cut into chunks. Memory is bounded by the chunk size.
"""

from __future__ import annotations

import ctypes
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import numpy as np
import pandas as pd

from collsec import limits
from collsec.behavior.model import next_credibility
from collsec.behavior.policy import UtilityPolicy
from collsec.crisis.kernel import (
    COUNCIL,
    DRAFT_HIDDEN_SHORTFALL,
    DRAFT_HIDDEN_VETO,
    DRAFT_TABLED,
    GA,
    NATO,
    NONE,
    REGIONAL,
    BatchResult,
    responder_in,
    run_batch,
)
from collsec.crisis.metrics import METRIC_INFO, METRICS
from collsec.crisis.noise import Noise, draw_noise
from collsec.crisis.stage import Stage
from collsec.crisis.threats import AGGRESSION, Threat

__all__ = [
    "METRICS",
    "METRIC_INFO",
    "CrisisLoop",
    "Tally",
    "gini",
    "next_credibility",
    "outcome_masks",
    "simulate",
]

#: contributions and costs are summed in units of 1 / QUANTUM CINC share
QUANTUM = 1e9
#: days are summed in units of 1 / DAY_QUANTUM
DAY_QUANTUM = 1e6


def gini(x: np.ndarray) -> float:
    """Gini coefficient of non-negative values (0: equal shares).

    >>> gini(np.array([1, 1, 1, 1]))
    0.0
    >>> round(gini(np.array([0, 0, 0, 1])), 2)
    0.75
    """
    x = np.sort(np.asarray(x, dtype=float))
    n = len(x)
    if n == 0 or x.sum() == 0:
        return 0.0
    ranks = np.arange(1, n + 1)
    return float((2.0 * (ranks * x).sum()) / (n * x.sum()) - (n + 1.0) / n)


def outcome_masks(r: BatchResult) -> dict[str, np.ndarray]:
    """Per-crisis classification of a batch, shared by every tally of results.

    ``aggression_attempted`` / ``aggression_deterred``: interstate aggression that
    attacked or was deterred; ``authorised``: met by NATO, a regional body or the
    Council; ``decided``: any collective decision (those plus the Assembly);
    ``collective``: the same set of responders, for credibility; the two kinds of
    Council paralysis; ``responses``: an attack met at some level.
    """
    agg = r.kind == AGGRESSION
    no_council = ~r.council_adopted & ~responder_in(r.responder, NATO, REGIONAL)
    decided = responder_in(r.responder, NATO, REGIONAL, COUNCIL, GA)
    return {
        "aggression_attempted": agg & r.attacked,
        "aggression_deterred": agg & ~r.attacked,
        "authorised": responder_in(r.responder, NATO, REGIONAL, COUNCIL),
        "decided": decided,
        "collective": decided,
        "paralysis_veto": no_council & ((r.draft == DRAFT_HIDDEN_VETO) | r.council_vetoed),
        "paralysis_shortfall": no_council
        & (
            (r.draft == DRAFT_HIDDEN_SHORTFALL)
            | ((r.draft == DRAFT_TABLED) & ~r.council_vetoed & ~r.council_adopted)
        ),
        "responses": r.attacked & (r.level >= 0),
    }


_COUNTS = (
    "crises",
    "attempted",
    "deterred",
    "authorised_aggr",
    "paralysis_veto",
    "paralysis_shortfall",
    "decided",
    "responses",
    "successes",
    "responded",
    "authorised",
    "drafts",
    "vetoed_drafts",
    "decision_days",
    "costs",
)


def _add_by_group(out: np.ndarray, group: np.ndarray, values: np.ndarray) -> None:
    """``out[group[i]] += values[i]`` for every ``i`` (integers: exact in any order)."""
    if not len(group):
        return
    if len(out) == 1:
        out[0] += values.sum(axis=0)
        return
    order = np.argsort(group, kind="stable")
    g = group[order]
    first = np.flatnonzero(np.r_[True, g[1:] != g[:-1]])
    out[g[first]] += np.add.reduceat(values[order], first, axis=0)


@dataclass
class Tally:
    """Integer accumulators of a run, one row per group."""

    n_states: int
    groups: int = 1
    counts: dict[str, np.ndarray] = field(default_factory=dict)
    burden: np.ndarray | None = None

    def __post_init__(self) -> None:
        self.counts = {k: np.zeros(self.groups, dtype=np.int64) for k in _COUNTS}
        self.burden = np.zeros((self.groups, self.n_states), dtype=np.int64)

    def add(self, r: BatchResult, group: np.ndarray | None = None) -> dict[str, np.ndarray]:
        """Count a batch (``group``: each crisis's group, default all 0); return its masks."""
        g = np.zeros(len(r.kind), dtype=np.int64) if group is None else group
        c = self.counts
        m = outcome_masks(r)

        def inc(key: str, mask: np.ndarray) -> None:
            c[key] += np.bincount(g[mask], minlength=self.groups)

        inc("crises", np.ones(len(g), dtype=bool))
        inc("attempted", m["aggression_attempted"])
        inc("deterred", m["aggression_deterred"])
        inc("authorised_aggr", m["aggression_attempted"] & m["authorised"])
        inc("paralysis_veto", m["paralysis_veto"])
        inc("paralysis_shortfall", m["paralysis_shortfall"])
        inc("decided", m["decided"])
        inc("responses", m["responses"])
        inc("successes", r.success)
        inc("responded", r.attacked & (r.responder != NONE))
        inc("authorised", r.attacked & m["authorised"])
        inc("drafts", r.draft == DRAFT_TABLED)
        inc("vetoed_drafts", r.council_vetoed)
        d = m["decided"]
        _add_by_group(
            c["decision_days"], g[d], np.rint(r.time_to_decision[d] * DAY_QUANTUM).astype(np.int64)
        )
        _add_by_group(c["costs"], g, np.rint(r.cost * QUANTUM).astype(np.int64))
        rows = np.flatnonzero(r.level >= 1)
        if len(rows):
            q = np.rint(r.contributions[rows] * QUANTUM).astype(np.int64)
            _add_by_group(self.burden, g[rows], q)
        return m

    def metrics(self, group: int, cinc: np.ndarray, credibility: float) -> dict[str, Any]:
        """The metrics (:data:`METRICS`) of one group."""
        a = {k: int(v[group]) for k, v in self.counts.items()}
        burden = self.burden[group] / QUANTUM
        total = burden.sum()
        if total > 0:
            top5 = np.argsort(-cinc, kind="stable")[:5]
            small = np.ones(len(cinc), dtype=bool)
            small[top5] = False
            free = float(1.0 - (burden[small].sum() / total) / cinc[small].sum())
            rho = spearman(cinc, burden / total)
        else:
            free, rho = None, None
        return {
            "aggression_attempted": a["attempted"],
            "aggression_deterred": a["deterred"],
            "deterrence_rate": _ratio(a["deterred"], a["attempted"] + a["deterred"]),
            "authorised_share": _ratio(a["authorised_aggr"], a["attempted"]),
            "paralysis_veto": a["paralysis_veto"],
            "paralysis_shortfall": a["paralysis_shortfall"],
            "time_to_decision": _ratio(a["decision_days"] / DAY_QUANTUM, a["decided"]),
            "response_success": _ratio(a["successes"], a["responses"]),
            "burden_gini": float(gini(burden)) if total > 0 else None,
            "free_riding": free,
            "oz_rank_correlation": rho,
            "legitimacy": _ratio(a["authorised"], a["responded"]),
            "costs": a["costs"] / QUANTUM,
            "credibility_final": float(credibility),
            "veto_rate": _ratio(a["vetoed_drafts"], a["drafts"]),
        }


def spearman(x: np.ndarray, y: np.ndarray) -> float | None:
    """Spearman's rank correlation of ``x`` and ``y``; None where it is undefined (fewer
    than two values, a constant, a NaN).

    ``scipy.stats.spearmanr(x, y).statistic`` bit for bit (tested): the same ranks and
    the same NumPy calls on them, without importing scipy.stats (half a second in every
    process that reports metrics, every worker of an experiment).
    """
    a = np.column_stack((np.asarray(x, dtype=float), np.asarray(y, dtype=float)))
    if len(a) <= 1 or (a[0] == a).all(axis=0).any() or np.isnan(a).any():
        return None
    # average ranks (ties share the mean of their ranks: exact halves, as rankdata's)
    ranks = pd.DataFrame(a).rank(method="average").to_numpy()
    rho = np.corrcoef(ranks, rowvar=False)[1, 0]
    return None if np.isnan(rho) else float(rho)


def _ratio(a: float, b: float) -> float | None:
    return float(a / b) if b > 0 else None


#: glibc's ``mallopt`` parameters (``malloc.h``)
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3


@cache
def reuse_freed_memory() -> bool:
    """Ask glibc's malloc to serve blocks below 32 MiB from its heap and to keep up to
    64 MiB freed at the heap's top; True when it could (Linux with glibc).

    The kernel allocates and frees arrays of a megabyte or more every batch (every
    year of every chunk of an experiment). By default glibc maps each such block afresh
    (``mmap``) and unmaps it when freed, so every batch pays page faults to zero the
    same memory again: measured on 100 replications x 4 designs x 50 years at 193
    states, 1.5 million page faults and 3.2 s of system time out of 9 s, against 4,000
    and 0.02 s out of 5.1 s with these settings; on 10^6 crises of ``simulate``, 1.3 s
    of system time against 0.2 s. (glibc raises its threshold by itself after freeing a larger mapped block,
    which the dense peace-years arrays of earlier versions did by chance.) A process's
    setting, inherited by forked workers; numbers are unchanged.
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):  # another C library
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    return bool(mallopt(_M_MMAP_THRESHOLD, 32 << 20)) and bool(mallopt(_M_TRIM_THRESHOLD, 64 << 20))


class CrisisLoop:
    """Crises through the kernel, window by window, for ``groups`` groups.

    ``step`` runs one batch (``group``: each crisis's group) with each crisis at
    its group's current credibility, counts it, and -- when ``close`` -- ends
    the record window: each group's credibility moves by
    :func:`next_credibility` on the window's successful collective responses.
    ``threads``: the kernel's compiled loops share each batch among up to that many
    threads (the same results on any number).
    """

    def __init__(
        self,
        stage: Stage,
        policy: UtilityPolicy,
        *,
        groups: int = 1,
        credibility: float | None = None,
        on_batch: Callable[[BatchResult], None] | None = None,
        threads: int = 1,
    ) -> None:
        reuse_freed_memory()
        self.threads = threads
        self.stage, self.policy = stage, policy
        self.groups = groups
        start = stage.params.credibility_start if credibility is None else credibility
        self.credibility = np.full(groups, float(start))
        self.tally = Tally(stage.n, groups)
        self.on_batch = on_batch
        self._effective = np.zeros(groups, dtype=np.int64)
        self._occurred = np.zeros(groups, dtype=np.int64)

    def step(
        self,
        noise: Noise,
        threat: Threat | None = None,
        group: np.ndarray | None = None,
        *,
        close: bool = True,
        occurred: bool = False,
        log: bool = False,
        decided=None,
    ) -> BatchResult:
        g = np.zeros(noise.size, dtype=np.int64) if group is None else np.asarray(group)
        r = run_batch(
            self.stage,
            self.policy,
            noise,
            self.credibility[g],
            threat=threat,
            occurred=occurred,
            log=log,
            decided=decided,
            threads=self.threads,
        )
        m = self.tally.add(r, g)
        if self.on_batch is not None:
            self.on_batch(r)
        self._effective += np.bincount(g[r.success & m["collective"]], minlength=self.groups)
        self._occurred += np.bincount(g[r.attacked], minlength=self.groups)
        if close:
            self.credibility = next_credibility(
                self.credibility,
                self._effective,
                self._occurred,
                self.stage.params.credibility_rate,
            )
            self._effective[:] = 0
            self._occurred[:] = 0
        return r

    def metrics(self, group: int = 0) -> dict[str, Any]:
        return self.tally.metrics(group, self.stage.cinc, float(self.credibility[group]))


def simulate(
    stage: Stage,
    policy: UtilityPolicy,
    *,
    crises: int,
    seed: int,
    first: int = 0,
    chunk: int = 20_000,
    progress: Callable[[int], None] | None = None,
    on_batch: Callable[[BatchResult], None] | None = None,
    log: bool = False,
    threads: int = 1,
) -> dict[str, Any]:
    """Generated crises ``first .. first + crises - 1`` of run ``seed``, in chunks
    cut at the record windows (:func:`collsec.crisis.api.sim_crises` calls it).

    Returns ``{"crises", "seconds", "metrics", "credibility", "counts"}`` (and
    ``"events"`` with ``log``, ``"result"``, the kernel's arrays, when one batch ran).
    """
    if chunk < 1:
        raise ValueError("chunk must be >= 1")
    window = stage.params.credibility_window
    batch = min(chunk, window, crises)
    limits.check_memory(
        limits.batch_memory(batch, stage.n),
        what=f"a batch of {batch:,} crises x {stage.n:,} states",
        source="sim_crises",
    )
    loop = CrisisLoop(stage, policy, on_batch=on_batch, threads=threads)
    t0 = time.perf_counter()
    start, stop_all = first, first + crises
    events: list = []
    batches = 0
    r = None
    while start < stop_all:
        window_end = (start // window + 1) * window
        stop = min(start + chunk, window_end, stop_all)
        noise = draw_noise(seed, start, stop - start, stage.n, stage.m)
        r = loop.step(noise, close=stop == window_end, log=log)
        batches += 1
        if log:
            events += r.events
        if progress is not None:
            progress(stop - start)
        start = stop
    out = {
        "crises": crises,
        "seconds": round(time.perf_counter() - t0, 3),
        "metrics": loop.metrics(),
        "credibility": float(loop.credibility[0]),
        "counts": {k: int(v[0]) for k, v in loop.tally.counts.items()},
    }
    if log:
        out["events"] = events
    if batches == 1:
        out["result"] = r
    return out

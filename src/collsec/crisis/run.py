"""Running many crises: chunks, record windows, metrics.

:func:`simulate` runs crises ``0 .. n - 1`` in chunks of at most ``chunk``
crises. Credibility changes only between record windows of
``params.credibility_window`` crises, and chunks are cut at window
boundaries, so a run gives the same numbers whatever the chunk size. Metrics
are accumulated from integers (counts, whole days, contributions in units of
1e-9 CINC share), so no floating-point sum depends on the chunking either.
Memory is bounded by the chunk size.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from collsec.behavior.policy import UtilityPolicy
from collsec.crisis.kernel import (
    COUNCIL,
    DRAFT_HIDDEN_SHORTFALL,
    DRAFT_HIDDEN_VETO,
    DRAFT_TABLED,
    GA,
    NATO,
    REGIONAL,
    BatchResult,
    run_batch,
)
from collsec.crisis.noise import draw_noise
from collsec.crisis.stage import Stage
from collsec.crisis.threats import AGGRESSION

__all__ = ["Tally", "gini", "next_credibility", "outcome_masks", "simulate"]

QUANTUM = 1e9


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


def next_credibility(cred: float, effective: int, occurred: int, rate: float) -> float:
    """Credibility after a record window (exponential smoothing of the success share)."""
    if occurred == 0:
        return cred
    return (1.0 - rate) * cred + rate * (effective / occurred)


def window_record(r: BatchResult) -> tuple[int, int]:
    """(crises met by a successful collective response, crises that occurred)."""
    collective = outcome_masks(r)["collective"]
    return int((r.success & collective).sum()), int(r.attacked.sum())


def outcome_masks(r: BatchResult) -> dict[str, np.ndarray]:
    """Per-crisis classification of a batch, shared by every tally of results.

    ``aggression_attempted`` / ``aggression_deterred``: interstate aggression that
    attacked or was deterred; ``authorised``: met by NATO, a regional body or the
    Council; ``decided``: any collective decision (those plus the Assembly);
    ``collective``: the same set of responders, for credibility; the two kinds of
    Council paralysis; ``responses``: an attack met at some level.
    """
    agg = r.kind == AGGRESSION
    no_council = ~r.council_adopted & ~np.isin(r.responder, (NATO, REGIONAL))
    decided = np.isin(r.responder, (NATO, REGIONAL, COUNCIL, GA))
    return {
        "aggression_attempted": agg & r.attacked,
        "aggression_deterred": agg & ~r.attacked,
        "authorised": np.isin(r.responder, (NATO, REGIONAL, COUNCIL)),
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


@dataclass
class Tally:
    """Integer accumulators of a run."""

    n_states: int
    counts: dict[str, int] = field(default_factory=dict)
    burden: np.ndarray | None = None

    def add(self, r: BatchResult) -> None:
        c = self.counts
        m = outcome_masks(r)

        def inc(key: str, mask: np.ndarray) -> None:
            c[key] = c.get(key, 0) + int(np.count_nonzero(mask))

        decided = m["decided"]
        inc("crises", np.ones_like(r.attacked))
        inc("occurred", r.attacked)
        inc("aggression_attempted", m["aggression_attempted"])
        inc("aggression_deterred", m["aggression_deterred"])
        inc("authorised_responses", m["authorised"])
        inc("paralysis_veto", m["paralysis_veto"])
        inc("paralysis_shortfall", m["paralysis_shortfall"])
        inc("drafts", r.draft == DRAFT_TABLED)
        inc("vetoed_drafts", r.council_vetoed)
        inc("decided", decided)
        c["decision_days"] = c.get("decision_days", 0) + int(
            np.rint(r.time_to_decision[decided]).sum()
        )
        inc("responses", m["responses"])
        inc("successes", r.success)
        rows = np.flatnonzero(r.level >= 1)
        q = np.rint(r.contributions[rows] * QUANTUM).astype(np.int64).sum(axis=0)
        self.burden = q if self.burden is None else self.burden + q

    def metrics(self) -> dict[str, Any]:
        c = self.counts

        def ratio(a: str, b: str) -> float | None:
            return c.get(a, 0) / c[b] if c.get(b) else None

        return {
            "aggression_attempted": c.get("aggression_attempted", 0),
            "aggression_deterred": c.get("aggression_deterred", 0),
            "authorised_responses": c.get("authorised_responses", 0),
            "paralysis_veto": c.get("paralysis_veto", 0),
            "paralysis_shortfall": c.get("paralysis_shortfall", 0),
            "veto_rate": ratio("vetoed_drafts", "drafts"),
            "mean_time_to_decision": ratio("decision_days", "decided"),
            "response_success": ratio("successes", "responses"),
            "burden_concentration": gini(self.burden) if self.burden is not None else 0.0,
        }


def simulate(
    stage: Stage,
    policy: UtilityPolicy,
    *,
    crises: int,
    seed: int,
    chunk: int = 20_000,
    progress: Callable[[int], None] | None = None,
    on_batch: Callable[[BatchResult], None] | None = None,
) -> dict[str, Any]:
    """Run ``crises`` crises; return ``{"crises", "seconds", "metrics", ...}``."""
    if chunk < 1:
        raise ValueError("chunk must be >= 1")
    p = stage.params
    window = p.credibility_window
    cred = p.credibility_start
    tally = Tally(stage.n)
    t0 = time.perf_counter()
    start = 0
    effective = occurred = 0
    while start < crises:
        window_end = (start // window + 1) * window
        stop = min(start + chunk, window_end, crises)
        noise = draw_noise(seed, start, stop - start, stage.n, stage.m)
        r = run_batch(stage, policy, noise, cred)
        tally.add(r)
        if on_batch is not None:
            on_batch(r)
        e, o = window_record(r)
        effective += e
        occurred += o
        if stop == window_end:
            cred = next_credibility(cred, effective, occurred, p.credibility_rate)
            effective = occurred = 0
        if progress is not None:
            progress(stop - start)
        start = stop
    return {
        "crises": crises,
        "seconds": round(time.perf_counter() - t0, 3),
        "metrics": tally.metrics(),
        "credibility": cred,
        "counts": dict(tally.counts),
    }

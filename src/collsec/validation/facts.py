"""Stylised facts from the literature, measured on the model (validation rung 5).

The kernel runs a large batch of generated crises in a world; three findings
of the alliance literature are then measured on what it did:

``alliance_reliability``
    Leeds, Long & Mitchell (2000, JCR 44(5): 686-699): read against the
    obligations their treaties actually contain, alliance commitments were
    honoured in 74.5% of the cases that invoked them (earlier readings, which
    ignored the terms, put it near 25%). Model: among aggressions answered with
    force, the share of (target, defence ally) pairs in which the ally
    contributed, the ally being neither the aggressor nor allied to it. Under
    self-defence (Art. 51) an ally joins with probability ``honour`` (set from
    this very finding), so that part is a check of the implementation; under a
    collective response the ally's contribution follows from its utility, and
    that part is the model's own.
``olson_zeckhauser``
    Olson & Zeckhauser (1966, REStat 48(3): 266-279): in an alliance producing
    a public good the larger members bear a disproportionate share of the
    burden -- the burden relative to capability rises with size. Model:
    Spearman's rank correlation, over the states that contributed, between
    capability (CINC share) and total contributions divided by capability.
    The finding holds when it is positive.
``defence_pacts_deter``
    Johnson & Leeds (2011, Foreign Policy Analysis 7(1): 45-65): defensive
    alliances deter the initiation of disputes against their members (a
    finding contested by Kenwick, Vasquez & Powers 2015). Model: the same
    would-be aggressions against targets that have a defence ally are run
    again in the same world with every defence pact removed (same threats,
    same draws); the fact holds when the aggressors attack less often with the
    pacts than without them (the ratio of the two attack rates, with a 95%
    interval from the paired draws, lies below 1). The observational ratio --
    attack rate against allied targets over that against others, as a study
    of the record would compute it -- is reported beside it.

Every value is computed from the run; the published value is printed beside it.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.stats import spearmanr

from collsec.behavior.contribution import FEATURES as CONTRIBUTION_FEATURES
from collsec.behavior.parameters import Parameters
from collsec.crisis.api import resolve_policy, sim_crises
from collsec.crisis.kernel import (
    AGGRESSION,
    DRAFT_HIDDEN_VETO,
    DRAFT_TABLED,
    SELF_DEFENCE,
    BatchResult,
)
from collsec.crisis.stage import Stage
from collsec.crisis.threats import Threat
from collsec.data.unsc import load_actions
from collsec.world.world import World

__all__ = [
    "DECADES",
    "FACTS",
    "FactCounter",
    "reliability_run",
    "stylised_facts",
    "vetoes_by_decade",
]

#: (id, claim, source, published value or None)
#: (id, claim, source, published value or None, how far the model builds it in)
FACTS = (
    (
        "alliance_reliability",
        "defence allies honour their commitment in about three cases of four",
        "Leeds, Long & Mitchell (2000), Journal of Conflict Resolution 44(5): 686-699",
        0.745,
        "in part: under self-defence an ally joins with probability `honour` = 0.75, set "
        "from this finding; under a collective response its contribution is the model's own",
    ),
    (
        "olson_zeckhauser",
        "larger states carry a larger burden relative to their capability",
        "Olson & Zeckhauser (1966), Review of Economics and Statistics 48(3): 266-279",
        None,
        "in part: a joiner's effort is exp(g . x), and g's capability weight (fitted on the "
        "coalitions, collsec burden) sets how fast effort rises with capability; who joins "
        "is the model's own",
    ),
    (
        "defence_pacts_deter",
        "a defence pact makes its members less likely targets",
        "Johnson & Leeds (2011), Foreign Policy Analysis 7(1): 45-65",
        None,
        "no: it follows from the aggressor weighing its odds against the target and the "
        "allies expected to join (p_win) and the collective response",
    ),
)


@dataclass
class FactCounter:
    """Integer accumulators over batches (so any chunking gives the same facts)."""

    stage: Stage
    counts: dict[str, int] = field(default_factory=dict)
    burden: np.ndarray | None = None

    def _inc(self, key: str, n: int) -> None:
        self.counts[key] = self.counts.get(key, 0) + int(n)

    def add(self, r: BatchResult, r0: BatchResult | None = None) -> None:
        """Count one batch; ``r0`` is the same batch run with the defence pacts removed."""
        st = self.stage
        alliance = np.asarray(st.alliance, dtype=bool)
        a, t = r.aggressor, r.target
        agg = (r.kind == AGGRESSION) & r.sponsored
        # -- deterrence by defence pacts: would-be aggressions by target's alliance
        ally_of_target = alliance[t].copy()
        ally_of_target[np.arange(len(t)), a] = False
        allied = ally_of_target.any(axis=1)
        for key, mask in (("allied", agg & allied), ("unallied", agg & ~allied)):
            self._inc(f"opportunities_{key}", np.count_nonzero(mask))
            self._inc(f"attacks_{key}", np.count_nonzero(mask & r.attacked))
        if r0 is not None:
            m = agg & allied
            w, wo = m & r.attacked, m & r0.attacked
            self._inc("attacks_allied_without_pacts", np.count_nonzero(wo))
            self._inc("attacks_both", np.count_nonzero(w & wo))
            self._inc("attacks_only_with_pacts", np.count_nonzero(w & ~wo))
            self._inc("attacks_only_without_pacts", np.count_nonzero(wo & ~w))
        # -- reliability over all attacks (collsec burden's reliability_collective)
        rows = np.flatnonzero(agg & r.attacked)
        if len(rows):
            pairs = ally_of_target[rows] & ~alliance[a[rows]]
            self._inc("pairs_all", np.count_nonzero(pairs))
            self._inc("honoured_all", np.count_nonzero(pairs & (r.contributions[rows] > 0)))
        # -- reliability: attacked targets answered with force, their defence allies
        rows = np.flatnonzero(agg & r.attacked & (r.level >= 1))
        if len(rows):
            pairs = ally_of_target[rows] & ~alliance[a[rows]]
            pairs[np.arange(len(rows)), a[rows]] = False
            honoured = pairs & (r.contributions[rows] > 0)
            sd = r.responder[rows] == SELF_DEFENCE
            for key, m in (("self_defence", sd), ("collective", ~sd)):
                self._inc(f"pairs_{key}", np.count_nonzero(pairs[m]))
                self._inc(f"honoured_{key}", np.count_nonzero(honoured[m]))
        # -- burden: contributions to every response that used measures
        resp = np.flatnonzero(r.level >= 1)
        b = r.contributions[resp].sum(axis=0)
        self.burden = b if self.burden is None else self.burden + b

    def facts(self) -> list[dict[str, Any]]:
        c = self.counts
        out = []
        for fid, claim, source, published, built_in in FACTS:
            row: dict[str, Any] = {"id": fid, "claim": claim, "source": source}
            row["published"] = published
            row["built_in"] = built_in
            if fid == "alliance_reliability":
                row.update(_reliability(c))
            elif fid == "olson_zeckhauser":
                row.update(_olson_zeckhauser(self.burden, np.asarray(self.stage.cinc)))
            else:
                row.update(_deterrence(c))
            out.append(row)
        return out


def _share(k: int, n: int) -> float | None:
    return round(k / n, 4) if n else None


def _reliability(c: dict[str, int]) -> dict[str, Any]:
    n = c.get("pairs_self_defence", 0) + c.get("pairs_collective", 0)
    k = c.get("honoured_self_defence", 0) + c.get("honoured_collective", 0)
    value = _share(k, n)
    return {
        "model": value,
        "pairs": n,
        "self_defence": _share(c.get("honoured_self_defence", 0), c.get("pairs_self_defence", 0)),
        "collective": _share(c.get("honoured_collective", 0), c.get("pairs_collective", 0)),
        "all_attacks": _share(c.get("honoured_all", 0), c.get("pairs_all", 0)),
        "pairs_all_attacks": c.get("pairs_all", 0),
        # a band, not a test of a point: the published rate comes from 1816-1944 wars
        "holds": value is not None and 0.6 <= value <= 0.9,
        "note": "model share of (target, defence ally) pairs in which the ally contributed; "
        "holds within 0.60-0.90",
    }


def _olson_zeckhauser(burden: np.ndarray | None, cinc: np.ndarray) -> dict[str, Any]:
    if burden is None:
        return {"model": None, "states": 0, "holds": False, "note": "no response used measures"}
    keep = (burden > 0) & (cinc > 0)
    n = int(keep.sum())
    if n < 3:
        return {"model": None, "states": n, "holds": False, "note": "too few contributors"}
    rho = float(spearmanr(cinc[keep], burden[keep] / cinc[keep]).statistic)
    return {
        "model": round(rho, 4),
        "states": n,
        "holds": rho > 0,
        "note": "Spearman rho of capability and burden per unit of capability; holds when > 0",
    }


def _deterrence(c: dict[str, int]) -> dict[str, Any]:
    na, ka = c.get("opportunities_allied", 0), c.get("attacks_allied", 0)
    nu, ku = c.get("opportunities_unallied", 0), c.get("attacks_unallied", 0)
    k0 = c.get("attacks_allied_without_pacts", 0)
    if not (na and ka and k0):
        return {"model": None, "holds": False, "note": "too few opportunities"}
    # paired: the same opportunities with and without the pacts
    ratio = ka / k0
    both, only_with, only_without = (
        c.get("attacks_both", 0),
        c.get("attacks_only_with_pacts", 0),
        c.get("attacks_only_without_pacts", 0),
    )
    # 95% interval of a ratio of paired proportions (log method for matched pairs)
    se = np.sqrt((only_with + only_without) / max(ka * k0, 1))
    lo, hi = (float(np.exp(np.log(ratio) + s * 1.959964 * se)) for s in (-1, 1))
    out = {
        "model": round(ratio, 4),
        "ci_low": round(lo, 4),
        "ci_high": round(hi, 4),
        "attack_rate_allied": round(ka / na, 4),
        "attack_rate_allied_without_pacts": round(k0 / na, 4),
        "opportunities_allied": na,
        "attacks_both": both,
        "holds": hi < 1.0,
        "note": "attack rate against targets with a defence ally, over the rate on the same "
        "opportunities with the pacts removed; holds when the interval lies below 1",
    }
    if nu and ku:
        out["observational_ratio"] = round((ka / na) / (ku / nu), 4)
        out["attack_rate_unallied"] = round(ku / nu, 4)
    return out


def stylised_facts(
    stage: Stage,
    policy: Any = None,
    *,
    crises: int = 20_000,
    seed: int = 0,
    chunk: int = 10_000,
    progress: Callable[[int], None] | None = None,
    without_pacts: bool = True,
) -> dict[str, Any]:
    """Run ``crises`` generated crises on ``stage`` and measure the facts on them.

    Credibility stays at ``credibility_start`` (the facts are about one
    moment's institutions, not a history). Each batch is run twice: in the
    world as it is and with every defence pact removed, on the same threats
    and draws (``without_pacts=False`` skips the second run, and with it the
    deterrence fact). ``progress(n)`` is told of each batch of ``n`` crises done.
    """
    pol = resolve_policy(policy or "utility", stage.params)
    stage0 = None
    if without_pacts:
        world0 = dataclasses.replace(stage.world, defense=np.zeros_like(stage.world.defense))
        stage0 = Stage.build(world0, stage.params, stage.scenario)
    cred = stage.params.credibility_start
    counter = FactCounter(stage)
    t0 = time.perf_counter()
    for start in range(0, crises, chunk):
        n = min(chunk, crises - start)
        fixed = np.full(n, cred)
        common = dict(policy=pol, random_seed=seed, first_crisis=start, credibility=fixed)
        r = sim_crises(stage, crises=n, **common).result
        threat = Threat(r.kind, r.aggressor, r.target, r.severity, r.sponsored)
        r0 = sim_crises(stage0, threat, **common).result if stage0 is not None else None
        counter.add(r, r0)
        if progress is not None:
            progress(n)
    facts = counter.facts()
    return {
        "crises": crises,
        "seed": seed,
        "credibility": cred,
        "seconds": round(time.perf_counter() - t0, 3),
        "facts": facts,
        "holds": sum(1 for f in facts if f["holds"]),
    }


def reliability_run(
    params: Parameters,
    *,
    data_dir: str | None = None,
    crises: int = 20_000,
    seed: int = 0,
    year: int = 2000,
) -> dict[str, Any]:
    """Allies' reliability and the Olson-Zeckhauser correlation in the world of ``year``
    (``collsec burden``): :func:`stylised_facts` on ``crises`` generated crises."""
    stage = Stage.build(World.from_year(year, data_dir=data_dir), params)
    run = stylised_facts(stage, crises=crises, seed=seed, without_pacts=False)
    facts = {f["id"]: f for f in run["facts"]}
    rel, oz = facts["alliance_reliability"], facts["olson_zeckhauser"]
    return {
        "reliability_collective": rel["all_attacks"],
        "answered_with_force": rel["model"],
        "self_defence": rel["self_defence"],
        "collective": rel["collective"],
        "pairs": rel["pairs_all_attacks"],
        "olson_zeckhauser": {
            "model": oz["model"],
            "states": oz["states"],
            "built_in": oz["built_in"],
            "size_capability_weight": params.contrib_size[
                CONTRIBUTION_FEATURES.index("capability")
            ],
        },
        "world": year,
        "crises": crises,
    }


#: decades compared by :func:`vetoes_by_decade` (first year) and the day of the
#: world the model runs for each (the decade's middle; 1948 and 2021 for the two
#: partial decades of the record, 1946-49 and 2020-22)
DECADES = {
    1940: "1948-07-01",
    1950: "1955-07-01",
    1960: "1965-07-01",
    1970: "1975-07-01",
    1980: "1985-07-01",
    1990: "1995-07-01",
    2000: "2005-07-01",
    2010: "2015-07-01",
    2020: "2021-07-01",
}


def vetoes_by_decade(
    params: Any = None,
    policy: Any = None,
    *,
    crises: int = 10_000,
    seed: int = 0,
    data_dir: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> dict[str, Any]:
    """Vetoed drafts per decade: the model's free runs beside the record.

    Record: the Security Council's decisions on the Dag Hammarskjold Library's
    yearly pages (:func:`collsec.data.unsc.load_actions`; 2,962 decisions,
    213 vetoed drafts, 1946-2022), per decade. Model: ``crises`` generated
    crises in the world of the decade's middle day (:data:`DECADES`), credibility
    at ``credibility_start``: drafts tabled, drafts vetoed, and drafts the sponsor
    withheld because it foresaw a veto (the hidden veto). The record's share is
    vetoed drafts over decisions taken; the model's, vetoed over tabled drafts.
    """
    p = params or Parameters.default()
    acts = load_actions(data_dir)
    year = acts["date"].dt.year.to_numpy()
    vetoed = (acts["outcome"] == "vetoed").to_numpy()
    rows = []
    for decade, day in DECADES.items():
        in_dec = (year >= decade) & (year < decade + 10)
        stage = Stage.build(World.at(day, data_dir=data_dir), p)
        pol = resolve_policy(policy or "utility", p)
        r = sim_crises(
            stage,
            crises=crises,
            policy=pol,
            random_seed=seed,
            credibility=np.full(crises, p.credibility_start),
        ).result
        tabled = int(np.sum(r.draft == DRAFT_TABLED))
        veto_n = int(np.sum(r.council_vetoed))
        rows.append(
            {
                "decade": f"{decade}s",
                "world": day,
                "record_decisions": int(in_dec.sum()),
                "record_vetoed": int((in_dec & vetoed).sum()),
                "record_share": _share(int((in_dec & vetoed).sum()), int(in_dec.sum())),
                "model_tabled": tabled,
                "model_vetoed": veto_n,
                "model_share": _share(veto_n, tabled),
                "model_hidden_vetoes": int(np.sum(r.draft == DRAFT_HIDDEN_VETO)),
            }
        )
        if progress is not None:
            progress(1)
    total_dec = sum(x["record_decisions"] for x in rows)
    total_veto = sum(x["record_vetoed"] for x in rows)
    return {
        "crises_per_decade": crises,
        "seed": seed,
        "source": "Dag Hammarskjold Library, Security Council meetings and outcomes (yearly "
        "pages), via collsec.data.unsc.load_actions",
        "record": {"decisions": total_dec, "vetoed": total_veto},
        "decades": rows,
    }

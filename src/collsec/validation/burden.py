"""Who carries the response, checked against the record (``collsec burden``).

The contribution rule (:mod:`collsec.behavior.contribution`) is fitted and scored
on three records:

- **Coalitions.** The UN Command in Korea 1950-53 and the coalition against Iraq
  1990-91, one sourced row per contributing state (``coalitions/*.csv``). The
  rule is fitted on one and scored on the other (fit on Korea, score the Gulf,
  and the reverse): the kernel's free runs of the case (its own votes, its own
  lead, its own joiners) give each state's expected share of the response, and
  Spearman's rank correlation compares them with the recorded shares over the
  recorded contributors with a number plus the 30 most capable (CINC) UN members
  that did not contribute. The state attacked (South Korea, Kuwait) defends
  itself and is left out of both sides.
- **Peacekeeping.** The rule is run on every UN mission active in a decade
  (its host, its recorded size in troop-months) and each state's expected
  troop-months are compared with the IPI Peacekeeping Database's (Perry & Smith
  2013) across states; fitted on two decades, scored on the third.
- **Allies' reliability.** In generated crises, the share of pairs of an attack
  and a defence ally of the target (ATOP) in which the ally contributes, against
  Leeds, Long & Mitchell's (2000) 0.745.

Baselines in the same run: contributions in proportion to CINC and to military
expenditure.
"""

from __future__ import annotations

import csv
import io
import math
import os
from collections.abc import Callable
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy.optimize import minimize
from scipy.stats import spearmanr

from collsec.behavior import contribution
from collsec.behavior.contribution import FEATURES
from collsec.behavior.parameters import Parameters
from collsec.cases.case import load_case
from collsec.cases.model import case_stage
from collsec.cases.replay import _kernel_run
from collsec.crisis.stage import Stage
from collsec.data.export import atomic_write_bytes, check_output_path
from collsec.errors import InputError
from collsec.institutions.rules import NO, YES
from collsec.validation.facts import reliability_run
from collsec.validation.peacekeeping import ipi_country_decade, missions_by_decade
from collsec.world.world import World

__all__ = [
    "COALITIONS",
    "CoalitionRecord",
    "burden_report",
    "check_figure_path",
    "fit_contribution",
    "load_coalition",
    "write_figure",
]

#: coalition -> (library case, the decision that authorised it, table)
COALITIONS: dict[str, tuple[str, str, str]] = {
    "korea": ("korea-1950", "S/RES/83 (1950)", "korea_1950.csv"),
    "gulf": ("gulf-1990", "S/RES/678 (1990)", "gulf_1990.csv"),
}
COLUMNS = ("iso3", "ccode", "state", "troops", "measure", "role", "source", "note")
ROLES = ("lead", "combat", "medical", "naval", "air", "host", "target")
#: non-contributing UN members added to a coalition's scoring set (the most capable)
OTHERS = 30
#: free runs per coalition
DRAWS = 200
#: ridge prior sd of the contribution weights around the prior (parameters.toml): the
#: vote model's (collsec.behavior.fit.PRIOR_SD)
PRIOR_SD = 2.0
#: the enforcement weights the coalitions can identify; the rest stay at the prior
JOIN_FREE = ("base", "capability", "distance", "tie", "lead_ally", "lead_camp", "yes")
SIZE_FREE = ("capability", "personnel", "distance", "lead")
#: the peacekeeping weights IPI can identify (no lead, no vote: every mandate passed)
PK_JOIN_FREE = tuple(f for f in FEATURES if f not in ("lead_ally", "lead_camp", "yes", "lead"))
PK_SIZE_FREE = ("population",)
#: the unit of the Poisson pseudo-likelihood: a thousand troop-months
PK_UNIT = 1000.0


@dataclass(frozen=True)
class CoalitionRecord:
    """One coalition's table: each contributor's troops (None: number not found)."""

    name: str
    case: str
    decision: str
    troops: dict[str, int | None]
    roles: dict[str, str]

    @property
    def lead(self) -> str:
        return next(c for c, r in self.roles.items() if r == "lead")

    @property
    def target(self) -> set[str]:
        return {c for c, r in self.roles.items() if r == "target"}

    def shares(self) -> dict[str, float]:
        """Recorded shares over the contributors with a number (the target left out)."""
        known = {c: v for c, v in self.troops.items() if v is not None and c not in self.target}
        total = sum(known.values())
        return {c: v / total for c, v in known.items()}


def load_coalition(name: str) -> CoalitionRecord:
    """The curated table of coalition ``name`` (validated: one-line errors)."""
    if name not in COALITIONS:
        raise InputError(f"unknown coalition '{name}' (known: {', '.join(COALITIONS)})")
    case, decision, fname = COALITIONS[name]
    path = files("collsec.validation").joinpath("coalitions", fname)
    src = f"collsec/validation/coalitions/{fname}"
    rows = list(csv.DictReader(path.read_text("utf-8").splitlines()))
    if not rows or tuple(rows[0]) != COLUMNS:
        raise InputError(f"header must be {','.join(COLUMNS)}", source=src, field="line 1")
    troops: dict[str, int | None] = {}
    roles: dict[str, str] = {}
    for i, r in enumerate(rows, start=2):
        code = r["iso3"].strip()
        if not code or code in troops:
            raise InputError("empty or repeated iso3", source=src, field=f"line {i}: iso3")
        if r["role"] not in ROLES:
            raise InputError(
                f"role must be one of {', '.join(ROLES)}", source=src, field=f"line {i}: role"
            )
        if not r["source"].strip():
            raise InputError("every row needs a source", source=src, field=f"line {i}: source")
        t = r["troops"].strip()
        if t and not (t.isdigit() and int(t) > 0):
            raise InputError(
                "troops must be a whole number > 0 or empty", source=src, field=f"line {i}: troops"
            )
        troops[code] = int(t) if t else None
        roles[code] = r["role"]
    if list(roles.values()).count("lead") != 1:
        raise InputError("exactly one row must have role 'lead'", source=src, field="role")
    return CoalitionRecord(name, case, decision, troops, roles)


# --------------------------------------------------------------------------- coalitions


@dataclass
class _Design:
    """The rule's features for one coalition as it was: recorded votes, the rule's lead."""

    stage: Stage
    x: dict[str, np.ndarray]  # (N,) per feature
    may: np.ndarray  # (N,) bool
    lead: int
    joined: np.ndarray  # (N,) bool: a recorded contributor
    log_troops: np.ndarray  # (N,) NaN where not a contributor with a number


def _design(rec: CoalitionRecord, params: Parameters) -> _Design:
    case = load_case(rec.case)
    stage = case_stage(case, params)
    codes = stage.codes
    d = next((d for d in case.record if d.symbol == rec.decision), None)
    if d is None:
        raise InputError(f"{rec.decision} is not in the record of {rec.case}", source="burden")
    a = codes.index(case.trigger.accused)
    t = codes.index(case.trigger.target) if case.trigger.target in codes else a
    n = stage.n
    ballot = np.full(n, -1)
    for m in d.members:  # the deciding body: yes, or did not vote for it
        if m in codes:
            ballot[codes.index(m)] = YES if m in d.yes else NO
    is_t = np.arange(n) == t
    may = (
        contribution.eligible(
            aggressor=np.arange(n) == a,
            voted_against=ballot == NO,
            tied_to_aggressor=stage.tie[a],
            tied_to_target=stage.tie[t] & (t != a),
            outside=~stage.un,  # the Council decided: carried out by UN Members
        )
        & ~is_t
    )
    yes = ballot == YES
    lead = int(contribution.choose_lead(stage.capability, (may & yes)[None, :])[0])
    x = {
        k: np.broadcast_to(v, (1, n))[0]
        for k, v in stage.contribution_terms(
            np.array([a]), np.array([t]), np.array([lead]), yes[None, :]
        ).items()
    }
    joined = np.array([c in rec.troops and c not in rec.target for c in codes])
    log_troops = np.array(
        [
            math.log(rec.troops[c]) if joined[i] and rec.troops[c] else np.nan
            for i, c in enumerate(codes)
        ]
    )
    missing = [c for c in rec.troops if c not in codes and c not in rec.target]
    if missing:
        raise InputError(
            f"contributors not in the case's world: {', '.join(missing)}", source=rec.name
        )
    return _Design(stage, x, may, lead, joined, log_troops)


def _matrix(x: dict[str, np.ndarray], names: tuple[str, ...], rows: np.ndarray) -> np.ndarray:
    """The features ``names`` of the states ``rows`` (a design's features are (N,) each)."""
    return np.column_stack([x[f][rows] for f in names])


def _ridge_logit(X: np.ndarray, y: np.ndarray, prior: np.ndarray, sd: float) -> np.ndarray:
    """Maximum a posteriori logistic regression (Gaussian prior around ``prior``)."""

    def f(w):
        z = X @ w
        nll = np.sum(np.logaddexp(0.0, z) - y * z) + 0.5 * np.sum((w - prior) ** 2) / sd**2
        g = X.T @ (1.0 / (1.0 + np.exp(-z)) - y) + (w - prior) / sd**2
        return nll, g

    r = minimize(
        f, prior.copy(), jac=True, method="L-BFGS-B", options={"maxiter": 2000, "gtol": 1e-8}
    )
    return r.x


def _set(
    weights: tuple[float, ...], names: tuple[str, ...], values: np.ndarray
) -> tuple[float, ...]:
    w = list(weights)
    for k, v in zip(names, values, strict=True):
        w[FEATURES.index(k)] = float(v)
    return tuple(w)


def fit_enforcement(designs: list[_Design], params: Parameters) -> Parameters:
    """The enforcement weights fitted on coalition designs (join: ridge logit over the
    eligible non-lead states; size: ridge least squares on log troops with its own
    intercept, then the intercept set so a coalition's effort totals its members'
    share of world military expenditure)."""
    p0 = Parameters.prior()  # the ridge centre: never a calibrated value
    jp = np.array([p0.contrib_join[FEATURES.index(k)] for k in JOIN_FREE])
    Xj, yj, Xs, ys = [], [], [], []
    for d in designs:
        rows = d.may & (np.arange(len(d.may)) != d.lead)
        Xj.append(_matrix(d.x, JOIN_FREE, rows))
        yj.append(d.joined[rows].astype(float))
        known = ~np.isnan(d.log_troops)
        Xs.append(_matrix(d.x, SIZE_FREE, known))
        ys.append(d.log_troops[known])
    wj = _ridge_logit(np.vstack(Xj), np.concatenate(yj), jp, PRIOR_SD)
    sp = np.array([p0.contrib_size[FEATURES.index(k)] for k in SIZE_FREE])
    # an intercept per coalition (troop counts differ in scale), the slopes shared
    Xs_all = np.vstack(
        [np.column_stack([X, np.eye(len(Xs))[np.full(len(X), i)]]) for i, X in enumerate(Xs)]
    )
    prior = np.concatenate([sp, np.zeros(len(Xs))])
    sds = np.concatenate([np.full(len(sp), PRIOR_SD), np.full(len(Xs), 100.0)])
    lam = np.diag((1.0 / sds) ** 2)
    # ridge least squares (unit residual sd): the posterior mode under the prior
    g = np.linalg.solve(Xs_all.T @ Xs_all + lam, Xs_all.T @ np.concatenate(ys) + lam @ prior)
    slopes = g[: len(sp)]
    size = _set(p0.contrib_size, SIZE_FREE, slopes)
    # the intercept: exp(base + slopes . x) summed over contributors = their milex share
    base = []
    for d in designs:
        known = ~np.isnan(d.log_troops)
        eta = _matrix(d.x, SIZE_FREE, known) @ slopes
        cap = d.x["capability"][known]
        base.append(math.log(np.exp(cap).sum()) - math.log(np.exp(eta).sum()))
    size = _set(size, ("base",), np.array([float(np.mean(base))]))
    join = _set(p0.contrib_join, JOIN_FREE, wj)
    return params.replace(contrib_join=join, contrib_size=size)


def free_run_shares(
    rec: CoalitionRecord, params: Parameters, *, seed: int = 0, draws: int = DRAWS
) -> dict[str, Any]:
    """The kernel's free runs of the coalition's case: each state's mean share of the
    response over runs in which one formed, how often one formed, how often the
    recorded lead was the largest contributor."""
    case = load_case(rec.case)
    run = _kernel_run(
        case, params, seed=seed, draws=draws, charter=None, world=None, credibility=None
    )
    r, codes = run.result, run.stage.codes
    c = np.array(r.contributions, dtype=float)
    for tcode in rec.target:
        if tcode in codes:
            c[:, codes.index(tcode)] = 0.0
    total = c.sum(axis=1)
    formed = (r.level >= 1) & (total > 0)
    shares = np.zeros(len(codes))
    if formed.any():
        shares = (c[formed] / total[formed, None]).mean(axis=0)
    lead_i = codes.index(rec.lead)
    top = np.argmax(c, axis=1)
    return {
        "codes": codes,
        "shares": shares,
        "formed": float(formed.mean()),
        "lead_top_share": float((top[formed] == lead_i).mean()) if formed.any() else 0.0,
        "stage": run.stage,
    }


def _scoring_set(rec: CoalitionRecord, stage: Stage) -> list[str]:
    codes = stage.codes
    known = [c for c in rec.shares() if c in codes]
    others = [
        i
        for i in np.argsort(-stage.cinc, kind="stable")
        if stage.un[i] and codes[i] not in rec.troops and codes[i] not in rec.target
    ][:OTHERS]
    return known + [codes[i] for i in others]


def _spearman(a: np.ndarray, b: np.ndarray) -> float:
    rho = spearmanr(a, b).statistic
    return round(float(rho), 4) if np.isfinite(rho) else 0.0


def score_coalition(rec: CoalitionRecord, params: Parameters, *, seed: int = 0) -> dict[str, Any]:
    """The model's and the baselines' scores for one coalition under ``params``."""
    fr = free_run_shares(rec, params, seed=seed)
    stage, codes = fr["stage"], fr["codes"]
    keep = _scoring_set(rec, stage)
    idx = [codes.index(c) for c in keep]
    recorded = rec.shares()
    y = np.array([recorded.get(c, 0.0) for c in keep])
    model = fr["shares"][idx]
    milex = np.exp(stage.capability[idx])
    base = {}
    for name, v in (("cinc", stage.cinc[idx]), ("milex", milex)):
        sh = v / v.sum()
        base[name] = {
            "spearman": _spearman(sh, y),
            "lead_top_share": float(keep[int(np.argmax(sh))] == rec.lead),
        }
    order = np.argsort(-model, kind="stable")
    # Olson-Zeckhauser on the record: capability against burden per unit of capability
    known = [i for i, c in zip(idx, keep, strict=True) if recorded.get(c, 0.0) > 0]
    cap = np.exp(stage.capability[known])
    share = np.array([recorded[codes[i]] for i in known])
    return {
        "olson_zeckhauser_record": _spearman(cap, share / cap),
        "spearman": _spearman(model, y),
        "lead_top_share": round(fr["lead_top_share"], 4),
        "formed": round(fr["formed"], 4),
        "n": len(keep),
        "recorded_lead": rec.lead,
        "shares": {
            keep[i]: {"model": round(float(model[i]), 4), "recorded": round(float(y[i]), 4)}
            for i in order
        },
        "baselines": base,
    }


# --------------------------------------------------------------------------- peacekeeping


@dataclass
class _PkDecade:
    decade: str
    codes: list[str]
    x: list[dict[str, np.ndarray]]  # per mission: features (N,)
    may: list[np.ndarray]  # per mission
    weight: np.ndarray  # (M,) mission troop-months
    y: np.ndarray  # (N,) IPI troop-months
    cinc: np.ndarray
    milex: np.ndarray
    un: np.ndarray


#: the day whose world a decade's missions are run in (the middle of IPI's coverage)
PK_DAYS = {"1990s": "1995-07-01", "2000s": "2005-07-01", "2010s": "2012-01-01"}


def _pk_decades(params: Parameters, data_dir: str | None) -> list[_PkDecade]:
    rec = ipi_country_decade(data_dir)
    mis = missions_by_decade(data_dir)
    out = []
    for decade, day in PK_DAYS.items():
        w = World.at(day, data_dir=data_dir)
        stage = Stage.build(w, params)
        ccode = [int(c) for c in w.ccode]
        pos = {c: i for i, c in enumerate(ccode)}
        y = np.zeros(w.n)
        for row in rec[rec["decade"] == decade].itertuples():
            if int(row.ccode) in pos:
                y[pos[int(row.ccode)]] += float(row.troop_months)
        xs, mays, weights = [], [], []
        for row in mis[(mis["decade"] == decade) & (mis["troop_months"] > 0)].itertuples():
            h = None if pd.isna(row.host_ccode) else pos.get(int(row.host_ccode))
            if h is None:
                continue
            x = stage.contribution_terms(
                np.array([h]), np.array([h]), np.array([-1]), np.zeros((1, w.n))
            )
            xs.append({k: np.broadcast_to(v, (1, w.n))[0] for k, v in x.items()})
            mays.append(np.arange(w.n) != h)
            weights.append(float(row.troop_months))
        out.append(
            _PkDecade(
                decade,
                stage.codes,
                xs,
                mays,
                np.array(weights),
                y,
                stage.cinc,
                np.exp(stage.capability),
                stage.un,
            )
        )
    return out


def _pk_expected(d: _PkDecade, join: tuple[float, ...], size: tuple[float, ...]) -> np.ndarray:
    mu = np.zeros(len(d.codes))
    for x, may, wm in zip(d.x, d.may, d.weight, strict=True):
        e = contribution.expected(join, size, x, may, np.zeros(len(may), bool))
        s = e.sum()
        if s > 0:
            mu += wm * e / s  # the mission's recorded size, shared by the rule
    return mu


def fit_peacekeeping(decades: list[_PkDecade], params: Parameters) -> Parameters:
    """The peacekeeping weights fitted by Poisson pseudo-maximum likelihood (Santos
    Silva & Tenreyro 2006) of each state's troop-months, with a ridge prior."""
    p0 = Parameters.prior()  # the ridge centre: never a calibrated value
    jp = np.array([p0.pk_join[FEATURES.index(k)] for k in PK_JOIN_FREE])
    sp = np.array([p0.pk_size[FEATURES.index(k)] for k in PK_SIZE_FREE])
    prior = np.concatenate([jp, sp])
    scale = PK_UNIT

    def f(theta):
        join = _set(p0.pk_join, PK_JOIN_FREE, theta[: len(jp)])
        size = _set(p0.pk_size, PK_SIZE_FREE, theta[len(jp) :])
        nll = 0.0
        for d in decades:
            mu = _pk_expected(d, join, size) / scale + 1e-12
            y = d.y / scale
            nll += float(np.sum(mu - y * np.log(mu)))
        return nll + 0.5 * float(np.sum((theta - prior) ** 2)) / PRIOR_SD**2

    r = minimize(f, prior.copy(), method="L-BFGS-B", options={"maxiter": 300})
    th = r.x
    return params.replace(
        pk_join=_set(p0.pk_join, PK_JOIN_FREE, th[: len(jp)]),
        pk_size=_set(p0.pk_size, PK_SIZE_FREE, th[len(jp) :]),
    )


def _pk_score(d: _PkDecade, params: Parameters) -> dict[str, Any]:
    keep = d.un | (d.y > 0)
    mu = _pk_expected(d, params.pk_join, params.pk_size)
    out = {
        "spearman": _spearman(mu[keep], d.y[keep]),
        "n": int(keep.sum()),
        "missions": len(d.weight),
    }
    top = np.argsort(-mu, kind="stable")[:5]
    out["largest_model"] = [d.codes[i] for i in top]
    out["largest_recorded"] = [d.codes[i] for i in np.argsort(-d.y, kind="stable")[:5]]
    out["troop_months"] = {
        d.codes[i]: {"model": round(float(mu[i]), 1), "recorded": float(d.y[i])}
        for i in np.flatnonzero(keep)
    }
    base = {}
    for name, v in (("cinc", d.cinc), ("milex", d.milex)):
        base[name] = _spearman(v[keep], d.y[keep])
    out["baselines"] = base
    return out


# --------------------------------------------------------------------------- the fit and the report


def fit_contribution(
    params: Parameters, *, data_dir: str | None = None
) -> tuple[Parameters, dict[str, Any]]:
    """Fit the contribution rule on every record (both coalitions, every decade):
    the parameters ``collsec calibrate`` writes."""
    recs = [load_coalition(k) for k in COALITIONS]
    p = fit_enforcement([_design(r, params) for r in recs], params)
    p = fit_peacekeeping(_pk_decades(p, data_dir), p)
    fitted = {
        k: list(getattr(p, k)) for k in ("contrib_join", "contrib_size", "pk_join", "pk_size")
    }
    return p, {"weights": fitted, "coalitions": list(COALITIONS), "decades": list(PK_DAYS)}


def burden_report(
    params: Parameters | None = None,
    *,
    data_dir: str | None = None,
    seed: int = 0,
    crises: int = 20_000,
    progress: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Every score of ``collsec burden``, out of sample (see the module docstring)."""
    p0 = params or Parameters.default()
    say = progress or (lambda _s: None)
    recs = {k: load_coalition(k) for k in COALITIONS}
    coalitions, base_c = {}, {"cinc": {}, "milex": {}}
    for name, rec in recs.items():
        say(f"coalitions: fit without {name}, score {name}")
        train = [_design(r, p0) for k, r in recs.items() if k != name]
        p = fit_enforcement(train, p0)
        s = score_coalition(rec, p, seed=seed)
        for b in base_c:
            base_c[b][name] = s["baselines"][b]
        coalitions[name] = {k: v for k, v in s.items() if k != "baselines"}
    say("peacekeeping: fit on two decades, score the third")
    decades = _pk_decades(p0, data_dir)
    pk, base_pk = {}, {"cinc": {}, "milex": {}}
    for d in decades:
        p = fit_peacekeeping([e for e in decades if e.decade != d.decade], p0)
        s = _pk_score(d, p)
        for b in base_pk:
            base_pk[b][d.decade] = {"spearman": s["baselines"][b], "n": s["n"]}
        pk[d.decade] = {k: v for k, v in s.items() if k != "baselines"}
    say("allies' reliability and Olson-Zeckhauser: generated crises")
    rel = reliability_run(p0, data_dir=data_dir, crises=crises, seed=seed)
    oz = rel.pop("olson_zeckhauser")
    return {
        "coalitions": coalitions,
        "peacekeeping": {"by_decade": pk},
        "reliability_collective": rel["reliability_collective"],
        "reliability": rel,
        "olson_zeckhauser": {
            **oz,
            "record": {k: v["olson_zeckhauser_record"] for k, v in coalitions.items()},
        },
        "baselines": {
            b: {"coalitions": base_c[b], "peacekeeping": base_pk[b]} for b in ("cinc", "milex")
        },
        "published": {"reliability": 0.745, "source": "Leeds, Long & Mitchell (2000)"},
        "seed": seed,
        "draws": DRAWS,
    }


# --------------------------------------------------------------------------- the figure

FIGURE_SUFFIXES = (".png", ".svg", ".pdf")


def check_figure_path(path: str | os.PathLike[str]) -> Path:
    """The figure's path, or a one-line error (exit 2) before any work is done."""
    return check_output_path(path, FIGURE_SUFFIXES, kind="figure", field="--plot")


def write_figure(report: dict[str, Any], path: str | os.PathLike[str]) -> Path:
    """The model's expected shares against the recorded ones: Korea, the Gulf, and
    peacekeeping by decade (log scales; a state the record or the model gives
    nothing sits on the axis floor). Written whole or not at all."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    target = check_figure_path(path)
    floor = 1e-5
    fig, axes = plt.subplots(1, 3, figsize=(15, 5.2))
    titles = {
        "korea": "Korea 1950-53 (fitted on the Gulf)",
        "gulf": "Gulf 1990-91 (fitted on Korea)",
    }
    for ax, (name, s) in zip(axes[:2], report["coalitions"].items(), strict=True):
        rec = np.array([max(v["recorded"], floor) for v in s["shares"].values()])
        mod = np.array([max(v["model"], floor) for v in s["shares"].values()])
        sent = rec > floor
        ax.scatter(rec[sent], mod[sent], s=28, color="#1f5fa8", label="recorded contributors")
        ax.scatter(
            rec[~sent],
            mod[~sent],
            s=28,
            color="#c0504d",
            marker="x",
            label="capable UN members that sent nothing",
        )
        for (code, v), r, m in zip(s["shares"].items(), rec, mod, strict=True):
            if v["recorded"] > 0.01 or v["model"] > 0.01:
                ax.annotate(code, (r, m), fontsize=8, xytext=(3, 3), textcoords="offset points")
        ax.plot([floor, 1], [floor, 1], ":", color="#7f7f7f", lw=1)
        ax.set(
            xscale="log",
            yscale="log",
            xlim=(floor / 2, 1.5),
            ylim=(floor / 2, 1.5),
            xlabel="recorded share of troops",
            ylabel="model's expected share (free runs)",
        )
        ax.set_title(
            f"{titles[name]}\nSpearman {s['spearman']:.2f}; "
            f"{s['recorded_lead']} largest in {s['lead_top_share']:.0%} of runs",
            fontsize=10,
        )
        ax.legend(fontsize=8, loc="lower right")
    ax = axes[2]
    colours = {"1990s": "#7f7f7f", "2000s": "#1f5fa8", "2010s": "#c0504d"}
    for dec, s in report["peacekeeping"]["by_decade"].items():
        tm = s["troop_months"]
        rec = np.array([max(v["recorded"], 1.0) for v in tm.values()])
        mod = np.array([max(v["model"], 1.0) for v in tm.values()])
        ax.scatter(
            rec,
            mod,
            s=14,
            alpha=0.7,
            color=colours.get(dec, "k"),
            label=f"{dec}: Spearman {s['spearman']:.2f}",
        )
    ax.plot([1, 1e7], [1, 1e7], ":", color="#7f7f7f", lw=1)
    ax.set(
        xscale="log",
        yscale="log",
        xlabel="IPI troop-months (Perry & Smith 2013)",
        ylabel="model's expected troop-months",
    )
    ax.set_title("UN peacekeeping by state\n(each decade fitted on the other two)", fontsize=10)
    ax.legend(fontsize=8, loc="upper left")
    fig.suptitle(
        "Who carries the response: collsec's contribution rule against the record", fontsize=12
    )
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format=target.suffix.lstrip("."), dpi=120)
    plt.close(fig)
    atomic_write_bytes(target, buf.getvalue())
    return target

"""The behaviour model's vote on a recorded draft, and its fit to the record.

For member ``i`` voting on a draft of measure ``L`` against the accused state
``a`` on behalf of target ``t`` (severity ``s``), the utility of a yes vote is
the kernel's (:class:`collsec.behavior.UtilityPolicy`)::

    U = s * (w_commit + w_aff * (aff[i, t] - aff[i, a]))
        - cost[L] * (w_cost * risk[a] + w_dist * prox[i, a])
        - w_sov * intrusion[L] * internal
        + w_sponsor * (mean_j |x_j - x_S| - |x_i - x_S|)

with affinity, risk and proximity computed by :class:`collsec.crisis.Stage`
from the case's actors. The last term is spatial voting on the draft itself,
placed at its sponsors' mean ideal point ``x_S``: a member nearer to it than
the average member of the body leans yes, one farther leans no (zero when the
sponsors or the ideal points are unknown). A recorded draft names its sponsors;
the kernel's own drafts leave the term out. With a logistic
shock of scale ``vote_noise`` the vote is an ordered logit: no below
``vote_no``, yes above ``vote_yes``, abstain between. ``U`` is linear in the
six weights, so the fit (:func:`fit`) is a convex maximum-likelihood problem;
weights are kept non-negative (their signs are the theory's, not the fit's).

The baseline (:func:`fit` with ``kind="ideal_point_logit"``) is the same
ordered logit on two features only: ideal-point distance to the sponsors and
to the accused state.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.optimize import minimize

from collsec.behavior.nuclear import nuclear_codes
from collsec.behavior.parameters import Parameters
from collsec.cases.case import Case, Draft
from collsec.crisis.kernel import LEVELS, VICTIM_AFFINITY

__all__ = ["FEATURES", "Fit", "VoteTable", "fit", "vote_table"]

#: model features, in the order of the weights they multiply
FEATURES = ("commitment", "affinity", "cost", "distance", "sovereignty", "sponsor")
BASELINE_FEATURES = ("dist_sponsors", "dist_accused")
VOTES = ("no", "abstain", "yes")
NO, ABSTAIN, YES = 0, 1, 2
#: prior standard deviation of the weights around their defaults (ridge), in weight units
PRIOR_SD = 2.0


@dataclass
class VoteTable:
    """One row per (decision, member) of some cases: features and recorded votes."""

    case: np.ndarray  # case id per row
    decision: np.ndarray  # index of the decision within its case
    member: np.ndarray  # member code
    X: np.ndarray  # (rows, 6) model features
    B: np.ndarray  # (rows, 2) baseline features
    y: np.ndarray  # 0 no, 1 abstain, 2 yes, -1 not scored
    contested: np.ndarray  # bool: the decision was not unanimous
    absent: np.ndarray  # bool: recorded absent (known before the vote)

    def select(self, mask: np.ndarray) -> VoteTable:
        return VoteTable(**{k: getattr(self, k)[mask] for k in self.__dataclass_fields__})


@dataclass
class Fit:
    """Fitted weights and thresholds of an ordered logit."""

    kind: str  # "model" or "ideal_point_logit"
    weights: np.ndarray
    vote_no: float
    vote_yes: float
    scale: float
    names: tuple[str, ...]
    n: int = 0
    loglik: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)

    def probabilities(self, F: np.ndarray) -> np.ndarray:
        u = F @ self.weights
        p_no = _sigmoid((self.vote_no - u) / self.scale)
        p_yes = _sigmoid((u - self.vote_yes) / self.scale)
        p_ab = np.clip(1.0 - p_no - p_yes, 0.0, 1.0)
        return np.stack([p_no, p_ab, p_yes], axis=-1)

    def predict(self, F: np.ndarray) -> np.ndarray:
        """The most likely vote per row (0 no, 1 abstain, 2 yes); ties go to yes."""
        p = self.probabilities(F)
        return 2 - np.argmax(p[:, ::-1], axis=1)

    def utility(self, F: np.ndarray) -> np.ndarray:
        return F @ self.weights

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "weights": {
                k: round(float(v), 4) for k, v in zip(self.names, self.weights, strict=True)
            },
            "vote_no": round(self.vote_no, 4),
            "vote_yes": round(self.vote_yes, 4),
            "scale": self.scale,
            "votes_fitted": self.n,
            "log_likelihood": round(self.loglik, 3),
        }

    def parameters(self, base: Parameters) -> Parameters:
        """``base`` with this fit's weights and thresholds (a ``model`` fit only)."""
        w = dict(zip(self.names, (float(x) for x in self.weights), strict=True))
        return base.replace(**w, vote_no=self.vote_no, vote_yes=self.vote_yes)


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * z))


# -- features ----------------------------------------------------------------------


@dataclass
class CaseArrays:
    """The case's actors as the arrays the vote model reads."""

    codes: list[str]
    index: dict[str, int]
    aff: np.ndarray
    ideal: np.ndarray  # NaN where unknown
    risk: np.ndarray
    prox_accused: np.ndarray


def case_arrays(case: Case, params: Parameters, *, world: Any = None) -> CaseArrays:
    """Affinity, ideal points, risk and proximity to the accused for a case's actors.

    ``world`` (a :class:`collsec.world.World` of the trigger date) replaces the
    shipped actors table (``--world data``).
    """
    p = params
    if world is not None:
        codes = [str(c) for c in world.code]
        cinc = np.nan_to_num(np.asarray(world.cinc, dtype=float))
        ideal = np.asarray(world.ideal_point, dtype=float).copy()
        if case.trigger.date.year < 1946:
            ideal[:] = np.nan
        alliance = np.asarray(world.defense) > 0
        a = codes.index(case.trigger.accused) if case.trigger.accused in codes else None
        km = (
            np.asarray(world.distance, dtype=float)[a]
            if a is not None
            else np.full(len(codes), np.nan)
        )
    else:
        codes = [x.code for x in case.actors]
        cinc = np.array([x.cinc for x in case.actors])
        ideal = np.array([np.nan if x.ideal_point is None else x.ideal_point for x in case.actors])
        index0 = {c: i for i, c in enumerate(codes)}
        alliance = np.zeros((len(codes), len(codes)), dtype=bool)
        for i, x in enumerate(case.actors):
            for ally in x.allies:
                if ally in index0:
                    alliance[i, index0[ally]] = alliance[index0[ally], i] = True
        km = np.array([np.nan if x.km_accused is None else x.km_accused for x in case.actors])
    index = {c: i for i, c in enumerate(codes)}
    cinc = np.maximum(cinc, 1e-6)
    cinc = cinc / cinc.sum()
    nuc = nuclear_codes(case.trigger.date.year)
    nuclear = np.array([c in nuc for c in codes], dtype=float)
    risk = cinc / cinc.max() + p.nuclear * nuclear
    x = np.nan_to_num(ideal)
    aff = np.exp(-np.abs(x[:, None] - x[None, :]) / p.ideal_scale) + p.alliance_tie * alliance
    np.fill_diagonal(aff, p.self_affinity)
    prox = np.where(np.isnan(km), 0.0, np.exp(-np.nan_to_num(km) / p.distance_scale))
    if case.trigger.accused in index:
        prox[index[case.trigger.accused]] = 1.0
    return CaseArrays(codes, index, aff, ideal, risk, prox)


def _level(measure: str) -> int | None:
    return LEVELS.index(measure) if measure in LEVELS else None


def draft_features(
    case: Case, draft: Draft, arrays: CaseArrays, params: Parameters, members: list[str]
) -> tuple[np.ndarray, np.ndarray]:
    """Model and baseline features of ``members`` voting on ``draft``."""
    p = params
    idx = arrays.index
    n = len(members)
    tr = case.trigger
    accused = draft.accused or tr.accused
    target = draft.target or tr.target
    internal = 1.0 if tr.kind == "atrocity" else 0.0
    haven = 1.0 if tr.sponsored else p.nonstate_haven
    rows = np.array([idx.get(m, -1) for m in members])
    known = rows >= 0
    r = np.where(known, rows, 0)
    a = idx.get(accused)
    t = idx.get(target)
    aff = arrays.aff
    aff_a = (aff[r, a] if a is not None else np.zeros(n)) * haven
    aff_t = np.full(n, VICTIM_AFFINITY) if internal or t is None else aff[r, t]
    risk_a = arrays.risk[a] * haven if a is not None else 0.0
    prox = arrays.prox_accused[r] * haven
    lvl = _level(draft.measure)
    cost = p.level_cost[lvl] if lvl is not None else 0.0
    intr = p.level_intrusion[lvl] if lvl is not None else 0.0
    sev = tr.severity
    sp = [idx[s] for s in draft.sponsors if s in idx]
    ideal = arrays.ideal
    xi = ideal[r]
    xs = np.nanmean(ideal[sp]) if sp and not np.all(np.isnan(ideal[sp])) else np.nan
    dist_s = np.where(known, np.nan_to_num(np.abs(xi - xs)), 0.0)  # also the baseline's
    # spatial voting on the draft, placed at its sponsors' mean ideal point: how much
    # nearer to it the member sits than the average member (0 when nothing is known)
    spon = -(dist_s - dist_s[known].mean()) if not np.isnan(xs) and known.any() else np.zeros(n)
    X = np.stack(
        [
            np.full(n, sev),
            sev * (aff_t - aff_a),
            -cost * np.full(n, risk_a),
            -cost * prox,
            np.full(n, -intr * internal),
            spon,
        ],
        axis=1,
    )
    xa = ideal[a] if a is not None else np.nan
    B = np.stack([dist_s, np.nan_to_num(np.abs(xi - xa))], axis=1)
    X[~known] = 0.0
    B[~known] = 0.0
    return X, B


def vote_table(cases: list[Case], params: Parameters, *, worlds: dict | None = None) -> VoteTable:
    """Features and recorded votes of every member on every decision of ``cases``.

    A vote is scored (``y >= 0``) when its decision's status is ``named`` or
    ``derived`` and the member voted yes, no or abstained; absences and
    non-participation are not votes.
    """
    cols: dict[str, list] = {
        k: [] for k in ("case", "decision", "member", "X", "B", "y", "contested", "absent")
    }
    code = {"yes": YES, "no": NO, "abstain": ABSTAIN}
    for case in cases:
        arrays = case_arrays(case, params, world=(worlds or {}).get(case.id))
        for k, d in enumerate(case.record):
            members = list(d.members)
            X, B = draft_features(case, d.draft(), arrays, params, members)
            rec = d.votes()
            scored = d.status in ("named", "derived")
            cols["case"] += [case.id] * len(members)
            cols["decision"] += [k] * len(members)
            cols["member"] += members
            cols["X"].append(X)
            cols["B"].append(B)
            cols["y"] += [code.get(rec.get(m, ""), -1) if scored else -1 for m in members]
            cols["contested"] += [not d.unanimous] * len(members)
            cols["absent"] += [rec.get(m) == "absent" for m in members]
    return VoteTable(
        case=np.array(cols["case"], dtype=object),
        decision=np.array(cols["decision"], dtype=np.int64),
        member=np.array(cols["member"], dtype=object),
        X=np.concatenate(cols["X"]) if cols["X"] else np.zeros((0, len(FEATURES))),
        B=np.concatenate(cols["B"]) if cols["B"] else np.zeros((0, 2)),
        y=np.array(cols["y"], dtype=np.int64),
        contested=np.array(cols["contested"], dtype=bool),
        absent=np.array(cols["absent"], dtype=bool),
    )


# -- fitting ---------------------------------------------------------------------------


def default_fit(params: Parameters) -> Fit:
    """The model with the parameter file's values (nothing fitted)."""
    return Fit(
        kind="model",
        weights=np.array([getattr(params, k) for k in FEATURES], dtype=float),
        vote_no=params.vote_no,
        vote_yes=params.vote_yes,
        scale=params.vote_noise,
        names=FEATURES,
    )


def fit(table: VoteTable, params: Parameters, *, kind: str = "model") -> Fit:
    """Maximum-likelihood ordered logit on the scored votes of ``table``.

    ``kind="model"``: the six weights of the behaviour model (non-negative,
    ridge prior of sd :data:`PRIOR_SD` around the parameter file's values) and
    the two thresholds; ``kind="ideal_point_logit"``: the baseline, free
    coefficients on the two distances and two thresholds. Deterministic.
    """
    rows = table.y >= 0
    y = table.y[rows]
    if kind == "model":
        F = table.X[rows]
        names = FEATURES
        w0 = np.array([getattr(params, k) for k in FEATURES], dtype=float)
        bounds_w = [(0.0, None)] * len(FEATURES)
        prior = w0
    elif kind == "ideal_point_logit":
        F = table.B[rows]
        names = BASELINE_FEATURES
        w0 = np.zeros(F.shape[1])
        bounds_w = [(None, None)] * F.shape[1]
        prior = None
    else:  # pragma: no cover - internal
        raise ValueError(kind)
    scale = params.vote_noise
    k = F.shape[1]

    def nll(theta: np.ndarray) -> float:
        w, c1, gap = theta[:k], theta[k], theta[k + 1]
        c2 = c1 + gap
        u = F @ w
        lo = np.where(y == NO, -np.inf, np.where(y == ABSTAIN, c1, c2))
        hi = np.where(y == NO, c1, np.where(y == ABSTAIN, c2, np.inf))
        # P(lo < u + e < hi) with logistic e of scale `scale`
        p = _sigmoid((hi - u) / scale) - _sigmoid((lo - u) / scale)
        out = -np.sum(np.log(np.maximum(p, 1e-12)))
        if prior is not None:
            out += 0.5 * np.sum(((w - prior) / PRIOR_SD) ** 2)
        return float(out)

    theta0 = np.concatenate([w0, [params.vote_no, params.vote_yes - params.vote_no]])
    res = minimize(
        nll,
        theta0,
        method="L-BFGS-B",
        bounds=[*bounds_w, (None, None), (1e-3, None)],
        options={"maxiter": 2000},
    )
    th = res.x
    return Fit(
        kind=kind,
        weights=th[:k],
        vote_no=float(th[k]),
        vote_yes=float(th[k] + th[k + 1]),
        scale=scale,
        names=names,
        n=int(rows.sum()),
        loglik=-float(nll(th))
        if prior is None
        else -float(nll(th) - 0.5 * np.sum(((th[:k] - prior) / PRIOR_SD) ** 2)),
        extra={"converged": bool(res.success)},
    )

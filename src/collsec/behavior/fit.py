"""Fitting the vote model by maximum likelihood.

The behaviour model (:func:`fit_vote_model`) is the adjacent-category logit
of :func:`collsec.behavior.model.vote_probabilities`: a support index and a
no/abstain tilt, both linear in :data:`collsec.behavior.model.VOTE_FEATURES`,
and two thresholds. The baseline ``ideal_point_logit`` is an ordered logit
(:func:`fit_ordered_logit`). Both are smooth problems with concave
log-likelihoods; each minimises the negative log-likelihood (plus a ridge
prior around the parameter file's values) with L-BFGS-B on its *analytic*
gradient, computed in log space so that no probability is floored. A fit
that does not converge raises :class:`FitError` (one line, exit code 2), and
every fit reports its iterations, its final log-likelihood and its gradient
norm.

>>> rng = np.random.default_rng(0)
>>> F = rng.normal(size=(5000, 1))
>>> u = 2.0 * F[:, 0] + rng.logistic(scale=0.25, size=5000)
>>> y = np.where(u > 0.3, YES, np.where(u < -0.3, NO, ABSTAIN))
>>> f = fit_ordered_logit(F, y, scale=0.25, names=("x",))
>>> f.converged, round(float(f.weights[0]), 1)
(True, 2.0)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from collsec.behavior.model import FEATURES, VOTE_FEATURES, most_probable, vote_probabilities
from collsec.behavior.parameters import Parameters
from collsec.errors import CollsecError
from collsec.institutions.rules import ABSTAIN, NO, YES

__all__ = [
    "PRIOR_SD",
    "TILT_SD",
    "Fit",
    "FitError",
    "fit_ordered_logit",
    "fit_vote_model",
    "most_probable",
    "prior_fit",
]

#: prior standard deviation of the model's support weights around the parameter file's values
PRIOR_SD = 2.0
#: prior standard deviation of the no/abstain tilt's weights (logit units) around the file's
TILT_SD = 1.5
#: the fit has converged when the largest projected gradient is below this
GRADIENT_TOLERANCE = 1e-4
MAX_ITERATIONS = 5000
#: L-BFGS-B runs of the vote model's fit, each from where the last stopped
RESTARTS = 4


class FitError(CollsecError):
    """A fit that did not converge (the CLI prints its one line, exit code 2)."""


@dataclass
class Fit:
    """Weights, tilt and thresholds of a vote model, and how the fit went.

    ``family`` is ``"adjacent"`` for the behaviour model (support and tilt,
    :func:`collsec.behavior.model.vote_probabilities`) and ``"ordered"`` for
    an ordered logit (the ideal-point baseline).
    """

    kind: str  # "model" or a baseline's name
    weights: np.ndarray
    vote_no: float
    vote_yes: float
    scale: float
    names: tuple[str, ...]
    tilt: np.ndarray | None = None
    family: str = "adjacent"
    n: int = 0
    loglik: float = 0.0
    iterations: int = 0
    converged: bool = True
    gradient_norm: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)

    def utility(self, F: np.ndarray) -> np.ndarray:
        return F @ self.weights

    def tilt_index(self, F: np.ndarray) -> np.ndarray:
        return np.zeros(len(F)) if self.tilt is None else F @ self.tilt

    def probabilities(self, F: np.ndarray) -> np.ndarray:
        """P(vote) per row, indexed by the vote codes (``YES``, ``NO``, ``ABSTAIN``)."""
        if self.family == "ordered":
            return _ordered_probabilities(self.utility(F), self.vote_no, self.vote_yes, self.scale)
        return vote_probabilities(
            self.utility(F), self.tilt_index(F), self.vote_no, self.vote_yes, self.scale
        )

    def predict(self, F: np.ndarray) -> np.ndarray:
        """The most probable vote code per row (ties go to yes, then abstain)."""
        return most_probable(self.probabilities(F))

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "kind": self.kind,
            "family": self.family,
            "weights": {
                k: round(float(v), 4) for k, v in zip(self.names, self.weights, strict=True)
            },
        }
        if self.tilt is not None:
            out["tilt"] = {
                k: round(float(v), 4) for k, v in zip(self.names, self.tilt, strict=True)
            }
        return out | {
            "vote_no": round(self.vote_no, 4),
            "vote_yes": round(self.vote_yes, 4),
            "scale": self.scale,
            "votes_fitted": self.n,
            "log_likelihood": round(self.loglik, 3),
            "iterations": self.iterations,
            "converged": self.converged,
            "gradient_norm": float(f"{self.gradient_norm:.3g}"),
        }

    def parameters(self, base: Parameters) -> Parameters:
        """``base`` with this fit's weights, tilt and thresholds (a ``model`` fit only)."""
        w = dict(zip(self.names, (float(x) for x in self.weights), strict=True))
        if self.tilt is not None:
            w |= {f"tilt_{k}": float(x) for k, x in zip(self.names, self.tilt, strict=True)}
        return base.replace(**w, vote_no=self.vote_no, vote_yes=self.vote_yes)


def _weights(params: Parameters) -> tuple[np.ndarray, np.ndarray]:
    w = np.array([getattr(params, k) for k in VOTE_FEATURES], dtype=float)
    v = np.array([getattr(params, f"tilt_{k}") for k in VOTE_FEATURES], dtype=float)
    return w, v


def prior_fit(params: Parameters) -> Fit:
    """The model with the parameter file's values (nothing fitted): for
    :meth:`Parameters.default`, the shipped calibrated model."""
    w, v = _weights(params)
    return Fit(
        kind="model",
        weights=w,
        tilt=v,
        vote_no=params.vote_no,
        vote_yes=params.vote_yes,
        scale=params.vote_noise,
        names=VOTE_FEATURES,
    )


def _converged(th: np.ndarray, grad: np.ndarray, bounds: list, n: int) -> tuple[float, bool]:
    """The largest projected gradient (at a lower bound only the part pointing inside
    counts) and whether it is under the tolerance for ``n`` votes."""
    lo = np.array([b[0] if b[0] is not None else -np.inf for b in bounds])
    at_lo = (th <= lo + 1e-12) & (grad > 0)
    gnorm = float(np.max(np.abs(np.where(at_lo, 0.0, grad)))) if len(grad) else 0.0
    return gnorm, gnorm < GRADIENT_TOLERANCE * max(1.0, n / 1000.0)


def _ordered_probabilities(u, vote_no: float, vote_yes: float, scale: float) -> np.ndarray:
    """P(vote) under the ordered logit (the ideal-point baseline)."""
    u = np.asarray(u, dtype=float)
    p_no = expit((vote_no - u) / scale)
    p_yes = expit((u - vote_yes) / scale)
    out = np.empty((*u.shape, 3))
    out[..., YES] = p_yes
    out[..., NO] = p_no
    out[..., ABSTAIN] = np.clip(1.0 - p_no - p_yes, 0.0, 1.0)
    return out


def expit(z):
    """The logistic function, stable for any z."""
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def log_expit(z):
    """log(expit(z)) without underflow: -log(1 + e^-z)."""
    return -np.logaddexp(0.0, -z)


def _nll_and_grad(theta, F, y, scale, prior, prior_sd):
    """Negative log-likelihood of the ordered logit and its gradient, in log space."""
    k = F.shape[1]
    w, c1, gap = theta[:k], theta[k], theta[k + 1]
    c2 = c1 + gap
    u = F @ w
    s = scale
    a1 = (c1 - u) / s  # P(no) = sigma(a1)
    a2 = (c2 - u) / s  # P(no or abstain) = sigma(a2)
    is_no, is_ab, is_yes = y == NO, y == ABSTAIN, y == YES
    ll = np.zeros(len(y))
    du = np.zeros(len(y))  # d loglik / d u
    dc1 = np.zeros(len(y))
    dc2 = np.zeros(len(y))
    # no: log sigma(a1)
    ll[is_no] = log_expit(a1[is_no])
    g = expit(-a1[is_no]) / s  # d log sigma(a1) / d c1
    dc1[is_no] = g
    du[is_no] = -g
    # yes: log sigma(-a2)
    ll[is_yes] = log_expit(-a2[is_yes])
    g = expit(a2[is_yes]) / s  # d log sigma(-a2) / d u
    du[is_yes] = g
    dc2[is_yes] = -g
    # abstain: log(sigma(a2) - sigma(a1)) = log sigma(a2) + log sigma(-a1) + log(1 - e^(a1 - a2))
    b1, b2 = a1[is_ab], a2[is_ab]
    d = (c1 - c2) / s  # a1 - a2, the same for every row
    ll[is_ab] = log_expit(b2) + log_expit(-b1) + np.log(-np.expm1(d))
    r = np.exp(d) / (-np.expm1(d)) / s  # d log(1 - e^d) / d c2 (and minus that for c1)
    du[is_ab] = -expit(-b2) / s + expit(b1) / s
    dc2[is_ab] = expit(-b2) / s + r
    dc1[is_ab] = -expit(b1) / s - r
    nll = -float(ll.sum())
    gw = -(F.T @ du)
    g1 = -float(dc1.sum())
    g2 = -float(dc2.sum())
    if prior is not None:
        nll += 0.5 * float(np.sum(((w - prior) / prior_sd) ** 2))
        gw = gw + (w - prior) / prior_sd**2
    # theta = (w, c1, gap) with c2 = c1 + gap
    return nll, np.concatenate([gw, [g1 + g2, g2]])


def fit_ordered_logit(
    F: np.ndarray,
    y: np.ndarray,
    *,
    scale: float,
    names: tuple[str, ...],
    kind: str = "model",
    start: np.ndarray | None = None,
    thresholds: tuple[float, float] = (-0.25, 0.25),
    prior: np.ndarray | None = None,
    prior_sd: float = PRIOR_SD,
    nonnegative: bool = False,
) -> Fit:
    """Maximum-likelihood ordered logit of vote codes ``y`` on features ``F``.

    ``prior`` adds a ridge penalty of sd ``prior_sd`` around it;
    ``nonnegative`` keeps the weights >= 0 (their signs are the theory's).
    Deterministic. Raises :class:`FitError` when L-BFGS-B does not converge.
    """
    F = np.asarray(F, dtype=float)
    y = np.asarray(y)
    k = F.shape[1]
    w0 = np.zeros(k) if start is None else np.asarray(start, dtype=float)
    gap0 = max(thresholds[1] - thresholds[0], 1e-2)
    theta0 = np.concatenate([w0, [thresholds[0], gap0]])
    bounds = [(0.0, None) if nonnegative else (None, None)] * k + [(None, None), (1e-3, None)]
    # lazy: scipy.optimize takes about 0.3 s to import; only fits need it
    from scipy.optimize import minimize

    res = minimize(
        _nll_and_grad,
        theta0,
        args=(F, y, scale, prior, prior_sd),
        jac=True,
        method="L-BFGS-B",
        bounds=bounds,
        options={"maxiter": MAX_ITERATIONS, "gtol": GRADIENT_TOLERANCE / 10, "ftol": 1e-14},
    )
    th = res.x
    nll, grad = _nll_and_grad(th, F, y, scale, prior, prior_sd)
    gnorm, converged = _converged(th, grad, bounds, len(y))
    if not converged:
        raise FitError(
            f"{kind} fit: did not converge after {res.nit} iterations "
            f"(largest gradient {gnorm:.2g}; {res.message})"
        )
    penalty = 0.0 if prior is None else 0.5 * float(np.sum(((th[:k] - prior) / prior_sd) ** 2))
    return Fit(
        kind=kind,
        weights=th[:k].copy(),
        vote_no=float(th[k]),
        vote_yes=float(th[k] + th[k + 1]),
        scale=scale,
        names=names,
        family="ordered",
        n=len(y),
        loglik=-(nll - penalty),
        iterations=int(res.nit),
        converged=converged,
        gradient_norm=gnorm,
    )


def _adjacent_nll(theta, F, y, scale, prior_w, prior_v):
    """Negative log-likelihood of the adjacent-category vote model and its gradient."""
    k = F.shape[1]
    w, c_no, gap, v = theta[:k], theta[k], theta[k + 1], theta[k + 2 :]
    c_yes = c_no + gap
    u = F @ w
    e_yes = (u - c_yes) / scale
    e_no = (c_no - u) / scale + F @ v
    lse = np.logaddexp(np.logaddexp(e_yes, e_no), 0.0)
    is_yes, is_no = y == YES, y == NO
    ll = np.where(is_yes, e_yes, np.where(is_no, e_no, 0.0)) - lse
    r_yes = is_yes - np.exp(e_yes - lse)
    r_no = is_no - np.exp(e_no - lse)
    nll = -float(ll.sum())
    g_w = -(F.T @ (r_yes - r_no)) / scale
    g_v = -(F.T @ r_no)
    g_cno = -float(np.sum(-r_yes + r_no)) / scale
    g_gap = float(np.sum(r_yes)) / scale
    nll += 0.5 * float(np.sum(((w - prior_w) / PRIOR_SD) ** 2))
    nll += 0.5 * float(np.sum(((v - prior_v) / TILT_SD) ** 2))
    g_w = g_w + (w - prior_w) / PRIOR_SD**2
    g_v = g_v + (v - prior_v) / TILT_SD**2
    return nll, np.concatenate([g_w, [g_cno, g_gap], g_v])


def fit_vote_model(
    F: np.ndarray, y: np.ndarray, params: Parameters, prior: Parameters | None = None
) -> Fit:
    """The behaviour model's support weights, tilt and thresholds, fitted on
    features ``F`` and vote codes ``y`` with the shock scale of ``params``.

    Ridge priors around the uncalibrated prior's values (:meth:`Parameters.prior`),
    from which the fit also starts: sd :data:`PRIOR_SD` for the support
    weights (those with a theory's sign kept on it, :data:`FEATURES`), sd
    :data:`TILT_SD` for the tilt. Deterministic; raises :class:`FitError` when
    L-BFGS-B does not converge.
    """
    pr = prior or Parameters.prior()
    F = np.asarray(F, dtype=float)
    y = np.asarray(y)
    k = F.shape[1]
    w0, v0 = _weights(pr)
    scale = params.vote_noise
    if scale <= 0:
        raise FitError("model fit: vote_noise must be > 0 to fit the vote model")
    theta0 = np.concatenate([w0, [pr.vote_no, max(pr.vote_yes - pr.vote_no, 1e-2)], v0])
    bounds = [(lo, None) for *_, lo in FEATURES.values()] + [(None, None), (1e-3, None)]
    bounds += [(None, None)] * k
    # lazy: scipy.optimize takes about 0.3 s to import; only fits need it
    from scipy.optimize import minimize

    th, nit = theta0, 0
    for _ in range(RESTARTS):
        # L-BFGS-B can stop on its relative-reduction test short of the gradient
        # tolerance on this ill-scaled problem; a restart from where it stopped
        # (a fresh curvature memory) polishes it
        res = minimize(
            _adjacent_nll,
            th,
            args=(F, y, scale, w0, v0),
            jac=True,
            method="L-BFGS-B",
            bounds=bounds,
            options={"maxiter": MAX_ITERATIONS, "gtol": GRADIENT_TOLERANCE / 10, "ftol": 1e-15},
        )
        th, nit = res.x, nit + int(res.nit)
        nll, grad = _adjacent_nll(th, F, y, scale, w0, v0)
        gnorm, converged = _converged(th, grad, bounds, len(y))
        if converged:
            break
    if not converged:
        raise FitError(
            f"model fit: did not converge after {nit} iterations "
            f"(largest gradient {gnorm:.2g}; {res.message})"
        )
    w, v = th[:k], th[k + 2 :]
    penalty = 0.5 * float(np.sum(((w - w0) / PRIOR_SD) ** 2))
    penalty += 0.5 * float(np.sum(((v - v0) / TILT_SD) ** 2))
    return Fit(
        kind="model",
        weights=w.copy(),
        tilt=v.copy(),
        vote_no=float(th[k]),
        vote_yes=float(th[k] + th[k + 1]),
        scale=scale,
        names=VOTE_FEATURES,
        n=len(y),
        loglik=-(nll - penalty),
        iterations=nit,
        converged=converged,
        gradient_norm=gnorm,
    )

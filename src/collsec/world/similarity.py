"""Dyadic similarity of foreign-policy portfolios and positions.

Plain functions over arrays, one row per state. All return an ``(n, n)``
matrix with ones (or zeros, for distances) on the diagonal.

References
----------
.. [1] Signorino, C. S., and J. M. Ritter. 1999. "Tau-b or Not Tau-b:
   Measuring the Similarity of Foreign Policy Positions." International
   Studies Quarterly 43(1): 115-144.
.. [2] Häge, F. M. 2011. "Choice or Circumstance? Adjusting Measures of
   Foreign Policy Similarity for Chance Agreement." Political Analysis 19(3):
   287-305.
"""

from __future__ import annotations

import numpy as np

__all__ = ["cohen_kappa", "ideal_point_distance", "portfolio", "s_score", "scott_pi"]


def portfolio(ties: np.ndarray) -> np.ndarray:
    """Alliance portfolios: row i lists i's ties to every state, with itself tied (1).

    ``ties`` is an ``(n, n)`` matrix of tie values (e.g. ATOP defence
    obligations, 0/1). The tie is made symmetric (a tie in either direction
    counts), and every state is tied to itself, as in Signorino and Ritter.
    """
    t = np.asarray(ties, dtype=float)
    p = np.maximum(t, t.T)
    np.fill_diagonal(p, max(1.0, float(p.max(initial=0.0))))
    return p


def s_score(portfolios: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
    """Signorino and Ritter's S with the absolute-distance metric.

    ``S_ij = 1 - 2 * sum_k w_k |x_ik - x_jk| / (sum_k w_k * range)``, where
    ``range`` is the spread of the tie scale; S runs from -1 (opposite
    portfolios) to 1 (identical). ``weights`` (e.g. capability shares) weight
    each third state ``k``; by default all weigh 1.

    Examples
    --------
    >>> import numpy as np
    >>> ties = np.zeros((5, 5)); ties[0, 1] = 1     # A and B allied; C, D, E alone
    >>> p = portfolio(ties)
    >>> round(float(s_score(p)[0, 1]), 6), round(float(s_score(p)[2, 3]), 6)
    (1.0, 0.2)

    Two unrelated loners look similar (0.2) only because of shared absent
    ties; :func:`scott_pi` corrects for that.
    """
    x = np.asarray(portfolios, dtype=float)
    n = x.shape[1]
    w = np.ones(n) if weights is None else np.asarray(weights, dtype=float)
    spread = float(x.max(initial=0.0) - x.min(initial=0.0)) or 1.0
    diff = np.abs(x[:, None, :] - x[None, :, :]) @ w
    return 1.0 - 2.0 * diff / (w.sum() * spread)


def _chance_corrected(x: np.ndarray, pooled: bool) -> np.ndarray:
    x = np.asarray(x, dtype=float)
    observed = ((x[:, None, :] - x[None, :, :]) ** 2).mean(axis=2)
    mean = x.mean(axis=1)
    var = x.var(axis=1)
    if pooled:
        # Scott's pi: both portfolios drawn from their pooled distribution.
        mu = (mean[:, None] + mean[None, :]) / 2.0
        second = ((x**2).mean(axis=1)[:, None] + (x**2).mean(axis=1)[None, :]) / 2.0
        expected = 2.0 * (second - mu**2)
    else:
        # Cohen's kappa: each state keeps its own distribution of ties.
        expected = var[:, None] + var[None, :] + (mean[:, None] - mean[None, :]) ** 2
    with np.errstate(divide="ignore", invalid="ignore"):
        out = 1.0 - observed / expected
    out[expected == 0] = np.where(observed[expected == 0] == 0, 1.0, -1.0)
    return out


def scott_pi(portfolios: np.ndarray) -> np.ndarray:
    """Häge's chance-corrected similarity with Scott's pi (squared-distance metric).

    ``pi_ij = 1 - D_o / D_e`` with ``D_o`` the mean squared difference of the
    two portfolios and ``D_e`` the disagreement expected if both were drawn
    from their pooled distribution of tie values. Common absent ties, which
    inflate S, count for little.

    Examples
    --------
    >>> import numpy as np
    >>> ties = np.zeros((5, 5)); ties[0, 1] = 1
    >>> p = portfolio(ties)
    >>> round(float(scott_pi(p)[0, 1]), 6), round(float(scott_pi(p)[2, 3]), 6)
    (1.0, -0.25)
    """
    return _chance_corrected(portfolios, pooled=True)


def cohen_kappa(portfolios: np.ndarray) -> np.ndarray:
    """Häge's chance-corrected similarity with Cohen's kappa (squared-distance metric).

    Like :func:`scott_pi` but the expected disagreement keeps each state's own
    distribution of ties, so it also corrects for states' different
    propensities to form ties.
    """
    return _chance_corrected(portfolios, pooled=False)


def ideal_point_distance(ideal: np.ndarray) -> np.ndarray:
    """Absolute distance between UN General Assembly ideal points (Bailey et al. 2017)."""
    x = np.asarray(ideal, dtype=float)
    return np.abs(x[:, None] - x[None, :])

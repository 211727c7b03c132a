"""The vote model, written once: its features, its probabilities and its reasons.

For member ``i`` voting on a draft of measure ``L`` against the accused ``a``
on behalf of the target ``t`` (severity ``s``, attribution confidence ``q``),
the utility of a yes vote is linear in six weights::

    U = w_commit * q s                                  commitment to act
      + w_aff    * q s (aff[i, t] - aff[i, a])          affinity, target over accused
      + w_cost   * (-cost[L] * risk[a])                 cost and risk of the measure
      + w_dist   * (-cost[L] * prox[i, a])              exposure near the accused
      + w_sov    * (-intrusion[L] * internal)           sovereignty concern
      + w_sponsor * align(i, S)                         nearness to the draft's sponsors

``aff``, ``risk`` and ``prox`` are the stage's arrays
(:class:`collsec.crisis.stage.Stage`); ``align(i, S)`` is how much nearer the
member sits to the sponsors' mean ideal point than the body's average member
(:func:`sponsor_alignment`, 0 where an ideal point is unknown). With a
logistic shock of scale ``vote_noise`` the vote is an ordered logit: no below
``vote_no``, yes above ``vote_yes``, abstain between
(:func:`vote_probabilities`).

These functions are plain array and scalar arithmetic: the batch kernel, the
object-per-agent reference, the Mesa model, the case replays and the fit
(:mod:`collsec.behavior.fit`) all call them, and :class:`UtilityPolicy`
(:mod:`collsec.behavior.policy`) evaluates ``U`` in the factored form the
kernel needs (a test checks the two agree).

>>> f = vote_features(1.0, 0.5, 1.0, 0.2, 0.3, 0.1, 1.0, 0.0, 0.0, 0.0)
>>> [round(float(x), 3) for x in f]
[0.5, 0.4, -0.3, -0.1, -0.0, 0.0]
"""

from __future__ import annotations

from typing import Any

import numpy as np

from collsec.institutions.rules import ABSTAIN, NO, YES

__all__ = [
    "VICTIM_AFFINITY",
    "VOTE_FEATURES",
    "VOTE_WORDS",
    "explain_vote",
    "next_credibility",
    "sponsor_alignment",
    "vote_features",
    "vote_probabilities",
    "vote_reason",
]

#: the features of the vote utility, in the order of the weights that multiply them
VOTE_FEATURES = ("commitment", "affinity", "cost", "distance", "sovereignty", "sponsor")

#: humanitarian affinity of the victims of an internal conflict, the target of an
#: atrocity (assumption: every member's affinity to the victims is the same)
VICTIM_AFFINITY = 0.5

#: each feature in words, for the reasons given with a vote
VOTE_WORDS = {
    "commitment": "commitment to act",
    "affinity": "affinity to the target over the accused",
    "cost": "cost and risk against the accused",
    "distance": "exposure near the accused",
    "sovereignty": "sovereignty concern",
    "sponsor": "nearness to the sponsors",
}


def vote_features(q, sev, aff_t, aff_a, risk, prox, cost, intrusion, internal, sponsor) -> tuple:
    """The six features of a yes vote (arrays broadcast; floats work too).

    ``q`` attribution confidence, ``sev`` severity, ``aff_t``/``aff_a`` the
    member's affinity to the target and to the accused, ``risk`` the accused's
    risk, ``prox`` the member's proximity to the accused, ``cost`` and
    ``intrusion`` the measure's, ``internal`` 1 for an internal conflict,
    ``sponsor`` the member's alignment with the sponsors.
    """
    qs = q * sev
    return (
        qs,
        qs * (aff_t - aff_a),
        -cost * risk,
        -cost * prox,
        -intrusion * internal,
        sponsor,
    )


def sponsor_alignment(ideal: np.ndarray, members: np.ndarray, sponsors: np.ndarray) -> np.ndarray:
    """How much nearer each member sits to the sponsors than the body's average member.

    ``ideal`` holds ideal points (NaN where unknown); ``members`` and
    ``sponsors`` are index arrays into it. The sponsors' position is their
    mean known ideal point. The result is ``mean_j |x_j - x_S| - |x_i - x_S|``
    over the members with a known ideal point, and 0 for a member whose ideal
    point is unknown or when no sponsor's is known. Sums run in member order,
    so a plain loop gives the same bits.
    """
    x = ideal[members]
    xs_known = ideal[sponsors][~np.isnan(ideal[sponsors])]
    out = np.zeros(len(members))
    known = ~np.isnan(x)
    if len(xs_known) == 0 or not known.any():
        return out
    xs = float(np.sum(xs_known)) / len(xs_known)
    dist = np.abs(x[known] - xs)
    total = 0.0
    for v in dist:
        total += float(v)
    out[known] = total / len(dist) - dist
    return out


def vote_probabilities(u: Any, vote_no: float, vote_yes: float, scale: float) -> np.ndarray:
    """P(vote) under the ordered logit, indexed by the vote codes (``YES``, ``NO``, ``ABSTAIN``).

    Returns an array of shape ``u.shape + (3,)``.

    >>> p = vote_probabilities(np.array([0.0]), -0.25, 0.25, 0.25)
    >>> [round(float(x), 3) for x in p[0]]
    [0.269, 0.269, 0.462]
    """
    u = np.asarray(u, dtype=float)
    p_no = _sigmoid((vote_no - u) / scale)
    p_yes = _sigmoid((u - vote_yes) / scale)
    out = np.empty((*u.shape, 3))
    out[..., YES] = p_yes
    out[..., NO] = p_no
    out[..., ABSTAIN] = np.clip(1.0 - p_no - p_yes, 0.0, 1.0)
    return out


def explain_vote(terms: np.ndarray, weights: np.ndarray, top: int = 2) -> str:
    """The largest weighted terms of a member's utility, in words.

    >>> explain_vote(np.array([1.0, 0.5, -0.2, 0, 0, 0]), np.array([0.1, 2.0, 1.0, 0, 0, 0]))
    '+affinity to the target over the accused (+1.00), -cost and risk against the accused (-0.20)'
    """
    contrib = np.asarray(terms, dtype=float) * np.asarray(weights, dtype=float)
    order = np.argsort(-np.abs(contrib), kind="stable")[:top]
    parts = [
        f"{'+' if contrib[j] >= 0 else '-'}{VOTE_WORDS[VOTE_FEATURES[j]]} ({contrib[j]:+.2f})"
        for j in order
        if abs(contrib[j]) > 1e-3
    ]
    return ", ".join(parts) or "no strong pull either way"


def vote_reason(
    terms: np.ndarray, weights: np.ndarray, vote: int, vote_no: float, vote_yes: float
) -> str:
    """Why a member voted ``vote``, read from its utility (the weighted terms) and the
    thresholds: the term that pulled most that way, or the shock when the utility
    alone points elsewhere.

    >>> w = np.array([0.1, 2.0, 1.0, 0, 0, 0])
    >>> t = np.array([1.0, 0.5, -0.2, 0, 0, 0])
    >>> vote_reason(t, w, YES, -0.25, 0.25)
    'affinity to the target over the accused (+1.00)'
    >>> vote_reason(t, w, NO, -0.25, 0.25)
    'shock of the crisis (utility +0.90 alone points to yes)'
    >>> vote_reason(np.zeros(6), w, YES, -0.9, -0.6)
    'utility +0.00 clears the yes threshold (-0.60)'
    """
    contrib = np.asarray(terms, dtype=float) * np.asarray(weights, dtype=float)
    u = float(contrib.sum())
    alone = YES if u > vote_yes else (NO if u < vote_no else ABSTAIN)
    if alone != vote:
        word = {YES: "yes", NO: "no", ABSTAIN: "abstention"}[alone]
        return f"shock of the crisis (utility {u:+.2f} alone points to {word})"
    if vote == ABSTAIN:
        parts = [
            f"{VOTE_WORDS[VOTE_FEATURES[j]]} {contrib[j]:+.2f}"
            for j in range(len(contrib))
            if abs(contrib[j]) > 1e-3
        ]
        return f"utility {u:+.2f} between the thresholds: " + (", ".join(parts) or "no term weighs")
    sign = 1.0 if vote == YES else -1.0
    j = int(np.argmax(sign * contrib))
    if sign * contrib[j] <= 1e-3:
        side = "clears the yes threshold" if vote == YES else "falls below the no threshold"
        level = vote_yes if vote == YES else vote_no
        return f"utility {u:+.2f} {side} ({level:+.2f})"
    return f"{VOTE_WORDS[VOTE_FEATURES[j]]} ({contrib[j]:+.2f})"


def next_credibility(cred, effective, occurred, rate: float):
    """The credibility rule: after a record window, credibility moves towards the
    share of the window's crises met by a successful collective response
    (exponential smoothing at ``rate``; floats, or arrays with one value per
    group; unchanged where nothing occurred).

    >>> next_credibility(0.5, 1, 2, 0.2)
    0.5
    >>> round(next_credibility(0.5, 2, 2, 0.2), 2)
    0.6
    """
    if np.ndim(cred) == 0 and np.ndim(occurred) == 0:
        if occurred == 0:
            return cred
        return (1.0 - rate) * cred + rate * (effective / occurred)
    occurred = np.asarray(occurred)
    share = np.asarray(effective) / np.maximum(occurred, 1)
    return np.where(occurred > 0, (1.0 - rate) * cred + rate * share, cred)


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * z))

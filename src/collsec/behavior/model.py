"""The vote model, written once: its features, its probabilities and its reasons.

Member ``i`` votes on a draft against the accused ``a`` on behalf of the
target ``t`` (severity ``s``, attribution confidence ``q``). Every feature of
the vote is the product of a **member term** (what ``i`` brings: its stake,
its ties, its alignment) and a **draft term** (what the draft does: the
measure's cost, how far it intrudes, whether it presses the accused), with a
sign fixed by the theory (:data:`FEATURES`)::

    commitment   +  q s                          x 1          commitment to act
    affinity     +  q s (aff[i,t] - aff[i,a])    x 1          affinity, target over accused
    cost         -  risk[a]                      x cost[L]    cost and risk of the measure
    distance     -  prox[i,a]                    x cost[L]    exposure near the accused
    sovereignty  -  internal                     x intrusion  precedent against intervention
    sponsor      -  |x[i] - x[sponsors]|         x 1          the sponsors' camp
    remoteness   +  |x[i] - x[a]|                x pressure   distance from the accused
    accused      -  [i is the accused]           x pressure   a state shields itself
    target       +  [i is the target]            x 1          a victim asks for help
    tie          -  [ATOP obligation i-a]        x pressure   patronage of the accused
    agreement    -  agree(i,a) - mean agree(.,a) x pressure   UN voting agreement with it
    veto_stake   -  [permanent] x [accused or tie] x pressure the permanent member's stake
    veto         +  [permanent]                  x 1          a permanent member's own habit
    statism      -  sov[i]                       x intrusion  resistance to intrusive measures
    shield       -  [tie] x agree(i,a) x internal x intrusion shielding a partner's internal affairs

``sov[i]`` is how far the member's UN ideal point lies below the world's
mean, in standard deviations (negative above it, 0 unknown): Bailey, Strezhnev &
Voeten (2017) read the dimension as a state's position toward the US-led
liberal order, whose far side defends sovereignty against intervention.
``pressure`` is 1 when the draft names a state as responsible or coerces
one (threatens or imposes measures, authorises force, refers it to
the ICC) and 0 for a humanitarian text or a mission with consent
(:func:`draft_terms`); ``intrusion`` grades the draft's measures on the
scale of the parameter ``level_intrusion``. In internal conflicts the
"target" is the victims: a member's affinity to them is its mean affinity to
the world, so only nearness to the accused government counts.

Two linear indices of the same features make the vote (:func:`vote_probabilities`):
the **support** ``U = w . x`` (utility units) orders the options
no < abstain < yes, and the **tilt** ``v . x`` (logit units) moves weight
between no and abstain only -- a permanent member's veto is a different act
from an elected member's abstention::

    log P(yes) / P(abstain) = (U - vote_yes) / vote_noise
    log P(no)  / P(abstain) = (vote_no - U) / vote_noise + v . x

(an adjacent-category logit with a non-proportional no/abstain contrast;
Agresti 2010, *Analysis of Ordinal Categorical Data*, ch. 4). With ``v = 0``
it is ordinal. A vote is drawn by the inverse of its distribution from one
uniform per member (:func:`draw_votes`), so the same shock makes a member
more likely to say yes under every draft.

The kernel, the object-per-agent reference, the Mesa model, the case
replays and the fit (:mod:`collsec.behavior.fit`) all evaluate these
functions; :class:`collsec.behavior.policy.UtilityPolicy` holds the weights
and evaluates them in factored form (:func:`factor`, :func:`combine`).

>>> m = {k: 0.0 for k in MEMBER_TERMS}
>>> m.update(qs=0.5, accused=1.0)
>>> d = draft_terms(cost=0.4, intrusion=0.5, pressure=1.0)
>>> f = vote_features(m, d)
>>> [round(float(f[VOTE_FEATURES.index(k)]), 2) for k in ("commitment", "accused")]
[0.5, -1.0]
"""

from __future__ import annotations

from typing import Any

import numpy as np

from collsec.institutions.rules import ABSTAIN, NO, YES

__all__ = [
    "DRAFT_TERMS",
    "FEATURES",
    "LEVEL_PRESSURE",
    "MEMBER_TERMS",
    "VOTE_FEATURES",
    "VOTE_WORDS",
    "combine",
    "content_terms",
    "draft_terms",
    "draw_vote",
    "draw_votes",
    "explain_vote",
    "factor",
    "most_probable",
    "next_credibility",
    "sponsor_distance",
    "vote_features",
    "vote_probabilities",
    "vote_reason",
]

#: what a member brings to a vote, per crisis (arrays over members, or floats)
MEMBER_TERMS = (
    "qs",
    "affinity",
    "risk",
    "prox",
    "internal",
    "sponsor",
    "remote",
    "accused",
    "target",
    "tie",
    "agreement",
    "veto_stake",
    "veto",
    "statism",
    "shield",
)
#: what a draft brings to a vote (one value per draft)
DRAFT_TERMS = ("one", "cost", "intrusion", "pressure")

#: feature -> (member term, draft term, sign, lower bound of its support weight)
FEATURES: dict[str, tuple[str, str, float, float | None]] = {
    "commitment": ("qs", "one", 1.0, 0.0),
    "affinity": ("affinity", "one", 1.0, 0.0),
    "cost": ("risk", "cost", -1.0, 0.0),
    "distance": ("prox", "cost", -1.0, 0.0),
    "sovereignty": ("internal", "intrusion", -1.0, 0.0),
    "sponsor": ("sponsor", "one", -1.0, 0.0),
    "remoteness": ("remote", "pressure", 1.0, 0.0),
    "accused": ("accused", "pressure", -1.0, 0.0),
    "target": ("target", "one", 1.0, 0.0),
    "tie": ("tie", "pressure", -1.0, 0.0),
    "agreement": ("agreement", "pressure", -1.0, None),
    "veto_stake": ("veto_stake", "pressure", -1.0, 0.0),
    "veto": ("veto", "one", 1.0, None),
    "statism": ("statism", "intrusion", -1.0, 0.0),
    "shield": ("shield", "intrusion", -1.0, 0.0),
}
#: the features of the vote, in the order of the weights that multiply them
VOTE_FEATURES = tuple(FEATURES)

#: each feature in words, for the reasons given with a vote
VOTE_WORDS = {
    "commitment": "commitment to act",
    "affinity": "affinity to the target over the accused",
    "cost": "cost and risk against the accused",
    "distance": "exposure near the accused",
    "sovereignty": "sovereignty concern",
    "sponsor": "distance from the sponsors",
    "remoteness": "distance from the accused",
    "accused": "the draft is against itself",
    "target": "it is the victim",
    "tie": "treaty ties to the accused",
    "agreement": "UN voting distance from the accused",
    "veto_stake": "a permanent member's stake in the accused",
    "veto": "a permanent member's habit",
    "statism": "stance on intrusive measures",
    "shield": "shielding a partner's internal affairs",
}

#: whether a draft of each ladder level presses the accused (the kernel's drafts):
#: Chapter VI and Art. 41 name it, force coerces it, a mission with consent does neither
LEVEL_PRESSURE = (1.0, 1.0, 0.0, 1.0)


def draft_terms(cost: Any, intrusion: Any, pressure: Any) -> dict[str, Any]:
    """The draft terms of a draft (floats, or arrays over drafts)."""
    return {"one": 1.0, "cost": cost, "intrusion": intrusion, "pressure": pressure}


def content_terms(
    level_intrusion: tuple[float, ...],
    *,
    names: bool,
    threatens: bool,
    art41: bool,
    force: bool,
    icc: bool,
    mission: bool,
    humanitarian: bool,
) -> tuple[float, float]:
    """``(intrusion, pressure)`` of a draft read from its content.

    Intrusion is the largest of its measures on the ``level_intrusion`` scale
    (Chapter VI, Art. 41, peacekeeping, Art. 42): force as Art. 42, sanctions
    or an ICC referral as Art. 41, a mission as peacekeeping, a threat of
    measures halfway between Chapter VI and Art. 41, anything else Chapter VI;
    a humanitarian-only text intrudes not at all. Pressure is 1 when the text
    names a state as responsible or coerces one.

    >>> content_terms((0.1, 0.5, 0.3, 1.0), names=True, threatens=True, art41=False,
    ...               force=False, icc=False, mission=False, humanitarian=False)
    (0.3, 1.0)
    """
    vi, a41, pk, a42 = level_intrusion
    if humanitarian and not (names or threatens or art41 or force or icc):
        return 0.0, 0.0
    levels = [vi]
    if threatens:
        levels.append((vi + a41) / 2)
    if art41 or icc:
        levels.append(a41)
    if mission:
        levels.append(pk)
    if force:
        levels.append(a42)
    pressure = 1.0 if (names or threatens or art41 or force or icc) else 0.0
    return max(levels), pressure


def vote_features(member: dict[str, Any], draft: dict[str, Any]) -> np.ndarray:
    """The features of :data:`FEATURES` for member terms and draft terms that
    broadcast together, stacked on a last axis."""
    cols = [
        sign * np.asarray(member[m], dtype=float) * np.asarray(draft[d], dtype=float)
        for m, d, sign, _ in FEATURES.values()
    ]
    shape = np.broadcast_shapes(*(c.shape for c in cols))
    return np.stack([np.broadcast_to(c, shape) for c in cols], axis=-1)


def factor(weights: Any, member: dict[str, Any]) -> tuple:
    """The linear index ``weights . x`` split by draft term: one member-level part
    per entry of :data:`DRAFT_TERMS`, so a crisis's parts are computed once for
    every draft (:func:`combine`). Terms are added in feature order, so arrays
    and floats give the same bits.

    ``member`` needs only the terms whose weight is not zero.
    """
    parts: list[Any] = [0.0] * len(DRAFT_TERMS)
    for k, (m, d, sign, _) in enumerate(FEATURES.values()):
        w = float(weights[k])
        if w != 0.0:
            j = DRAFT_TERMS.index(d)
            parts[j] = parts[j] + (sign * w) * member[m]
    return tuple(parts)


def combine(parts: tuple, draft: dict[str, Any]) -> Any:
    """The index of :func:`factor`'s parts for one draft (or one draft per crisis)."""
    out = parts[0]
    for j in range(1, len(DRAFT_TERMS)):
        out = out + parts[j] * draft[DRAFT_TERMS[j]]
    return out


def sponsor_distance(
    ideal: np.ndarray, members: np.ndarray, sponsors: np.ndarray, body: np.ndarray
) -> np.ndarray:
    """Each member's distance from the sponsors' camp on the UN ideal-point dimension.

    ``ideal`` holds ideal points (NaN where unknown); ``members``,
    ``sponsors`` and ``body`` are index arrays into it. The camp sits at the
    sponsors' mean known ideal point, or, when no sponsor's is known (a draft
    whose sponsors are not recorded, the kernel's own drafts), at the mean of
    the body's known ideal points. A member whose ideal point is unknown, or
    a body with none known, gets the mean distance of the members known (0 if
    none). Sums run in index order, so a plain loop gives the same bits.

    >>> x = np.array([1.0, -1.0, 0.0, np.nan])
    >>> sponsor_distance(x, np.arange(4), np.array([0]), np.arange(4)).tolist()
    [0.0, 2.0, 1.0, 1.0]
    """
    xs = _ordered_mean(ideal[sponsors])
    if np.isnan(xs):
        xs = _ordered_mean(ideal[body])
    x = ideal[members]
    out = np.abs(x - xs) if not np.isnan(xs) else np.full(len(members), np.nan)
    fill = _ordered_mean(out)
    return np.where(np.isnan(out), 0.0 if np.isnan(fill) else fill, out)


def _ordered_mean(v: np.ndarray) -> float:
    """The mean of the known values of ``v``, summed in order (NaN if none)."""
    total, count = 0.0, 0
    for x in v:
        if not np.isnan(x):
            total += float(x)
            count += 1
    return total / count if count else float("nan")


def vote_probabilities(
    u: Any, tilt: Any, vote_no: float, vote_yes: float, scale: float
) -> np.ndarray:
    """P(vote) from the support ``u`` and the tilt, indexed by the vote codes
    (``YES``, ``NO``, ``ABSTAIN``); shape ``u.shape + (3,)``.

    With ``scale`` 0 the vote is the support's side of the thresholds.

    >>> p = vote_probabilities(np.array([0.0]), 0.0, -0.25, 0.25, 0.25)
    >>> [round(float(x), 3) for x in p[0]]
    [0.212, 0.212, 0.576]
    >>> p = vote_probabilities(np.array([0.0]), 3.0, -0.25, 0.25, 0.25)
    >>> bool(p[0, NO] > p[0, ABSTAIN])
    True
    """
    u = np.asarray(u, dtype=float)
    tilt = np.asarray(tilt, dtype=float)
    shape = np.broadcast_shapes(u.shape, tilt.shape)
    u, tilt = np.broadcast_to(u, shape), np.broadcast_to(tilt, shape)
    out = np.zeros((*shape, 3))
    if scale <= 0:
        out[..., YES] = u > vote_yes
        out[..., NO] = u < vote_no
        out[..., ABSTAIN] = (u <= vote_yes) & (u >= vote_no)
        return out
    e_yes = (u - vote_yes) / scale
    e_no = (vote_no - u) / scale + tilt
    top = np.maximum(np.maximum(e_yes, e_no), 0.0)
    py, pn, pa = np.exp(e_yes - top), np.exp(e_no - top), np.exp(-top)
    total = py + pn + pa
    out[..., YES] = py / total
    out[..., NO] = pn / total
    out[..., ABSTAIN] = pa / total
    return out


def draw_votes(p: np.ndarray, uniform: Any) -> np.ndarray:
    """Votes drawn from probabilities ``p`` (last axis by vote code) with one
    uniform per vote: no below P(no), abstain up to P(no) + P(abstain), else yes."""
    uniform = np.asarray(uniform, dtype=float)
    p_no = p[..., NO]
    return np.where(
        uniform < p_no, NO, np.where(uniform < p_no + p[..., ABSTAIN], ABSTAIN, YES)
    ).astype(np.int8)


def draw_vote(
    u: float, tilt: float, vote_no: float, vote_yes: float, scale: float, uniform: float
) -> int:
    """One member's vote (the object-per-agent reference's scalar twin of
    :func:`vote_probabilities` and :func:`draw_votes`, with the same arithmetic)."""
    p = vote_probabilities(np.array([u]), np.array([tilt]), vote_no, vote_yes, scale)
    return int(draw_votes(p, np.array([uniform]))[0])


def most_probable(p: np.ndarray) -> np.ndarray:
    """The vote code with the highest probability (ties: yes, then abstain, then no).

    >>> most_probable(np.array([[0.4, 0.2, 0.4], [0.3, 0.35, 0.35], [0.1, 0.6, 0.3]])).tolist()
    [0, 2, 1]
    """
    py, pn, pa = p[..., YES], p[..., NO], p[..., ABSTAIN]
    return np.where((py >= pa) & (py >= pn), YES, np.where(pa >= pn, ABSTAIN, NO))


def explain_vote(terms: np.ndarray, weights: np.ndarray, top: int = 2) -> str:
    """The largest weighted terms of a member's support, in words.

    >>> w = np.zeros(len(VOTE_FEATURES)); w[1], w[2] = 2.0, 1.0
    >>> t = np.zeros(len(VOTE_FEATURES)); t[1], t[2] = 0.5, -0.2
    >>> explain_vote(t, w)
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
    terms: np.ndarray,
    weights: np.ndarray,
    vote: int,
    vote_no: float,
    vote_yes: float,
    tilt: np.ndarray | None = None,
) -> str:
    """Why a member voted ``vote``, read from its support (the weighted terms),
    the thresholds and the tilt: the term that pulled most that way, or the
    shock when the support alone points elsewhere. A no where the support
    alone points to an abstention is explained by the tilt's largest term.

    >>> w = np.zeros(len(VOTE_FEATURES)); w[1], w[2] = 2.0, 1.0
    >>> t = np.zeros(len(VOTE_FEATURES)); t[1], t[2] = 0.5, -0.2
    >>> vote_reason(t, w, YES, -0.25, 0.25)
    'affinity to the target over the accused (+1.00)'
    >>> vote_reason(t, w, NO, -0.25, 0.25)
    'shock of the crisis (support +0.80 alone points to yes)'
    >>> vote_reason(np.zeros(len(w)), w, YES, -0.9, -0.6)
    'support +0.00 clears the yes threshold (-0.60)'
    """
    contrib = np.asarray(terms, dtype=float) * np.asarray(weights, dtype=float)
    u = float(contrib.sum())
    alone = YES if u > vote_yes else (NO if u < vote_no else ABSTAIN)
    if vote == NO and alone == ABSTAIN and tilt is not None:
        pull = np.asarray(terms, dtype=float) * np.asarray(tilt, dtype=float)
        j = int(np.argmax(pull))
        if pull[j] > 1e-3:
            return f"blocks rather than abstains: {VOTE_WORDS[VOTE_FEATURES[j]]} (+{pull[j]:.2f})"
    if alone != vote:
        word = {YES: "yes", NO: "no", ABSTAIN: "abstention"}[alone]
        return f"shock of the crisis (support {u:+.2f} alone points to {word})"
    if vote == ABSTAIN:
        parts = [
            f"{VOTE_WORDS[VOTE_FEATURES[j]]} {contrib[j]:+.2f}"
            for j in range(len(contrib))
            if abs(contrib[j]) > 1e-3
        ]
        return f"support {u:+.2f} between the thresholds: " + (", ".join(parts) or "no term weighs")
    sign = 1.0 if vote == YES else -1.0
    j = int(np.argmax(sign * contrib))
    if sign * contrib[j] <= 1e-3:
        side = "clears the yes threshold" if vote == YES else "falls below the no threshold"
        level = vote_yes if vote == YES else vote_no
        return f"support {u:+.2f} {side} ({level:+.2f})"
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

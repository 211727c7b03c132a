"""Who carries a response, and how much: the contribution rule, written once.

The Council (or another forum) decides *whether* to act; this rule decides *who
then acts*. It is a hurdle model (Cragg 1971): a state first decides whether to
join, then how much to give.

- **Join.** State ``i`` joins when ``eta_i + e_i > 0`` with ``eta_i = w . x_i``
  and ``e_i`` a standard logistic shock, so ``P(join) = 1 / (1 + exp(-eta_i))``.
- **Size.** A state that joins gives ``exp(g . x_i)``, in units of world military
  expenditure shares (the capability feature is a log share, so
  ``g_capability = 1`` with every other weight 0 gives each joiner its share).
- **Who may not join.**

  - The aggressor.
  - Members of the deciding body that did not vote for the decision (no, veto,
    abstention or absence). On the record China abstained on res. 678 and sent
    no forces; the USSR was absent from res. 83 and sent none; India,
    not voting on res. 83, sent a field ambulance, the one exception.
  - States tied to the aggressor by an ATOP obligation (any kind but
    non-aggression alone, as in the vote model's ``tie``) and not to the
    target. In peacekeeping ties do not bar: the host consents, and its treaty
    partners are often the first to serve.
  - Non-members of the UN, when the Council or the General Assembly decided:
    UN Members carry out its decisions (Charter Art. 48(1)). In Korea the one
    non-member that sent anything was Italy, a field hospital.
- **Who always joins.** The lead state (:func:`choose_lead`): the most capable
  state (military expenditure) that voted for the decision and whose most
  probable vote was yes (a state carried to yes by its shock in one draw does not
  lead a war), or that acted alone. The target defends itself against force
  (the kernel adds it; it is no part of the collective burden the scores
  compare); under self-defence, and when a body answers an armed attack with
  words alone, a defence ally of the target joins with probability ``honour``.

The features :data:`FEATURES` of state ``i`` in a response against aggressor
``a`` in defence of target ``t`` led by ``l`` (built by :func:`terms`):

==============  ================================================================
``base``        1
``capability``  log of i's share of world military expenditure (COW NMC
                ``milex``; CINC share where unknown)
``personnel``   log of i's share of world military personnel (NMC ``milper``)
``population``  log of i's share of world population (NMC ``tpop``): the pool
                contingents are drawn from
``distance``    log(1 + km / 1000), i's minimum distance from the theatre: the
                target, or the aggressor where the data give no distance to the
                target (Schvitz et al. 2022 CShapes via the COW distance table)
``exposure``    1 if i borders the aggressor (distance 0)
``tie``         1 if i has an ATOP obligation with the target (Leeds et al. 2002)
``agreement``   i's UN General Assembly agreement with the target beyond the
                world's mean agreement with it (Voeten 2000; 0 unknown)
``lead_ally``   1 if i has an ATOP defence pact with the lead
``lead_camp``   minus the UN ideal-point distance between i and the lead (Bailey,
                Strezhnev & Voeten 2017)
``yes``         1 if i voted for the decision that authorised the response
``lead``        1 for the lead state
==============  ================================================================

Two modes have their own weights: ``enforcement`` (sanctions and force,
fitted on the coalitions of Korea 1950-53 and the Gulf 1990-91) and
``peacekeeping`` (fitted on the IPI troop contributions, Perry & Smith 2013),
because peacekeepers come from different states than coalitions do (Bove &
Elia 2011). The weights are parameters (``contrib_join``, ``contrib_size``,
``pk_join``, ``pk_size`` in :class:`~collsec.behavior.parameters.Parameters`),
written by ``collsec calibrate``; no state has a constant of its own.

Every function works on NumPy arrays (the kernel: crises by states) and on
floats (the object-per-agent reference), with the same arithmetic.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = [
    "FEATURES",
    "MISSING_KM",
    "MODES",
    "capability_logs",
    "choose_lead",
    "contributions",
    "effort",
    "eligible",
    "expected",
    "index",
    "join_probability",
    "joins",
    "mode_of",
    "terms",
]

FEATURES = (
    "base",
    "capability",
    "personnel",
    "population",
    "distance",
    "exposure",
    "tie",
    "agreement",
    "lead_ally",
    "lead_camp",
    "yes",
    "lead",
)

#: mode -> (join weights, size weights): the parameter names
MODES: dict[str, tuple[str, str]] = {
    "enforcement": ("contrib_join", "contrib_size"),
    "peacekeeping": ("pk_join", "pk_size"),
}

#: the floor of a capability share (a state with no recorded forces)
SHARE_FLOOR = 1e-6
#: a distance the data do not give: taken as this many km (the far side of the world)
MISSING_KM = 10_000.0


def mode_of(level: Any) -> Any:
    """The contribution mode of a ladder level (1 sanctions, 2 peacekeeping, 3 force):
    a string for one level, an array of them for an array of levels."""
    if np.ndim(level) == 0:
        return "peacekeeping" if level == 2 else "enforcement"
    return np.where(np.asarray(level) == 2, "peacekeeping", "enforcement")


def capability_logs(
    milex: Any, milper: Any, cinc: Any, tpop: Any = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Log shares of world military expenditure, personnel and population, per state.

    A state whose NMC value is unknown takes its CINC share of the known total
    (CINC is itself a sixth military expenditure, a sixth personnel and a third
    population).
    """
    c = np.maximum(np.nan_to_num(np.asarray(cinc, dtype=float)), 0.0)
    c = c / c.sum() if c.sum() > 0 else np.full(len(c), 1.0 / max(len(c), 1))
    out = []
    for v in (milex, milper, np.full(len(c), np.nan) if tpop is None else tpop):
        x = np.asarray(v, dtype=float)
        known = np.isfinite(x) & (x >= 0)
        if known.any() and x[known].sum() > 0:
            share = np.where(known, x, 0.0) / x[known].sum() * c[known].sum()
            share = np.where(known, share, c)
        else:
            share = c
        share = share / share.sum()
        out.append(np.log(np.maximum(share, SHARE_FLOOR)))
    return out[0], out[1], out[2]


def terms(
    *,
    capability: Any,
    personnel: Any,
    population: Any,
    km: Any,
    exposure: Any,
    tie: Any,
    agreement: Any,
    lead_ally: Any,
    lead_camp: Any,
    yes: Any,
    lead: Any,
) -> dict[str, Any]:
    """The features of :data:`FEATURES` (arrays broadcast; floats work too)."""
    km = np.where(np.isfinite(km), km, MISSING_KM)
    return {
        "base": 1.0,
        "capability": capability,
        "personnel": personnel,
        "population": population,
        "distance": np.log1p(km / 1000.0),
        "exposure": exposure,
        "tie": tie,
        "agreement": agreement,
        "lead_ally": lead_ally,
        "lead_camp": lead_camp,
        "yes": yes,
        "lead": lead,
    }


def index(weights: Any, x: dict[str, Any]) -> Any:
    """``weights . x`` over :data:`FEATURES`, summed in their order (bit for bit the
    same on arrays and floats); a weight of 0 adds nothing."""
    total = 0.0
    for w, f in zip(weights, FEATURES, strict=True):
        if w != 0.0:
            total = total + float(w) * x[f]
    return total


def join_probability(eta: Any) -> Any:
    """P(join) of a join index: the logistic function."""
    return 1.0 / (1.0 + np.exp(-eta))


def eligible(
    *,
    aggressor: Any,
    voted_against: Any,
    tied_to_aggressor: Any,
    tied_to_target: Any,
    outside: Any = False,
) -> Any:
    """May join: not the aggressor, did not vote no or veto, and not tied to the
    aggressor unless also tied to the target (a state bound to both sides, as the
    Arab League bound its members to Iraq and to Kuwait in 1990, is cross-pressured,
    not bound to one; Saudi Arabia, Egypt and Syria fought Iraq). In a crisis inside
    one state (the target is the aggressor) a tie to it bars. ``outside``: states
    outside the organisation whose decision it carries out (the UN's decisions are
    carried out by its Members, Charter Art. 48(1))."""
    barred = np.asarray(tied_to_aggressor, bool) & ~np.asarray(tied_to_target, bool)
    return ~(np.asarray(aggressor, bool) | voted_against | barred | outside)


def joins(eta: Any, shock: Any, may: Any, lead: Any) -> Any:
    """Joins: the lead always; another eligible state when its index plus its
    logistic shock is above 0."""
    return np.asarray(may, bool) & (np.asarray(lead, bool) | (eta + shock > 0.0))


def effort(size_weights: Any, x: dict[str, Any]) -> Any:
    """What a state gives when it joins: ``exp(g . x)``."""
    return np.exp(index(size_weights, x))


def contributions(
    join_weights: Any,
    size_weights: Any,
    x: dict[str, Any],
    shock: Any,
    may: Any,
    lead: Any,
    legitimacy: Any,
) -> Any:
    """Each state's contribution in one draw: joined x effort x legitimacy."""
    joined = joins(index(join_weights, x), shock, may, lead)
    return np.where(joined, effort(size_weights, x) * legitimacy, 0.0)


def expected(join_weights: Any, size_weights: Any, x: dict[str, Any], may: Any, lead: Any) -> Any:
    """Each state's expected contribution (legitimacy 1): P(join) x effort."""
    p = np.where(np.asarray(lead, bool), 1.0, join_probability(index(join_weights, x)))
    return np.where(np.asarray(may, bool), p * effort(size_weights, x), 0.0)


def choose_lead(capability: np.ndarray, candidates: np.ndarray) -> np.ndarray:
    """The lead of each response (rows): the most capable of ``candidates`` (states
    that may join and voted for the decision, or acted alone); -1 when there is none.

    A yes vote for measures against the aggressor is the alignment with the target
    that picks the lead. UN agreement does not: the United States votes against
    most of the General Assembly (its agreement with Kuwait over 1987-89 was below
    the world's mean), and a lead chosen by agreement put China at the head of
    the Gulf coalition.

    ``capability`` is (N,) or (B, N); ``candidates`` (B, N) bool. Ties go to the
    lower index (the first in the world's order).
    """
    cand = np.asarray(candidates, bool)
    cap = np.broadcast_to(np.asarray(capability, dtype=float), cand.shape)
    lead = np.argmax(np.where(cand, cap, -np.inf), axis=-1)
    return np.where(cand.any(axis=-1), lead, -1)

"""Replay a case: conditional on the recorded drafts, and as a free run of the kernel.

*Conditional*: for each recorded draft (its body, date, sponsors, measure and
who attended) the model predicts every member's vote and the decision under
the charter of the day, or under ``charter`` for a counterfactual. It reads
:meth:`Case.drafts` only, never the recorded votes or outcomes.

*Free run*: the crisis kernel meets the case's threat (accused, target, kind,
severity) in the case's world and drafts, votes and responds itself; its
institution class (acted, paralysed, bypassed) is compared with the record.

*Counterfactual* (``charter``): the recorded drafts are put to the other
charter. For each decision it reports the outcome with the recorded votes
(members the record lacks, such as new seats, voting as the model predicts)
and with the model's votes, and why the outcome changed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from collsec.behavior.fit import Fit, prior_fit
from collsec.behavior.model import explain_vote
from collsec.behavior.parameters import Parameters
from collsec.behavior.policy import UtilityPolicy
from collsec.cases.case import INSTITUTION_OUTCOMES, Case
from collsec.cases.fidelity import adjudicate_votes
from collsec.cases.model import (
    VOTE_CODE,
    case_stage,
    case_world,
    draft_features,
    fit,
    vote_table,
)
from collsec.crisis.api import sim_crises
from collsec.crisis.events import narrate
from collsec.crisis.kernel import COUNCIL, RESPONDERS
from collsec.crisis.threats import Threat
from collsec.errors import InputError
from collsec.institutions import load_body, load_charter
from collsec.institutions.rules import ABSENT, ABSTAIN, CODES, NO, YES

__all__ = [
    "case_threat",
    "case_world",
    "free_run",
    "institution_classes",
    "modal_outcome",
    "outcome_shares",
    "predicted_outcomes",
    "replay_case",
    "unravel",
]

_KIND = {"aggression": 0, "atrocity": 1, "terrorism": 2}


@dataclass
class Replay:
    case: Case
    data: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return self.data


def _kernel_run(
    case: Case,
    params: Parameters,
    *,
    seed: int,
    draws: int,
    charter: str | None,
    world: Any,
    credibility: float | None,
    policy: str | UtilityPolicy = "utility",
):
    """The kernel on the case's threat, ``draws`` times, through the entry point."""
    stage = case_stage(case, params, world=world, council=charter)
    return sim_crises(
        stage,
        case_threat(case, list(stage.codes), draws),
        policy=policy,
        random_seed=seed,
        credibility=params.credibility_start if credibility is None else credibility,
        occurred=True,
        log=draws == 1,
    )


def case_threat(case: Case, codes: list[str], draws: int) -> Threat:
    """The case's trigger as ``draws`` identical threats on a stage of ``codes``."""
    tr = case.trigger
    if tr.accused not in codes:
        raise InputError(f"accused {tr.accused} is not in the world", source=str(case.path))
    a = codes.index(tr.accused)
    t = codes.index(tr.target) if tr.target in codes else a
    return Threat(
        kind=np.full(draws, _KIND[tr.kind]),
        aggressor=np.full(draws, a),
        target=np.full(draws, t),
        severity=np.full(draws, tr.severity),
        sponsored=np.full(draws, tr.sponsored),
    )


def institution_classes(r: Any) -> np.ndarray:
    """Per draw of a kernel result: ``acted``, ``bypassed`` or ``paralysed``.

    Acted: the Council adopted a measure and responded. Bypassed: NATO, a
    regional body, the General Assembly or states without authorisation
    responded instead. Paralysed: nobody did.
    """
    by_other = np.isin(
        np.asarray(RESPONDERS, dtype=object)[r.responder],
        ("nato", "regional", "ga", "unauthorised"),
    )
    acted = r.council_adopted & (r.level >= 0) & (r.responder == COUNCIL)
    return np.where(acted, "acted", np.where(by_other, "bypassed", "paralysed"))


def outcome_shares(
    case: Case,
    params: Parameters | None = None,
    *,
    seed: int = 0,
    draws: int = 200,
    charter: str | None = None,
    policy: str | UtilityPolicy = "utility",
) -> dict[str, float]:
    """How often the free run ends in each institution class over ``draws`` runs.

    The model's prediction for the case is the most frequent class (ties: the
    order of :data:`INSTITUTION_OUTCOMES`); one free run is one draw of it.
    """
    p = params or Parameters.default()
    run = _kernel_run(
        case,
        p,
        seed=seed,
        draws=draws,
        charter=charter,
        world=None,
        credibility=None,
        policy=policy,
    )
    cls = institution_classes(run.result)
    return {k: round(float(np.mean(cls == k)), 4) for k in INSTITUTION_OUTCOMES}


def modal_outcome(shares: dict[str, float]) -> str:
    """The most frequent class of :func:`outcome_shares` (first listed on a tie)."""
    return max(shares, key=lambda k: shares[k])


def predicted_outcomes(
    cases: list[Case],
    params: Parameters | None = None,
    *,
    seed: int = 0,
    draws: int = 200,
    progress: Callable[[str], None] | None = None,
) -> tuple[dict[str, str], dict[str, dict[str, float]]]:
    """Each case's predicted institution class and the shares behind it.

    The free runs use the vote weights fitted without the case (as the
    conditional replay does), so no case's outcome is predicted in-sample.
    ``progress(case_id)`` is told of each case done.
    """
    p = params or Parameters.default()
    table = vote_table(cases, p)  # a case's rows do not depend on the other cases
    shares = {}
    for c in cases:
        fitted = fit(table.select(table.case != c.id), p)
        shares[c.id] = outcome_shares(c, fitted.parameters(p), seed=seed, draws=draws)
        if progress is not None:
            progress(c.id)
    return {k: modal_outcome(v) for k, v in shares.items()}, shares


def free_run(
    case: Case,
    params: Parameters | None = None,
    *,
    seed: int = 0,
    charter: str | None = None,
    world: Any = None,
    credibility: float | None = None,
    policy: str | UtilityPolicy = "utility",
) -> dict[str, Any]:
    """The kernel's own handling of the case's threat: its event log and institution class."""
    p = params or Parameters.default()
    run = _kernel_run(
        case,
        p,
        seed=seed,
        draws=1,
        charter=charter,
        world=world,
        credibility=credibility,
        policy=policy,
    )
    stage, pol, r = run.stage, run.policy, run.result
    a, t = int(r.aggressor[0]), int(r.target[0])
    cred = float(r.credibility[0]) if np.ndim(r.credibility) else float(r.credibility)
    tr = case.trigger
    events = run.events[0]
    responder = int(r.responder[0])
    cls = str(institution_classes(r)[0])
    pw = float(stage.p_win[a, t])
    shield = float(stage.shielded[a])
    return {
        "seed": seed,
        "policy": pol.name,
        "council": stage.council_name,
        "shielded_by_veto": bool(shield),
        "expected_cost_of_attacking": round(
            float(p.deterrence * cred * (1.0 - p.veto_shield * shield) * (1.0 - pw)), 4
        ),
        "attack_value": round(float(pol.attack_value(tr.severity, pw, cred, shield)), 4),
        "deterred": not bool(r.attacked[0]),
        "responder": RESPONDERS[responder],
        "council_vetoed": bool(r.council_vetoed[0]),
        "institution": cls,
        "credibility_before": round(cred, 4),
        "credibility_after": round(run.credibility, 4),
        "success": bool(r.success[0]),
        "events": [ev.to_dict() for ev in events],
        "_events": events,
    }


def _fit_for(params: Parameters, fitted: Fit | None) -> Fit:
    return fitted if fitted is not None else prior_fit(params)


def conditional(
    case: Case,
    params: Parameters,
    fitted: Fit | None = None,
    *,
    charter: str | None = None,
    world: Any = None,
) -> list[dict[str, Any]]:
    """Predicted votes and decision for every recorded draft (never reads votes)."""
    f = _fit_for(params, fitted)
    stage = case_stage(case, params, world=world)
    out = []
    for k, d in enumerate(case.drafts()):
        body = load_body(charter or d.body, on=d.date)
        if charter:
            _refuse_placeholders(body, charter)
        if charter and case.trigger.kind in body.charter.rules:
            d = _with_question(d, case.trigger.kind)
        out.append({"index": k, **ballot(case, d, stage, f, body=body, charter=charter)})
    return out


def ballot(
    case: Case,
    d: Any,
    stage: Any,
    f: Fit,
    *,
    body: Any = None,
    members: list[str] | None = None,
    charter: str | None = None,
    cast: dict[str, int] | None = None,
    veto_holders: frozenset[str] | None = None,
    adjudicate: Callable[[Any, dict[str, int]], tuple[bool, str, tuple[str, ...]]] | None = None,
) -> dict[str, Any]:
    """Every member's vote on draft ``d`` and the decision: the model's most probable
    vote, with its probabilities and reasons, for each member whose vote is not in
    ``cast`` (votes cast by people, the lab's players); members recorded absent or
    unknown to the stage do not vote. ``adjudicate`` replaces the body's own rules
    (a regional forum of the lab, whose ``members`` are given).

    ``body`` is the body of the day (loaded when not given); ``charter`` replaces
    it (a counterfactual)."""
    if members is None:
        body = body if body is not None else load_body(charter or d.body, on=d.date)
        members = list(body.members)
    known = set(stage.codes)
    X, _ = draft_features(case, d, stage, members, veto_holders=veto_holders)
    probs = f.probabilities(X)
    pred = f.predict(X)
    u = f.utility(X)
    cast = cast or {}
    # members with no actor data (unnamed seats of a reform variant) cannot be modelled
    unknown = [m for m in members if m not in known and m not in cast]
    out_of_model = (set(d.absent) | set(unknown)) - set(cast)
    votes = {
        m: int(cast.get(m, v)) for m, v in zip(members, pred, strict=True) if m not in out_of_model
    }
    if adjudicate is None:
        adopted, reason, vetoed = adjudicate_votes(d, votes, charter=charter)
    else:
        adopted, reason, vetoed = adjudicate(d, votes)
    return {
        "symbol": d.symbol,
        "body": body.charter.id if body is not None else d.body,
        "date": d.date.isoformat(),
        "measure": d.measure,
        "sponsors": list(d.sponsors),
        "votes": {
            m: {
                "vote": CODES[votes.get(m, ABSENT)].value,
                **({"by": "player"} if m in cast else {}),
                "utility": round(float(uu), 3),
                "p_yes": round(float(pp[YES]), 4),
                "p_no": round(float(pp[NO]), 4),
                "p_abstain": round(float(pp[ABSTAIN]), 4),
                "why": explain_vote(X[i], f.weights),
            }
            for i, (m, uu, pp) in enumerate(zip(members, u, probs, strict=True))
        },
        "adopted": adopted,
        "reason": reason,
        "vetoed_by": list(vetoed),
        "not_modelled": unknown,
    }


def _refuse_placeholders(body: Any, charter: str) -> None:
    """A counterfactual Council with unnamed seats cannot be replayed on recorded votes:
    nobody's record or model can fill them, and counting them absent would decide the
    outcome by the charter's blanks."""
    m = body.charter.members
    blank = [s.member for s in (*m.fixed, *m.add) if s.placeholder]
    if blank:
        raise InputError(
            f"{len(blank)} seats are placeholders ({blank[0]}-{blank[-1]}): no record or "
            "model can fill them; write a charter file that extends it and names who holds "
            "them (docs/charters.md)",
            source=charter,
            field="--charter",
        )


def _with_question(d: Any, question: str) -> Any:
    return dataclasses.replace(d, question=question)


def replay_case(
    case: Case,
    params: Parameters | None = None,
    fitted: Fit | None = None,
    *,
    seed: int = 0,
    charter: str | None = None,
    world: Any = None,
    policy: str | UtilityPolicy = "utility",
) -> dict[str, Any]:
    """Both replays of ``case`` (and the counterfactual when ``charter`` is given)."""
    if charter:
        check_charter(case, charter)
    p = params or Parameters.default()
    cond = conditional(case, p, fitted, world=world)
    # the free run uses the same vote weights as the conditional replay
    pf = fitted.parameters(p) if fitted is not None else p
    free = free_run(case, pf, seed=seed, world=world, policy=policy)
    free_events = free.pop("_events")
    if world is None:
        shares = outcome_shares(case, pf, seed=seed, policy=policy)
        free["shares"] = shares
        free["predicted"] = modal_outcome(shares)
    out: dict[str, Any] = {
        "case": case.summary_dict(),
        "trigger": {
            "date": case.trigger.date.isoformat(),
            "kind": case.trigger.kind,
            "accused": case.trigger.accused,
            "target": case.trigger.target,
            "severity": case.trigger.severity,
            "description": case.trigger.description,
        },
        "seed": seed,
        "conditional": cond,
        "free_run": free,
        "_free_events": free_events,
        # the free run told as the kernel's narrator tells it (for a replay printed as text)
        "_free_narrative": narrate(free_events),
    }
    if charter:
        out["counterfactual"] = counterfactual(case, p, fitted, charter=charter, world=world)
    return out


def counterfactual(
    case: Case, params: Parameters, fitted: Fit | None, *, charter: str, world: Any = None
) -> dict[str, Any]:
    """The recorded drafts under ``charter``: what changed and why."""
    ch = load_charter(charter)
    model = conditional(case, params, fitted, charter=charter, world=world)
    changes = []
    for dec, m in zip(case.record, model, strict=True):
        rec = dec.votes()
        votes = {}
        predicted_members = []
        for member, v in m["votes"].items():
            if rec.get(member) in ("yes", "no", "abstain") and dec.status in (
                "named",
                "derived",
                "partial",
            ):
                votes[member] = VOTE_CODE[rec[member]]
            elif rec.get(member) in ("absent", "not_participating"):
                continue
            elif v["vote"] != "absent":
                votes[member] = VOTE_CODE[v["vote"]]
                predicted_members.append(member)
        d = dec
        if case.trigger.kind in ch.rules:
            d = _with_question(dec, case.trigger.kind)
        adopted, reason, _vetoed = adjudicate_votes(d, votes, charter=charter)
        changed = adopted != dec.adopted
        changes.append(
            {
                "symbol": dec.symbol,
                "date": dec.date.isoformat(),
                "recorded": dec.outcome,
                "with_recorded_votes": "adopted" if adopted else "not adopted",
                "reason": reason,
                "votes_predicted_for": predicted_members,
                "with_model_votes": "adopted" if m["adopted"] else "not adopted",
                "changed": changed,
            }
        )
    out: dict[str, Any] = {
        "charter": ch.id,
        "title": ch.title,
        "decisions": changes,
        "changed": sum(c["changed"] for c in changes),
    }
    days = ch.capabilities.get("standing_force_days")
    if days is not None:
        out["deployment"] = _deployment(case, params, float(days))
    return out


def _deployment(case: Case, params: Parameters, days: float) -> list[dict[str, Any]]:
    """When each adopted mission would be on the ground, with and without a standing force."""
    end = case.extra.get("killing_ended")
    rows = []
    for d in case.record:
        if not d.adopted or d.measure not in ("peacekeeping", "art42"):
            continue
        usual = d.date + dt.timedelta(days=params.deployment_days)
        fast = d.date + dt.timedelta(days=days)
        rows.append(
            {
                "symbol": d.symbol,
                "authorised": d.date.isoformat(),
                "deployed_usual": usual.isoformat(),
                "deployed_standing_force": fast.isoformat(),
                "killing_ended": end.isoformat() if isinstance(end, dt.date) else None,
                "in_time_usual": bool(isinstance(end, dt.date) and usual < end),
                "in_time_standing_force": bool(isinstance(end, dt.date) and fast < end),
            }
        )
    return rows


def check_charter(case: Case, charter: str, *, source: str = "--charter") -> None:
    """Refuse a counterfactual charter that was not in force on the case's dates (its
    trigger and every decision of its record): its roster of that day is not a body."""
    ch = load_charter(charter)
    for when in (case.trigger.date, *(d.date for d in case.record)):
        if not ch.in_force(when):
            span = f"{ch.valid_from.isoformat()} to {ch.valid_to.isoformat() if ch.valid_to else 'today'}"
            raise InputError(
                f"{ch.id} is in force from {span}, not on {when.isoformat()} "
                f"({case.id}); choose a charter of the case's time",
                source=source,
            )


# -- the League's unravelling -------------------------------------------------------

LEAGUE_SEQUENCE = ("manchuria-1931", "ethiopia-1935", "rhineland-1936")


def unravel(
    cases: list[Case],
    params: Parameters | None = None,
    *,
    seed: int = 0,
    charter: str | None = None,
) -> dict[str, Any]:
    """Crises in sequence, credibility carried from each to the next.

    Each crisis's outcome moves the institution's credibility
    (:func:`collsec.crisis.run.next_credibility`); the next aggressor weighs
    the collective response it expects at that credibility, so its expected
    cost of attacking falls with every failure. ``charter`` puts every crisis
    before another Council (e.g. ``unsc-1946``, a UN-style Council with five
    vetoes instead of unanimity).
    """
    p = params or Parameters.default()
    cred = p.credibility_start
    steps = []
    if charter:
        for case in cases:
            check_charter(case, charter)
    for i, case in enumerate(cases):
        r = free_run(case, p, seed=seed + i, charter=charter, credibility=cred)
        r.pop("_events")
        steps.append(
            {
                "case": case.id,
                "accused": case.trigger.accused,
                "credibility": round(cred, 4),
                "expected_cost_of_attacking": r["expected_cost_of_attacking"],
                "attack_value": r["attack_value"],
                "shielded_by_veto": r["shielded_by_veto"],
                "council": r["council"],
                "institution": r["institution"],
                "responder": r["responder"],
                "success": r["success"],
                "record": case.outcome.institution,
                "credibility_after": r["credibility_after"],
            }
        )
        cred = r["credibility_after"]
    return {"charter": charter or "as in force", "seed": seed, "steps": steps}


def score_replay(case: Case, r: dict[str, Any]) -> dict[str, Any]:
    """Compare a replay with the record (done after the replay, which never reads it)."""
    right = scored = 0
    missed = []
    for d, pred in zip(case.record, r["conditional"], strict=True):
        if d.status in ("named", "derived"):
            for m, v in d.votes().items():
                if v in ("yes", "no", "abstain"):
                    scored += 1
                    right += pred["votes"][m]["vote"] == v
        if pred["adopted"] != d.adopted:
            missed.append(
                {
                    "symbol": d.symbol,
                    "record": d.outcome + (f" ({d.tally})" if d.tally else ""),
                    "model": ("adopted" if pred["adopted"] else "not adopted")
                    + f": {pred['reason']}",
                }
            )
    return {
        "votes_scored": scored,
        "votes_right": right,
        "decisions": len(case.record),
        "decisions_right": len(case.record) - len(missed),
        "decisions_missed": missed,
        "institution": {
            "record": case.outcome.institution,
            "free_run": r["free_run"]["institution"],
        },
    }

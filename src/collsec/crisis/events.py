"""The event log of a crisis and a narrator.

A replay is a batch of one run by the kernel (:func:`replay`); the log is read
off the kernel's arrays, and ballots are re-adjudicated by the scalar
:func:`collsec.institutions.rules.adjudicate_votes` for their readable reason
("vetoed by S003"). Event types: ``threat``, ``deterrence``, ``attribution``,
``forum``, ``draft``, ``vote``, ``decision``, ``measure``, ``contribution``,
``outcome``, ``credibility``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import numpy as np

from collsec.behavior.policy import UtilityPolicy
from collsec.crisis.kernel import (
    COUNCIL,
    DRAFT_HIDDEN_SHORTFALL,
    DRAFT_HIDDEN_VETO,
    DRAFT_NONE,
    GA,
    LEVELS,
    NATO,
    REGIONAL,
    RESPONDERS,
    SELF_DEFENCE,
    UNAUTHORISED,
    VICTIM_AFFINITY,
    BatchResult,
    run_batch,
)
from collsec.crisis.noise import draw_noise
from collsec.crisis.run import next_credibility, window_record
from collsec.crisis.stage import Stage
from collsec.crisis.threats import ATROCITY, KINDS
from collsec.crisis.voting import CODES
from collsec.institutions.rules import Ballot, adjudicate_votes

__all__ = ["Event", "EventType", "crisis_events", "narrate", "replay"]

EventType = Literal[
    "threat",
    "deterrence",
    "attribution",
    "forum",
    "draft",
    "vote",
    "decision",
    "measure",
    "contribution",
    "outcome",
    "credibility",
]


@dataclass
class Event:
    """One step of a crisis: its type, the day it happened, and its data."""

    type: EventType
    day: float
    data: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _reason(
    stage: Stage, policy: UtilityPolicy, r: BatchResult, i: int, level: int, vote: int
) -> str:
    """Why state ``i`` voted as it did: the utility term that weighed most that way."""
    p = stage.params
    a, t = int(r.aggressor[0]), int(r.target[0])
    if i == a and i == t:
        return "the state concerned"
    if i == a:
        return "the aggressor"
    if i == t:
        return "the target"
    if vote >= 3:
        return "absent"
    internal = 1.0 if int(r.kind[0]) == ATROCITY else 0.0
    hf = 1.0 if bool(r.sponsored[0]) else p.nonstate_haven
    qs = float(r.confidence[0]) * float(r.severity[0])
    aff_t = VICTIM_AFFINITY if internal else stage.aff[i, t]
    commitment = (
        "commitment to protect civilians" if internal else "commitment to act against aggression"
    )
    terms = {
        commitment: qs * policy.w_commit,
        "affinity": qs * policy.w_aff * (aff_t - stage.aff[i, a] * hf),
        "cost and risk": -p.level_cost[level]
        * policy.burden(stage.risk[a] * hf, stage.prox[i, a] * hf),
        "sovereignty concern": -policy.w_sov * p.level_intrusion[level] * internal,
    }
    if vote == 2:
        return "utility near zero: " + ", ".join(f"{k} {v:+.2f}" for k, v in terms.items() if v)
    sign = 1 if vote == 0 else -1
    key = max(terms, key=lambda k: sign * terms[k])
    weight = terms[key]
    if sign * weight <= 0:
        return "shock of the crisis (utility alone points the other way)"
    label = key
    if key == "affinity":
        if stage.alliance[i, a] and sign < 0:
            label = "ally of the aggressor"
        elif stage.alliance[i, t] and sign > 0:
            label = "ally of the target"
        else:
            label = "closer to the target" if sign > 0 else "closer to the aggressor"
    if key == "cost and risk" and stage.nuclear[a]:
        label = "cost and risk (a nuclear-armed aggressor)"
    return f"{label} ({weight:+.2f})"


def _ballot_events(stage, policy, r, members, votes, level, rule, chapter, body, day):
    codes = stage.codes
    ev = []
    listed = []
    for i, v in zip(members, votes, strict=True):
        listed.append(
            {
                "member": codes[i],
                "vote": CODES[int(v)].value,
                "reason": _reason(stage, policy, r, i, level, int(v)),
            }
        )
    ev.append(Event("vote", day, {"body": body, "level": LEVELS[level], "votes": listed}))
    parties = tuple(dict.fromkeys((codes[int(r.aggressor[0])], codes[int(r.target[0])])))
    ballot = Ballot(
        votes={codes[i]: CODES[int(v)] for i, v in zip(members, votes, strict=True)},
        chapter=chapter,
        parties=parties,
    )
    groups = stage.council_groups if body == stage.council_name else {}
    weights = stage.council_weights if body == stage.council_name else {}
    d = adjudicate_votes(
        rule, ballot, members=[codes[i] for i in members], groups=groups, weights=weights, body=body
    )
    ev.append(
        Event(
            "decision",
            day,
            {"body": body, "adopted": d.adopted, "reason": d.reason, "vetoed_by": d.vetoed_by},
        )
    )
    return ev


def crisis_events(
    stage: Stage, policy: UtilityPolicy, r: BatchResult, credibility_after: float | None = None
) -> list[Event]:
    """The event log of the first crisis of ``r``."""
    codes = stage.codes
    k = 0
    kind = int(r.kind[k])
    a, t = int(r.aggressor[k]), int(r.target[k])
    ev: list[Event] = [
        Event(
            "threat",
            0.0,
            {
                "kind": KINDS[kind],
                "aggressor": codes[a],
                "target": codes[t],
                "severity": round(float(r.severity[k]), 3),
                "state_sponsor": bool(r.sponsored[k]),
            },
        )
    ]
    if kind in (0, 3):
        ev.append(
            Event(
                "deterrence",
                0.0,
                {
                    "attacked": bool(r.attacked[k]),
                    "credibility": round(r.credibility, 3),
                    "shielded_by_veto": bool(stage.shielded[a]),
                    "p_win": round(float(stage.p_win[a, t]), 3),
                },
            )
        )
    if not r.attacked[k]:
        return ev
    day = float(r.delay[k])
    ev.append(
        Event(
            "attribution",
            day,
            {"confidence": round(float(r.confidence[k]), 3), "days": round(day, 1)},
        )
    )
    p = stage.params
    if r.art5[k]:
        day += p.deliberation_days
        ev.append(
            Event(
                "forum",
                day,
                {
                    "body": "nato-nac",
                    "gate": "North Atlantic Treaty Art. 5: armed attack on an ally in the treaty area",
                },
            )
        )
        members = np.flatnonzero(r.nac_votes[k] >= 0)
        ev += _ballot_events(
            stage,
            policy,
            r,
            members,
            r.nac_votes[k][members],
            3,
            stage.nac.rule,
            None,
            "nato-nac",
            day,
        )
    if (r.regional_votes[k] >= 0).any():
        day += p.deliberation_days
        members = np.flatnonzero(r.regional_votes[k] >= 0)
        lvl = 1 if r.severity[k] >= p.chapter_vii_severity else 0
        ev.append(
            Event(
                "forum",
                day,
                {"body": "regional", "gate": "Chapter VIII: regional arrangement first"},
            )
        )
        ev += _ballot_events(
            stage,
            policy,
            r,
            members,
            r.regional_votes[k][members],
            lvl,
            stage.regional.rule,
            None,
            "regional",
            day,
        )
    draft = int(r.draft[k])
    if r.responder[k] not in (NATO, REGIONAL) and not (r.art5[k] and r.nac_adopted[k]):
        expected = {LEVELS[j]: bool(r.expected_pass[k, j]) for j in range(4)}
        if draft == DRAFT_NONE:
            ev.append(
                Event("draft", day, {"tabled": False, "why": "no Council member wants action"})
            )
        elif draft in (DRAFT_HIDDEN_VETO, DRAFT_HIDDEN_SHORTFALL):
            day += p.deliberation_days
            why = (
                "a veto is expected (hidden veto)"
                if draft == DRAFT_HIDDEN_VETO
                else "too few votes expected"
            )
            ev.append(
                Event("draft", day, {"tabled": False, "why": why, "expected_to_pass": expected})
            )
        else:
            day += p.deliberation_days
            lvl = int(r.draft_level[k])
            doomed = not bool(r.expected_pass[k, lvl])
            ev.append(Event("forum", day, {"body": stage.council_name, "gate": "Security Council"}))
            ev.append(
                Event(
                    "draft",
                    day,
                    {
                        "tabled": True,
                        "level": LEVELS[lvl],
                        "position_taking": doomed,
                        "expected_to_pass": expected,
                    },
                )
            )
            ev += _ballot_events(
                stage,
                policy,
                r,
                stage.seats,
                r.council_votes[k],
                lvl,
                stage.council.rule,
                "VI" if lvl == 0 else "VII",
                stage.council_name,
                day,
            )
    if (r.ga_votes[k] >= 0).any():
        day += p.deliberation_days
        members = np.flatnonzero(r.ga_votes[k] >= 0)
        ev.append(
            Event(
                "forum",
                day,
                {"body": "unga", "gate": "Uniting for Peace (GA res. 377 A (V)) after a veto"},
            )
        )
        ev += _ballot_events(
            stage,
            policy,
            r,
            members,
            r.ga_votes[k][members],
            int(r.draft_level[k]),
            stage.ga.rule,
            None,
            "unga",
            day,
        )
    resp = int(r.responder[k])
    lvl = int(r.level[k])
    basis = {
        NATO: "collective defence (North Atlantic Treaty Art. 5; UN Charter Art. 51)",
        REGIONAL: "regional action (UN Charter Chapter VIII)",
        COUNCIL: "Security Council decision",
        GA: "General Assembly recommendation (not binding)",
        SELF_DEFENCE: "self-defence (UN Charter Art. 51) until the Council acts",
        UNAUTHORISED: "action without authorisation, at a legitimacy cost",
    }.get(resp, "no response")
    ev.append(
        Event(
            "measure",
            day,
            {
                "responder": RESPONDERS[resp],
                "measure": LEVELS[lvl] if lvl >= 0 else None,
                "basis": basis,
            },
        )
    )
    contrib = r.contributions[k]
    if contrib.sum() > 0:
        order = np.argsort(-contrib, kind="stable")
        top = [
            {"state": codes[i], "share": round(float(contrib[i] / contrib.sum()), 3)}
            for i in order[:5]
            if contrib[i] > 0
        ]
        ev.append(
            Event(
                "contribution",
                day,
                {
                    "contributors": int((contrib > 0).sum()),
                    "largest": top,
                    "total": float(contrib.sum()),
                },
            )
        )
    ev.append(
        Event(
            "outcome",
            float(r.duration[k]),
            {
                "success": bool(r.success[k]),
                "responded": lvl >= 0,
                "p_success": round(float(r.p_success[k]), 3),
                "fought": bool(r.fought[k]),
                "duration_days": round(float(r.duration[k]), 1),
                "cost": float(r.cost[k]),
            },
        )
    )
    if credibility_after is not None:
        ev.append(
            Event(
                "credibility",
                float(r.duration[k]),
                {"before": round(r.credibility, 3), "after": round(credibility_after, 3)},
            )
        )
    return ev


def replay(
    stage: Stage,
    policy: UtilityPolicy,
    *,
    seed: int,
    crisis: int = 0,
    credibility: float | None = None,
) -> tuple[list[Event], BatchResult]:
    """Crisis number ``crisis`` of the run ``seed``, as a batch of one with its log.

    Its draws are those of the same crisis in :func:`collsec.crisis.run.simulate`.
    The credibility update shown treats the crisis as a record window of one.
    """
    p = stage.params
    cred = p.credibility_start if credibility is None else credibility
    noise = draw_noise(seed, crisis, 1, stage.n, stage.m)
    r = run_batch(stage, policy, noise, cred)
    e, o = window_record(r)
    after = next_credibility(cred, e, o, p.credibility_rate)
    return crisis_events(stage, policy, r, after), r


def narrate(events: list[Event]) -> str:
    """Readable text of an event log."""
    lines = []
    for e in events:
        d = e.data
        head = f"day {e.day:6.1f}  "
        if e.type == "threat":
            sp = (
                ""
                if d["state_sponsor"] or d["kind"] != "terrorism"
                else " (a group without state sponsor, based in it)"
            )
            if d["kind"] == "atrocity":
                lines.append(
                    f"{head}atrocity or civil war in {d['target']}, severity {d['severity']}"
                )
            else:
                lines.append(
                    f"{head}{d['kind']}: {d['aggressor']}{sp} against {d['target']}, "
                    f"severity {d['severity']}"
                )
        elif e.type == "deterrence":
            what = "attacks" if d["attacked"] else "is deterred"
            lines.append(
                f"{head}the aggressor {what} (odds {d['p_win']}, credibility {d['credibility']}"
                + (", shielded by a veto" if d["shielded_by_veto"] else "")
                + ")"
            )
        elif e.type == "attribution":
            lines.append(f"{head}attributed with confidence {d['confidence']}")
        elif e.type == "forum":
            lines.append(f"{head}{d['body']}: {d['gate']}")
        elif e.type == "draft":
            if d["tabled"]:
                extra = " to take a position (a veto is expected)" if d["position_taking"] else ""
                lines.append(f"{head}a draft under {d['level']} is tabled{extra}")
            else:
                lines.append(f"{head}no draft is tabled: {d['why']}")
        elif e.type == "vote":
            lines.append(f"{head}{d['body']} votes on {d['level']}:")
            for v in d["votes"]:
                lines.append(f"{'':14}{v['member']:>6} {v['vote']:<8} {v['reason']}")
        elif e.type == "decision":
            lines.append(f"{head}{d['body']}: {d['reason']}")
        elif e.type == "measure":
            lines.append(
                f"{head}response: {d['basis']}" + (f", {d['measure']}" if d["measure"] else "")
            )
        elif e.type == "contribution":
            big = ", ".join(f"{x['state']} {x['share']:.0%}" for x in d["largest"])
            n = d["contributors"]
            who = "1 state contributes" if n == 1 else f"{n} states contribute"
            lines.append(f"{head}{who}; largest shares: {big}")
        elif e.type == "outcome":
            if not d.get("responded", True):
                lines.append(f"{head}no response: the aggressor prevails")
                continue
            res = "succeeds" if d["success"] else "fails"
            how = (
                " after fighting" if d["fought"] else (" without fighting" if d["success"] else "")
            )
            lines.append(
                f"{head}the response {res}{how} (p = {d['p_success']}), {d['duration_days']} days"
            )
        elif e.type == "credibility":
            lines.append(f"{head}credibility {d['before']} -> {d['after']}")
    return "\n".join(lines)

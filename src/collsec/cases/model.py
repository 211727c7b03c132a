"""The behaviour model's vote on a recorded draft: the kernel's model, read on a case.

A case's actors table becomes a :class:`collsec.world.World` (:func:`case_world`)
and then the same :class:`collsec.crisis.stage.Stage` the kernel runs on
(:func:`case_stage`): affinity, risk, proximity and ideal points come from
there, and the features of each member's vote on a recorded draft from
:func:`collsec.behavior.model.vote_features` -- the function behind the
kernel's utility -- with the draft's own measure, accused, target and
sponsors (:func:`draft_features`). A recorded draft follows attribution, so
the attribution confidence is 1. The fit is :mod:`collsec.behavior.fit`.

The baseline (``ideal_point_logit``) is an ordered logit on two features
only: ideal-point distance to the sponsors and to the accused state, read
with the model's own fills (the sponsors' camp sits at the Council's mean
when a draft records no sponsors; an unknown distance is the mean known one).
An earlier baseline read an unknown distance as 0, which let it learn from
which drafts the library had found sponsors for (0.018 of log-loss left out):
a gap of the record, not a mechanism.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

import numpy as np

from collsec.behavior.fit import Fit, fit_ordered_logit, fit_vote_model
from collsec.behavior.model import (
    LEVEL_PRESSURE,
    MEMBER_TERMS,
    VOTE_FEATURES,
    content_terms,
    draft_terms,
    sponsor_distance,
    vote_features,
)
from collsec.behavior.parameters import Parameters
from collsec.cases.case import Case, Draft
from collsec.crisis.kernel import LEVELS
from collsec.crisis.stage import Scenario, Stage
from collsec.institutions import load_body
from collsec.institutions.rules import ABSTAIN, NO, YES
from collsec.world.world import ATOP_KINDS, World

__all__ = [
    "BASELINE_FEATURES",
    "FEATURES",
    "VoteTable",
    "case_stage",
    "case_world",
    "draft_features",
    "fit",
    "tied_to_accused",
    "vote_table",
]

#: model features, in the order of the weights they multiply
FEATURES = VOTE_FEATURES
BASELINE_FEATURES = ("dist_sponsors", "dist_accused")
#: the vote codes scored, by name
VOTE_CODE = {"yes": YES, "no": NO, "abstain": ABSTAIN}


@dataclass
class VoteTable:
    """One row per (decision, member) of some cases: features and recorded votes."""

    case: np.ndarray  # case id per row
    decision: np.ndarray  # index of the decision within its case
    member: np.ndarray  # member code
    X: np.ndarray  # (rows, features) model features (VOTE_FEATURES)
    B: np.ndarray  # (rows, 2) baseline features
    y: np.ndarray  # vote code (YES, NO, ABSTAIN), -1 not scored
    contested: np.ndarray  # bool: the decision was not unanimous
    absent: np.ndarray  # bool: recorded absent (known before the vote)
    #: bool: the member holds a permanent seat (a veto) on the decision's date
    permanent: np.ndarray = dataclasses.field(default_factory=lambda: np.zeros(0, dtype=bool))
    #: bool: the member is the accused or tied to it (:func:`tied_to_accused`)
    tied: np.ndarray = dataclasses.field(default_factory=lambda: np.zeros(0, dtype=bool))

    def select(self, mask: np.ndarray) -> VoteTable:
        return VoteTable(**{k: getattr(self, k)[mask] for k in self.__dataclass_fields__})


def case_world(case: Case) -> World:
    """A :class:`collsec.world.World` from the case's actors table (offline).

    Distances, ATOP ties of every kind and General Assembly agreement are known
    to the accused and the target only (from the table's ``km_*``, ``ties_*``
    and ``agree_*`` columns; an older table without the last two means no ties
    and unknown agreement); elsewhere ``ties`` holds the defence bit of the
    ``allies`` column and ``agreement`` is NaN (1 on the diagonal). An unknown
    ideal point stays NaN (the stage counts it as unknown).
    """
    acts = case.actors
    n = len(acts)
    codes = [a.code for a in acts]
    index = {c: i for i, c in enumerate(codes)}
    defense = np.zeros((n, n), dtype=np.int8)
    for i, a in enumerate(acts):
        for ally in a.allies:
            if ally in index:
                defense[i, index[ally]] = defense[index[ally], i] = 1
    dist = np.full((n, n), np.nan)
    for party, attr in ((case.trigger.accused, "km_accused"), (case.trigger.target, "km_target")):
        if party in index:
            j = index[party]
            col = np.array([np.nan if getattr(a, attr) is None else getattr(a, attr) for a in acts])
            dist[:, j] = col
            dist[j, :] = col
    np.fill_diagonal(dist, 0.0)
    ties = (defense | defense.T).astype(np.int8)
    agree = np.full((n, n), np.nan)
    for party, sfx in ((case.trigger.accused, "accused"), (case.trigger.target, "target")):
        if party in index:
            j = index[party]
            for i, a in enumerate(acts):
                bits = sum(1 << ATOP_KINDS.index(k) for k in getattr(a, f"ties_{sfx}"))
                if i != j:
                    ties[i, j] |= bits
                    ties[j, i] |= bits
                v = getattr(a, f"agree_{sfx}")
                if v is not None:
                    agree[i, j] = agree[j, i] = v
    np.fill_diagonal(ties, 0)
    np.fill_diagonal(agree, 1.0)
    pre_un = case.trigger.date.year < 1946
    return World(
        year=case.trigger.date.year,
        date=case.trigger.date,
        ccode=np.array([a.ccode for a in acts]),
        code=np.array(codes, dtype=object),
        name=np.array([a.name for a in acts], dtype=object),
        cinc=np.array([a.cinc for a in acts]),
        milex=np.array([np.nan if a.milex is None else a.milex for a in acts]),
        milper=np.array([np.nan if a.milper is None else a.milper for a in acts]),
        tpop=np.array([np.nan if a.tpop is None else a.tpop for a in acts]),
        ideal_point=np.array([np.nan if a.ideal_point is None else a.ideal_point for a in acts]),
        region=np.array([a.region for a in acts], dtype=object),
        major_power=np.array([a.major_power for a in acts]),
        memberships={"un": np.array([a.un_member and not pre_un for a in acts])},
        defense=defense,
        contiguity=np.zeros((n, n), dtype=np.int8),
        distance=dist,
        flags=[[] for _ in acts],
        sources=case.actor_sources,
        kind="data",
        ties=ties,
        agreement=agree,
    )


def council_for(case: Case) -> str:
    """The Council of the case's day: the League's before the UN existed."""
    return "league-council" if case.trigger.date < dt.date(1945, 10, 24) else "unsc"


def case_stage(
    case: Case,
    params: Parameters,
    *,
    world: World | None = None,
    council: str | None = None,
) -> Stage:
    """The stage the kernel runs the case on: the case's actors (or ``world``, a
    world of the trigger date) under the Council of the day (or ``council``).

    Before the UN there are no General Assembly votes, so no ideal points.
    """
    w = world if world is not None else case_world(case)
    if case.trigger.date.year < 1946:
        w = dataclasses.replace(w, ideal_point=np.full(w.n, np.nan))
    return Stage.build(w, params, Scenario(council=council or council_for(case)))


def _level(measure: str) -> int | None:
    return LEVELS.index(measure) if measure in LEVELS else None


#: pressure of a draft whose content is unknown and whose measure is off the ladder
OFF_LADDER_PRESSURE = {"procedural": 0.0, "other": 0.5}


def draft_content_terms(draft: Draft, params: Parameters) -> dict[str, float]:
    """The draft terms of a recorded draft (:func:`collsec.behavior.model.draft_terms`):
    the measure's cost; intrusion and pressure read from the draft's coded
    content when it has one, else the defaults of its measure (the ladder
    level's ``level_intrusion`` and :data:`collsec.behavior.model.LEVEL_PRESSURE`;
    procedural drafts press no one, other drafts half)."""
    lvl = _level(draft.measure)
    cost = params.level_cost[lvl] if lvl is not None else 0.0
    c = draft.content
    if c is not None and c.known:
        intrusion, pressure = content_terms(
            params.level_intrusion,
            names=bool(c.names),
            threatens=c.threatens,
            art41=c.art41,
            force=c.force,
            icc=c.icc,
            mission=bool(c.mission),
            humanitarian=c.humanitarian,
        )
    elif lvl is not None:
        intrusion, pressure = params.level_intrusion[lvl], LEVEL_PRESSURE[lvl]
    else:
        intrusion, pressure = 0.0, OFF_LADDER_PRESSURE.get(draft.measure, 0.5)
    return draft_terms(cost, intrusion, pressure)


def member_terms(
    stage: Stage,
    members: list[str],
    *,
    accused: str,
    target: str,
    severity: float,
    internal: bool,
    haven: float,
    sponsors: tuple[str, ...] = (),
    veto_holders: frozenset[str] = frozenset(),
) -> dict[str, np.ndarray]:
    """The member terms of ``members`` voting on a recorded draft against
    ``accused``: the stage's (:meth:`collsec.crisis.stage.Stage.member_terms`,
    the kernel's own), with the draft's sponsors and its body's veto holders
    on its date. A recorded draft follows attribution, so the confidence is 1.
    A member the stage does not know gets 0 for every term but its own
    identity (accused, target, veto)."""
    idx = {c: i for i, c in enumerate(stage.codes)}
    n = len(members)
    rows = np.array([idx.get(m, -1) for m in members], dtype=np.int64)
    known = rows >= 0
    r = np.where(known, rows, 0)
    veto = np.array([m in veto_holders for m in members], dtype=float)
    a, t = idx.get(accused), idx.get(target)
    sponsor_idx = np.array([idx[s] for s in sponsors if s in idx], dtype=np.int64)
    body = rows[known]
    align = np.zeros(n)
    if known.any():
        align[known] = sponsor_distance(stage.ideal, rows[known], sponsor_idx, body)
        align[~known] = float(np.mean(align[known]))
    ident = {
        "accused": np.array([m == accused for m in members], dtype=float),
        "target": np.array([m == target for m in members], dtype=float),
    }
    if a is None:
        out = {k: np.zeros(n) for k in MEMBER_TERMS}
        out.update(ident, sponsor=align, veto=veto, veto_stake=veto * ident["accused"])
        out["qs"] = np.full(n, float(severity))
        out["internal"] = np.full(n, 1.0 if internal else 0.0)
        return out
    terms = stage.member_terms(
        np.array([a]),
        np.array([a if t is None else t]),
        np.array([float(severity)]),
        np.array([haven]),
        np.array([1.0 if internal or t is None else 0.0]),
        r,
        sponsor=align,
        veto=veto,
    )
    out = {
        k: np.broadcast_to(np.asarray(v, dtype=float), (1, n))[0].copy() for k, v in terms.items()
    }
    for k in ("affinity", "prox", "tie", "agreement"):
        out[k] = np.where(known, out[k], 0.0)
    out.update(ident)
    out["internal"] = np.full(n, 1.0 if internal else 0.0)
    out["veto_stake"] = veto * np.maximum(out["accused"], out["tie"])
    out["shield"] = np.where(known, out["shield"], 0.0)
    return out


def draft_features(
    case: Case,
    draft: Draft,
    stage: Stage,
    members: list[str],
    *,
    veto_holders: frozenset[str] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Model and baseline features of ``members`` voting on ``draft``; the veto
    holders are those of the draft's body on its date, unless given (a forum
    that is not a body of the library: the lab's regional forum)."""
    tr = case.trigger
    accused = draft.accused or tr.accused
    target = draft.target or tr.target
    internal = tr.kind == "atrocity"
    haven = 1.0 if tr.sponsored else stage.params.nonstate_haven
    veto = veto_holders
    if veto is None:
        veto = load_body(draft.body, on=draft.date).groups.get("permanent", frozenset())
    m = member_terms(
        stage,
        members,
        accused=accused,
        target=target,
        severity=tr.severity,
        internal=internal,
        haven=haven,
        sponsors=draft.sponsors,
        veto_holders=veto,
    )
    X = vote_features(m, draft_content_terms(draft, stage.params))
    # the baseline reads the same two distances, with the same fills: from the
    # sponsors' camp (the Council's mean when none is recorded) and from the accused
    B = np.stack([m["sponsor"], m["remote"]], axis=1)
    return X, B


def tied_to_accused(stage: Stage, members: list[str], accused: str) -> np.ndarray:
    """Whether each member is the accused or is tied to it: the one definition of
    a tie, used by the model's features and the great-power baseline (an ATOP
    obligation of any kind in force on the stage, :attr:`Stage.tie`)."""
    idx = {c: i for i, c in enumerate(stage.codes)}
    a = idx.get(accused)
    out = np.array([m == accused for m in members], dtype=bool)
    if a is not None:
        rows = np.array([idx.get(m, -1) for m in members], dtype=np.int64)
        known = rows >= 0
        out[known] |= stage.tie[rows[known], a]
    return out


def vote_table(cases: list[Case], params: Parameters, *, worlds: dict | None = None) -> VoteTable:
    """Features and recorded votes of every member on every decision of ``cases``.

    A vote is scored (``y >= 0``) when its decision's status is ``named`` or
    ``derived`` and the member voted yes, no or abstained; absences and
    non-participation are not votes.
    """
    cols: dict[str, list] = {
        k: []
        for k in (
            "case",
            "decision",
            "member",
            "X",
            "B",
            "y",
            "contested",
            "absent",
            "permanent",
            "tied",
        )
    }
    for case in cases:
        stage = case_stage(case, params, world=(worlds or {}).get(case.id))
        for k, d in enumerate(case.record):
            members = list(d.members)
            X, B = draft_features(case, d.draft(), stage, members)
            rec = d.votes()
            scored = d.status in ("named", "derived")
            cols["case"] += [case.id] * len(members)
            cols["decision"] += [k] * len(members)
            cols["member"] += members
            cols["X"].append(X)
            cols["B"].append(B)
            cols["y"] += [VOTE_CODE.get(rec.get(m, ""), -1) if scored else -1 for m in members]
            cols["contested"] += [not d.unanimous] * len(members)
            cols["absent"] += [rec.get(m) == "absent" for m in members]
            perm = load_body(d.body, on=d.date).groups.get("permanent", frozenset())
            cols["permanent"] += [m in perm for m in members]
            cols["tied"] += list(tied_to_accused(stage, members, d.accused or case.trigger.accused))
    return VoteTable(
        case=np.array(cols["case"], dtype=object),
        decision=np.array(cols["decision"], dtype=np.int64),
        member=np.array(cols["member"], dtype=object),
        X=np.concatenate(cols["X"]) if cols["X"] else np.zeros((0, len(FEATURES))),
        B=np.concatenate(cols["B"]) if cols["B"] else np.zeros((0, 2)),
        y=np.array(cols["y"], dtype=np.int64),
        contested=np.array(cols["contested"], dtype=bool),
        absent=np.array(cols["absent"], dtype=bool),
        permanent=np.array(cols["permanent"], dtype=bool),
        tied=np.array(cols["tied"], dtype=bool),
    )


def fit(table: VoteTable, params: Parameters, *, kind: str = "model") -> Fit:
    """Maximum-likelihood ordered logit on the scored votes of ``table``.

    ``kind="model"``: the behaviour model (:func:`collsec.behavior.fit.fit_vote_model`);
    ``kind="ideal_point_logit"``: the baseline, free coefficients on the two
    distances and two thresholds. Deterministic; a fit that does not converge
    raises :class:`collsec.behavior.fit.FitError`.
    """
    rows = table.y >= 0
    y = table.y[rows]
    if kind == "model":
        return fit_vote_model(table.X[rows], y, params)
    if kind == "ideal_point_logit":
        return fit_ordered_logit(
            table.B[rows],
            y,
            scale=params.vote_noise,
            names=BASELINE_FEATURES,
            kind=kind,
            thresholds=(-0.25, 0.25),
        )
    raise ValueError(kind)  # pragma: no cover - internal

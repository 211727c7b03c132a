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
only: ideal-point distance to the sponsors and to the accused state.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

import numpy as np

from collsec.behavior.fit import Fit, fit_ordered_logit, fit_vote_model
from collsec.behavior.model import (
    VICTIM_AFFINITY,
    VOTE_FEATURES,
    sponsor_alignment,
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
    X: np.ndarray  # (rows, 6) model features
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


def draft_features(
    case: Case, draft: Draft, stage: Stage, members: list[str]
) -> tuple[np.ndarray, np.ndarray]:
    """Model and baseline features of ``members`` voting on ``draft`` (rows of 0
    for a member the stage does not know)."""
    p = stage.params
    idx = {c: i for i, c in enumerate(stage.codes)}
    n = len(members)
    tr = case.trigger
    accused = draft.accused or tr.accused
    target = draft.target or tr.target
    internal = 1.0 if tr.kind == "atrocity" else 0.0
    haven = 1.0 if tr.sponsored else p.nonstate_haven
    rows = np.array([idx.get(m, -1) for m in members], dtype=np.int64)
    known = rows >= 0
    r = np.where(known, rows, 0)
    a = idx.get(accused)
    t = idx.get(target)
    aff_a = (stage.aff[r, a] if a is not None else np.zeros(n)) * haven
    aff_t = np.full(n, VICTIM_AFFINITY) if internal or t is None else stage.aff[r, t]
    risk_a = stage.risk[a] * haven if a is not None else 0.0
    prox = (stage.prox[r, a] if a is not None else np.zeros(n)) * haven
    lvl = _level(draft.measure)
    cost = p.level_cost[lvl] if lvl is not None else 0.0
    intr = p.level_intrusion[lvl] if lvl is not None else 0.0
    sponsors = np.array([idx[s] for s in draft.sponsors if s in idx], dtype=np.int64)
    align = np.zeros(n)
    if len(sponsors) and known.any():
        align[known] = sponsor_alignment(stage.ideal, rows[known], sponsors)
    feats = vote_features(1.0, tr.severity, aff_t, aff_a, risk_a, prox, cost, intr, internal, align)
    X = np.stack([np.broadcast_to(np.asarray(f, dtype=float), (n,)) for f in feats], axis=1)
    ideal = stage.ideal
    xs = (
        np.nanmean(ideal[sponsors])
        if len(sponsors) and not np.isnan(ideal[sponsors]).all()
        else np.nan
    )
    xi = ideal[r]
    xa = ideal[a] if a is not None else np.nan
    B = np.stack([np.nan_to_num(np.abs(xi - xs)), np.nan_to_num(np.abs(xi - xa))], axis=1)
    X[~known] = 0.0
    B[~known] = 0.0
    return X, B


def tied_to_accused(stage: Stage, members: list[str], accused: str) -> np.ndarray:
    """Whether each member is the accused or is tied to it: the one definition of
    a tie, used by the model's features and the great-power baseline (an alliance
    obligation in force on the stage, :attr:`Stage.alliance`)."""
    idx = {c: i for i, c in enumerate(stage.codes)}
    a = idx.get(accused)
    out = np.array([m == accused for m in members], dtype=bool)
    if a is not None:
        rows = np.array([idx.get(m, -1) for m in members], dtype=np.int64)
        known = rows >= 0
        out[known] |= stage.alliance[rows[known], a]
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

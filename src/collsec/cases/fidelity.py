"""How often the model is right on the record: votes, decisions and case outcomes.

Scores count only sourced votes (decisions of status ``named`` or
``derived``; a member's yes, no or abstention). ``contested`` votes are those
on decisions that were not unanimous. Every decision with a known outcome is
scored for the decision. Three predictors are scored the same way:

``model``
    the behaviour model's ordered logit (:mod:`collsec.cases.model`), its six
    weights and two thresholds fitted on the case library;
``all_yes``
    every member votes yes;
``ideal_point_logit``
    an ordered logit on ideal-point distance to the sponsors and to the
    accused state, fitted the same way.

``loo`` repeats the scores leave-one-case-out: both fitted predictors are
refitted without the case being scored, so no case is scored in-sample.
Members recorded absent are absent in every prediction (attendance is known
before a vote and is not predicted).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from collsec.behavior.fit import Fit
from collsec.behavior.parameters import Parameters
from collsec.cases.case import Case, RecordedDecision, builtin_case_ids, load_case
from collsec.cases.model import VoteTable, fit, vote_table
from collsec.errors import InputError
from collsec.institutions import Ballot, load_body
from collsec.institutions.rules import CODES, YES

__all__ = ["adjudicate_votes", "fidelity", "fit_library", "fit_without", "score_cases"]

Progress = Callable[[str], None]

#: The Charter chapter a recorded measure falls under, for a draft whose record
#: codes no chapter (used only by a counterfactual body that applies Art. 27(3)).
MEASURE_CHAPTER = {"chapter_vi": "VI", "art41": "VII", "art42": "VII"}


def adjudicate_votes(
    d: RecordedDecision | Any, votes: dict[str, int], *, charter: str | None = None
) -> tuple[bool, str, tuple[str, ...]]:
    """Adopted?, the reason, and the vetoing members, for predicted ``votes``.

    ``votes`` maps members to vote codes (:data:`collsec.institutions.rules.CODES`);
    members missing are absent.
    ``charter`` replaces the body (a charter id or file, for counterfactuals).
    """
    body = load_body(charter or d.body, on=d.date)
    chapter, parties = d.chapter or None, list(d.parties)
    if charter and body.charter.practice.obligatory_abstention:
        # a counterfactual body that applies Art. 27(3) as written: an uncoded draft is
        # read by its measure, and the accused and target are the parties to the dispute
        chapter = chapter or MEASURE_CHAPTER.get(d.measure)
        parties = parties or [x for x in (d.accused, d.target) if x]
    lists: dict[str, list[str]] = {"yes": [], "no": [], "abstain": [], "absent": []}
    for m in body.members:
        v = votes.get(m)
        key = "absent" if v is None else CODES[v].value
        lists[key].append(m)
    question = d.question if d.question not in ("substantive", "procedural") else None
    if question and question not in body.charter.rules:
        question = None
    ballot = Ballot.from_lists(
        **lists,
        question=question,
        chapter=chapter,
        parties=[p for p in parties if p in body.members],
        source=d.symbol,
    )
    dec = body.adjudicate(ballot, procedural=d.question == "procedural")
    return bool(dec.adopted), dec.reason, tuple(dec.vetoed_by)


def _accuracy(pred: np.ndarray, y: np.ndarray) -> float | None:
    return None if len(y) == 0 else round(float(np.mean(pred == y)), 4)


def _predict(table: VoteTable, predictor: str, f: Fit | None) -> np.ndarray:
    if predictor == "all_yes":
        return np.full(len(table.y), YES)
    assert f is not None
    return f.predict(table.X if predictor == "model" else table.B)


def _decisions(
    cases: list[Case], table: VoteTable, pred: np.ndarray
) -> dict[tuple[str, int], bool]:
    """Predicted adoption of every decision of ``cases`` from the predicted votes."""
    out = {}
    by_case = cases_by(cases)
    keys = list(zip(table.case, table.decision, strict=True))
    groups: dict[tuple[str, int], dict[str, int]] = {}
    for (cid, k), m, v, ab in zip(keys, table.member, pred, table.absent, strict=True):
        g = groups.setdefault((cid, int(k)), {})
        if not ab:
            g[m] = int(v)
    for (cid, k), votes in groups.items():
        d = by_case[cid].record[k]
        out[(cid, k)] = adjudicate_votes(d, votes)[0]
    return out


def score_cases(
    cases: list[Case], table: VoteTable, pred: np.ndarray
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Pooled and per-case scores of predicted votes ``pred`` (rows of ``table``)."""
    decided = _decisions(cases, table, pred)
    scored = table.y >= 0
    contested = scored & table.contested
    per_case = []
    for c in cases:
        rows = table.case == c.id
        s, cs = rows & scored, rows & contested
        dec = [decided[(c.id, k)] == d.adopted for k, d in enumerate(c.record)]
        per_case.append(
            {
                "id": c.id,
                "decisions": len(c.record),
                "votes_scored": int(s.sum()),
                "vote_accuracy": _accuracy(pred[s], table.y[s]),
                "contested_votes": int(cs.sum()),
                "contested_vote_accuracy": _accuracy(pred[cs], table.y[cs]),
                "decision_accuracy": round(float(np.mean(dec)), 4) if dec else None,
            }
        )
    by_id = cases_by(cases)
    all_dec = [decided[k] == by_id[k[0]].record[k[1]].adopted for k in decided]

    def mean_of(key: str) -> float | None:
        vals = [p[key] for p in per_case if p[key] is not None]
        return round(float(np.mean(vals)), 4) if vals else None

    pooled = {
        "votes_scored": int(scored.sum()),
        "vote_accuracy": _accuracy(pred[scored], table.y[scored]),
        "contested_votes": int(contested.sum()),
        "contested_vote_accuracy": _accuracy(pred[contested], table.y[contested]),
        "decisions": len(all_dec),
        "decision_accuracy": round(float(np.mean(all_dec)), 4) if all_dec else None,
        "case_mean": {
            k: mean_of(k) for k in ("vote_accuracy", "contested_vote_accuracy", "decision_accuracy")
        },
    }
    return pooled, per_case


def cases_by(cases: list[Case]) -> dict[str, Case]:
    return {c.id: c for c in cases}


def fidelity(
    cases: list[Case],
    params: Parameters | None = None,
    *,
    loo: bool = True,
    outcomes: dict[str, str] | None = None,
    shares: dict[str, dict[str, float]] | None = None,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """The fidelity report (``collsec fidelity``): see the module docstring.

    ``outcomes`` maps case ids to the institution class the free run predicts
    (its most frequent class); ``outcome_matches`` counts the cases where it
    equals the record's. ``shares`` (optional) gives each class's share of
    the free runs, reported per case.
    """
    if not cases:
        raise InputError("no cases to score", source="fidelity")
    p = params or Parameters.default()
    table = vote_table(cases, p)
    fits = {k: fit(table, p, kind=k) for k in ("model", "ideal_point_logit")}
    report: dict[str, Any] = {}
    scores = {}
    per_case = {}
    for name in ("model", "all_yes", "ideal_point_logit"):
        pred = _predict(table, name, fits.get(name))
        scores[name], per_case[name] = score_cases(cases, table, pred)
    m = scores["model"]
    report.update(
        {
            "votes_scored": m["votes_scored"],
            "vote_accuracy": m["vote_accuracy"],
            "contested_votes": m["contested_votes"],
            "contested_vote_accuracy": m["contested_vote_accuracy"],
            "decisions": m["decisions"],
            "decision_accuracy": m["decision_accuracy"],
            "case_mean": m["case_mean"],
        }
    )
    if outcomes is not None:
        matches = [c.id for c in cases if outcomes.get(c.id) == c.outcome.institution]
        report["outcome_matches"] = {"matches": len(matches), "cases": len(cases), "ids": matches}
    for row in per_case["model"]:
        row["baselines"] = {
            b: {k: r[k] for k in ("vote_accuracy", "contested_vote_accuracy", "decision_accuracy")}
            for b in ("all_yes", "ideal_point_logit")
            for r in per_case[b]
            if r["id"] == row["id"]
        }
        if outcomes is not None:
            c = cases_by(cases)[row["id"]]
            row["outcome"] = {"record": c.outcome.institution, "free_run": outcomes.get(c.id)}
            if shares is not None and c.id in shares:
                row["outcome"]["shares"] = shares[c.id]
    report["cases"] = per_case["model"]
    report["baselines"] = {b: scores[b] for b in ("all_yes", "ideal_point_logit")}
    if loo:
        report["loo"] = leave_one_case_out(cases, table, p, progress=progress)
    report["parameters_fitted"] = fits["model"].to_dict()
    report["baseline_fitted"] = fits["ideal_point_logit"].to_dict()
    return report


def leave_one_case_out(
    cases: list[Case], table: VoteTable, params: Parameters, *, progress: Progress | None = None
) -> dict[str, Any]:
    """Scores with both fitted predictors refitted without the case being scored."""
    preds = {k: np.zeros(len(table.y), dtype=np.int64) for k in ("model", "ideal_point_logit")}
    fits = []
    for c in cases:
        if progress:
            progress(c.id)
        rows = table.case == c.id
        train = table.select(~rows)
        test = table.select(rows)
        fold: dict[str, Any] = {"case": c.id}
        for k in preds:
            f = fit(train, params, kind=k)
            preds[k][rows] = _predict(test, k, f)
            fold[k] = {
                key: f.to_dict()[key]
                for key in ("iterations", "log_likelihood", "converged", "gradient_norm")
            }
        fits.append(fold)
    out: dict[str, Any] = {}
    for k, pred in preds.items():
        pooled, _ = score_cases(cases, table, pred)
        out[k] = pooled
    out["all_yes"] = score_cases(cases, table, np.full(len(table.y), YES))[0]
    out["refits"] = len(cases)
    out["fits"] = fits
    return out


def fit_library(params: Parameters | None = None) -> tuple[Parameters, dict[str, Any]]:
    """The vote model fitted on every sourced vote of the case library: the fitted
    parameters (``params`` with the fitted weights and thresholds) and the fit's summary."""
    p = params or Parameters.prior()
    cases = [load_case(i) for i in builtin_case_ids()]
    f = fit(vote_table(cases, p), p, kind="model")
    return f.parameters(p), {"cases": len(cases), **f.to_dict()}


def fit_without(others: list[Case], params: Parameters) -> Fit:
    """The model's vote weights fitted on ``others`` (a replay fits without its own case)."""
    return fit(vote_table(others, params), params, kind="model")

"""How well the vote model predicts the record: proper scores, accuracies, vetoes.

Only sourced votes are scored (decisions of status ``named`` or ``derived``;
a member's yes, no or abstention); ``contested`` votes are those on decisions
that were not unanimous. Every decision of the record is scored for its
outcome. Members recorded absent are absent in every prediction (attendance is
known before a vote and is not predicted).

Four predictors, each giving every member's probabilities of yes, no and
abstain on every draft (:class:`Predictor`), and a point prediction:

``model``
    the behaviour model (:func:`collsec.cases.model.fit`, kind ``"model"``);
    its point prediction is its most probable option;
``all_yes``
    every member votes yes; its probabilities are the training votes' shares
    of yes, no and abstain (the base rates), the same for every vote;
``ideal_point_logit``
    an ordered logit on ideal-point distance to the sponsors and to the
    accused state (kind ``"ideal_point_logit"``); most probable option;
``great_power``
    a rule: a permanent member votes no on a draft against itself or a state
    it is tied to (``table.permanent & table.tied``), everyone else yes; its
    probabilities are the training votes' shares of yes, no and abstain among
    the votes the rule calls no, and among those it calls yes.

Scores (:func:`score`), each ``None`` where its denominator is 0:

``log_loss``
    mean negative natural log of the probability given to the recorded vote
    (a probability below :data:`FLOOR` counts as :data:`FLOOR`, so one vote
    called impossible costs about 27.6, not infinity);
``brier``
    mean over votes of the sum over the three options of
    ``(p - [option recorded])**2`` (0 is perfect, 2 the worst);
``vote_accuracy``, ``contested_vote_accuracy``
    the share of (contested) votes whose point prediction is the record's;
``decision_accuracy``
    the share of decisions whose outcome, adjudicated from the predicted
    votes under the body's rule of the day, is the record's;
``recall``, ``precision``: ``{"no", "abstain", "veto"}``
    for no and abstain, over scored votes (recall: of the recorded, the share
    predicted; precision: of the predicted, the share recorded). A recorded
    veto is a permanent member's no on a vetoed draft (its ``vetoed_by``); it
    is recalled when the adjudication of the predicted votes has that member's
    no veto that draft; a predicted veto (member, draft) is right when the
    record has that member veto that draft.

``in_sample`` fits every predictor on all the cases; ``loo`` refits both logits
and recomputes the shares without the case being scored, so no case is scored
by a predictor that saw it. Left-out scores carry 95% case-bootstrap intervals
(:func:`bootstrap`): the cases are resampled with replacement and the pooled
scores recomputed from each case's sums (no refit per draw).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from collsec import limits
from collsec.behavior.fit import Fit, prior_fit
from collsec.behavior.parameters import Parameters
from collsec.cases.case import Case, RecordedDecision, builtin_case_ids, load_case
from collsec.cases.model import VoteTable, fit, vote_table
from collsec.errors import InputError
from collsec.institutions import Ballot, load_body
from collsec.institutions.rules import ABSTAIN, CODES, NO, YES

__all__ = [
    "PREDICTORS",
    "Predictor",
    "adjudicate_votes",
    "bootstrap",
    "case_files",
    "fidelity",
    "fidelity_of_folder",
    "fit_library",
    "fit_without",
    "lacks",
    "score",
    "train",
]

Progress = Callable[[str], None]

PREDICTORS = ("model", "all_yes", "ideal_point_logit", "great_power")
#: the probability a recorded vote counts as at least, in the log-loss
FLOOR = 1e-12
#: the case bootstrap of the left-out scores: draws, seed and level
BOOTSTRAP_DRAWS = 1000
BOOTSTRAP_SEED = 15
LEVEL = 0.95
#: a fit's convergence, as reported for every fit and refit (keys of ``Fit.to_dict``)
CONVERGENCE = ("iterations", "log_likelihood", "converged", "gradient_norm")
#: the options of recall and precision
TARGETS = ("no", "abstain", "veto")

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


# -- the predictors ----------------------------------------------------------------------


def _shares(y: np.ndarray) -> np.ndarray:
    """Shares of yes, no and abstain among vote codes ``y`` (indexed by the codes)."""
    counts = np.bincount(y[y >= 0], minlength=3)[:3].astype(float)
    return counts / counts.sum()


def great_power_rule(table: VoteTable) -> np.ndarray:
    """Where the rule predicts a no: a permanent member, the accused or tied to it."""
    return table.permanent & table.tied


@dataclass
class Predictor:
    """One predictor, trained: probabilities and a point prediction for any vote table."""

    name: str
    #: the fitted logit (``model``, ``ideal_point_logit``)
    fit: Fit | None = None
    #: the shares of yes, no and abstain (indexed by the vote codes): ``all`` for
    #: ``all_yes``; ``rule_no`` and ``rule_yes`` for ``great_power``
    shares: dict[str, np.ndarray] = field(default_factory=dict)

    def probabilities(self, table: VoteTable) -> np.ndarray:
        """(rows, 3) probabilities indexed by ``YES``, ``NO``, ``ABSTAIN``."""
        n = len(table.y)
        if self.fit is not None:
            return np.asarray(self.fit.probabilities(self._features(table)), dtype=float)
        if self.name == "all_yes":
            return np.tile(self.shares["all"], (n, 1))
        rule = great_power_rule(table)
        return np.where(rule[:, None], self.shares["rule_no"], self.shares["rule_yes"])

    def predict(self, table: VoteTable) -> np.ndarray:
        """The point prediction: the rule for ``all_yes`` and ``great_power``; for the
        logits, the fit's own (:meth:`Fit.predict`, its most probable option)."""
        if self.name == "all_yes":
            return np.full(len(table.y), YES)
        if self.name == "great_power":
            return np.where(great_power_rule(table), NO, YES)
        assert self.fit is not None
        return np.asarray(self.fit.predict(self._features(table)))

    def _features(self, table: VoteTable) -> np.ndarray:
        """The features the logit reads: the model's, or the baseline's two distances."""
        return table.X if self.name == "model" else table.B

    def summary(self) -> dict[str, Any]:
        """What was fitted: the fit's own summary, or the shares."""
        if self.fit is not None:
            return self.fit.to_dict()
        return {
            k: {
                o: round(float(v[c]), 4)
                for o, c in (("yes", YES), ("no", NO), ("abstain", ABSTAIN))
            }
            for k, v in self.shares.items()
        }

    def convergence(self) -> dict[str, Any] | None:
        if self.fit is None:
            return None
        d = self.fit.to_dict()
        return {k: d[k] for k in CONVERGENCE if k in d}


def train(name: str, table: VoteTable, params: Parameters) -> Predictor:
    """Predictor ``name`` trained on the scored votes of ``table``."""
    if name in ("model", "ideal_point_logit"):
        return Predictor(name, fit=fit(table, params, kind=name))
    scored = table.y >= 0
    if not scored.any():
        raise InputError("no sourced votes to train on", source=name)
    base = _shares(table.y)
    if name == "all_yes":
        return Predictor(name, shares={"all": base})
    if name == "great_power":
        rule = great_power_rule(table) & scored
        # a side of the rule with no training votes falls back on the base rates
        no = _shares(table.y[rule]) if rule.any() else base
        yes = _shares(table.y[scored & ~rule]) if (scored & ~rule).any() else base
        return Predictor(name, shares={"rule_no": no, "rule_yes": yes})
    raise ValueError(name)  # pragma: no cover - internal


# -- scores ----------------------------------------------------------------------------------

#: the per-case sums every score is a ratio of
SUMS = (
    "votes", "log_loss", "brier", "right", "contested", "contested_right",
    "decisions", "decisions_right",
    "no_recorded", "no_predicted", "no_both",
    "abstain_recorded", "abstain_predicted", "abstain_both",
    "veto_recorded", "veto_predicted", "veto_both",
)  # fmt: skip
_S = {k: i for i, k in enumerate(SUMS)}
#: each score: (numerator, denominator) among :data:`SUMS`
RATIOS: dict[str, tuple[str, str]] = {
    "log_loss": ("log_loss", "votes"),
    "brier": ("brier", "votes"),
    "vote_accuracy": ("right", "votes"),
    "contested_vote_accuracy": ("contested_right", "contested"),
    "decision_accuracy": ("decisions_right", "decisions"),
    **{f"recall.{t}": (f"{t}_both", f"{t}_recorded") for t in TARGETS},
    **{f"precision.{t}": (f"{t}_both", f"{t}_predicted") for t in TARGETS},
}


def recorded_vetoes(d: RecordedDecision) -> set[str]:
    """The members whose no vetoed the draft, on the record."""
    return set(d.vetoed_by) if d.outcome == "vetoed" else set()


def case_sums(
    cases: list[Case], table: VoteTable, probs: np.ndarray, pred: np.ndarray
) -> np.ndarray:
    """(cases, len(SUMS)): each case's sums for predicted probabilities ``probs`` and
    point predictions ``pred`` (rows of ``table``)."""
    out = np.zeros((len(cases), len(SUMS)))
    rows_of = {c.id: np.flatnonzero(table.case == c.id) for c in cases}
    for i, c in enumerate(cases):
        rows = rows_of[c.id]
        y, p, pr = table.y[rows], probs[rows], pred[rows]
        s = y >= 0
        y, p, pr, cont = y[s], p[s], pr[s], table.contested[rows][s]
        onehot = np.zeros_like(p)
        onehot[np.arange(len(y)), y] = 1.0
        got = p[np.arange(len(y)), y]
        o = out[i]
        o[_S["votes"]] = len(y)
        o[_S["log_loss"]] = float(-np.log(np.maximum(got, FLOOR)).sum())
        o[_S["brier"]] = float(((p - onehot) ** 2).sum())
        o[_S["right"]] = float((pr == y).sum())
        o[_S["contested"]] = float(cont.sum())
        o[_S["contested_right"]] = float((cont & (pr == y)).sum())
        for name, code in (("no", NO), ("abstain", ABSTAIN)):
            o[_S[f"{name}_recorded"]] = float((y == code).sum())
            o[_S[f"{name}_predicted"]] = float((pr == code).sum())
            o[_S[f"{name}_both"]] = float(((y == code) & (pr == code)).sum())
        # decisions: the predicted votes of members present, adjudicated
        dec = table.decision[rows]
        for k, d in enumerate(c.record):
            r = rows[dec == k]
            votes = {
                str(m): int(v)
                for m, v, ab in zip(table.member[r], pred[r], table.absent[r], strict=True)
                if not ab
            }
            adopted, _, vetoed = adjudicate_votes(d, votes)
            rec = recorded_vetoes(d)
            o[_S["decisions"]] += 1
            o[_S["decisions_right"]] += adopted == d.adopted
            o[_S["veto_recorded"]] += len(rec)
            o[_S["veto_predicted"]] += len(set(vetoed))
            o[_S["veto_both"]] += len(rec & set(vetoed))
    return out


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)


def _r(x: float) -> float | None:
    return None if not np.isfinite(x) else round(float(x), 4)


def score(sums: np.ndarray) -> dict[str, Any]:
    """The scores of summed contributions (a row of :func:`case_sums`, or their sum)."""
    s = np.asarray(sums, dtype=float)
    flat = {k: _r(float(_ratio(s[_S[a]], s[_S[b]]))) for k, (a, b) in RATIOS.items()}
    return _nest(flat)


def _nest(flat: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in flat.items():
        if "." in k:
            head, tail = k.split(".")
            out.setdefault(head, {})[tail] = v
        else:
            out[k] = v
    return out


def bootstrap_weights(n_cases: int, draws: int = BOOTSTRAP_DRAWS, seed: int = BOOTSTRAP_SEED):
    """(draws, cases): how many times each case is drawn in each resample."""
    rng = np.random.default_rng(seed)
    return rng.multinomial(n_cases, np.full(n_cases, 1.0 / n_cases), size=draws).astype(float)


def bootstrap(per_case: np.ndarray, weights: np.ndarray) -> dict[str, Any]:
    """95% percentile intervals of every score over case resamples ``weights``.

    Returns ``{"log_loss_ci": [lo, hi], ..., "recall_ci": {"no": [lo, hi], ...}}``;
    ``None`` where no resample has the score's denominator above 0, and for a
    single case.
    """
    t = weights @ per_case  # (draws, sums)
    lo, hi = 50 * (1 - LEVEL), 50 * (1 + LEVEL)
    flat = {}
    for k, (a, b) in RATIOS.items():
        vals = _ratio(t[:, _S[a]], t[:, _S[b]])
        # one case resampled is that case every time: no interval
        vals = vals[np.isfinite(vals)] if len(per_case) > 1 else vals[:0]
        head, _, tail = k.partition(".")
        key = f"{head}_ci" + (f".{tail}" if tail else "")
        flat[key] = (
            None
            if len(vals) == 0
            else [
                round(float(np.percentile(vals, lo)), 4),
                round(float(np.percentile(vals, hi)), 4),
            ]
        )
    return _nest(flat)


def _best(scores: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The predictor with the lowest log-loss and the lowest Brier score."""
    out = {}
    for k in ("log_loss", "brier"):
        have = [(s[k], n) for n, s in scores.items() if s.get(k) is not None]
        out[k] = min(have)[1] if have else None
    return out


def _margin(
    per_case: dict[str, np.ndarray], best: str, weights: np.ndarray
) -> dict[str, Any] | None:
    """How much higher the runner-up's log-loss is than ``best``'s, with its paired
    case-bootstrap interval (the same resamples for both)."""
    ll = {
        n: s[:, _S["log_loss"]].sum() / s[:, _S["votes"]].sum()
        for n, s in per_case.items()
        if s[:, _S["votes"]].sum() > 0
    }
    others = sorted((v, n) for n, v in ll.items() if n != best)
    if best not in ll or not others:
        return None
    runner = others[0][1]
    t_b = weights @ per_case[best]
    t_r = weights @ per_case[runner]
    diff = _ratio(t_r[:, _S["log_loss"]], t_r[:, _S["votes"]]) - _ratio(
        t_b[:, _S["log_loss"]], t_b[:, _S["votes"]]
    )
    diff = diff[np.isfinite(diff)] if len(weights[0]) > 1 else diff[:0]
    lo, hi = 50 * (1 - LEVEL), 50 * (1 + LEVEL)
    return {
        "runner_up": runner,
        "log_loss_margin": round(float(ll[runner] - ll[best]), 4),
        "log_loss_margin_ci": [
            round(float(np.percentile(diff, lo)), 4),
            round(float(np.percentile(diff, hi)), 4),
        ]
        if len(diff)
        else None,
    }


@dataclass
class Scored:
    """Every predictor's probabilities and point predictions on one vote table."""

    probs: dict[str, np.ndarray]
    pred: dict[str, np.ndarray]

    @classmethod
    def empty(cls, n: int) -> Scored:
        return cls(
            {k: np.zeros((n, 3)) for k in PREDICTORS},
            {k: np.zeros(n, dtype=np.int64) for k in PREDICTORS},
        )

    def fill(self, rows: np.ndarray, table: VoteTable, predictors: dict[str, Predictor]) -> None:
        for k, p in predictors.items():
            self.probs[k][rows] = p.probabilities(table)
            self.pred[k][rows] = p.predict(table)

    def sums(self, cases: list[Case], table: VoteTable) -> dict[str, np.ndarray]:
        return {k: case_sums(cases, table, self.probs[k], self.pred[k]) for k in PREDICTORS}


def _section(per_case: dict[str, np.ndarray], weights: np.ndarray | None) -> dict[str, Any]:
    """Pooled scores of every predictor (with intervals when ``weights`` is given)."""
    out: dict[str, Any] = {}
    for k in PREDICTORS:
        out[k] = score(per_case[k].sum(axis=0))
        if weights is not None:
            ci = bootstrap(per_case[k], weights)
            out[k] = {**out[k], **{key: ci[key] for key in ci}}
    best = _best({k: out[k] for k in PREDICTORS})
    if weights is not None and best["log_loss"] is not None:
        best.update(_margin(per_case, best["log_loss"], weights) or {})
    out["best"] = best
    return out


def _counts(cases: list[Case], table: VoteTable) -> dict[str, int]:
    scored = table.y >= 0
    return {
        "votes_scored": int(scored.sum()),
        "contested_votes": int((scored & table.contested).sum()),
        "decisions": sum(len(c.record) for c in cases),
        "vetoes_recorded": sum(len(recorded_vetoes(d)) for c in cases for d in c.record),
    }


def _bootstrap_info(n_cases: int) -> dict[str, Any]:
    return {
        "unit": "case",
        "cases": n_cases,
        "draws": BOOTSTRAP_DRAWS,
        "seed": BOOTSTRAP_SEED,
        "level": LEVEL,
    }


# -- the library -------------------------------------------------------------------------------


def fidelity(
    cases: list[Case],
    params: Parameters | None = None,
    *,
    loo: bool = True,
    outcomes: dict[str, str] | None = None,
    shares: dict[str, dict[str, float]] | None = None,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """The fidelity report (``collsec fidelity``): see the module docstring and
    docs/json.md for its keys.

    ``outcomes`` maps case ids to the institution class the free run predicts
    (its most frequent class); ``outcome_matches`` counts the cases where it
    equals the record's. ``shares`` (optional) gives each class's share of
    the free runs, reported per case.
    """
    if not cases:
        raise InputError("no cases to score", source="fidelity")
    p = params or Parameters.default()
    table = vote_table(cases, p)
    predictors = {k: train(k, table, p) for k in PREDICTORS}
    ins = Scored.empty(len(table.y))
    ins.fill(np.ones(len(table.y), dtype=bool), table, predictors)
    ins_sums = ins.sums(cases, table)
    report: dict[str, Any] = {**_counts(cases, table), "cases_scored": len(cases)}
    report["in_sample"] = _section(ins_sums, None)
    loo_sums = None
    if loo:
        out = Scored.empty(len(table.y))
        fits = []
        for c in cases:
            if progress:
                progress(c.id)
            rows = table.case == c.id
            train_t, test_t = table.select(~rows), table.select(rows)
            fold = {k: train(k, train_t, p) for k in PREDICTORS}
            out.fill(rows, test_t, fold)
            fits.append({"case": c.id, **{k: fold[k].convergence() for k in fold if fold[k].fit}})
        loo_sums = out.sums(cases, table)
        report["loo"] = {
            **_section(loo_sums, bootstrap_weights(len(cases))),
            "refits": len(cases),
            "fits": fits,
            "bootstrap": _bootstrap_info(len(cases)),
        }
    if outcomes is not None:
        matches = [c.id for c in cases if outcomes.get(c.id) == c.outcome.institution]
        report["outcome_matches"] = {"matches": len(matches), "cases": len(cases), "ids": matches}
    rows = []
    for i, c in enumerate(cases):
        here = table.case == c.id
        row: dict[str, Any] = {
            "id": c.id,
            "decisions": len(c.record),
            "votes_scored": int((here & (table.y >= 0)).sum()),
            "contested_votes": int((here & (table.y >= 0) & table.contested).sum()),
            "vetoes_recorded": sum(len(recorded_vetoes(d)) for d in c.record),
            "in_sample": {k: score(ins_sums[k][i]) for k in PREDICTORS},
        }
        if loo_sums is not None:
            row["loo"] = {k: score(loo_sums[k][i]) for k in PREDICTORS}
        if outcomes is not None:
            row["outcome"] = {"record": c.outcome.institution, "free_run": outcomes.get(c.id)}
            if shares is not None and c.id in shares:
                row["outcome"]["shares"] = shares[c.id]
        rows.append(row)
    report["cases"] = rows
    report["fitted"] = {k: predictors[k].summary() for k in PREDICTORS}
    return report


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


# -- a folder of the user's cases ---------------------------------------------------------------

#: what a decision may lack, and how to tell (the draft's content fields are optional)
LACKS: dict[str, Callable[[RecordedDecision], bool]] = {
    "votes": lambda d: d.status not in ("named", "derived"),
    "sponsors": lambda d: not d.sponsors,
    "sources": lambda d: not d.sources,
    "content": lambda d: d.content is None or not d.content.known,
}
_SIDE_FILES = (".record.toml", ".record.built.toml")


def lacks(case: Case) -> dict[str, list[str]]:
    """For each optional part of a decision, the symbols of the decisions without it
    (``votes``: status ``partial`` or ``tally``, so not scored; ``sponsors``, ``sources``:
    none recorded; ``content``: no ``[decision.content]`` table, or its text unknown, so
    the draft is read by its measure)."""
    return {k: [d.symbol for d in case.record if test(d)] for k, test in LACKS.items()}


def case_files(folder: str | Path, *, option: str = "--cases") -> list[Path]:
    """The case files (``<id>.toml``) of a folder, sorted; one-line errors for a
    folder that is missing, not a folder, empty of cases, or over the bound."""
    path = Path(folder)
    if not path.exists():
        raise InputError("no such folder", source=str(folder), field=option)
    if not path.is_dir():
        raise InputError("not a folder", source=str(folder), field=option)
    try:
        files = sorted(
            p
            for p in path.iterdir()
            if p.name.endswith(".toml") and not p.name.endswith(_SIDE_FILES)
        )
    except OSError as e:
        raise InputError(
            f"cannot read folder ({e.strerror})", source=str(folder), field=option
        ) from None
    if not files:
        raise InputError(
            "no cases (a case is <id>.toml with <id>.record.toml and <id>.actors.csv)",
            source=str(folder),
            field=option,
        )
    limits.check("case_files", len(files), source=str(folder), field=option)
    return files


def _key(d: RecordedDecision) -> tuple[str, str]:
    return (re.sub(r"\s+", " ", d.symbol).strip(), d.date.isoformat())


def _library_overlap(case: Case, library: Iterable[Case]) -> list[str]:
    """Library cases with the same id as ``case`` or a decision in common (same
    symbol and date): scoring ``case`` with a predictor trained on them would be
    scoring it in-sample."""
    mine = {_key(d) for d in case.record}
    return sorted(
        c.id for c in library if c.id == case.id or any(_key(d) in mine for d in c.record)
    )


def fidelity_of_folder(
    folder: str | Path,
    params: Parameters | None = None,
    *,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Scores of every case of a folder (``collsec fidelity --cases DIR``).

    The model is the shipped one (the calibrated parameters, :func:`prior_fit`, not
    refitted); the baselines are trained on the whole library. A case with a library
    case's id, or sharing a decision with one, is scored by the model and baselines
    trained without those library cases, so no library case is scored in-sample.
    """
    p = params or Parameters.default()
    files = case_files(folder)
    cases = [load_case(f) for f in files]
    library = [load_case(i) for i in builtin_case_ids()]
    lib_table = vote_table(library, p)
    table = vote_table(cases, p)
    scored = Scored.empty(len(table.y))
    groups: dict[tuple[str, ...], list[Case]] = {}
    for c in cases:
        groups.setdefault(tuple(_library_overlap(c, library)), []).append(c)
    fits = []
    trained: dict[tuple[str, ...], dict[str, Predictor]] = {}
    for without, members in groups.items():
        if progress:
            progress(", ".join(c.id for c in members))
        if without:
            train_t = lib_table.select(~np.isin(lib_table.case, without))
            preds = {k: train(k, train_t, p) for k in PREDICTORS}
        else:
            preds = {k: train(k, lib_table, p) for k in PREDICTORS if k != "model"}
            preds["model"] = Predictor("model", fit=prior_fit(p))
        trained[without] = preds
        rows = np.isin(table.case, [c.id for c in members])
        scored.fill(rows, table.select(rows), preds)
        fits.append(
            {
                "cases": [c.id for c in members],
                "trained_without": list(without),
                "model_from": "refit" if without else "shipped",
                # the shipped model is not fitted here: no convergence to report
                "model": preds["model"].convergence() if without else None,
                "ideal_point_logit": preds["ideal_point_logit"].convergence(),
            }
        )
    sums = scored.sums(cases, table)
    report: dict[str, Any] = {
        "cases_dir": str(folder),
        "scored_with": "shipped model",
        "refitted": sorted(c.id for c in cases if _library_overlap(c, library)),
        **_counts(cases, table),
        "cases_scored": len(cases),
        "scores": _section(sums, bootstrap_weights(len(cases))),
        "bootstrap": _bootstrap_info(len(cases)),
    }
    rows_out = []
    for i, c in enumerate(cases):
        without = _library_overlap(c, library)
        here = table.case == c.id
        rows_out.append(
            {
                "id": c.id,
                "file": str(c.path),
                "decisions": len(c.record),
                "votes_scored": int((here & (table.y >= 0)).sum()),
                "contested_votes": int((here & (table.y >= 0) & table.contested).sum()),
                "vetoes_recorded": sum(len(recorded_vetoes(d)) for d in c.record),
                "scored_with": "shipped model" if not without else "model refitted",
                "trained_without": without,
                "lacks": lacks(c),
                "scores": {k: score(sums[k][i]) for k in PREDICTORS},
            }
        )
    report["cases"] = rows_out
    report["fits"] = fits
    shipped = trained.get(())
    report["fitted"] = {
        "model": prior_fit(p).to_dict(),
        **({k: shipped[k].summary() for k in PREDICTORS if k != "model"} if shipped else {}),
    }
    return report

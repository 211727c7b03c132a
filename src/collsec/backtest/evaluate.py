"""Scores of the model and of two baselines on ICB's targets.

* **model**: the kernel's signals for each crisis (:mod:`collsec.backtest.mechanism`)
  -- the Council's and the regional bodies' expected votes, vetoes and
  measures, the parties' membership and veto shields, the Council's agenda --
  linked to each target by a logistic calibration fitted per institution
  (:data:`MODEL_FEATURES`, with a UN copy of each: :data:`DESIGN_COLUMNS`);
* **era**: the base rate of each era (League 1920-45, Cold War 1945-89, after 1990);
* **logistic**: a logistic regression on the allowed ICB inputs themselves
  (trigger type, triggering entity, region, gravity, era, number of initial actors).

Nothing is fitted on the file evaluated. When that file is the development
split itself, every fitted piece -- the model's calibration, the era rates and
the logistic baseline -- is cross-validated on the same folds, so no score is
in-sample. Binary targets get the AUC with a bootstrap 95% interval and the
Brier score; the four-step activity ladder gets macro-F1 and Spearman's rho.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import rankdata, spearmanr
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss, f1_score, roc_auc_score
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from collsec.backtest.icb import ACTIVITY_STEPS, ERAS, TARGETS, IcbCrisis

__all__ = [
    "BASELINE_INPUTS",
    "BINARY_TARGETS",
    "DESIGN_COLUMNS",
    "FEATURE_LABELS",
    "MODEL_FEATURES",
    "Scores",
    "baseline_design",
    "model_design",
    "predict_link",
    "score_binary",
    "score_ordinal",
    "signal_ablation",
    "within_era",
]

#: The model's features: every one is a kernel output or the institutional
#: state of the day (which organisation exists, who is a member, what the
#: Council already has on its agenda and how busy it is, how many states the
#: crisis engulfs when it breaks).
MODEL_FEATURES = (
    "un",
    "member_parties",
    "log_agenda_10y",
    "log_agenda_1y",
    "log_recourse",
    "log_council_load_5y",
    "initial_actors",
    "p_adopted",
    "p_vetoed",
    "p_act_level",
    "shielded",
    "major_party",
    "internal",
    "severity",
    "regional_bodies",
    "p_regional",
    "party_cinc",
)
#: What each feature means, in the words a narration uses (at most 44 characters).
FEATURE_LABELS = {
    "un": "the UN era, not the League's",
    "member_parties": "parties that were members",
    "log_agenda_10y": "Council decisions on the parties, 10 years",
    "log_agenda_1y": "Council decisions on the parties, last year",
    "log_recourse": "meetings on the parties' complaints, letters",
    "log_council_load_5y": "the Council's workload",
    "initial_actors": "states engulfed when it broke",
    "p_adopted": "the kernel's Council adopting a draft",
    "p_vetoed": "the kernel's Council vetoing a draft",
    "p_act_level": "the kernel's Council adopting measures",
    "shielded": "an aggressor shielded by a veto",
    "major_party": "a major power among the parties",
    "internal": "an internal crisis",
    "severity": "the threat's severity",
    "regional_bodies": "regional organisations in being",
    "p_regional": "the kernel's regional body acting",
    "party_cinc": "the parties' share of world capabilities",
}
#: Features whose weight may differ under the United Nations from the League:
#: the link is fitted per institution (a ``un:`` copy of each, zero before 24
#: October 1945). ``un`` itself and the Council's workload (zero before 1946)
#: are the UN's already.
UN_ONLY = ("un", "log_council_load_5y")
DESIGN_COLUMNS = (*MODEL_FEATURES, *(f"un:{f}" for f in MODEL_FEATURES if f not in UN_ONLY))

#: The allowed ICB inputs of the logistic baseline, one-hot.
BASELINE_INPUTS = ("breakpoint", "trigger_entity", "geog", "gravcr", "era")
#: L2 penalty (inverse strength) of every logistic fit; fixed in advance, not tuned.
C_PENALTY = 0.3
FOLDS = 10
BOOTSTRAP = 1000


def _trigger_entity(c: IcbCrisis) -> str:
    if c.trigent is None:
        return "unknown"
    return {995: "internal", 996: "non_state", 997: "several_states"}.get(c.trigent, "state")


def model_design(crises: Sequence[IcbCrisis], signals: pd.DataFrame) -> pd.DataFrame:
    """The model's design matrix, one row per crisis (index: crisno): :data:`DESIGN_COLUMNS`."""
    s = signals.set_index("crisno").loc[[c.crisno for c in crises]]
    out = pd.DataFrame(index=s.index)
    out["un"] = [float(c.institution == "un") for c in crises]
    out["log_agenda_10y"] = np.log1p(s["agenda_10y"])
    out["log_agenda_1y"] = np.log1p(s["agenda_1y"])
    out["log_recourse"] = np.log1p(s["recourse"])
    out["log_council_load_5y"] = np.log1p(s["council_load_5y"])
    for col in MODEL_FEATURES:
        if col not in out:
            out[col] = s[col].astype(float)
    for col in MODEL_FEATURES:
        if col not in UN_ONLY:
            out[f"un:{col}"] = out[col] * out["un"]
    return out[list(DESIGN_COLUMNS)]


def baseline_inputs(crises: Sequence[IcbCrisis], gravity: bool = True) -> pd.DataFrame:
    """The allowed inputs as categories (index: crisno)."""
    rows = []
    for c in crises:
        rows.append(
            {
                "crisno": c.crisno,
                "breakpoint": str(c.breakpoint),
                "trigger_entity": _trigger_entity(c),
                "geog": str(c.geog),
                "gravcr": str(c.gravcr) if gravity else "ablated",
                "era": str(c.era),
                "initial_actors": float(len(c.initial)),
            }
        )
    return pd.DataFrame(rows).set_index("crisno")


def baseline_design(train: pd.DataFrame, test: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """One-hot design matrices with the training categories (unseen ones are all-zero)."""
    cats = {c: sorted(train[c].unique()) for c in BASELINE_INPUTS}

    def enc(df: pd.DataFrame) -> np.ndarray:
        cols = [(df[c].to_numpy()[:, None] == np.array(v)[None, :]) for c, v in cats.items()]
        return np.hstack([*cols, df[["initial_actors"]].to_numpy()]).astype(float)

    return enc(train), enc(test)


def _logit():
    return make_pipeline(StandardScaler(), LogisticRegression(C=C_PENALTY, max_iter=5000))


def fit_predict_model(xtr, ytr, xte, ordinal: bool = False) -> np.ndarray:
    """Probabilities (binary: of 1; ordinal: one column per step present in ytr)."""
    m = _logit().fit(xtr, ytr)
    p = m.predict_proba(xte)
    return p[:, 1] if not ordinal else _full_columns(p, m.classes_)


def _full_columns(p: np.ndarray, classes: np.ndarray) -> np.ndarray:
    out = np.zeros((len(p), len(ACTIVITY_STEPS)))
    out[:, classes.astype(int)] = p
    return out


def predict_link(link: dict[str, Any], target: str, x: np.ndarray) -> np.ndarray:
    """Probabilities from a shipped link (binary: of 1; activity: one column per step)."""
    spec = link[target]
    z = (x - np.array(spec["mean"])) / np.array(spec["scale"])
    logits = z @ np.array(spec["coef"]).T + np.array(spec["intercept"])
    if target != "activity":
        return 1.0 / (1.0 + np.exp(-logits[:, 0]))
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    p = e / e.sum(axis=1, keepdims=True)
    out = np.zeros((len(x), len(ACTIVITY_STEPS)))
    out[:, spec["classes"]] = p
    return out


def era_rates(eras_tr: np.ndarray, ytr: np.ndarray, eras_te: np.ndarray, ordinal: bool = False):
    """Each era's base rate (or step distribution) from the training rows."""
    k = len(ACTIVITY_STEPS)
    overall = np.bincount(ytr, minlength=k) / len(ytr) if ordinal else ytr.mean()
    table = {}
    for e in ERAS:
        y = ytr[eras_tr == e]
        if len(y) == 0:
            table[e] = overall
        else:
            table[e] = np.bincount(y, minlength=k) / len(y) if ordinal else y.mean()
    return np.array([table.get(e, overall) for e in eras_te])


# --------------------------------------------------------------------------- metrics


def auc_interval(
    y: np.ndarray, p: np.ndarray, *, reps: int = BOOTSTRAP, seed: int = 0
) -> tuple[float, float]:
    """Percentile bootstrap 95% interval of the AUC (resampling crises).

    All resamples at once, each AUC by the Mann-Whitney identity (mean rank of
    the positives); resamples with a single class are dropped.
    """
    rng = np.random.default_rng(seed)
    n = len(y)
    idx = rng.integers(0, n, (reps, n))
    ys, ps = y[idx], p[idx]
    n1 = ys.sum(axis=1)
    n0 = n - n1
    ok = (n1 > 0) & (n0 > 0)
    ranks = rankdata(ps[ok], axis=1)
    n1, n0 = n1[ok], n0[ok]
    auc = ((ranks * ys[ok]).sum(axis=1) - n1 * (n1 + 1) / 2) / (n1 * n0)
    lo, hi = np.percentile(auc, [2.5, 97.5])
    return float(lo), float(hi)


def score_binary(y: np.ndarray, p: np.ndarray, *, seed: int = 0) -> dict[str, float]:
    lo, hi = auc_interval(y, p, seed=seed)
    return {
        "n": len(y),
        "positives": int(y.sum()),
        "auc": round(float(roc_auc_score(y, p)), 4),
        "auc_ci_low": round(lo, 4),
        "auc_ci_high": round(hi, 4),
        "brier": round(float(brier_score_loss(y, p)), 4),
    }


def score_ordinal(y: np.ndarray, probs: np.ndarray) -> dict[str, float]:
    pred = probs.argmax(axis=1)
    expected = probs @ np.arange(probs.shape[1])
    # a constant prediction (an era's base rate) ranks nothing
    constant = np.ptp(expected) == 0 or np.ptp(y) == 0
    rho = 0.0 if constant else spearmanr(y, expected).statistic
    return {
        "n": len(y),
        "macro_f1": round(float(f1_score(y, pred, average="macro", labels=[0, 1, 2, 3])), 4),
        "spearman": round(float(0.0 if np.isnan(rho) else rho), 4),
        "accuracy": round(float(np.mean(pred == y)), 4),
        "steps": dict(zip(ACTIVITY_STEPS, np.bincount(y, minlength=4).tolist(), strict=True)),
    }


# --------------------------------------------------------------------------- the runs


@dataclass
class Scores:
    """Per-target predictions of every method, for scoring and narration."""

    crisno: dict[str, np.ndarray]
    truth: dict[str, np.ndarray]
    predictions: dict[str, dict[str, np.ndarray]]  # target -> method -> probs

    def summary(self, seed: int = 0) -> dict[str, dict]:
        out: dict[str, dict] = {}
        for target in TARGETS:
            y = self.truth[target]
            preds = self.predictions[target]
            score = score_ordinal if target == "activity" else score_binary
            kw = {} if target == "activity" else {"seed": seed}
            out[target] = {
                "n": len(y),
                "model": score(y, preds["model"], **kw),
                "baselines": {
                    "era": score(y, preds["era"], **kw),
                    "logistic": score(y, preds["logistic"], **kw),
                },
                "ablation_without_gravity": {
                    "model": score(y, preds["model_without_gravity"], **kw),
                    "logistic": score(y, preds["logistic_without_gravity"], **kw),
                },
            }
        return out


def _rows(targets: pd.DataFrame, crises: Sequence[IcbCrisis], target: str) -> np.ndarray:
    t = targets.set_index("crisno")[target].reindex([c.crisno for c in crises])
    return t.to_numpy(dtype=float, na_value=np.nan)


def _designs(data):
    """Model design with and without gravity, baseline inputs likewise, and eras."""
    crises, _, sig, sig0 = data
    return (
        model_design(crises, sig).to_numpy(),
        model_design(crises, sig0).to_numpy(),
        baseline_inputs(crises),
        baseline_inputs(crises, gravity=False),
        np.array([str(c.era) for c in crises]),
    )


def _cv_splits(y: np.ndarray, keep: np.ndarray, ordinal: bool, seed: int):
    """The folds every method shares: (train rows, test rows, positions in ``y``)."""
    smallest = int(np.bincount(y).min()) if ordinal else int(min(y.sum(), len(y) - y.sum()))
    k = max(2, min(FOLDS, smallest)) if not ordinal else FOLDS
    folds = StratifiedKFold(k, shuffle=True, random_state=seed)
    idx = np.flatnonzero(keep)
    return [(idx[a], idx[b], b) for a, b in folds.split(idx, y)]


#: The binary targets, in the order tables show them.
BINARY_TARGETS = ("involvement", "council_action", "effectiveness", "regional")


def signal_ablation(
    test: tuple[Sequence[IcbCrisis], pd.DataFrame, pd.DataFrame, pd.DataFrame],
    seed: int = 0,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, dict[str, float]]:
    """Cross-validated AUC lost when one signal (and its UN copy) is left out.

    For every feature of :data:`MODEL_FEATURES` and every binary target, the
    model is refitted without it on the same folds as :func:`predict_all`;
    the value is that AUC minus the full model's (negative: the signal helps).
    The first key is ``"full"``, the full model's AUCs. ``progress(done, total)``
    is told of each target done.
    """
    crises, targets = test[0], test[1]
    x = model_design(crises, test[2])
    out: dict[str, dict[str, float]] = {"full": {}}
    drops = {f: [f, f"un:{f}"] for f in MODEL_FEATURES}
    if progress is not None:
        progress(0, len(BINARY_TARGETS))
    for target in BINARY_TARGETS:
        y_all = _rows(targets, crises, target)
        keep = ~np.isnan(y_all)
        y = y_all[keep].astype(int)
        splits = _cv_splits(y, keep, False, seed)

        def auc(cols: list[str], y_all=y_all, y=y, splits=splits) -> float:
            xm = x[cols].to_numpy()
            p = np.zeros(len(y))
            for tr, te, pos in splits:
                p[pos] = fit_predict_model(xm[tr], y_all[tr].astype(int), xm[te])
            return float(roc_auc_score(y, p))

        full = auc(list(DESIGN_COLUMNS))
        out["full"][target] = round(full, 4)
        for f, cols in drops.items():
            rest = [c for c in DESIGN_COLUMNS if c not in cols]
            out.setdefault(f, {})[target] = round(auc(rest) - full, 4)
        if progress is not None:
            progress(len(out["full"]), len(BINARY_TARGETS))
    return out


def within_era(scores: Scores, crises: Sequence[IcbCrisis]) -> dict[str, dict[str, dict]]:
    """AUC of the model and the logistic baseline inside each era, per binary target.

    Scores pooled over eras reward a method for knowing each era's base rate
    (the era baseline does nothing else); inside an era only the ranking of
    its own crises counts. An era where a target has one class is left out.
    """
    era_of = {c.crisno: c.era for c in crises}
    out: dict[str, dict[str, dict]] = {}
    for era in ERAS:
        row: dict[str, dict] = {}
        for target in BINARY_TARGETS:
            mask = np.array([era_of[int(n)] == era for n in scores.crisno[target]], dtype=bool)
            y = scores.truth[target][mask]
            if len(y) == 0 or y.min() == y.max():
                continue
            row[target] = {
                "n": len(y),
                "positives": int(y.sum()),
                **{
                    m: round(float(roc_auc_score(y, scores.predictions[target][m][mask])), 4)
                    for m in ("model", "logistic")
                },
            }
        if row:
            out[era] = row
    return out


def predict_all(
    *,
    train: tuple[Sequence[IcbCrisis], pd.DataFrame, pd.DataFrame, pd.DataFrame] | None,
    test: tuple[Sequence[IcbCrisis], pd.DataFrame, pd.DataFrame, pd.DataFrame],
    seed: int = 0,
    link: dict | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Scores:
    """Predictions for every target; cross-validated when ``train`` is None.

    Each tuple is ``(crises, targets, signals, signals_without_gravity)``. With
    ``train`` and a shipped ``link`` (:mod:`collsec.backtest.calibrate`) the
    model's probabilities come from the link instead of a refit.
    ``progress(done, total)`` is told of each target predicted.
    """
    crises_te, targets_te = test[0], test[1]
    x_te, x0_te, b_te, b0_te, era_te = _designs(test)
    if train is not None:
        crises_tr, targets_tr = train[0], train[1]
        x_tr, x0_tr, b_tr, b0_tr, era_tr = _designs(train)
    crisno, truth, preds = {}, {}, {}
    if progress is not None:
        progress(0, len(TARGETS))
    for target in TARGETS:
        ordinal = target == "activity"
        y_te_all = _rows(targets_te, crises_te, target)
        keep_te = ~np.isnan(y_te_all)
        y_te = y_te_all[keep_te].astype(int)
        crisno[target] = np.array([c.crisno for c in crises_te])[keep_te]
        truth[target] = y_te
        shape = (len(y_te), len(ACTIVITY_STEPS)) if ordinal else (len(y_te),)
        out = {
            k: np.zeros(shape)
            for k in (
                "model",
                "era",
                "logistic",
                "model_without_gravity",
                "logistic_without_gravity",
            )
        }
        if train is None:
            splits = _cv_splits(y_te, keep_te, ordinal, seed)
            src = (x_te, x0_te, b_te, b0_te, era_te, y_te_all)
        else:
            y_tr_all = _rows(targets_tr, crises_tr, target)
            tr = np.flatnonzero(~np.isnan(y_tr_all))
            splits = [(tr, np.flatnonzero(keep_te), np.arange(len(y_te)))]
            src = (x_tr, x0_tr, b_tr, b0_tr, era_tr, y_tr_all)
        sx, sx0, sb, sb0, sera, sy = src
        for tr, te, pos in splits:
            ytr = sy[tr].astype(int)
            if link is not None and train is not None:
                out["model"][pos] = predict_link(link, target, x_te[te])
            else:
                out["model"][pos] = fit_predict_model(sx[tr], ytr, x_te[te], ordinal)
            out["model_without_gravity"][pos] = fit_predict_model(sx0[tr], ytr, x0_te[te], ordinal)
            out["era"][pos] = era_rates(sera[tr], ytr, era_te[te], ordinal)
            for key, btr, bte in (
                ("logistic", sb, b_te),
                ("logistic_without_gravity", sb0, b0_te),
            ):
                d_tr, d_te = baseline_design(btr.iloc[tr], bte.iloc[te])
                out[key][pos] = fit_predict_model(d_tr, ytr, d_te, ordinal)
        preds[target] = out
        if progress is not None:
            progress(len(preds), len(TARGETS))
    return Scores(crisno=crisno, truth=truth, predictions=preds)

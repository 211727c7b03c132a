"""``collsec calibrate``: fit the behaviour model's global parameters on development data.

Two fits, both on development data only:

1. **The vote model** on every sourced vote of the case library
   (:func:`collsec.cases.model.fit`): the six utility weights and the two vote
   thresholds. They are written as a parameter file the package ships
   (``collsec/behavior/calibrated.toml``, read with
   :meth:`collsec.behavior.parameters.Parameters.from_file`).
2. **The ICB link** on the development split of ICB: for each target, the
   logistic calibration of the kernel's signals (run with the parameters of
   step 1), written to ``collsec/backtest/calibration.toml``. Any crisis that
   is not in the shipped development list is refused: the rest of ICB is kept
   for evaluation.

The cross-validated scores of the development split are printed with the fit.
"""

from __future__ import annotations

import datetime as dt
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import tomli_w

from collsec.backtest.evaluate import DESIGN_COLUMNS, _logit, model_design
from collsec.backtest.icb import (
    ACTIVITY_STEPS,
    TARGETS,
    dev_crisis_numbers,
    read_inputs,
    read_targets,
)
from collsec.behavior.parameters import Parameters
from collsec.data.loaders._core import file_digest
from collsec.errors import InputError

__all__ = [
    "LINK_FILE",
    "PARAMETER_FILE",
    "calibrate",
    "calibrated_parameters",
    "check_development",
    "shipped_link",
]

PARAMETER_FILE = "calibrated.toml"  # in collsec.behavior
LINK_FILE = "calibration.toml"  # in collsec.backtest


def _resource(package: str, name: str) -> Path:
    return Path(str(resources.files(package).joinpath(name)))


def calibrated_parameters() -> Parameters:
    """The shipped defaults with the calibrated values (the defaults if none shipped)."""
    path = _resource("collsec.behavior", PARAMETER_FILE)
    return Parameters.from_file(path) if path.is_file() else Parameters.default()


def shipped_link() -> dict[str, Any] | None:
    import tomllib

    path = _resource("collsec.backtest", LINK_FILE)
    if not path.is_file():
        return None
    link = tomllib.loads(path.read_text(encoding="utf-8"))
    if tuple(link.get("features", ())) != DESIGN_COLUMNS:
        raise InputError(
            "the shipped link was fitted on other features than the model's; "
            "run `collsec calibrate`",
            source=str(path),
            field="features",
        )
    return link


def check_development(crises_path: str | Path) -> None:
    """Refuse a crises file holding any crisis outside the development split."""
    nums = set(read_targets(crises_path)["crisno"])
    outside = sorted(nums - dev_crisis_numbers())
    if outside:
        raise InputError(
            f"crisis {outside[0]} is not in ICB's development split ({len(outside)} such); "
            "calibration uses development crises only, the rest are kept for evaluation",
            source=str(crises_path),
            field="crisno",
        )


def fit_vote_model(params: Parameters) -> tuple[Parameters, dict[str, Any]]:
    """The vote model fitted on all sourced votes of the case library."""
    from collsec.cases.case import builtin_case_ids, load_case
    from collsec.cases.model import fit, vote_table

    cases = [load_case(i) for i in builtin_case_ids()]
    table = vote_table(cases, params)
    f = fit(table, params)
    return f.parameters(params), {"cases": len(cases), **f.to_dict()}


def fit_link(crises, targets, sig) -> dict[str, Any]:
    """Per target: the scaler and logistic coefficients on every development crisis."""
    x = model_design(crises, sig).to_numpy()
    t = targets.set_index("crisno").reindex([c.crisno for c in crises])
    out: dict[str, Any] = {"features": list(DESIGN_COLUMNS)}
    # the average development crisis of each institution, against which a narration
    # measures one crisis's signals (link_drivers)
    un = x[:, DESIGN_COLUMNS.index("un")] == 1
    out["reference"] = {
        org: [float(v) for v in x[rows].mean(axis=0)] for org, rows in (("league", ~un), ("un", un))
    }
    for target in TARGETS:
        y = t[target].to_numpy(dtype=float, na_value=np.nan)
        keep = ~np.isnan(y)
        m = _logit().fit(x[keep], y[keep].astype(int))
        scaler, lr = m[0], m[-1]
        out[target] = {
            "n": int(keep.sum()),
            "classes": [int(c) for c in lr.classes_],
            "mean": [float(v) for v in scaler.mean_],
            "scale": [float(v) for v in scaler.scale_],
            "intercept": [float(v) for v in np.atleast_1d(lr.intercept_)],
            "coef": [[float(v) for v in row] for row in np.atleast_2d(lr.coef_)],
        }
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


def link_drivers(link: dict[str, Any], target: str, x: np.ndarray) -> dict[str, float]:
    """What moved one crisis's prediction of a binary target under ``link``.

    Each feature's term of the log-odds, ``coef * (x - ref) / scale``: its push
    against the average development crisis of the same institution (``ref``, the
    link's ``reference`` row for the League or the UN). A feature's League weight
    and its UN copy (``un:f``) are one signal and are added together. The terms
    sum to the crisis's log-odds minus the reference crisis's. Sorted by size.
    """
    spec = link[target]
    x = np.asarray(x, dtype=float)
    org = "un" if x[DESIGN_COLUMNS.index("un")] == 1 else "league"
    ref = np.array(link["reference"][org])
    terms = (x - ref) / np.array(spec["scale"]) * np.array(spec["coef"][0])
    out: dict[str, float] = {}
    for name, v in zip(DESIGN_COLUMNS, terms, strict=True):
        base = name.removeprefix("un:")
        out[base] = out.get(base, 0.0) + float(v)
    return dict(sorted(out.items(), key=lambda kv: -abs(kv[1])))


def calibrate(
    crises_path: str | Path,
    actors_path: str | Path,
    *,
    data_dir: str | None = None,
    seed: int = 0,
    out_dir: str | Path | None = None,
    progress: bool = False,
) -> dict[str, Any]:
    """Fit, write the two files, and return what was fitted with the CV scores."""
    from collsec import __version__
    from collsec.backtest.mechanism import signals
    from collsec.backtest.run import DRAWS, backtest_icb
    from collsec.data.export import atomic_write_text

    check_development(crises_path)
    base = Parameters.default()
    params, vote = fit_vote_model(base)
    crises = read_inputs(crises_path, actors_path)
    targets = read_targets(crises_path)
    sig = signals(crises, params, draws=DRAWS, seed=seed, data_dir=data_dir, progress=progress)
    link = fit_link(crises, targets, sig)
    report, _ = backtest_icb(
        crises_path, actors_path, params=params, data_dir=data_dir, seed=seed, progress=progress
    )
    fitted = {k: getattr(params, k) for k in (*vote["weights"], "vote_no", "vote_yes")}
    stamp = {
        "collsec": __version__,
        "date": dt.date.today().isoformat(),
        "crises_sha256": file_digest(crises_path),
        "actors_sha256": file_digest(actors_path),
        "seed": seed,
        "draws": DRAWS,
    }
    p_dir = Path(out_dir) if out_dir else _resource("collsec.behavior", "")
    l_dir = Path(out_dir) if out_dir else _resource("collsec.backtest", "")
    header = (
        "# Written by `collsec calibrate`: the vote model's weights and thresholds fitted on\n"
        f"# every sourced vote of the case library ({vote['votes_fitted']} votes, "
        f"{vote['cases']} cases).\n# Read with Parameters.from_file; do not edit by hand.\n"
    )
    atomic_write_text(
        p_dir / PARAMETER_FILE, header + tomli_w.dumps({k: float(v) for k, v in fitted.items()})
    )
    link_doc = {
        "about": "ICB link: logistic calibration of the kernel's signals, all development crises",
        "provenance": stamp,
        "cv_scores": {
            t: {
                k: v
                for k, v in report["targets"][t]["model"].items()
                if k in ("auc", "brier", "macro_f1", "spearman")
            }
            for t in TARGETS
        },
        **link,
    }
    atomic_write_text(l_dir / LINK_FILE, tomli_w.dumps(link_doc))
    return {
        "parameters_file": str(p_dir / PARAMETER_FILE),
        "link_file": str(l_dir / LINK_FILE),
        "vote_model": vote,
        "parameters_fitted": {k: round(float(v), 4) for k, v in fitted.items()},
        "icb_link": {t: {"n": link[t]["n"]} for t in TARGETS},
        "cross_validated": report["targets"],
        "provenance": stamp,
    }

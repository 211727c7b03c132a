"""``collsec calibrate``: the behaviour model's global parameters, fitted on development data.

Two fits, both on development data only:

1. **The vote model** on every sourced vote of the case library
   (:func:`collsec.cases.fidelity.fit_library`, with
   :mod:`collsec.behavior.fit`): the support weights, the no/abstain tilt
   and the two vote thresholds, written as ``calibrated.toml`` (read with
   :meth:`collsec.behavior.parameters.Parameters.from_file`).
2. **The ICB link** on the development split of ICB: for each target, the
   logistic calibration of the kernel's signals (run with the parameters of
   step 1), written as ``calibration.toml``. Any crisis that is not in the
   shipped development list is refused: the rest of ICB is kept for evaluation.

Calibration writes only its own files, into the folder it is given. The
package ships the files of the last calibration (``collsec/behavior`` and
``collsec/backtest``); ``tools/update_calibration.py`` runs this and puts them
there.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import tomli_w

from collsec import __version__
from collsec.backtest.icb import TARGETS, read_inputs, read_targets
from collsec.backtest.link import LINK_FILE, check_development, fit_link
from collsec.backtest.mechanism import signals
from collsec.backtest.run import DRAWS, Progress, backtest_icb
from collsec.behavior.parameters import CALIBRATED_FILE, Parameters
from collsec.data.export import atomic_write_text
from collsec.data.loaders._core import file_digest

__all__ = ["LINK_FILE", "PARAMETER_FILE", "calibrate"]

PARAMETER_FILE = CALIBRATED_FILE


def calibrate(
    crises_path: str | Path,
    actors_path: str | Path,
    *,
    params: Parameters,
    vote: dict[str, Any],
    out_dir: str | Path,
    contribution: dict[str, Any] | None = None,
    data_dir: str | None = None,
    seed: int = 0,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Fit the ICB link with the vote model's fitted ``params`` (``vote``: that
    fit's summary), write both files into ``out_dir``, and return what was
    fitted with the cross-validated scores. ``progress(step, done, total)`` is told
    of each step as it goes."""
    check_development(crises_path)
    out = Path(out_dir)
    crises = read_inputs(crises_path, actors_path)
    targets = read_targets(crises_path)
    sig = signals(crises, params, draws=DRAWS, seed=seed, data_dir=data_dir, progress=progress)
    link = fit_link(crises, targets, sig)
    report, _ = backtest_icb(
        crises_path, actors_path, params=params, data_dir=data_dir, seed=seed, progress=progress
    )
    keys = (*vote["weights"], *(f"tilt_{k}" for k in vote.get("tilt", {})), "vote_no", "vote_yes")
    fitted: dict[str, Any] = {k: float(getattr(params, k)) for k in keys}
    for k in (contribution or {}).get("weights", {}):
        fitted[k] = [float(x) for x in getattr(params, k)]
    stamp = {
        "collsec": __version__,
        "date": dt.date.today().isoformat(),
        "crises_sha256": file_digest(crises_path),
        "actors_sha256": file_digest(actors_path),
        "seed": seed,
        "draws": DRAWS,
    }
    header = (
        "# Written by `collsec calibrate`: the vote model's weights, tilt and thresholds fitted on\n"
        f"# every sourced vote of the case library ({vote['votes_fitted']} votes, "
        f"{vote['cases']} cases; {vote['iterations']} iterations, converged).\n"
        "# The contribution rule's weights (contrib_*, pk_*) fitted on the coalitions of Korea\n"
        "# and the Gulf and on the IPI peacekeeping record (collsec.validation.burden).\n"
        "# Read with Parameters.from_file; do not edit by hand.\n"
    )
    atomic_write_text(out / PARAMETER_FILE, header + tomli_w.dumps(fitted))
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
    atomic_write_text(out / LINK_FILE, tomli_w.dumps(link_doc))
    return {
        "parameters_file": str(out / PARAMETER_FILE),
        "link_file": str(out / LINK_FILE),
        "vote_model": vote,
        "parameters_fitted": {
            k: [round(x, 4) for x in v] if isinstance(v, list) else round(v, 4)
            for k, v in fitted.items()
        },
        "contribution": contribution,
        "icb_link": {t: {"n": link[t]["n"]} for t in TARGETS},
        "cross_validated": report["targets"],
        "provenance": stamp,
    }

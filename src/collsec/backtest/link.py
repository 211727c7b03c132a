"""The ICB link: the logistic calibration of the kernel's signals, shipped and read.

:func:`fit_link` fits, per target, a scaler and a logistic regression on every
development crisis; ``collsec calibrate`` writes it as ``calibration.toml``;
:func:`shipped_link` reads the shipped file and :func:`link_drivers` explains one
crisis's prediction under it. Only development crises may be fitted on
(:func:`check_development`).
"""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from collsec.backtest.evaluate import DESIGN_COLUMNS, _logit, model_design
from collsec.backtest.icb import TARGETS, dev_crisis_numbers, read_targets
from collsec.errors import InputError

__all__ = ["LINK_FILE", "check_development", "fit_link", "link_drivers", "shipped_link"]

LINK_FILE = "calibration.toml"  # in collsec.backtest


def _resource(package: str, name: str) -> Path:
    return Path(str(resources.files(package).joinpath(name)))


def shipped_link() -> dict[str, Any] | None:
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

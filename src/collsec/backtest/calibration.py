"""The shipped calibration, read back: what ``collsec calibrate`` wrote, for the backtest to use.

:func:`calibrated_parameters` is the behaviour model with the fitted vote
weights and thresholds (``collsec/behavior/calibrated.toml``);
:func:`shipped_link` the ICB link (``collsec/backtest/calibration.toml``);
:func:`link_drivers` what moved one crisis's prediction under that link (its
probabilities are :func:`collsec.backtest.evaluate.predict_link`).
:mod:`collsec.backtest.calibrate` fits and writes these files; this module
only reads them, so :mod:`collsec.backtest.run` can use them without
importing the fitting (which runs backtests itself).
"""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from collsec.backtest.evaluate import DESIGN_COLUMNS
from collsec.behavior.parameters import Parameters
from collsec.errors import InputError

__all__ = [
    "LINK_FILE",
    "PARAMETER_FILE",
    "calibrated_parameters",
    "link_drivers",
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

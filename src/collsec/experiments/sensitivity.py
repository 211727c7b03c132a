"""Sobol sensitivity indices (SALib) of an experiment's metric over named parameters.

Which assumptions drive a conclusion? Each sample sets the named parameters
(behaviour parameters, or threat rates of the generator) and runs the chosen
design for a few replications; the metric's mean over them is the model
output. First-order (S1) and total (ST) indices come with SALib's bootstrap
95% intervals. Samples are Saltelli's (Sobol sequence), so they are the same
for the same seed and sample count.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from collsec import limits
from collsec.errors import InputError
from collsec.experiments.history import prepare, run_replications
from collsec.experiments.spec import DATA_STATES, Experiment, ThreatSpec

__all__ = ["TARGET_HALF_WIDTH", "Plan", "plan", "precision", "sobol"]

#: the half-width of the indices' 95% intervals that :func:`precision` suggests a
#: sample size for
TARGET_HALF_WIDTH = 0.05


def precision(
    half_width: float, samples: int, parameters: int, target: float = TARGET_HALF_WIDTH
) -> dict[str, Any]:
    """How wide the intervals are, and the samples that would bring them under ``target``.

    Bootstrap intervals of Sobol indices shrink as 1/sqrt(samples): ``samples`` x
    (half_width / target)^2, rounded up to a power of two (Saltelli's samples come in
    powers of two), each run ``parameters`` + 2 times.

    >>> precision(0.37, 32, 3)["samples_for_target"]
    2048
    >>> precision(0.02, 64, 3)["samples_for_target"]
    64
    """
    if not math.isfinite(half_width):
        need = None
    elif half_width <= target:
        need = samples
    else:
        need = 1 << math.ceil(math.log2(samples * (half_width / target) ** 2))
    return {
        "half_width": round(half_width, 4),
        "target_half_width": target,
        "samples_for_target": need,
        "runs_for_target": None if need is None else need * (parameters + 2),
    }


@dataclass(frozen=True)
class Plan:
    """A sensitivity analysis's sizes, checked, and its estimated cost."""

    samples: int
    replications: int
    cost: limits.Cost


def plan(exp: Experiment, samples: int | None = None, replications: int | None = None) -> Plan:
    """The samples and replications a Sobol analysis of ``exp`` runs (the file's unless
    given; either way within :mod:`collsec.limits`), and what it costs."""
    sens = exp.sensitivity
    if sens is None:
        raise InputError("the experiment has no [sensitivity] table", source=exp.source)
    n = sens.samples if samples is None else limits.check("samples", samples, source="--samples")
    if n & (n - 1):
        raise InputError(f"must be a power of two, not {n}", source="--samples")
    reps = (
        sens.replications
        if replications is None
        else limits.check("sample_replications", replications, source="--replications")
    )
    data = exp.world.kind == "data"
    cost = limits.sensitivity_cost(
        states=DATA_STATES if data else exp.world.states,
        samples=n,
        parameters=len(sens.parameters),
        replications=reps,
        years=exp.years,
        max_per_year=exp.threats.max_per_year,
        data=data,
    )
    return Plan(n, reps, cost)


def _variant(exp: Experiment, design_id: str, values: dict[str, float], reps: int) -> Experiment:
    threat_fields = set(ThreatSpec.model_fields)
    design = next(d for d in exp.designs if d.id == design_id)
    t_changes = {k: v for k, v in values.items() if k in threat_fields}
    p_changes = {k: v for k, v in values.items() if k not in threat_fields}
    design = design.model_copy(update={"params": {**design.params, **p_changes}})
    return exp.model_copy(
        update={
            "designs": (design,),
            "threats": exp.threats.model_copy(update=t_changes),
            "replications": reps,
            "sensitivity": None,
        }
    )


def sobol(
    exp: Experiment,
    *,
    samples: int | None = None,
    replications: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """``{"metric", "design", "samples", "runs", "parameters": {P: {"S1", "S1_conf", "ST",
    "ST_conf", "range"}}, "precision": precision(...)}``: ``*_conf`` are the half-widths
    of the bootstrap 95% intervals, ``precision`` the widest of them and the samples
    that would bring it under :data:`TARGET_HALF_WIDTH`."""
    from SALib.analyze import sobol as sobol_analyze
    from SALib.sample import sobol as sobol_sample

    p = plan(exp, samples, replications)
    limits.check_cost(p.cost, source=exp.source or exp.id, time=False)
    sens = exp.sensitivity
    assert sens is not None
    n, reps = p.samples, p.replications
    names = list(sens.parameters)
    problem = {
        "num_vars": len(names),
        "names": names,
        "bounds": [list(sens.parameters[k]) for k in names],
    }
    x = sobol_sample.sample(problem, n, calc_second_order=False, seed=exp.seed % (2**32))
    y = np.zeros(len(x))
    t0 = time.perf_counter()
    if progress is not None:
        progress(0, len(x))
    for i, row in enumerate(x):
        values = {k: float(v) for k, v in zip(names, row, strict=True)}
        for k in ("initial_peace_years", "max_per_year"):
            if k in values:
                values[k] = round(values[k])
        variant = _variant(exp, sens.design, values, reps)
        rows = run_replications(prepare(variant), 0, reps)
        vals = [v for (_, _, m, v) in rows if m == sens.metric and v is not None]
        y[i] = float(np.mean(vals)) if vals else np.nan
        if progress is not None:
            progress(i + 1, len(x))
    if np.isnan(y).any():
        raise InputError(
            f"metric '{sens.metric}' is undefined in some samples; choose a count metric",
            source=exp.source,
            field="sensitivity.metric",
        )
    seconds = time.perf_counter() - t0
    res = sobol_analyze.analyze(
        problem, y, calc_second_order=False, seed=exp.seed % (2**32), print_to_console=False
    )
    half = float(np.max(np.concatenate([res["S1_conf"], res["ST_conf"]])))
    return {
        "experiment": exp.id,
        "metric": sens.metric,
        "design": sens.design,
        "samples": n,
        "replications": reps,
        "runs": len(x),
        "seconds": round(seconds, 3),
        "output_mean": float(np.mean(y)),
        "precision": precision(half, n, len(names)),
        "parameters": {
            k: {
                "range": list(sens.parameters[k]),
                "S1": round(float(res["S1"][j]), 4),
                "S1_conf": round(float(res["S1_conf"][j]), 4),
                "ST": round(float(res["ST"][j]), 4),
                "ST_conf": round(float(res["ST_conf"][j]), 4),
            }
            for j, k in enumerate(names)
        },
    }

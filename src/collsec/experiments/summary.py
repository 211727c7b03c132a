"""Means with confidence intervals, and paired differences between designs.

Every design of an experiment meets the same random opportunities in the same
replication (common random numbers), so a difference between two designs is
taken replication by replication and its interval is that of the paired
differences: far narrower than the overlap of two separate intervals.
Intervals are Student-t 95% intervals over replications.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy.special import stdtrit

from collsec.experiments.store import METRICS

__all__ = ["interval", "summarize"]


def interval(x: np.ndarray, level: float = 0.95) -> dict[str, float | int | None]:
    """Mean and Student-t interval of the finite values of ``x``."""
    x = np.asarray(x, dtype=float)
    x = x[np.isfinite(x)]
    n = len(x)
    if n == 0:
        return {"mean": None, "ci_low": None, "ci_high": None, "n": 0}
    m = float(x.mean())
    if n == 1:
        return {"mean": m, "ci_low": m, "ci_high": m, "n": 1}
    # the Student-t quantile: scipy.stats.t.ppf's own function, without importing
    # scipy.stats (half a second at the end of every run)
    half = float(stdtrit(n - 1, 0.5 + level / 2) * x.std(ddof=1) / np.sqrt(n))
    return {"mean": m, "ci_low": m - half, "ci_high": m + half, "n": n}


def _rounded(d: dict[str, Any], digits: int = 6) -> dict[str, Any]:
    return {k: (round(v, digits) if isinstance(v, float) else v) for k, v in d.items()}


def summarize(results: pd.DataFrame, designs: list[str]) -> dict[str, Any]:
    """``{"designs": [{"id", "metrics": {M: {mean, ci_low, ci_high, n}}}],
    "paired_differences": [{"design", "versus", "metric", mean, ci_low, ci_high, n}]}``.

    ``results`` is the long table of :meth:`collsec.experiments.store.Store.results`;
    ``designs`` the design ids in order, the first being the reference.
    """
    wide = results.pivot_table(
        index=["design", "rep"], columns="metric", values="value", aggfunc="first", dropna=False
    )
    present = set(wide.index.get_level_values(0))
    out_designs = []
    for d in designs:
        block = wide.loc[d] if d in present else pd.DataFrame()
        metrics = {
            m: _rounded(interval(block[m].to_numpy() if m in block else np.array([])))
            for m in METRICS
        }
        out_designs.append({"id": d, "metrics": metrics})
    paired = []
    ref = designs[0]
    for d in designs[1:]:
        for m in METRICS:
            if m not in wide.columns:
                continue
            a = wide.loc[d, m] if d in present else pd.Series(dtype=float)
            b = wide.loc[ref, m]
            diff = (a - b).to_numpy(dtype=float)  # aligned on rep
            paired.append({"design": d, "versus": ref, "metric": m, **_rounded(interval(diff))})
    return {"designs": out_designs, "paired_differences": paired}

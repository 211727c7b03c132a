"""Markdown tables of built-in experiment results, as in docs/experiments.md.

Usage: ``python tools/experiment_tables.py RUN.json [RUN.json ...]`` where each
file is the output of ``collsec experiment ID --format json``. Prints, per
experiment, its title and one table: the reference design's mean and every
other design's paired difference from it, with the 95% interval.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

#: (metric, row label, shown in percentage points); indices in [0, 1] get 3 decimals
ROWS = (
    ("aggression_attempted", "aggressions attempted", False),
    ("deterrence_rate", "deterrence rate", True),
    ("authorised_share", "met by authorised response", True),
    ("paralysis_veto", "paralysis by veto", False),
    ("paralysis_shortfall", "paralysis by shortfall", False),
    ("time_to_decision", "days to decide", False),
    ("legitimacy", "legitimacy", True),
    ("credibility_final", "final credibility", True),
    ("burden_gini", "burden Gini", None),
    ("free_riding", "free-riding index", None),
    ("costs", "costs", False),
)


def _mean(v: float | None, pp: bool | None) -> str:
    if v is None:
        return "-"
    if pp is None:
        return f"{v:.3f}"
    return f"{100 * v:.1f}%" if pp else f"{v:.1f}"


def _diff(d: dict, pp: bool | None) -> str:
    if d.get("mean") is None:
        return "-"
    k, unit = (100.0, " pp") if pp else (1.0, "")
    f = ".3f" if pp is None else ".1f"
    lo, hi = d["ci_low"] * k, d["ci_high"] * k
    star = " *" if lo > 0 or hi < 0 else ""
    return f"{d['mean'] * k:+{f}}{unit} [{lo:+{f}}{unit}, {hi:+{f}}{unit}]{star}"


def table(run: dict) -> str:
    designs = [d["id"] for d in run["designs"]]
    ref = designs[0]
    ref_metrics = run["designs"][0]["metrics"]
    paired = {(p["design"], p["metric"]): p for p in run["paired_differences"]}
    lines = [
        f"**{run['title']}** (`{run['experiment']}`; reference: `{ref}`)",
        "",
        "| metric | " + f"{ref} (mean) | " + " | ".join(f"{d} - {ref}" for d in designs[1:]) + " |",
        "|---|---|" + "---|" * (len(designs) - 1),
    ]
    for metric, label, pp in ROWS:
        cells = [_mean(ref_metrics[metric]["mean"], pp)]
        cells += [_diff(paired.get((d, metric), {}), pp) for d in designs[1:]]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(paths: list[str]) -> None:
    for p in paths:
        print(table(json.loads(Path(p).read_text(encoding="utf-8"))))
        print()


if __name__ == "__main__":
    main(sys.argv[1:])

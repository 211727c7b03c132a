"""Benchmark: building worlds from the data mirrors (issue: the world as data).

Targets: ``World.from_year`` for any year under 1 s once the cache is warm;
all years 1816-2024 in under 60 s warm. Run with the data directory set:

    COLLSEC_DATA_DIR=../shared/data python benchmarks/bench_world.py [--quick]

Exits non-zero if a target is missed.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time

from rich.console import Console
from rich.table import Table


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="every tenth year only")
    args = parser.parse_args()
    if not os.environ.get("COLLSEC_DATA_DIR"):
        print("set COLLSEC_DATA_DIR to the data mirror", file=sys.stderr)
        return 2
    os.environ.setdefault("COLLSEC_CACHE_DIR", tempfile.mkdtemp(prefix="collsec-bench-"))
    from collsec.world.build import _frame
    from collsec.world.world import World

    t0 = time.perf_counter()
    World.from_year(1990)
    cold = time.perf_counter() - t0  # parquet cache filled, frames read once
    _frame.cache_clear()
    t0 = time.perf_counter()
    World.from_year(1990)
    warm_first = time.perf_counter() - t0  # warm parquet cache, new process state
    years = range(1816, 2025, 10 if args.quick else 1)
    per_year = []
    t0 = time.perf_counter()
    for y in years:
        t = time.perf_counter()
        World.from_year(y)
        per_year.append((time.perf_counter() - t, y))
    total = time.perf_counter() - t0
    worst, worst_year = max(per_year)
    scale = 1 if not args.quick else len(range(1816, 2025)) / len(years)
    rows = [
        ("first build, cold cache (1990)", f"{cold:.2f} s", "-", ""),
        (
            "first build, warm cache (1990)",
            f"{warm_first:.2f} s",
            "< 1 s",
            "ok" if warm_first < 1 else "MISSED",
        ),
        (
            f"slowest single year ({worst_year})",
            f"{worst:.3f} s",
            "< 1 s",
            "ok" if worst < 1 else "MISSED",
        ),
        (
            f"all years 1816-2024{' (estimated from every tenth)' if args.quick else ''}",
            f"{total * scale:.1f} s",
            "< 60 s",
            "ok" if total * scale < 60 else "MISSED",
        ),
    ]
    table = Table(title="World.from_year benchmark (2 cores)")
    for col in ("measure", "time", "target", ""):
        table.add_column(col)
    for r in rows:
        table.add_row(*r)
    Console().print(table)
    return 0 if all(r[3] != "MISSED" for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())

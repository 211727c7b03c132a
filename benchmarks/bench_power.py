"""Benchmark of collsec.power against the ``powerindex`` package.

Usage::

    python benchmarks/bench_power.py [--quick] [--seed N] [--strict]

Builds the games of docs/power.md, times collsec's exact algorithms and
powerindex 0.3.5 (floating-point, pure Python) on the same games in the same
run, checks that the two agree, and prints a table of seconds and speed-ups
with the machine's load (``os.getloadavg()``, 1 minute) beside each row:
numbers measured on a busy machine are slower, and only the ratios measured in
one run compare. A disagreement always exits with status 1; a missed timing
target only with ``--strict``.

Targets (full run):

* 190-player weighted game, weights 1..2000, quota half the total + 1:
  exact Banzhaf under 1 s, at least 10x faster than powerindex, and at least
  2x faster than the numpy algorithm of collsec 0.5 (kept callable as
  ``weighted_counts(..., kernel="numpy")``), both timed in this run;
  exact Shapley-Shubik under 60 s (powerindex cannot: it overflows a float
  above 170 players);
* 60-player weighted game of the same kind: Shapley-Shubik at least 10x
  faster than powerindex;
* EU-27 double majority with populations in persons: both indices under 10 s;
* a population-weighted General Assembly: the 193 UN members of 1 July 2022
  weighted by their population in thousands (COW National Material
  Capabilities v7.0, ``tpop`` of 2022, from the data directory), a simple
  majority of the total (about 8 million): exact Banzhaf under 60 s and exact
  Shapley-Shubik under 600 s, each in a fresh process whose peak resident
  memory (``resource.getrusage``) is reported, under 4 GiB.

``--quick`` runs smaller games (100 and 30 players) with the same ratio
targets and the population game's Banzhaf only, for a check in about a minute.
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import json
import math
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from collsec.power import Game, banzhaf, power_indices, shapley_shubik
from collsec.power._weighted import weighted_counts
from collsec.power.bruteforce import bruteforce_counts

try:
    import powerindex
except ImportError:  # pragma: no cover - the bench extra is not installed
    powerindex = None

ROOT = Path(__file__).resolve().parents[1]
EU_CSV = ROOT / "src" / "collsec" / "institutions" / "membership" / "eu_population.csv"

# Fallback populations (persons, approximately Eurostat's 1 January 2023 figures);
# only the magnitudes matter for the timing, the exact game is whatever is given.
EU27_FIXTURE = {
    "DE": 84_358_845, "FR": 68_070_697, "IT": 58_850_717, "ES": 48_059_777,
    "PL": 36_753_736, "RO": 19_051_562, "NL": 17_811_291, "BE": 11_742_796,
    "CZ": 10_827_529, "SE": 10_521_556, "PT": 10_467_366, "GR": 10_413_982,
    "HU": 9_597_085, "AT": 9_104_772, "BG": 6_447_710, "DK": 5_932_654,
    "FI": 5_563_970, "SK": 5_428_792, "IE": 5_271_395, "HR": 3_850_894,
    "LT": 2_857_279, "SI": 2_116_792, "LV": 1_883_008, "EE": 1_365_884,
    "CY": 920_701, "LU": 660_809, "MT": 542_051,
}  # fmt: skip


@dataclass
class Row:
    game: str
    task: str
    collsec_s: float | None
    other: str
    other_s: float | None
    note: str = ""
    target: str = ""
    ok: bool | None = None
    load: float = dataclasses.field(default_factory=lambda: os.getloadavg()[0])

    @property
    def ratio(self) -> float | None:
        if self.collsec_s and self.other_s:
            return self.other_s / self.collsec_s
        return None


def timed(fn: Callable[[], Any], repeat: int = 1) -> tuple[Any, float]:
    best = math.inf
    out = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return out, best


def random_weighted(n: int, seed: int) -> Game:
    rng = np.random.default_rng(seed)
    weights = rng.integers(1, 2001, size=n)
    quota = int(weights.sum()) // 2 + 1
    return Game.weighted(quota, weights, name=f"random {n} (seed {seed})")


def eu27() -> tuple[Game, str]:
    source = "fixture in bench_power.py (approx. 2023)"
    pops = dict(EU27_FIXTURE)
    if EU_CSV.exists():
        try:
            with EU_CSV.open(newline="", encoding="utf-8") as fh:
                rows = [r for r in csv.DictReader(line for line in fh if not line.startswith("#"))]
            cols = {c.lower(): c for c in rows[0]}
            pop_col = next(cols[c] for c in cols if "pop" in c)
            label_col = next(
                cols[c] for c in ("code", "iso2", "iso", "member", "country", "name") if c in cols
            )
            read = {
                r[label_col].strip(): int(str(r[pop_col]).replace("_", "").replace(",", ""))
                for r in rows
            }
            if len(read) == 27:
                pops = read
                source = EU_CSV.name
        except (StopIteration, KeyError, ValueError, IndexError):
            pass
    game = Game.double_majority(list(pops.values()), list(pops), name="EU-27 Council QMV")
    return game, source


def population_game() -> tuple[Game, str]:
    """The 193 UN members of 1 July 2022 weighted by population (thousands, NMC 2022).

    The members come from collsec's UN membership table, the populations from the
    data directory's COW National Material Capabilities file (``tpop``), joined on
    the COW codes of ``collsec/codes/codes.csv``; the quota is a simple majority
    of the total.
    """
    import datetime as dt

    from collsec.codes import code_table
    from collsec.data.loaders.cow import load_nmc
    from collsec.institutions import load_body

    on = dt.date(2022, 7, 1)
    members = load_body("unga", on=on).members
    cow = {r.code: r.cow for r in code_table() if r.cow is not None and r.valid_on(on)}
    nmc = load_nmc()
    tpop = nmc[nmc["year"] == 2022].set_index("ccode")["tpop"]
    weights = [round(float(tpop[int(cow[m])])) for m in members]
    total = sum(weights)
    game = Game.weighted(total // 2 + 1, weights, list(members), name="UN GA by population")
    return game, f"{len(members)} UN members (2022-07-01), NMC v7.0 tpop 2022, total {total:,}"


def _child(task: str, path: str) -> None:
    """Run one timed task of the game in ``path`` (JSON: quota, weights, players, name,
    source) in this fresh process, which imports collsec.power only; print JSON."""
    spec = json.loads(Path(path).read_text(encoding="utf-8"))
    game = Game.weighted(spec["quota"], spec["weights"], spec["players"], name=spec["name"])
    source = spec["source"]
    index = "banzhaf" if task == "banzhaf" else "shapley-shubik"
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    t0 = time.perf_counter()
    result = power_indices(game, index)
    seconds = time.perf_counter() - t0
    values = [m.banzhaf if task == "banzhaf" else m.shapley_shubik for m in result.members]
    print(
        json.dumps(
            {
                "seconds": seconds,
                "peak_rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
                "rss_before": before,
                "sum_is_one": sum(values) == 1,
                "top": max(zip((float(v) for v in values), game.players, strict=True)),
                "source": source,
            }
        )
    )


def pi_game(game: Game) -> Any:
    return powerindex.Game(game.clauses[0][0][1], weights=[int(w) for w in game.weights[:, 0]])


def max_gap(exact: list, approx: list) -> float:
    return max(abs(float(a) - float(b)) for a, b in zip(exact, approx, strict=True))


def run(quick: bool, seed: int) -> list[Row]:
    rows: list[Row] = []
    big_n, ss_n = (100, 30) if quick else (190, 60)

    # --- a population-weighted General Assembly (193 members, ~8 million) ---
    # first: on Linux a child's ru_maxrss starts at its parent's peak at the fork, so
    # the children run while this process is still small (its peak is printed too)
    tasks = ("banzhaf",) if quick else ("banzhaf", "shapley-shubik")
    try:
        ga, source = population_game()
    except Exception as exc:  # no data directory: say so in the table
        ga, source = None, f"not run: {exc}"
        rows.append(Row("UN GA by population", "-", None, "-", None, note=source[:120]))
        tasks = ()
    spec = Path(tempfile.mkdtemp(prefix="bench-power-")) / "game.json"
    if ga is not None:
        spec.write_text(
            json.dumps(
                {
                    "quota": ga.clauses[0][0][1],
                    "weights": [int(x) for x in ga.weights[:, 0]],
                    "players": list(ga.players),
                    "name": ga.name,
                    "source": source,
                }
            ),
            encoding="utf-8",
        )
    for task in tasks:
        limit = 60.0 if task == "banzhaf" else 600.0
        name = "UN GA by population"
        label = "Banzhaf" if task == "banzhaf" else "Shapley-Shubik"
        out = subprocess.run(
            [sys.executable, __file__, "--child", task, str(spec)],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        if out.returncode != 0:
            note = (out.stderr.strip().splitlines() or ["failed"])[-1]
            rows.append(Row(name, label, None, "-", None, note=note, target=f"< {limit:.0f} s"))
            continue
        got = json.loads(out.stdout.strip().splitlines()[-1])
        gib = got["peak_rss"] / 2**30
        top_value, top_member = got["top"]
        row = Row(name, label, got["seconds"], "-", None, target=f"< {limit:.0f} s, < 4 GiB")
        start = got["rss_before"] / 2**30
        parent = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
        row.note = (
            f"peak RSS {gib:.2f} GiB (before the computation {start:.2f}, this process "
            f"{parent:.2f}); "
            f"{'sums to 1' if got['sum_is_one'] else 'SUM NOT 1'}; "
            f"largest {top_member} {top_value:.4f}; {got['source']}"
        )
        row.ok = got["sum_is_one"] and got["seconds"] < limit and gib < 4
        rows.append(row)

    shutil.rmtree(spec.parent, ignore_errors=True)

    # --- Banzhaf on the big weighted game ------------------------------------
    big = random_weighted(big_n, seed)
    banzhaf(big)  # the first call loads the compiled kernels (numba's cache)
    bz, t_bz = timed(lambda: banzhaf(big), repeat=5)
    row = Row(big.name, "Banzhaf", t_bz, "powerindex", None, target="< 1 s, >= 10x")
    if powerindex is not None:
        g = pi_game(big)
        _, t_pi = timed(g.calc_banzhaf)
        row.other_s = t_pi
        row.note = f"max |diff| {max_gap(bz, g.banzhaf):.1e}"
    row.ok = t_bz < 1.0 and (row.ratio is None or row.ratio >= 10)
    rows.append(row)

    # --- the same, against collsec 0.5's numpy algorithm ---------------------
    w = big.weights[:, 0]
    quota = big.clauses[0][0][1]
    old, t_old = timed(lambda: weighted_counts(w, quota, False, kernel="numpy"), repeat=5)
    new, t_new = timed(lambda: weighted_counts(w, quota, False), repeat=5)
    row = Row(big.name, "Banzhaf counts", t_new, "collsec 0.5 (numpy)", t_old, target=">= 2x")
    row.note = "same counts" if old == new else "COUNTS DIFFER"
    row.ok = old == new and row.ratio is not None and row.ratio >= 2
    rows.append(row)

    # --- Shapley-Shubik on the big weighted game -----------------------------
    ss, t_ss = timed(lambda: shapley_shubik(big))
    row = Row(big.name, "Shapley-Shubik", t_ss, "powerindex", None, target="< 60 s")
    if powerindex is not None and big_n > 170:
        # powerindex divides by float(n!), which overflows above 170 players; before
        # that it would fill a pure-Python table of about n**2/2 * q = 1.7e9 entries
        # (more memory than the machine has), so show the failure on a 190-player
        # game with small weights instead.
        small = Game.weighted(big_n // 2 + 1, [1 + i % 3 for i in range(big_n)])
        g = pi_game(small)
        try:
            g.calc_shapley_shubik()
            row.note = "powerindex did not overflow"
        except OverflowError as exc:
            row.note = f"powerindex: OverflowError above 170 players ({exc})"
    elif powerindex is not None:
        row.note = "powerindex not run here in --quick (about 2 minutes)"
    assert sum(ss) == 1
    row.ok = t_ss < 60.0
    rows.append(row)

    # --- Shapley-Shubik on the mid-size weighted game ------------------------
    mid = random_weighted(ss_n, seed + 1)
    ss_mid, t_mid = timed(lambda: shapley_shubik(mid), repeat=3)
    row = Row(mid.name, "Shapley-Shubik", t_mid, "powerindex", None, target=">= 10x")
    if powerindex is not None:
        g = pi_game(mid)
        _, row.other_s = timed(g.calc_shapley_shubik)
        row.note = f"max |diff| {max_gap(ss_mid, g.shapley_shubik):.1e}"
    row.ok = row.ratio is None or row.ratio >= 10
    rows.append(row)

    # --- EU-27 double majority (both indices, exact persons) -----------------
    eu, source = eu27()
    result, t_eu = timed(lambda: power_indices(eu, "all"))
    rows.append(
        Row(eu.name, "SS + Banzhaf", t_eu, "-", None,
            note=f"{result.method}; populations: {source}", target="< 10 s", ok=t_eu < 10.0)
    )  # fmt: skip

    # --- UN Security Council and the enumeration baseline --------------------
    unsc = Game.quota_with_veto(15, 9, range(5), name="UNSC 1966-")
    res, t_un = timed(lambda: power_indices(unsc), repeat=5)
    rows.append(Row(unsc.name, "SS + Banzhaf", t_un, "-", None, note=res.method))

    small = random_weighted(20, seed + 2)
    counts, t_small = timed(lambda: power_indices(small), repeat=3)
    brute, t_brute = timed(lambda: bruteforce_counts(small))
    assert [m.swings for m in counts.members] == brute.swings
    rows.append(Row(small.name, "SS + Banzhaf", t_small, "enumeration (2^20)", t_brute,
                    note="collsec.power.bruteforce"))  # fmt: skip
    return rows


def show(rows: list[Row], quick: bool) -> None:
    import numba

    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    header = (
        f"collsec.power benchmark{' (quick)' if quick else ''} - {platform.python_implementation()} "
        f"{platform.python_version()}, numpy {np.__version__}, numba {numba.__version__} "
        f"({numba.get_num_threads()} threads), "
        f"powerindex {getattr(powerindex, '__version__', '0.3.5' if powerindex else 'missing')}, "
        f"{os.cpu_count()} cores, {platform.machine()} {platform.system()}; "
        f"load average now {load}"
    )

    def fmt(x: float | None) -> str:
        return "-" if x is None else f"{x:.3f}"

    table = [
        [
            r.game, r.task, fmt(r.collsec_s), r.other, fmt(r.other_s),
            "-" if r.ratio is None else f"{r.ratio:.1f}x" if r.ratio < 10 else f"{r.ratio:.0f}x",
            f"{r.load:.2f}",
            r.target or "-", "" if r.ok is None else ("ok" if r.ok else "MISSED"), r.note,
        ]
        for r in rows
    ]  # fmt: skip
    cols = [
        "game", "task", "collsec s", "compared with", "its s", "speed-up", "load", "target", "",
        "note",
    ]  # fmt: skip
    try:
        from rich.console import Console
        from rich.table import Table

        t = Table(title=header)
        for c in cols:
            t.add_column(c)
        for r in table:
            t.add_row(*r)
        Console(width=160).print(t)
    except ImportError:  # pragma: no cover
        print(header)
        widths = [max(len(str(x)) for x in col) for col in zip(cols, *table, strict=True)]
        for r in [cols, *table]:
            print("  ".join(str(x).ljust(w) for x, w in zip(r, widths, strict=True)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller games, same ratio targets")
    parser.add_argument("--seed", type=int, default=2024, help="seed of the random weights")
    parser.add_argument(
        "--strict",
        action="store_true",
        help="exit non-zero when a timing target is missed (agreement is always enforced)",
    )
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)  # TASK GAME.json
    args = parser.parse_args(argv)
    if args.child:
        _child(*args.child)
        return 0
    if powerindex is None:
        print("powerindex is not installed (pip install -e '.[bench]'); timing collsec only")
    rows = run(args.quick, args.seed)
    show(rows, args.quick)
    missed = [r for r in rows if r.ok is False]
    for r in missed:
        print(f"target missed: {r.game} {r.task}: {r.target} ({r.note})", file=sys.stderr)
    if not missed:
        print(f"all {sum(r.ok is True for r in rows)} targets met")
    wrong = [
        r
        for r in rows
        if "DIFFER" in r.note or "NOT 1" in r.note or (r.collsec_s is None and r.task != "-")
    ]
    return 1 if wrong or (missed and args.strict) else 0


if __name__ == "__main__":
    sys.exit(main())

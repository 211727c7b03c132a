"""Hostile inputs for every command, shared by tests/test_fuzz.py and tools/fuzz_count.py.

Each :class:`Hostile` is a command line (``{fx}``: a folder of hostile files
written by :func:`write_fixtures`; ``{out}``: an empty folder the command runs
in, where its outputs go) and what it must do: ``refuse`` (exit code 2, one
line on stderr, no file left behind) or ``any`` (exit code 0 or 2, the same
rules otherwise). Nothing here runs anything: the tests run the inputs in
process, the tool in subprocesses with limits on time and memory.
"""

from __future__ import annotations

import os
import shlex
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path

__all__ = ["HOSTILE", "SIZE_OPTIONS", "Hostile", "new_files", "write_fixtures"]


@dataclass(frozen=True)
class Hostile:
    """One hostile input: a command line and whether it must be refused."""

    line: str
    expect: str = "refuse"  # or "any"
    env: dict[str, str] = field(default_factory=dict)
    #: accepted inputs that take seconds: run by `make validate`, not `make test`
    slow: bool = False

    def argv(self, fx: Path, out: Path) -> list[str]:
        text = self.line.replace("{fx}", str(fx)).replace("{out}", str(out))
        return shlex.split(text)

    def environ(self, fx: Path, out: Path) -> dict[str, str]:
        return {
            k: v.replace("{fx}", str(fx)).replace("{out}", str(out)) for k, v in self.env.items()
        }

    @property
    def id(self) -> str:
        env = " ".join(f"{k}={v}" for k, v in self.env.items())
        return (env + " " if env else "") + self.line


GARBAGE = bytes(range(256)) * 3 + b"\xff\xfe\x00\x80garbage\xc3("

#: hostile files, relative to {fx}: text is written as UTF-8, bytes as they are
FILES: dict[str, str | bytes] = {
    "garbage.bin": GARBAGE,
    "garbage.toml": GARBAGE,
    "garbage.csv": GARBAGE,
    "garbage.duckdb": GARBAGE,
    "garbage.json": GARBAGE,
    "latin1.toml": "title = 'caf\xe9'\n".encode("latin-1"),
    "empty.toml": "",
    "afile.txt": "a file, not a folder\n",
    # play --moves
    "moves_bad_draft.json": '[{"type": "table", "seat": "USA", "draft": {"measure": "art42",'
    ' "chapter": "VI", "sponsors": ["USA"]}}]',
    "moves_bad_seat.json": '[{"type": "conclude", "seat": "\\u0000IRQ"}]',
    "moves_many.json": "[" + ",".join(['{"type": "conclude", "seat": "USA"}'] * 501) + "]",
    # power --weights-file
    "w_inf.txt": "inf\n4\n",
    "w_neg.txt": "4\n-1\n",
    "w_nan.txt": "nan\n4\n",
    "w_float.txt": "1.5\n2\n",
    "w_big.txt": "1" + "0" * 5000 + "\n",
    "w_many.txt": "1\n" * 5000,
    "w_heavy.txt": "".join(f"{10**12 + i}\n" for i in range(60)),
    "w_ok.txt": "4\n4\n4\n2\n2\n1\n",
    # 193 weights, total about 8 million: a table of about 4 million cells
    "w_assembly.txt": "".join(f"{41_000 + i}\n" for i in range(193)),
    # parameter files (--params)
    "p_inf.toml": "commitment = inf\n",
    "p_ninf.toml": "affinity = -inf\n",
    "p_negweight.toml": "cost = -1.0\n",
    "p_nan.toml": "commitment = nan\n",
    "p_days.toml": "fight_days = -3.0\n",
    "p_thresh.toml": "vote_yes = inf\n",
    "p_kind.toml": "kind_rates = [inf, 0.3, 0.15, 0.1]\n",
    "p_level.toml": "level_cost = [0.1, 0.4, 0.6, inf]\n",
    "p_window.toml": "credibility_window = 1000000000000\n",
    "p_window_big.toml": "credibility_window = 99999999999999999999999\n",
    "p_table.toml": "[honour]\nvalue = inf\nsource = 'x'\n",
    # scenario files (--scenario)
    "sc_bad.toml": "council = 5\n",
    # charter files
    "noid.toml": 'extends = "unsc-1966"\ntitle = "a reform without an id"\n',
    "q20.toml": (
        'id = "q20"\nextends = "unsc-1966"\n[rules.substantive]\n'
        'criteria = [{ type = "quota", count = 20 }]\n'
    ),
    "q0.toml": (
        'id = "q0"\nextends = "unsc-1966"\n[rules.substantive]\n'
        'criteria = [{ type = "quota", count = 0 }]\n'
    ),
    "selfext.toml": 'id = "selfext"\nextends = "selfext.toml"\n',
    # experiment files
    "e_ok.toml": 'id = "e-ok"\nreplications = 2\nyears = 2\n[world]\nstates = 20\n'
    '[[designs]]\nid = "a"\n',
    "e_big.toml": 'id = "e-big"\nreplications = 250\nyears = 1\n[world]\nstates = 1000\n'
    '[[designs]]\nid = "a"\n',
    "e_reps.toml": 'id = "e-reps"\nreplications = 100000000\n[[designs]]\nid = "a"\n',
    "e_reps_time.toml": 'id = "e-reps-time"\nreplications = 9000000\n[[designs]]\nid = "a"\n',
    "e_years.toml": 'id = "e-years"\nyears = 100000\n[[designs]]\nid = "a"\n',
    "e_states.toml": 'id = "e-states"\n[world]\nstates = 1000000000\n[[designs]]\nid = "a"\n',
    "e_states3.toml": 'id = "e-states3"\n[world]\nstates = 3\n[[designs]]\nid = "a"\n',
    "e_seed.toml": 'id = "e-seed"\nseed = -1\n[[designs]]\nid = "a"\n',
    "e_wseed.toml": 'id = "e-wseed"\n[world]\nseed = -5\n[[designs]]\nid = "a"\n',
    "e_mpy.toml": 'id = "e-mpy"\nreplications = 25\nyears = 1\n[world]\nstates = 1000\n'
    '[threats]\nmax_per_year = 4096\nopportunity_scale = 100.0\n[[designs]]\nid = "a"\n',
    "e_peace.toml": 'id = "e-peace"\n[threats]\ninitial_peace_years = 100000\n'
    '[[designs]]\nid = "a"\n',
    "e_params.toml": 'id = "e-params"\nreplications = 2\nyears = 2\n[[designs]]\nid = "a"\n'
    "params = { commitment = inf }\n",
    "e_window.toml": 'id = "e-window"\nreplications = 2\nyears = 2\n[[designs]]\nid = "a"\n'
    "params = { credibility_window = 1000000000000 }\n",
    "e_nosens.toml": 'id = "e-nosens"\n[[designs]]\nid = "a"\n',
    "e_sens_reps.toml": 'id = "e-sens-reps"\nyears = 2\n[[designs]]\nid = "a"\n'
    "[sensitivity]\nparameters = { vote_noise = [0.1, 0.5] }\nsamples = 2\n"
    "replications = 100000\n",
    "e_sens_samples.toml": 'id = "e-sens-samples"\nyears = 2\n[[designs]]\nid = "a"\n'
    "[sensitivity]\nparameters = { vote_noise = [0.1, 0.5] }\nsamples = 65536\n"
    "replications = 1\n",
    "e_sens_odd.toml": 'id = "e-sens-odd"\n[[designs]]\nid = "a"\n'
    "[sensitivity]\nparameters = { vote_noise = [0.1, 0.5] }\nsamples = 6\n",
    "e_sens_range.toml": 'id = "e-sens-range"\n[[designs]]\nid = "a"\n'
    "[sensitivity]\nparameters = { vote_noise = [0.1, inf] }\n",
    "e_council.toml": 'id = "e-council"\n[[designs]]\nid = "a"\ncouncil = "noid.toml"\n',
    # a text file where a DuckDB database is expected
    "text.duckdb": "not a database\n",
    # JSON output for `data cite --run`
    "run_list.json": "[1, 2, 3]\n",
}

#: built-in case files copied into {fx}/case (the case library's format)
CASE = "crimea-2014"


def _case_variants() -> dict[str, tuple[str, str]]:
    """Hostile edits of the crimea-2014 record and actors: (file, old -> new)."""
    return {
        # the Russian veto recorded as adopted: the votes say vetoed
        "outcome": ("record", 'outcome = "vetoed"\nvetoed_by = [\n    "RUS",\n]'),
        "vetoed_by": ("record", 'outcome = "vetoed"\nvetoed_by = [\n    "CHN",\n]'),
        "actors": ("actors", ""),
    }


def write_fixtures(fx: Path, data_dir: str | None = None) -> None:
    """Write every hostile file under ``fx`` (a folder that may not exist yet)."""
    fx.mkdir(parents=True, exist_ok=True)
    for name, content in FILES.items():
        path = fx / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    (fx / "adir.toml").mkdir(exist_ok=True)
    (fx / "adir").mkdir(exist_ok=True)
    # a case and its hostile copies
    library = Path(str(files("collsec.cases").joinpath("library")))
    for variant in (
        "case",
        "case_outcome",
        "case_vetoed_by",
        "case_actors",
        "case_hand",
        "case_consent",
        "case_demand",
    ):
        d = fx / variant
        d.mkdir(exist_ok=True)
        for suffix in (".toml", ".record.toml", ".actors.csv"):
            shutil.copyfile(library / f"{CASE}{suffix}", d / f"{CASE}{suffix}")
    record = (fx / "case_outcome" / f"{CASE}.record.toml").read_text("utf-8")
    old = 'outcome = "vetoed"\nvetoed_by = [\n    "RUS",\n]'
    assert old in record, "the crimea-2014 record changed: update tests/hostile.py"
    (fx / "case_outcome" / f"{CASE}.record.toml").write_text(
        record.replace(old, 'outcome = "adopted"\nvetoed_by = []', 1), "utf-8"
    )
    (fx / "case_vetoed_by" / f"{CASE}.record.toml").write_text(
        record.replace(old, 'outcome = "vetoed"\nvetoed_by = [\n    "CHN",\n]', 1), "utf-8"
    )
    (fx / "case_actors" / f"{CASE}.actors.csv").write_bytes(GARBAGE)
    # a draft's content that contradicts itself (consent without a mission), and one
    # that demands what the vocabulary does not know
    built = (fx / "case_consent" / f"{CASE}.record.toml").read_text("utf-8")
    assert 'mission = ""\nconsent = false' in built, "update tests/hostile.py"
    (fx / "case_consent" / f"{CASE}.record.toml").write_text(
        built.replace('mission = ""\nconsent = false', 'mission = ""\nconsent = true', 1), "utf-8"
    )
    assert '"political",' in built, "update tests/hostile.py"
    (fx / "case_demand" / f"{CASE}.record.toml").write_text(
        built.replace('"political",', '"regime change",', 1), "utf-8"
    )
    # a record written by hand (no build header): `cases build` must not overwrite it
    hand = fx / "case_hand" / f"{CASE}.record.toml"
    hand.write_text("# written by hand\n" + record.split("\n\n", 1)[1], "utf-8")
    # a data directory whose COW state list is binary garbage (the rest links to the mirror)
    data = Path(data_dir or os.environ.get("COLLSEC_DATA_DIR", ""))
    bad = fx / "data_garbage"
    if data.is_dir() and not bad.exists():
        bad.mkdir()
        for sub in data.iterdir():
            if sub.name in ("cow", "icb"):
                (bad / sub.name).mkdir()
                for f in sub.iterdir():
                    target = bad / sub.name / f.name
                    if f.name in ("states.csv", "crises_dev.csv"):
                        target.write_bytes(GARBAGE)
                    else:
                        target.symlink_to(f)
            else:
                (bad / sub.name).symlink_to(sub)


def snapshot(root: Path) -> dict[str, tuple[int, int]]:
    """Every file under ``root``: its size and modification time."""
    out = {}
    for dirpath, _dirs, names in os.walk(root):
        for name in names:
            p = Path(dirpath) / name
            try:
                st = p.lstat()
            except OSError:
                continue
            out[str(p.relative_to(root))] = (st.st_size, st.st_mtime_ns)
    return out


def new_files(before: dict[str, tuple[int, int]], root: Path) -> list[str]:
    """Files under ``root`` that were not there (or were changed) since ``before``."""
    after = snapshot(root)
    return sorted(k for k, v in after.items() if before.get(k) != v)


# --------------------------------------------------------------------------- the inputs

#: unwritable places: a "folder" that is a file; a folder that does not exist; /sys
UNWRITABLE = ("{fx}/afile.txt/sub", "{out}/missing/deeper", "/sys")

#: (command line before the option, option, lowest valid, highest valid)
SIZE_OPTIONS: tuple[tuple[str, str, int, int], ...] = (
    ("simulate", "--states", 16, 1000),
    ("simulate", "--crises", 1, 10_000_000),
    ("simulate", "--chunk", 1, 1_000_000),
    ("simulate", "--threads", 1, 64),
    ("simulate", "--seed", 0, 2**63 - 1),
    ("replay-crisis", "--states", 16, 1000),
    ("replay-crisis", "--crisis", 0, 2**63 - 1),
    ("replay-crisis", "--seed", 0, 2**63 - 1),
    ("facts --world synthetic", "--crises", 1000, 10_000_000),
    ("facts --world synthetic", "--states", 16, 1000),
    ("facts", "--seed", 0, 2**63 - 1),
    ("burden", "--crises", 1000, 10_000_000),
    ("burden", "--seed", 0, 2**63 - 1),
    ("experiment {fx}/e_ok.toml", "--replications", 1, 10_000_000),
    ("experiment {fx}/e_ok.toml", "--years", 1, 1000),
    ("experiment {fx}/e_ok.toml", "--seed", 0, 2**63 - 1),
    ("experiment {fx}/e_ok.toml", "--workers", 1, 64),
    ("sensitivity veto-variants", "--samples", 2, 65536),
    ("sensitivity veto-variants", "--replications", 1, 100_000),
    ("replay gulf-1990", "--seed", 0, 2**63 - 1),
    ("unravel", "--seed", 0, 2**63 - 1),
    ("fidelity --no-loo", "--seed", 0, 2**63 - 1),
    ("backtest icb", "--seed", 0, 2**63 - 1),
    ("calibrate --out-dir {out}/cal", "--seed", 0, 2**63 - 1),
    ("play gulf-1990", "--seed", 0, 2**63 - 1),
    ("lab --no-browser", "--port", 0, 65535),
    ("power unsc", "--year", 1800, 2200),
    ("vote unsc --yes USA", "--year", 1800, 2200),
)


def _size_inputs() -> Iterator[Hostile]:
    """Every size option with values just outside its range, huge, and not a number."""
    for command, option, lo, hi in SIZE_OPTIONS:
        values = {lo - 1, hi + 1, -(2**63) - 1, 2**63, 2**64, 10**30}
        for v in sorted(x for x in values if not lo <= x <= hi):
            yield Hostile(f"{command} {option} {v}")
        for text in ("1e12", "nan", "''", "0x10"):
            yield Hostile(f"{command} {option} {text}")


def _output_inputs() -> Iterator[Hostile]:
    """Every output option: unwritable places and unknown suffixes."""
    outputs = (
        ("world 1990 --export", ".csv"),
        ("dyads 1990 --export", ".parquet"),
        ("audit unsc --export", ".csv"),
        ("report {fx}/run.duckdb --out", ".html"),
        ("experiment {fx}/e_ok.toml --db", ".duckdb"),
        ("backtest icb --export", ".csv"),
        ("backtest icb --plot", ".png"),
        ("burden --plot", ".png"),
    )
    for command, suffix in outputs:
        for place in UNWRITABLE:
            yield Hostile(f"{command} {place}/x{suffix}")
        yield Hostile(f"{command} {{fx}}/adir/")
    for command, bad in (
        ("world 1990 --export", "x.txt"),
        ("dyads 1990 --export", "x.json"),
        ("audit unsc --export", "x"),
        ("report {fx}/run.duckdb --out", "x.pdf"),
        ("report {fx}/run.duckdb --out", "x"),
        ("report {fx}/run.duckdb --out", "x.htm.gz"),
        ("backtest icb --export", "x.xlsx"),
        ("backtest icb --plot", "x.gif"),
        ("burden --plot", "x.gif"),
    ):
        yield Hostile(f"{command} {{out}}/{bad}")
    for place in UNWRITABLE:
        yield Hostile(f"cases build crimea-2014 --out {place}")
        if "missing" not in place:  # calibrate makes the folders it is given
            yield Hostile(f"calibrate --out-dir {place}/cal")
    yield Hostile("cases build crimea-2014 --out {fx}/afile.txt")
    yield Hostile("calibrate --out-dir {fx}/afile.txt")


def _file_inputs() -> Iterator[Hostile]:
    """Every file option given garbage, a folder, latin-1, nothing or a missing file."""
    readers = (
        "simulate --params",
        "simulate --scenario",
        "simulate --council",
        "simulate --policy",
        "replay-crisis --params",
        "facts --params",
        "burden --params",
        "replay gulf-1990 --params",
        "replay gulf-1990 --charter",
        "unravel --params",
        "unravel --charter",
        "fidelity --no-loo --params",
        "fidelity --cases",
        "experiment",
        "sensitivity",
        "report",
        "replay",
        "power",
        "vote",
        "power --quota 3 --weights-file",
        "backtest icb --crises",
        "backtest icb --actors",
        "calibrate --out-dir {out}/cal --crises",
        "data cite --run",
        "data import cow_states",
    )
    bad_files = (
        "{fx}/garbage.bin",
        "{fx}/garbage.toml",
        "{fx}/latin1.toml",
        "{fx}/adir.toml",
        "{fx}/empty.toml",
        "{fx}/missing.toml",
    )
    for command in readers:
        for path in bad_files:
            if path.endswith("empty.toml") and ("--params" in command or "--scenario" in command):
                continue  # an empty parameter or scenario file changes nothing: it is valid
            if command == "simulate --policy":
                path = path + ":P"
            yield Hostile(f"{command} {path}")


EXPLICIT: tuple[Hostile, ...] = (
    # -- item 1: sizes the tester reported
    Hostile("simulate --states 1000000000 --crises 10"),
    Hostile("simulate --crises 1000000000000"),
    Hostile("simulate --crises 100000000"),
    Hostile("simulate --states 1000 --crises 5000000"),
    Hostile("simulate --params {fx}/p_window.toml --chunk 1000000 --crises 1000000"),
    Hostile("simulate --params {fx}/p_window_big.toml"),
    Hostile("facts --crises 100000000000"),
    Hostile("facts --world synthetic --states 1000 --crises 5000000"),
    Hostile("sensitivity veto-variants --samples 1073741824"),
    Hostile("sensitivity veto-variants --samples 0"),
    Hostile("sensitivity veto-variants --samples 3"),
    Hostile("sensitivity veto-variants --replications 0"),
    Hostile("sensitivity veto-variants --replications 100000"),
    Hostile("sensitivity veto-variants"),  # a minute of work: above the 10 s bound
    Hostile("sensitivity {fx}/e_nosens.toml"),
    Hostile("sensitivity {fx}/e_sens_reps.toml"),
    Hostile("sensitivity {fx}/e_sens_samples.toml"),
    Hostile("sensitivity {fx}/e_sens_odd.toml"),
    Hostile("sensitivity {fx}/e_sens_range.toml"),
    Hostile("sensitivity {fx}/e_ok.toml --samples 4"),
    Hostile("experiment veto-variants --years 100000 --db {out}/x.duckdb"),
    Hostile("experiment veto-variants --replications 100000000 --db {out}/x.duckdb"),
    Hostile("experiment veto-variants --db {out}/x.duckdb"),  # a minute: above 10 s
    Hostile("experiment veto-variants --replications 0 --db {out}/x.duckdb"),
    Hostile("experiment veto-variants --years 0 --db {out}/x.duckdb"),
    Hostile("experiment veto-variants --seed -1 --db {out}/x.duckdb"),
    Hostile("experiment {fx}/e_ok.toml --workers 0"),
    Hostile("experiment {fx}/e_ok.toml --workers 100000"),
    Hostile("experiment {fx}/e_ok.toml --backend nope"),
    Hostile("experiment {fx}/e_reps.toml"),
    Hostile("experiment {fx}/e_reps_time.toml"),
    Hostile("experiment {fx}/e_years.toml"),
    Hostile("experiment {fx}/e_states.toml"),
    Hostile("experiment {fx}/e_states3.toml"),
    Hostile("experiment {fx}/e_seed.toml"),
    Hostile("experiment {fx}/e_wseed.toml"),
    # chunks shrink to fit the memory bound (one replication of 4,096 crises on 1,000
    # states: about 860 MB, measured 900 MB): refused under a bound it cannot fit,
    # run under the default 2 GiB
    Hostile("experiment {fx}/e_mpy.toml", env={"COLLSEC_MAX_MEMORY": "600M"}),
    Hostile("experiment {fx}/e_mpy.toml --db {out}/mpy.duckdb", expect="any", slow=True),
    Hostile("experiment {fx}/e_peace.toml"),
    Hostile("experiment {fx}/e_params.toml"),
    Hostile("experiment {fx}/e_window.toml"),
    Hostile("experiment {fx}/e_council.toml"),
    Hostile("experiment {fx}/e_ok.toml --db {fx}/garbage.duckdb"),
    Hostile("experiment {fx}/e_ok.toml --db {fx}/text.duckdb"),
    Hostile("experiment {fx}/e_ok.toml --db {fx}/afile.txt"),
    Hostile("experiment no-such-experiment"),
    Hostile("experiment {fx}/e_ok.toml --db {out}/r.duckdb", expect="any"),
    Hostile("experiment {fx}/e_ok.toml --db {out}/r.duckdb --workers 2", expect="any", slow=True),
    # -- item 2: seeds, weights, exclusive options, charters, suffixes, files
    Hostile("simulate --seed -1"),
    Hostile("replay-crisis --seed -1"),
    Hostile("replay-crisis --crisis -1"),
    Hostile("replay gulf-1990 --seed -1"),
    # a Ray cluster that is not there, or an address that is not one
    Hostile("experiment veto-variants --backend ray --ray-address 127.0.0.1:1 --db {out}/x.duckdb"),
    Hostile("experiment veto-variants --backend ray --ray-address nohost --db {out}/x.duckdb"),
    Hostile("experiment veto-variants --ray-address 127.0.0.1:1 --db {out}/x.duckdb"),
    # play and the lab (docs/lab.md)
    Hostile("play gulf-1990 --moves {fx}/garbage.json"),
    Hostile("play gulf-1990 --moves {fx}/afile.txt"),
    Hostile("play gulf-1990 --moves {fx}/no-such-file.json"),
    Hostile("play gulf-1990 --moves {fx}"),
    Hostile("play gulf-1990 --moves {fx}/moves_bad_draft.json"),
    Hostile("play gulf-1990 --moves {fx}/moves_bad_seat.json"),
    Hostile("play gulf-1990 --moves {fx}/moves_many.json"),
    Hostile("play gulf-1990 --seat KWT"),
    Hostile("play no-such-case"),
    Hostile("lab --no-browser --store {fx}/garbage.duckdb"),
    Hostile("lab --no-browser --host no.such.host.invalid"),
    Hostile("unravel --seed -1"),
    Hostile("fidelity --no-loo --seed -1"),
    Hostile("backtest icb --seed -1"),
    Hostile("backtest icb --crisis -1"),
    Hostile("calibrate --seed -1 --out-dir {out}/cal"),
    Hostile("facts --seed -1"),
    Hostile("burden --seed -1"),
    Hostile("burden --crises 999"),
    Hostile("burden --crises 100000000000"),
    Hostile("burden --data-dir {fx}/data_garbage"),
    Hostile("burden --data-dir {fx}/missing"),
    Hostile("experiment {fx}/e_ok.toml --seed -5"),
    Hostile("power --quota 3 --weights-file {fx}/w_inf.txt"),
    Hostile("power --quota 3 --weights-file {fx}/w_neg.txt"),
    Hostile("power --quota 3 --weights-file {fx}/w_nan.txt"),
    Hostile("power --quota 3 --weights-file {fx}/w_float.txt"),
    Hostile("power --quota 3 --weights-file {fx}/w_big.txt"),
    Hostile("power --quota 2501 --weights-file {fx}/w_many.txt"),
    Hostile("power --quota 30000000000000 --weights-file {fx}/w_heavy.txt"),
    Hostile("power --quota 0 --weights-file {fx}/w_ok.txt"),
    Hostile("power --quota -3 --weights-file {fx}/w_ok.txt"),
    Hostile("power --quota 18 --weights-file {fx}/w_ok.txt"),
    Hostile("power --quota 1000000000000000000000 --weights-file {fx}/w_ok.txt"),
    Hostile("power unsc --quota 12 --weights-file {fx}/w_ok.txt"),
    Hostile("power --quota 12"),
    Hostile("power --quota 12 --weights-file {fx}/w_ok.txt", expect="any"),
    Hostile("power --quota 12 --weights-file {fx}/w_ok.txt --year 2000"),
    Hostile("power --quota 12 --weights-file {fx}/w_ok.txt --rule substantive"),
    # a large assembly's table above the memory bound: refused before it is allocated
    Hostile(
        "power --quota 3965765 --weights-file {fx}/w_assembly.txt",
        env={"COLLSEC_MAX_MEMORY": "320M"},
    ),
    Hostile("vote unsc --year 2000 --yes USA --procedural --question important"),
    Hostile("backtest icb --crisis 393 --ablation"),
    Hostile("simulate --world 1990 --states 50"),
    Hostile("simulate --params {fx}/p_inf.toml"),
    Hostile("simulate --params {fx}/p_ninf.toml"),
    Hostile("simulate --params {fx}/p_negweight.toml"),
    Hostile("simulate --params {fx}/p_nan.toml"),
    Hostile("simulate --params {fx}/p_days.toml"),
    Hostile("simulate --params {fx}/p_thresh.toml"),
    Hostile("simulate --params {fx}/p_kind.toml"),
    Hostile("simulate --params {fx}/p_level.toml"),
    Hostile("simulate --params {fx}/p_table.toml"),
    Hostile("replay gulf-1990 --params {fx}/p_negweight.toml"),
    Hostile("fidelity --no-loo --params {fx}/p_inf.toml"),
    Hostile("simulate --scenario {fx}/sc_bad.toml"),
    Hostile("power unsc --year 2000 --date 2001-01-01"),
    Hostile("vote unsc --year 1950 --date 2022-02-25 --yes USA"),
    Hostile("power unsc --year 99999"),
    Hostile("power unsc --date 1990-02-30"),
    Hostile("vote unsc --year -5 --yes USA"),
    Hostile("power {fx}/noid.toml --year 2000"),
    Hostile("vote {fx}/noid.toml --year 2000 --yes USA"),
    Hostile("simulate --council {fx}/noid.toml"),
    Hostile("power {fx}/q20.toml --year 2000"),
    Hostile("vote {fx}/q20.toml --year 2000 --yes USA"),
    Hostile("power {fx}/q0.toml --year 2000"),
    Hostile("vote {fx}/q0.toml --year 2000 --yes USA"),
    Hostile("power {fx}/selfext.toml --year 2000"),
    Hostile("vote unsc --year 2022 --chapter IX"),
    Hostile("vote unsc --year 2022 --yes USA --no USA"),
    Hostile("vote nobody --yes USA"),
    Hostile("vote unsc --year 2022 --target XXX"),
    Hostile("replay gulf-1990 --charter league-council"),
    Hostile("replay gulf-1990 --charter eu-council-qmv"),
    Hostile("replay korea-1950 --charter unsc-no-veto"),
    Hostile("unravel --charter eu-council-qmv"),
    Hostile("unravel --charter unsc-1966"),
    Hostile("replay gulf-1990 --world nope"),
    Hostile("replay gulf-1990 --policy nope"),
    Hostile("replay no-such-case"),
    Hostile("replay {fx}/case_actors/crimea-2014.toml"),
    Hostile("replay {fx}/case_outcome/crimea-2014.toml"),
    Hostile("replay {fx}/case_vetoed_by/crimea-2014.toml"),
    Hostile("cases build {fx}/case_actors/crimea-2014.toml --out {out}", expect="any"),
    Hostile("cases build {fx}/case_hand/crimea-2014.toml"),
    Hostile("fidelity --cases {fx}/adir"),
    Hostile("fidelity --cases {fx}/afile.txt"),
    Hostile("fidelity --cases {fx}"),
    Hostile("fidelity --cases {fx}/case_actors"),
    Hostile("fidelity --cases {fx}/case_outcome"),
    Hostile("fidelity --cases {fx}/case_vetoed_by"),
    Hostile("fidelity --cases {fx}/case_consent"),
    Hostile("fidelity --cases {fx}/case_demand"),
    Hostile("replay {fx}/case_consent/crimea-2014.toml"),
    Hostile("facts --world synthetic --states 20 --crises 999 --no-vetoes"),
    Hostile("fidelity --cases {fx}/case", expect="any"),
    Hostile("fidelity --cases {fx}/case_hand", expect="any"),
    Hostile("fidelity --cases {fx}/case", env={"COLLSEC_MAX_CASE_FILES": "0"}),
    Hostile("report {fx}/garbage.duckdb --out {out}/r.html"),
    Hostile("report {fx}/text.duckdb --out {out}/r.html"),
    Hostile("report {fx}/adir --out {out}/r.html"),
    Hostile("report {fx}/missing.duckdb --out {out}/r.html"),
    Hostile("report {fx}/run.duckdb --out {out}/r.html --run nope"),
    Hostile("report {fx}/run.duckdb --out {out}/r.html", expect="any"),
    Hostile("world 99999"),
    Hostile("world 1815"),
    Hostile("world 1990-13-01"),
    Hostile("world ''"),
    Hostile("world -- -5"),
    Hostile("dyads 1e9"),
    Hostile("world 1990 --data-dir {fx}/data_garbage"),
    Hostile("dyads 1990 --data-dir {fx}/data_garbage"),
    Hostile("simulate --world 1990 --data-dir {fx}/data_garbage"),
    Hostile("facts --data-dir {fx}/data_garbage"),
    Hostile("vetoes --data-dir {fx}/missing"),
    Hostile("audit unsc --data-dir {fx}/afile.txt"),
    Hostile("backtest icb --data-dir {fx}/data_garbage"),
    Hostile("backtest icb --crises {fx}/garbage.csv --actors {fx}/garbage.csv"),
    Hostile("backtest icb --crisis 99999999"),
    Hostile("calibrate --data-dir {fx}/data_garbage --out-dir {out}/cal"),
    Hostile("simulate --world 1990 --data-dir {fx}/missing"),
    Hostile("simulate --world 99999"),
    Hostile("simulate --world synthetic --log"),
    Hostile("simulate --log --crises 2"),
    Hostile("simulate --format xml"),
    Hostile("simulate --policy nope"),
    Hostile("simulate --policy {fx}/missing.py:P"),
    Hostile("simulate --council nope"),
    Hostile("replay-crisis --crisis 9223372036854775807", expect="any"),
    Hostile("data cite --run {fx}/run_list.json"),
    Hostile("data cite"),
    Hostile("data info nope"),
    Hostile("data fetch nope"),
    Hostile("data import cow_states {fx}/missing.csv"),
    Hostile("schema nope"),
    Hostile("bodies --format xml"),
    Hostile("nope"),
    # -- item 4: an unwritable cache means running without a cache, with one warning
    Hostile("world 1990", expect="any", env={"COLLSEC_CACHE_DIR": "{fx}/afile.txt/cache"}),
    Hostile(
        "data import cow_states {fx}/garbage.csv --force",
        env={"COLLSEC_CACHE_DIR": "{fx}/afile.txt/cache"},
    ),
    Hostile("data fetch cow_states", env={"COLLSEC_CACHE_DIR": "{fx}/afile.txt/cache"}),
    Hostile("data fetch cow_states", env={"COLLSEC_CACHE_DIR": "/sys/collsec-cache"}),
    Hostile(
        "backtest icb",
        expect="any",
        env={"COLLSEC_CACHE_DIR": "{fx}/afile.txt/cache"},
        slow=True,
    ),
    # -- at the bounds: accepted, and within about 10 s and 2 GiB
    Hostile("simulate --crises 700000 --format json", expect="any", slow=True),
    Hostile("simulate --states 1000 --crises 130000 --format json", expect="any", slow=True),
    Hostile(
        "simulate --states 3000 --crises 10 --format json",
        expect="any",
        env={"COLLSEC_MAX_STATES": "3000"},
        slow=True,
    ),
    Hostile("facts --world synthetic --crises 300000 --format json", expect="any", slow=True),
    Hostile("facts --crises 200000 --format json", expect="any", slow=True),
    Hostile(
        "experiment veto-variants --replications 150 --years 25 --db {out}/v.duckdb",
        expect="any",
        slow=True,
    ),
    Hostile("experiment {fx}/e_big.toml --db {out}/e.duckdb", expect="any", slow=True),
    Hostile("sensitivity {fx}/e_sens_reps.toml --replications 300", expect="any", slow=True),
)

#: every input once (the explicit ones first; a generated one may repeat one of them)
HOSTILE: tuple[Hostile, ...] = tuple(
    {h.id: h for h in (*EXPLICIT, *_size_inputs(), *_output_inputs(), *_file_inputs())}.values()
)

"""Fuzzing: hostile input to every command, the charter loader and the ballot parser.

Bad input is one line and exit code 2, never a traceback, never a file left behind.
"""

from __future__ import annotations

import datetime as dt
import errno
import json
import math
import os
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import duckdb
import pytest
import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from collsec.cli.main import main
from collsec.codes.codes import resolve_member
from collsec.errors import InputError
from collsec.experiments import store as store_module
from collsec.experiments.runner import run_experiment
from collsec.experiments.spec import load_experiment
from collsec.institutions import Ballot, load_body, load_charter
from hostile import HOSTILE, Hostile, new_files, snapshot, write_fixtures

# no deadline and no "too slow" health check: timings are not facts on a busy machine
SETTINGS = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

scalars = st.one_of(
    st.booleans(), st.integers(-5, 40), st.text(max_size=8),
    st.sampled_from(["2/3", "1/2", "0", "5/4", "x", "permanent", "unsc-1966", "population"]),
)  # fmt: skip
criterion = st.dictionaries(
    st.sampled_from(["type", "count", "fraction", "strict", "of", "weight", "among", "holders",
                     "blockers", "excuse", "min_yes", "bogus"]),
    st.one_of(scalars, st.sampled_from(["quota", "veto", "no_objection", "max_against",
                                        "abstention_cap", "members", "present"])),
    max_size=5,
)  # fmt: skip
rule = st.fixed_dictionaries(
    {},
    optional={
        "criteria": st.lists(criterion, max_size=3),
        "any_of": st.lists(st.lists(criterion, max_size=2), max_size=2),
        "parties": st.sampled_from(["vote", "excluded", "maybe"]),
    },
)
charter_doc = st.fixed_dictionaries(
    {"id": st.text(min_size=1, max_size=6)},
    optional={
        "extends": st.sampled_from(["unsc-1966", "unga", "nope", "x"]),
        "body": st.text(max_size=5),
        "valid_from": st.dates(dt.date(1900, 1, 1), dt.date(2100, 1, 1)),
        "members": st.fixed_dictionaries({}, optional={
            "table": st.sampled_from(["un.csv", "missing.csv"]),
            "size": st.integers(-1, 30),
            "fixed": st.lists(st.fixed_dictionaries({"member": st.text(max_size=4)}), max_size=3),
        }),
        "rules": st.dictionaries(st.sampled_from(["substantive", "procedural", "x"]), rule, max_size=2),
        "default_rule": st.sampled_from(["substantive", "procedural", "nope"]),
        "groups": st.dictionaries(st.sampled_from(["permanent", "g"]),
                                  st.fixed_dictionaries({"seat": st.lists(st.text(max_size=5), max_size=2)}),
                                  max_size=2),
    },
)  # fmt: skip


@SETTINGS
@given(doc=charter_doc)
def test_charter_loader_never_crashes(tmp_path: Path, doc: dict) -> None:
    path = tmp_path / "fuzz.toml"
    path.write_text(tomli_w.dumps(doc))
    try:
        charter = load_charter(str(path))
        load_body(str(path), on=dt.date(2000, 1, 1))
    except InputError as err:
        assert "\n" not in str(err)
    else:
        assert charter.rules


@SETTINGS
@given(text=st.text(max_size=200))
def test_charter_loader_on_arbitrary_text(tmp_path: Path, text: str) -> None:
    path = tmp_path / "junk.toml"
    path.write_text(text, encoding="utf-8")
    try:
        load_charter(str(path))
    except InputError as err:
        assert str(err).startswith(str(path))


tokens = st.lists(
    st.one_of(st.text(max_size=6), st.sampled_from(["USA", "RUS", "cow:365", "cow:RUS", "cow:", "cow:x",
                                                     "ROC", "SUN", "chn", " GBR ", "E01"])),
    max_size=6,
)  # fmt: skip


@SETTINGS
@given(yes=tokens, no=tokens, abstain=tokens, year=st.integers(1946, 2026))
def test_ballot_parser_never_crashes(
    yes: list[str], no: list[str], abstain: list[str], year: int
) -> None:
    on = dt.date(year, 7, 1)
    council = load_body("unsc", on=on)
    try:
        ballot = Ballot.from_lists(
            yes=[resolve_member(t, on, source="--yes") for t in yes],
            no=[resolve_member(t, on, source="--no") for t in no],
            abstain=[resolve_member(t, on, source="--abstain") for t in abstain],
        )
        d = council.adjudicate(ballot)
    except InputError as err:
        assert "\n" not in str(err)
    else:
        assert d.adopted == (len(d.yes) >= d.required and not d.vetoed_by)


# --------------------------------------------------------------------------- every command
#
# The hostile inputs of tests/hostile.py, run in process: each exits 0 or 2, an input that
# must be refused exits 2, a refusal is one line on stderr, and nothing is left behind
# (no file from a refused input, no temporary or empty file from any). Accepted inputs
# that take seconds run under `make validate`.


@pytest.fixture(scope="session")
def hostile_files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The hostile files, and a small run database for `collsec report`."""
    fx = tmp_path_factory.mktemp("hostile")
    write_fixtures(fx)
    run_experiment(load_experiment(str(fx / "e_ok.toml")), fx / "run.duckdb")
    return fx


def _run_hostile(h: Hostile, files: Path, tmp_path: Path, monkeypatch, capsys) -> None:
    fx, out = tmp_path / "fx", tmp_path / "out"
    shutil.copytree(files, fx, symlinks=True)
    out.mkdir()
    monkeypatch.chdir(out)
    for k, v in h.environ(fx, out).items():
        monkeypatch.setenv(k, v)
    before = snapshot(tmp_path)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        code = main(h.argv(fx, out))
    err = capsys.readouterr().err
    lines = [ln for ln in err.splitlines() if ln.strip()]
    lines += [f"warning: {w.message}" for w in caught]
    assert code in (0, 2), (code, err)
    if h.expect == "refuse":
        assert code == 2, f"accepted: {h.id}"
    if code == 2:
        assert len(lines) == 1 and lines[0].startswith("collsec: error: "), lines
    else:  # what a command says on success ("collsec: wrote ..."), and at most one warning
        assert not [ln for ln in lines if "error" in ln.lower() or "Traceback" in ln], lines
        assert len([ln for ln in lines if "warning" in ln.lower()]) <= 1, lines
    left = new_files(before, tmp_path)
    if code == 2:
        assert left == [], left
    else:
        assert not [f for f in left if f.endswith((".tmp", ".part", ".wal"))], left
        assert all((tmp_path / f).stat().st_size for f in left), left


@pytest.mark.data
@pytest.mark.parametrize("h", [h for h in HOSTILE if not h.slow], ids=lambda h: h.id)
def test_hostile_input(h: Hostile, hostile_files: Path, tmp_path: Path, monkeypatch, capsys):
    _run_hostile(h, hostile_files, tmp_path, monkeypatch, capsys)


@pytest.mark.data
@pytest.mark.validate
@pytest.mark.parametrize("h", [h for h in HOSTILE if h.slow], ids=lambda h: h.id)
def test_hostile_input_slow(
    h: Hostile, hostile_files: Path, tmp_path: Path, monkeypatch, capsys
) -> None:
    _run_hostile(h, hostile_files, tmp_path, monkeypatch, capsys)


# --------------------------------------------------------------------------- the file system


class _FullDisk:
    """A DuckDB connection whose disk fills once ``after`` chunks are written: the write
    fails and so does the first rollback (DuckDB's own error, then a second one)."""

    def __init__(self, con, after: int):
        self._con, self._left, self._rollbacks = con, after, 0

    def execute(self, sql: str, *args):
        if sql.startswith("INSERT INTO results"):
            if self._left == 0:
                raise duckdb.IOException(
                    'IO Error: Could not write file "x.duckdb.wal": No space left on device'
                )
            self._left -= 1
        if sql == "ROLLBACK" and self._left == 0 and not self._rollbacks:
            self._rollbacks += 1
            raise duckdb.TransactionException("TransactionContext Error: cannot rollback")
        return self._con.execute(sql, *args)

    def __getattr__(self, name: str):
        return getattr(self._con, name)


def _fill_disk(monkeypatch: pytest.MonkeyPatch, after: int) -> None:
    real = duckdb.connect

    def connect(*args, **kwargs):
        return _FullDisk(real(*args, **kwargs), after)

    monkeypatch.setattr(store_module.duckdb, "connect", connect)


EXPERIMENT = (
    'id = "disk"\nreplications = 80\nyears = 2\n[world]\nstates = 20\n[[designs]]\nid = "a"\n'
)


def test_a_disk_filling_before_the_first_chunk(tmp_path, monkeypatch, run_cli) -> None:
    """One line (was a traceback during the handling of another), and no database left."""
    (tmp_path / "disk.toml").write_text(EXPERIMENT)
    db = tmp_path / "disk.duckdb"
    _fill_disk(monkeypatch, after=0)
    code, out, err = run_cli("experiment", str(tmp_path / "disk.toml"), "--db", str(db))
    assert code == 2 and out == "" and len(_lines(err)) == 1
    assert _lines(err)[0].startswith(f"collsec: error: {db}: No space left on device (")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["disk.toml"]


def test_a_disk_filling_after_a_chunk_keeps_what_was_written(tmp_path, monkeypatch, run_cli):
    (tmp_path / "disk.toml").write_text(EXPERIMENT)
    db = tmp_path / "disk.duckdb"
    _fill_disk(monkeypatch, after=1)
    args = ("experiment", str(tmp_path / "disk.toml"), "--db", str(db), "--format", "json")
    code, _, err = run_cli(*args)
    assert code == 2 and len(_lines(err)) == 1 and "No space left on device" in err
    monkeypatch.undo()
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM chunks").fetchone() == (1,)
    code, out, err = run_cli(*args, "--resume")
    assert code == 0, err
    assert json.loads(out)["replications"] == 80  # chunks of 25, 25, 25 and 5


def test_an_export_that_fails_half_written_leaves_nothing(tmp_path, monkeypatch, run_cli):
    import pandas as pd

    def half(self, path, *args, **kwargs):
        Path(path).write_text("ccode,iso3\n2,US")
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(pd.DataFrame, "to_csv", half)
    target = tmp_path / "w.csv"
    code, _, err = run_cli("world", "1990", "--export", str(target))
    assert code == 2 and err.count("\n") == 1 and "No space left on device" in err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("suffix", [".pdf", "", ".htm.gz", ".HTML5"])
def test_report_takes_html_only(hostile_files: Path, tmp_path: Path, run_cli, suffix) -> None:
    code, _, err = run_cli(
        "report", str(hostile_files / "run.duckdb"), "--out", f"{tmp_path}/r{suffix}"
    )
    assert code == 2 and "--out: unknown report format" in err and "use .html or .htm" in err
    assert list(tmp_path.iterdir()) == []


def test_unwritable_outputs_are_refused_before_the_work(tmp_path, run_cli) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    for args in (
        ["calibrate", "--out-dir", str(blocker / "cal")],
        ["cases", "build", "crimea-2014", "--out", str(blocker)],
        ["world", "1990", "--export", str(blocker / "w.csv")],
    ):
        code, _, err = run_cli(*args)
        assert code == 2 and err.count("\n") == 1 and str(blocker) in err, (args, err)
    assert [p.name for p in tmp_path.iterdir()] == ["a-file"]


def _lines(err: str) -> list[str]:
    return [ln for ln in err.splitlines() if ln.strip()]


def _collsec(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """The command in a process of its own (nothing loaded before it)."""
    code = "import sys; from collsec.cli.main import main; sys.exit(main())"
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        check=False,
    )


@pytest.mark.data
def test_an_unwritable_cache_is_one_warning(tmp_path, run_cli) -> None:
    """Running without a cache, said once (the backtest printed 2,400 warnings, then
    a traceback); fetch and import, which write into the cache, refuse."""
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    env = {"COLLSEC_CACHE_DIR": str(blocker / "cache")}
    r = _collsec("world", "1990", "--format", "json", env=env)
    assert r.returncode == 0 and json.loads(r.stdout)["year"] == 1990
    assert r.stderr.count("\n") == 1, r.stderr
    assert r.stderr.startswith(f"collsec: warning: {blocker / 'cache'}: the cache directory is")
    for args in (["data", "fetch", "cow_states"], ["data", "import", "cow_states", str(blocker)]):
        r = _collsec(*args, env=env)
        assert r.returncode == 2 and r.stderr.count("\n") == 1, r.stderr
        assert "the cache directory is not writable" in r.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["a-file"]


# --------------------------------------------------------------------------- numbers in files

FILE_SETTINGS = settings(SETTINGS, max_examples=60)
NONNEGATIVE = ("commitment", "affinity", "cost", "distance", "sovereignty", "sponsor", "nuclear")
numbers = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(-(10**20), 10**20),
    st.sampled_from([float("inf"), float("-inf"), float("nan"), -0.0, 1e308, -1e-300]),
)


@FILE_SETTINGS
@given(values=st.dictionaries(st.sampled_from([*NONNEGATIVE, "vote_yes", "fight_days",
                                               "credibility_window", "honour"]),
                              numbers, min_size=1, max_size=4))  # fmt: skip
def test_parameter_files_hold_finite_numbers(tmp_path: Path, values: dict) -> None:
    from collsec.behavior.parameters import Parameters

    path = tmp_path / "p.toml"
    path.write_text(tomli_w.dumps(values))
    try:
        p = Parameters.from_file(path)
    except InputError as err:
        assert "\n" not in str(err) and str(err).startswith(str(path))
        return
    for k in values:
        v = getattr(p, k)
        assert math.isfinite(v), (k, v)
        if k in (*NONNEGATIVE, "fight_days", "honour"):
            assert v >= 0, (k, v)


@FILE_SETTINGS
@given(lines=st.lists(st.one_of(numbers.map(str), st.text(max_size=6)), min_size=0, max_size=8))
def test_weight_files_hold_whole_non_negative_numbers(tmp_path: Path, lines: list[str]) -> None:
    from collsec.cli.power import read_weights

    path = tmp_path / "w.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    try:
        weights = read_weights(path)
    except InputError as err:
        assert "\n" not in str(err) and str(err).startswith(str(path))
        return
    assert weights and all(isinstance(w, int) and w >= 0 for w in weights)


def test_a_failed_run_leaves_an_existing_database_as_it_was(tmp_path, monkeypatch, run_cli):
    """A database that holds other runs keeps them, and gains no empty run."""
    (tmp_path / "disk.toml").write_text(EXPERIMENT)
    db = tmp_path / "disk.duckdb"
    code, _, err = run_cli(
        "experiment", str(tmp_path / "disk.toml"), "--db", str(db), "--years", "1"
    )
    assert code == 0, err
    _fill_disk(monkeypatch, after=0)
    code, _, err = run_cli("experiment", str(tmp_path / "disk.toml"), "--db", str(db))
    assert code == 2 and "No space left on device" in err
    monkeypatch.undo()
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT years FROM runs").fetchall() == [(1,)]
        assert con.execute("SELECT count(DISTINCT run_key) FROM designs").fetchone() == (1,)

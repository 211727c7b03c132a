"""A run's identity is the content of its inputs: an edited charter is a new run, --resume
refuses a run whose inputs changed and says what changed, and the database keeps the
rules behind every result."""

from __future__ import annotations

import ast
import json
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pandas as pd
import pytest
import tomli_w

import collsec
from collsec.errors import InputError
from collsec.experiments import identity
from collsec.experiments.identity import MODEL_CODE, NOT_MODEL, code_files, sha256_of
from collsec.experiments.runner import _chunk_rows, run_experiment, run_key, run_metadata
from collsec.experiments.spec import load_experiment
from collsec.experiments.store import Store
from collsec.institutions.charter import Charter, load_charter
from test_experiments import kill_after_first_chunk
from test_layers import edges

ROOT = Path(__file__).resolve().parents[1]

#: a reform of the 1966 Council: the veto needs two permanent members; QUOTA votes
REFORM = """
id = "my-reform"
extends = "unsc-1966"
variant = true
title = "Two vetoes to block"
[rules.substantive]
criteria = [
  {{ type = "quota", count = {quota} }},
  {{ type = "veto", holders = "permanent", blockers = 2 }},
]
"""

#: the same reform file with no veto at all
NO_VETO = """
id = "my-reform"
extends = "unsc-1966"
variant = true
title = "No veto"
[rules.substantive]
criteria = [{ type = "quota", count = 9 }]
"""

#: the Charter as in force, and the reform in a file beside the experiment
EXPERIMENT = """
id = "mine"
seed = 4
replications = {reps}
years = {years}
[world]
states = 40
[[designs]]
id = "charter"
[[designs]]
id = "reform"
council = "reform.toml"
{extra}
"""


def _write(tmp: Path, *, quota: int = 9, reps: int = 6, years: int = 6, extra: str = "") -> Path:
    (tmp / "reform.toml").write_text(REFORM.format(quota=quota))
    exp = tmp / "exp.toml"
    exp.write_text(EXPERIMENT.format(reps=reps, years=years, extra=extra))
    return exp


def _runs(db: Path) -> pd.DataFrame:
    with Store(db, read_only=True) as s:
        return s.runs()


def _results(db: Path, key: str) -> pd.DataFrame:
    with Store(db, read_only=True) as s:
        return s.results(key)


def _stored(db: Path, key: str, design: str | None, name: str) -> dict:
    with Store(db, read_only=True) as s:
        rows = s.inputs(key)
    match = rows[(rows["input"] == name) & (rows["design"].fillna("") == (design or ""))]
    assert len(match) == 1, (design, name, rows[["design", "input"]].to_dict("records"))
    return {"sha256": match["sha256"].iloc[0], "content": json.loads(match["content"].iloc[0])}


def _one_line(err: str) -> str:
    lines = [x for x in err.splitlines() if x.strip()]
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


# --------------------------------------------------------------------------- the key


def test_the_key_follows_the_content_of_a_charter_not_its_path(tmp_path):
    exp_file = _write(tmp_path, quota=9)
    k9 = run_key(load_experiment(str(exp_file)))
    assert run_key(load_experiment(str(exp_file))) == k9  # the same inputs, the same key
    _write(tmp_path, quota=10)  # the same path, other rules
    assert run_key(load_experiment(str(exp_file))) != k9
    _write(tmp_path, quota=9)
    assert run_key(load_experiment(str(exp_file))) == k9


def test_every_input_is_recorded_with_its_hash():
    exp = load_experiment("veto-variants").with_overrides(replications=3, years=2)
    meta = run_metadata(exp)
    names = {(i.design, i.name) for i in meta["inputs"]}
    run_wide = {"spec", "collsec", "data", "default_parameters", "code"}
    per_design = {f"charter:{r}" for r in identity.CHARTER_ROLES} | {
        "parameters",
        "scenario",
        "policy",
    }
    assert names == {(None, n) for n in run_wide} | {
        (d.id, n) for d in exp.designs for n in per_design
    }
    for i in meta["inputs"]:
        if i.name != "code":  # the code's hash is of its files (the git commit is beside)
            assert i.sha256 == sha256_of(i.content), i.name
    code = next(i for i in meta["inputs"] if i.name == "code")
    assert code.sha256 == sha256_of(code.content["files"])
    councils = {i.design: i.content["id"] for i in meta["inputs"] if i.name == "charter:council"}
    assert councils["charter"] == "unsc-1966" and councils["no-veto"] == "unsc-no-veto"


def test_the_code_hash_covers_what_the_simulation_imports_and_no_report(tmp_path):
    """Every collsec module the runner and the simulation import (as test_layers reads
    the source) is hashed, but for the error types, the file reader and writer, the
    process pool and the bounds on sizes (which decide no number) and the version (which the key
    holds on its own)."""
    graph: dict[str, set[str]] = {}
    for e in edges():
        graph.setdefault(e.source, set()).add(e.target)
    seen, todo = set(), ["collsec.experiments.runner", "collsec.experiments.history"]
    while todo:
        m = todo.pop()
        if m not in seen:
            seen.add(m)
            todo.extend(graph.get(m, ()))
    hashed = code_files()
    left_out = {
        "collsec",
        "collsec.errors",
        "collsec.validation_style",
        "collsec.workers",
        "collsec.limits",
        "collsec.data.export",
    }
    for m in sorted(seen - left_out):
        rel = m.removeprefix("collsec.").replace(".", "/")
        assert f"{rel}.py" in hashed or f"{rel}/__init__.py" in hashed, m
    assert not set(NOT_MODEL) & set(hashed)
    # the shipped parameters and charters are part of the model
    for f in (
        "behavior/parameters.toml",
        "behavior/calibrated.toml",
        "institutions/charters/unsc-1966.toml",
        "institutions/charters/variants/unsc-no-veto.toml",
        "institutions/membership/un.csv",
        "experiments/hazard.toml",
    ):
        assert f in hashed, f
    # on a copy of the package (no git): an edit to the model changes the hash, one to the
    # report does not
    copy = tmp_path / "collsec"
    shutil.copytree(ROOT / "src" / "collsec", copy, ignore=shutil.ignore_patterns("__pycache__"))
    before = sha256_of(code_files(copy))
    assert before == sha256_of(hashed)
    with (copy / "experiments" / "report.py").open("a") as fh:
        fh.write("\n# a comment\n")
    assert sha256_of(code_files(copy)) == before
    with (copy / "crisis" / "kernel.py").open("a") as fh:
        fh.write("\n# a comment\n")
    after = code_files(copy)
    assert sha256_of(after) != before
    assert [k for k in after if after[k] != hashed[k]] == ["crisis/kernel.py"]
    for pkg in ("behavior", "crisis", "institutions", "world", "experiments"):
        assert pkg in MODEL_CODE


# --------------------------------------------------------------------------- the database


def test_the_stored_charter_is_the_charter_the_run_used(tmp_path):
    """The database holds the resolved charter (extends applied); read back into a
    charter file, it gives the very numbers of the run."""
    exp_file = _write(tmp_path, quota=10)
    db = tmp_path / "r.duckdb"
    key = run_experiment(load_experiment(str(exp_file)), db)
    stored = _stored(db, key, "reform", "charter:council")
    c = stored["content"]
    assert stored["sha256"] == sha256_of(c)
    used = load_charter(str(tmp_path / "reform.toml"))
    assert Charter.model_validate(c) == used.model_copy(update={"path": ""})
    # extends applied: the base's seats and groups, the reform's rule
    assert c["members"]["size"] == 15 and "permanent" in c["groups"]
    assert c["rules"]["substantive"]["criteria"][0]["count"] == 10
    assert c["rules"]["substantive"]["criteria"][1]["blockers"] == 2
    assert "path" not in c
    # the charter of the untouched design is the Council as in force
    assert _stored(db, key, "charter", "charter:council")["content"]["id"] == "unsc-1966"

    # recovered: the stored content written back as a charter file of its own (no
    # extends) runs the same numbers
    def plain(x):
        if isinstance(x, dict):
            return {k: plain(v) for k, v in x.items() if v is not None}
        return [plain(v) for v in x] if isinstance(x, list) else x

    recovered = plain({**c, "extends": None})
    (tmp_path / "reform.toml").write_text(tomli_w.dumps(recovered))
    again = run_experiment(load_experiment(str(exp_file)), tmp_path / "again.duckdb")
    pd.testing.assert_frame_equal(_results(db, key), _results(tmp_path / "again.duckdb", again))
    # and the parameters the run used
    exp = load_experiment(str(exp_file))
    params = _stored(db, key, "reform", "parameters")["content"]
    assert params == json.loads(json.dumps(exp.parameters(exp.designs[1]).to_dict()))


def test_an_edited_charter_without_resume_gives_the_new_numbers(tmp_path, run_cli):
    """Before, the run key named the file, so the edited charter's run was the old one."""
    exp_file = _write(tmp_path, quota=9, reps=8, years=8)
    db = tmp_path / "r.duckdb"
    args = ("experiment", str(exp_file), "--db", str(db), "--format", "json")
    code, out, err = run_cli(*args)
    assert code == 0, err
    old_key = json.loads(out)["run_key"]
    # the reform's veto goes: two permanent members no longer block
    (tmp_path / "reform.toml").write_text(NO_VETO)
    code, out, err = run_cli(*args)
    assert code == 0, err
    new = json.loads(out)
    assert new["run_key"] != old_key and new["inputs_changed"] is None
    assert list(_runs(db)["run_key"]) == [old_key, new["run_key"]]
    fresh = tmp_path / "fresh.duckdb"
    assert run_cli("experiment", str(exp_file), "--db", str(fresh))[0] == 0
    pd.testing.assert_frame_equal(_results(db, new["run_key"]), _results(fresh, new["run_key"]))
    old, now = _results(db, old_key), _results(db, new["run_key"])
    veto = lambda df: df[(df.design == "reform") & (df.metric == "paralysis_veto")]["value"]  # noqa: E731
    assert veto(old).sum() > 0 and veto(now).sum() == 0  # the new rules' numbers, not the old
    # the unchanged design is unchanged (common random numbers)
    pd.testing.assert_frame_equal(
        old[old.design == "charter"].reset_index(drop=True),
        now[now.design == "charter"].reset_index(drop=True),
    )


# --------------------------------------------------------------------------- resume


def test_resume_refuses_an_edited_charter_between_a_kill_and_the_resume(tmp_path):
    """A real run killed after its first chunk; the reform's quota edited; --resume refuses
    in one line naming the design, the charter and the change, and writes nothing;
    --fresh-if-changed starts a new run of the new rules beside the old one."""
    exp_file = _write(tmp_path, quota=9, reps=100, years=10)
    db = tmp_path / "killed.duckdb"
    args = ["experiment", str(exp_file), "--db", str(db)]
    env = kill_after_first_chunk(tmp_path, args)
    (old_key,) = _runs(db)["run_key"]
    with Store(db, read_only=True) as s:
        assert len(s.done_chunks(old_key)) == 1

    _write(tmp_path, quota=10, reps=100, years=10)  # the reform's quota: 9 -> 10
    cli = [sys.executable, "-m", "collsec.cli.main", *args]
    done = subprocess.run([*cli, "--resume"], env=env, capture_output=True, text=True)
    assert done.returncode == 2 and done.stdout == ""
    message = _one_line(done.stderr)
    assert message.startswith(f"collsec: error: {db}: --resume: cannot resume run {old_key}")
    assert (
        "designs[1] 'reform' council charter 'my-reform' changed "
        "(rules.substantive.criteria[0].count 9 -> 10)" in message
    ), message
    what = message.split("its inputs changed: ")[1]
    assert "spec" not in what and "code" not in what  # nothing else changed
    assert list(_runs(db)["run_key"]) == [old_key]  # nothing written
    with Store(db, read_only=True) as s:
        assert len(s.done_chunks(old_key)) == 1

    done = subprocess.run(
        [*cli, "--resume", "--fresh-if-changed", "--format", "json"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    r = json.loads(done.stdout)
    assert r["inputs_changed"]["since_run"] == old_key
    assert any("count 9 -> 10" in c for c in r["inputs_changed"]["changes"])
    assert "starting a new run" in done.stderr
    new_key = r["run_key"]
    assert list(_runs(db)["run_key"]) == [old_key, new_key]
    with Store(db, read_only=True) as s:
        assert len(s.done_chunks(old_key)) == 1
        assert s.done_ranges(new_key) == [(0, 25), (25, 50), (50, 75), (75, 100)]
    # all of the new run is of the new rules: as a run from scratch
    full = tmp_path / "full.duckdb"
    assert run_experiment(load_experiment(str(exp_file)), full, workers=2) == new_key
    pd.testing.assert_frame_equal(_results(db, new_key), _results(full, new_key))
    # the resumed key is now the new run: --resume finishes nothing more and refuses nothing
    done = subprocess.run([*cli, "--resume"], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_resume_says_which_input_changed(tmp_path, run_cli):
    exp_file = _write(tmp_path, reps=3, years=3, extra="params = { honour = 0.6 }")
    db = tmp_path / "r.duckdb"
    base = ("experiment", str(exp_file), "--db", str(db))
    assert run_cli(*base)[0] == 0
    assert run_cli(*base, "--resume")[0] == 0  # the same inputs: the run is there, finished
    _write(tmp_path, reps=3, years=3, extra="params = { honour = 0.5 }")
    code, out, err = run_cli(*base, "--resume")
    assert code == 2 and out == ""
    message = _one_line(err)
    assert "spec changed (designs[1].params.honour 0.6 -> 0.5)" in message, message
    assert "designs[1] 'reform' parameters changed (honour 0.6 -> 0.5)" in message, message
    what = message.split("its inputs changed: ")[1]
    assert "designs[0]" not in what and "charter" not in what
    # a quick run's overrides are inputs too
    code, _, err = run_cli(*base, "--resume", "--replications", "4")
    assert code == 2 and "replications 3 -> 4" in _one_line(err)
    # --fresh-if-changed is a way to resume
    code, _, err = run_cli(*base, "--fresh-if-changed")
    assert code == 2 and _one_line(err).endswith("--fresh-if-changed: goes with --resume")
    # a policy file's content
    policy = tmp_path / "mine_policy.py"
    policy.write_text(
        "from collsec.behavior.policy import UtilityPolicy\n\n\n"
        "class Mine(UtilityPolicy):\n    name = 'test-identity-mine'\n"
    )
    try:
        _write(tmp_path, reps=3, years=3, extra=f'policy = "{policy}:test-identity-mine"')
        assert run_cli(*base, "--resume", "--fresh-if-changed")[0] == 0
        policy.write_text(policy.read_text() + "# edited\n")
        code, _, err = run_cli(*base, "--resume")
        assert code == 2
        message = _one_line(err)
        assert f"designs[1] 'reform' policy file {policy} changed" in message, message
        assert "spec" not in message.split("its inputs changed: ")[1]
    finally:
        from collsec.behavior.policy import POLICIES

        POLICIES.pop("test-identity-mine", None)


def test_a_run_from_before_recorded_inputs_is_not_resumed(tmp_path):
    exp = load_experiment(str(_write(tmp_path, reps=3, years=2)))
    db = tmp_path / "r.duckdb"
    meta = run_metadata(exp)
    old = {**meta, "run_key": "0123456789abcdef", "collsec_version": "0.1.0", "inputs": []}
    with Store(db) as s:
        s.start_run(old, [{"id": d.id, "title": d.title, "settings": {}} for d in exp.designs])
    with pytest.raises(InputError, match=r"collsec 0\.1\.0 -> .*predates recorded inputs"):
        run_experiment(exp, db, resume=True)
    told = []
    key = run_experiment(
        exp, db, resume=True, fresh_if_changed=True, inputs_changed=lambda *a: told.append(a)
    )
    assert key == meta["run_key"] and told and told[0][0] == "0123456789abcdef"


def test_a_worker_that_reads_other_inputs_refuses_to_run():
    exp = load_experiment("veto-variants").with_overrides(replications=2, years=2)
    spec = run_metadata(exp)["spec"]
    with pytest.raises(InputError, match="inputs changed while it ran"):
        _chunk_rows(spec, "0" * 16, 0, 1, None)
    assert _chunk_rows(spec, run_key(exp), 0, 1, None)  # its own key: rows


def test_make_demo_and_validate_start_afresh_when_the_inputs_changed():
    """A returning user's `make demo` finds a run of an older version in .demo/: every
    resume in the Makefile starts a new run then instead of failing."""
    lines = [x for x in (ROOT / "Makefile").read_text().splitlines() if "--resume" in x]
    commands = [x for x in lines if not x.lstrip().startswith("#")]
    assert len(commands) == 2, commands  # demo and validate
    for x in commands:
        assert "--resume --fresh-if-changed" in x, x


# --------------------------------------------------------------------------- report


def test_the_report_shows_the_rules_behind_the_numbers(tmp_path):
    from collsec.experiments.report import write_report

    exp_file = _write(tmp_path, quota=10, reps=3, years=3, extra="params = { honour = 0.6 }")
    db = tmp_path / "r.duckdb"
    key = run_experiment(load_experiment(str(exp_file)), db)
    text = Path(write_report(db, tmp_path / "r.html")["out"]).read_text()
    part = text[text.index("The rules behind these numbers") : text.index("<h2>Data")]
    plain = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", part))
    assert "my-reform" in plain and "unsc-1966" in plain
    assert "15 seats; substantive: quota 10 + veto of permanent (2 to block)" in plain
    assert "15 seats; substantive: quota 9 + veto of permanent" in plain
    assert "honour = 0.6 (default 0.75)" in plain and "(the defaults)" in plain
    sha = _stored(db, key, "reform", "charter:council")["sha256"]
    assert sha[:12] in plain and key in plain


def test_the_report_of_a_database_from_before_recorded_inputs(tmp_path):
    """A database written by 0.1.0 has no inputs table; opened read-only, it reports."""
    import duckdb

    from collsec.experiments.report import write_report

    exp = load_experiment(str(_write(tmp_path, reps=2, years=2)))
    db = tmp_path / "old.duckdb"
    run_experiment(exp, db)
    con = duckdb.connect(str(db))
    con.execute("DROP TABLE inputs")
    con.close()
    text = Path(write_report(db, tmp_path / "old.html")["out"]).read_text()
    assert "recorded without its inputs (before collsec 0.2.0)" in text


# --------------------------------------------------------------------------- version


def test_one_version_with_a_changelog_entry():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "version" in project["project"]["dynamic"] and "version" not in project["project"]
    attr = project["tool"]["setuptools"]["dynamic"]["version"]["attr"]
    assert attr == "collsec.__version__"
    # the build reads the literal in collsec/__init__.py, the one place the version lives
    tree = ast.parse((ROOT / "src" / "collsec" / "__init__.py").read_text())
    (literal,) = [
        n.value.value
        for n in tree.body
        if isinstance(n, ast.Assign) and n.targets[0].id == "__version__"  # type: ignore[union-attr]
    ]
    assert literal == collsec.__version__
    cff = (ROOT / "CITATION.cff").read_text()
    assert re.search(rf"^version: {re.escape(collsec.__version__)}$", cff, re.M)
    log = (ROOT / "CHANGELOG.md").read_text()
    entries = re.findall(r"^## \[(\d+\.\d+\.\d+)\] - \d{4}-\d{2}-\d{2}$", log, re.M)
    assert entries and entries[0] == collsec.__version__, entries
    # each release's entry says what changed in the model: 0.2.0 the entry point and the
    # run identity, 0.3.0 the vote model
    said = {"0.2.0": ("collsec.crisis.sim_crises", "run identity"), "0.3.0": ("vote model",)}
    for version, words in said.items():
        body = log.split(f"## [{version}]")[1].split("\n## ")[0].lower()
        assert all(w.lower() in body for w in words), version

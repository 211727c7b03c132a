"""Experiments: files validated, common random numbers, identical results on any number
of workers and any backend, lossless resume after a real kill, honest summaries."""

from __future__ import annotations

import json
import os
import selectors
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from collsec.crisis.scenario import Scenario
from collsec.experiments.spec import builtin_experiment_ids, load_experiment
from collsec.experiments.store import METRICS, Store

BUILTINS = {
    "veto-variants",
    "enlarged-council",
    "covenant-vs-charter",
    "regional-first",
    "collective-defence",
    "intelligence-sharing",
}


def small(name: str = "veto-variants", reps: int = 12, years: int = 8):
    return load_experiment(name).with_overrides(replications=reps, years=years)


def results(db: Path) -> pd.DataFrame:
    with Store(db, read_only=True) as s:
        key = s.runs()["run_key"].iloc[-1]
        return s.results(key)


def test_builtins_listed_and_valid(run_cli):
    assert set(builtin_experiment_ids()) == BUILTINS
    code, out, err = run_cli("experiment", "list", "--format", "json")
    assert code == 0, err
    listed = {e["id"]: e for e in json.loads(out)["experiments"]}
    assert set(listed) == BUILTINS
    assert listed["veto-variants"]["designs"] == [
        "charter",
        "restrained",
        "two-vetoes",
        "no-veto",
        "parties-abstain",
    ]
    for e in listed.values():
        assert e["replications"] == 1000 and e["years"] == 50


BAD = [
    ("colour = 1\n", "colour: unknown field"),
    ('id = "x"\n', "designs: an experiment needs at least one"),
    ('id = "x"\n[[designs]]\nid = "a"\ncouncil = "unsc-imaginary"\n', "designs[0].council"),
    ('id = "x"\n[[designs]]\nid = "a"\nparams = { vote_noise = "high" }\n', "designs[0].params"),
    ('id = "x"\nreplications = 0\n[[designs]]\nid = "a"\n', "replications: must be between 1"),
    ('id = "x"\n[[designs]]\nid = "a"\n[[designs]]\nid = "a"\n', "design id 'a' appears twice"),
    ('id = "x"\n[[designs]]\nid = "a"\nnato = "yes"\n', "designs[0].nato: must be true or false"),
    (
        'id = "x"\n[[designs]]\nid = "a"\n[sensitivity]\nparameters = { gravity = [0, 1] }\n',
        "sensitivity.parameters.gravity: unknown parameter",
    ),
    ('id = "x"\n[world]\nkind = "data"\nyear = 1700\n[[designs]]\nid = "a"\n', "world.year"),
    (
        'id = "x"\n[[designs]]\nid = "a"\npolicy = "hawk"\n',
        "designs[0].policy: unknown policy 'hawk' (known: norm, realist, utility)",
    ),
    (
        'id = "x"\n[[designs]]\nid = "a"\nnato = true\n[designs.scenario]\nnato = false\n',
        "designs[0].nato: given twice",
    ),
    (
        'id = "x"\n[[designs]]\nid = "a"\n[designs.scenario]\nregional_first = 1\n',
        "designs[0].scenario.regional_first: must be true or false, not 1",
    ),
]


@pytest.mark.parametrize(("text", "message"), BAD)
def test_bad_experiment_files_one_line(tmp_path, run_cli, text, message):
    path = tmp_path / "exp.toml"
    path.write_text(text)
    code, out, err = run_cli("experiment", str(path), "--db", str(tmp_path / "r.duckdb"))
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and str(path) in err and message in err, err
    assert not (tmp_path / "r.duckdb").exists()


def test_a_design_holds_a_scenario_written_flat_or_nested(tmp_path):
    head = 'id = "x"\n[[designs]]\nid = "a"\n'
    flat, nested = tmp_path / "flat.toml", tmp_path / "nested.toml"
    flat.write_text(head + 'council = "unsc-no-veto"\nnato = false\n')
    nested.write_text(head + '[designs.scenario]\ncouncil = "unsc-no-veto"\nnato = false\n')
    a, b = load_experiment(str(flat)).designs[0], load_experiment(str(nested)).designs[0]
    assert a == b and a.scenario == Scenario(council="unsc-no-veto", nato=False)
    # one set of defaults: the scenario's (NATO on, Uniting for Peace on)
    bare = tmp_path / "bare.toml"
    bare.write_text(head)
    assert load_experiment(str(bare)).designs[0].scenario == Scenario()
    assert Scenario().nato and Scenario().uniting_for_peace and a.policy == "utility"


def test_builtin_designs_keep_their_settings():
    """Each built-in design as it ran before designs held a scenario (NATO off but in one)."""
    for exp_id in BUILTINS:
        for d in load_experiment(exp_id).designs:
            assert d.policy == "utility" and d.params == {}, (exp_id, d.id)
            assert d.scenario.nato == (d.id == "collective-defence"), (exp_id, d.id)
    regional = {d.id: d.scenario for d in load_experiment("regional-first").designs}
    assert (
        regional["regional-first"].regional_first and not regional["council-first"].regional_first
    )


def test_a_design_runs_the_policy_it_names(tmp_path, run_cli):
    """Same file and seed, another policy: the same threats met by other decisions.
    (The calibrated vote model gives commitment and sovereignty no weight, so under
    it the realist policy decides as the default does; the norm policy does not.)"""
    frames = {}
    for policy in ("utility", "norm"):
        path = tmp_path / f"{policy}.toml"
        path.write_text(
            'id = "p"\nseed = 3\nreplications = 6\nyears = 8\n[world]\nstates = 40\n'
            f'[[designs]]\nid = "a"\npolicy = "{policy}"\n'
        )
        db = tmp_path / f"{policy}.duckdb"
        code, _, err = run_cli("experiment", str(path), "--db", str(db), "--format", "json")
        assert code == 0, err
        frames[policy] = results(db).set_index(["rep", "metric"])["value"]
        with Store(db, read_only=True) as s:
            settings = json.loads(s.designs(s.runs()["run_key"].iloc[-1])["settings"].iloc[0])
        assert settings["policy"] == policy
    u, r = frames["utility"], frames["norm"]
    would_be = ["aggression_attempted", "aggression_deterred"]
    assert (u.unstack()[would_be].sum(axis=1) == r.unstack()[would_be].sum(axis=1)).all()
    assert not np.allclose(u.fillna(-1), r.fillna(-1))


def test_unknown_builtin_and_bad_overrides(run_cli, tmp_path):
    code, _, err = run_cli("experiment", "no-such-experiment")
    assert code == 2 and "no built-in experiment" in err
    code, _, err = run_cli("experiment", "veto-variants", "--replications", "0")
    assert code == 2 and "--replications" in err


def test_common_random_numbers_and_exact_invariants():
    from collsec.experiments.history import prepare, run_replications

    rows = run_replications(prepare(small()), 0, 12)
    df = pd.DataFrame(rows, columns=["design", "rep", "metric", "value"])
    w = df.pivot_table(index=["design", "rep"], columns="metric", values="value")
    would_be = w["aggression_attempted"] + w["aggression_deterred"]
    # every design meets the same would-be aggressions in the same replication
    per_design = would_be.unstack("design")
    assert (per_design.nunique(axis=1) == 1).all()
    assert per_design.iloc[:, 0].sum() > 0
    # no veto, no paralysis by veto; the Charter's veto does paralyse
    assert (w.loc["no-veto", "paralysis_veto"] == 0).all()
    assert w.loc["charter", "paralysis_veto"].sum() > 0
    # restraint only touches atrocity crises: it can never add vetoes
    assert (w.loc["restrained", "paralysis_veto"] <= w.loc["charter", "paralysis_veto"]).all()
    shares = ["deterrence_rate", "authorised_share", "legitimacy", "response_success"]
    assert ((w[shares] >= 0) & (w[shares] <= 1)).all().all()


def test_nothing_authorised_without_a_body():
    from collsec.experiments.history import prepare, run_replications

    rows = run_replications(prepare(small("collective-defence", reps=6)), 0, 6)
    df = pd.DataFrame(rows, columns=["design", "rep", "metric", "value"])
    none = df[(df.design == "none")].set_index("metric")["value"]
    assert (none.loc["authorised_share"] == 0).all() and (none.loc["legitimacy"] == 0).all()


@pytest.mark.parametrize(("scale", "initial"), [(1.0, 10), (40.0, 0), (3.0, 500)])
def test_sparse_peace_years_give_the_dense_opportunities_bit_for_bit(scale, initial):
    """The opportunities of a year from the sparse peace clocks (``history._Peace``) are
    those of the hazard on the full (R, N, N) array of peace years, as the history
    computed them before: same probabilities to the last bit, so the same onsets."""
    from collsec.experiments import history

    exp = small(reps=3, years=30)
    exp = exp.model_copy(
        update={
            "world": exp.world.model_copy(update={"states": 40}),
            "threats": exp.threats.model_copy(
                update={"opportunity_scale": scale, "initial_peace_years": initial}
            ),
        }
    )
    st = history.prepare(exp)
    n, r_n, hz = st.world.n, 3, st.hazard
    sparse = history._Peace(st, r_n)
    dense = np.full((r_n, n, n), initial, dtype=np.int32)
    rng = np.random.default_rng(5)
    onsets = 0
    for year in range(exp.years):
        prob = hz.probabilities_from_base(st.base_logits, dense)
        if scale != 1.0:
            np.minimum(prob * scale, 1.0, out=prob)
        u = rng.random((r_n, n, n), dtype=np.float32)
        table = sparse.table(year)
        for i in range(r_n):
            full = table.copy()
            idx, own = sparse.own(i, year)
            full.ravel()[idx] = own
            assert np.array_equal(full, prob[i])  # every probability, to the last bit
            onset = u[i] < prob[i]
            assert np.array_equal(sparse.onsets(i, year, u[i], table), np.flatnonzero(onset))
            onsets += int(onset.sum())
        dense += 1
        np.putmask(dense, u < prob, 0)
        np.minimum(dense, hz.max_peace_years, out=dense)
    assert onsets > 20  # clocks of their own were exercised


def test_same_seed_same_numbers_whatever_the_workers_and_chunks(tmp_path, monkeypatch):
    from collsec.experiments import chunks, runner

    exp = small(reps=30, years=6)
    runner.run_experiment(exp, tmp_path / "one.duckdb", workers=1)
    monkeypatch.setattr(chunks, "MAX_CHUNK", 7)
    monkeypatch.setattr(chunks, "MIN_CHUNK", 2)
    runner.run_experiment(exp, tmp_path / "two.duckdb", workers=2)
    with Store(tmp_path / "two.duckdb", read_only=True) as s:
        cut = s.done_ranges(s.runs()["run_key"].iloc[-1])
    assert cut == [(0, 7), (7, 14), (14, 21), (21, 26), (26, 28), (28, 30)]  # shrinking
    a, b = results(tmp_path / "one.duckdb"), results(tmp_path / "two.duckdb")
    pd.testing.assert_frame_equal(a, b)
    other = small(reps=30, years=6).with_overrides(seed=5)
    runner.run_experiment(other, tmp_path / "three.duckdb", workers=1)
    c = results(tmp_path / "three.duckdb")
    assert not np.allclose(a["value"].fillna(-1), c["value"].fillna(-1))


def test_ray_gives_the_local_numbers_and_is_started_once_for_several_runs(tmp_path, monkeypatch):
    """The ray backend gives the numbers of a local run. Two runs in one process share one
    Ray runtime (ray.init and ray.shutdown cost seconds each); another number of workers
    starts another; shutdown_ray (also run at exit) stops it, and a runtime the caller
    started is used and left running."""
    ray = pytest.importorskip("ray")
    from collsec.experiments import runner

    starts: list[dict] = []
    init = ray.init
    monkeypatch.setattr(ray, "init", lambda **kw: starts.append(kw) or init(**kw))
    exp = small(reps=6, years=3)
    runner.run_experiment(exp, tmp_path / "local.duckdb", workers=1)
    try:
        runner.run_experiment(exp, tmp_path / "a.duckdb", workers=2, backend="ray")
        node = ray.get_runtime_context().get_node_id()
        other = exp.with_overrides(seed=9)
        runner.run_experiment(other, tmp_path / "b.duckdb", workers=2, backend="ray")
        assert len(starts) == 1 and ray.get_runtime_context().get_node_id() == node
        runner.run_experiment(exp, tmp_path / "c.duckdb", workers=1, backend="ray")
        assert len(starts) == 2 and starts[1]["num_cpus"] == 1
    finally:
        runner.shutdown_ray()
    assert not ray.is_initialized()
    pd.testing.assert_frame_equal(
        results(tmp_path / "local.duckdb"), results(tmp_path / "a.duckdb")
    )
    pd.testing.assert_frame_equal(
        results(tmp_path / "local.duckdb"), results(tmp_path / "c.duckdb")
    )
    init(address="local", num_cpus=1, include_dashboard=False, log_to_driver=False)
    try:  # the caller's own runtime: used, not restarted, not stopped
        runner.run_experiment(other, tmp_path / "d.duckdb", workers=2, backend="ray")
        assert len(starts) == 2 and ray.is_initialized()
        runner.shutdown_ray()
        assert ray.is_initialized()
    finally:
        ray.shutdown()
    pd.testing.assert_frame_equal(results(tmp_path / "b.duckdb"), results(tmp_path / "d.duckdb"))


#: ``collsec experiment`` as from the shell, except that once a chunk is committed to the
#: database it prints the number of replications written and waits (for a kill) instead of
#: going on; its worker processes go on with the chunks in flight. The database cannot
#: be polled from outside: DuckDB locks the file of a writing process.
_STOP_AFTER_A_CHUNK = """
import sys
from collsec.cli.main import main
from collsec.experiments import runner

run = runner.run_experiment

def stop_after_a_chunk(*args, progress, **kwargs):
    def tell(done, total):
        progress(done, total)
        if done:
            print(done, flush=True)
            sys.stdin.readline()  # never answered
    return run(*args, progress=tell, **kwargs)

runner.run_experiment = stop_after_a_chunk
sys.exit(main(sys.argv[1:]))
"""


def _line_within(proc: subprocess.Popen, seconds: float) -> str:
    """The next line the process prints, waiting at most ``seconds`` ('' if none)."""
    with selectors.DefaultSelector() as sel:
        sel.register(proc.stdout, selectors.EVENT_READ)
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            if sel.select(left):
                return proc.stdout.readline()
    return ""


def kill_after_first_chunk(tmp_path, args: list[str]) -> dict[str, str]:
    """Run ``collsec ARGS --workers 2`` in a process group of its own and SIGKILL the
    group (the run and the chunks in flight) once its first chunk is committed; return
    the environment it ran in."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    log = tmp_path / "killed.err"
    with log.open("w") as err:
        proc = subprocess.Popen(
            [sys.executable, "-c", _STOP_AFTER_A_CHUNK, *args, "--workers", "2"],
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=err,
            text=True,
            start_new_session=True,  # the run and its workers: one group to kill
        )
        try:
            line = _line_within(proc, 300)
        finally:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            proc.stdin.close()
            proc.stdout.close()
    assert line.strip().isdigit() and int(line) > 0, log.read_text()[-2000:]
    assert proc.returncode == -signal.SIGKILL
    return env


def test_a_killed_run_resumes_losing_and_duplicating_nothing(tmp_path):
    db = tmp_path / "killed.duckdb"
    args = [
        "experiment",
        "veto-variants",
        "--replications",
        "100",
        "--years",
        "30",
        "--db",
        str(db),
    ]
    env = kill_after_first_chunk(tmp_path, args)
    with Store(db, read_only=True) as s:
        key = s.runs()["run_key"].iloc[0]
        assert len(s.done_chunks(key)) == 1  # killed mid-run: 1 chunk of 6 written
    cli = [sys.executable, "-m", "collsec.cli.main", *args, "--resume"]
    done = subprocess.run(cli, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    full = tmp_path / "full.duckdb"
    from collsec.experiments.runner import run_experiment

    run_experiment(small(reps=100, years=30), full, workers=2)
    a, b = results(db), results(full)
    assert len(a) == 5 * 100 * (len(METRICS) + 1)
    assert not a.duplicated(["design", "rep", "metric"]).any()
    pd.testing.assert_frame_equal(a, b)


def test_existing_run_needs_resume(tmp_path, run_cli):
    db = str(tmp_path / "r.duckdb")
    args = ("experiment", "regional-first", "--replications", "3", "--years", "3", "--db", db)
    assert run_cli(*args)[0] == 0
    code, _, err = run_cli(*args)
    assert code == 2 and "--resume" in err
    code, out, _ = run_cli(*args, "--resume", "--format", "json")
    assert code == 0 and json.loads(out)["replications"] == 3


def test_json_contract_and_paired_differences(tmp_path, run_cli):
    code, out, err = run_cli(
        "experiment",
        "veto-variants",
        "--replications",
        "8",
        "--years",
        "5",
        "--seed",
        "3",
        "--db",
        str(tmp_path / "r.duckdb"),
        "--format",
        "json",
    )
    assert code == 0, err
    r = json.loads(out)
    assert r["experiment"] == "veto-variants" and r["seed"] == 3
    assert [d["id"] for d in r["designs"]] == [
        "charter",
        "restrained",
        "two-vetoes",
        "no-veto",
        "parties-abstain",
    ]
    for d in r["designs"]:
        assert set(d["metrics"]) == set(METRICS)
        for v in d["metrics"].values():
            assert {"mean", "ci_low", "ci_high"} <= set(v)
            if v["mean"] is not None:
                assert v["ci_low"] <= v["mean"] <= v["ci_high"]
    w = results(tmp_path / "r.duckdb").pivot_table(
        index=["design", "rep"], columns="metric", values="value"
    )
    diff = (w.loc["no-veto", "paralysis_veto"] - w.loc["charter", "paralysis_veto"]).mean()
    pd_ = {(x["design"], x["metric"]): x for x in r["paired_differences"]}
    assert pd_[("no-veto", "paralysis_veto")]["mean"] == pytest.approx(diff, abs=1e-6)
    assert pd_[("no-veto", "paralysis_veto")]["versus"] == "charter"


def test_sobol_indices(run_cli, tmp_path):
    path = tmp_path / "s.toml"
    path.write_text(
        'id = "s"\nseed = 1\nyears = 4\n[world]\nstates = 40\n[[designs]]\nid = "a"\n'
        "[sensitivity]\nparameters = { opportunity_scale = [0.2, 3.0], vote_noise = [0.1, 0.2] }\n"
        'metric = "aggression_attempted"\nsamples = 8\nreplications = 2\n'
    )
    code, out, err = run_cli("sensitivity", str(path), "--format", "json")
    assert code == 0, err
    r = json.loads(out)
    assert r["runs"] == 8 * (2 + 2)
    p = r["parameters"]
    # more opportunities, more aggression: the threat rate dominates the vote noise
    assert p["opportunity_scale"]["ST"] > p["vote_noise"]["ST"]
    code, _, err = run_cli("sensitivity", str(path), "--samples", "6")
    assert code == 2 and "power of two" in err


@pytest.mark.data
def test_a_world_of_a_year(tmp_path, run_cli):
    path = tmp_path / "y.toml"
    path.write_text(
        'id = "y1990"\nseed = 2\nreplications = 4\nyears = 5\n[world]\nkind = "data"\n'
        'year = 1990\n[[designs]]\nid = "charter"\ncouncil = "unsc"\n'
        '[[designs]]\nid = "no-veto"\ncouncil = "unsc-no-veto"\n'
    )
    code, out, err = run_cli(
        "experiment", str(path), "--db", str(tmp_path / "y.duckdb"), "--format", "json"
    )
    assert code == 0, err
    r = json.loads(out)
    assert r["designs"][1]["metrics"]["paralysis_veto"]["mean"] == 0
    with Store(tmp_path / "y.duckdb", read_only=True) as s:
        run = s.runs().iloc[0]
    assert "1990" in json.loads(run["data_versions"])["world"]
    assert any("MID5" in c for c in json.loads(run["citations"]))


def test_text_tables_fit_the_console(run_cli, tmp_path, monkeypatch):
    """Five designs print as tables split by width, never wrapped, at 80 columns."""
    monkeypatch.setenv("COLUMNS", "80")
    code, out, err = run_cli(
        "experiment",
        "veto-variants",
        "--replications",
        "4",
        "--years",
        "3",
        "--db",
        str(tmp_path / "t.duckdb"),
    )
    assert code == 0, err
    lines = out.splitlines()
    assert max(len(x) for x in lines) <= 80
    # no cell wraps onto a continuation line (a row whose metric cell is blank)
    assert not [x for x in lines if x.startswith("│") and x[1:].split("│")[0].strip() == ""]
    for design in ("charter", "restrained", "two-vetoes", "no-veto", "parties-abstain"):
        assert any(design in x for x in lines if "┃" in x), design

"""Text tables at 80 columns never cut an id or a number; descriptions wrap instead.

Each command's text output (and every command's --help) at COLUMNS=80: no line is
wider, nothing is cut with an ellipsis, and every id, code, date and number the
JSON output names appears whole on one line.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import click
import pytest
import typer

EXAMPLE_CASES = Path(__file__).resolve().parents[1] / "docs" / "examples" / "cases"


@pytest.fixture
def at_80(run_cli, monkeypatch):
    """(text, json) of a command at 80 columns."""
    monkeypatch.setenv("COLUMNS", "80")

    def run(*args: str) -> tuple[str, dict]:
        code, out, err = run_cli(*args)
        assert code == 0, err
        code, js, err = run_cli(*args, "--format", "json")
        assert code == 0, err
        return out, json.loads(js)

    return run


def assert_whole(out: str, tokens) -> None:
    """Every token on one line of ``out``, not part of a longer word; nothing cut."""
    lines = out.splitlines()
    assert max(len(x) for x in lines) <= 80
    assert "…" not in out
    missing = sorted(
        {t for t in map(str, tokens) if not re.search(rf"(?<![\w-]){re.escape(t)}(?![\w-])", out)}
    )
    assert not missing, f"cut or missing at 80 columns: {missing}\n{out}"


def test_bodies(at_80):
    out, p = at_80("bodies")
    rows = p["bodies"]
    assert_whole(out, [r["id"] for r in rows])
    assert_whole(out, [r["body"] for r in rows])
    assert_whole(out, [rule for r in rows for rule in r["rules"]])
    assert_whole(
        out, [r["valid_from"] for r in rows] + [r["valid_to"] for r in rows if r["valid_to"]]
    )
    assert "[variant]" in out  # a title's brackets are text, not rich markup


def test_experiment_list(at_80):
    out, p = at_80("experiment", "list")
    exps = p["experiments"]
    assert_whole(out, [e["id"] for e in exps])
    assert_whole(out, [d for e in exps for d in e["designs"]])
    assert_whole(out, [f"{e['replications']} x {e['years']}" for e in exps])


def test_cases(at_80):
    out, p = at_80("cases")
    rows = p["cases"]
    assert_whole(out, [c["id"] for c in rows])
    assert_whole(out, [c["start"] for c in rows] + [c["end"] for c in rows])
    assert_whole(out, {b for c in rows for b in c["bodies"]})


@pytest.mark.data
def test_world(at_80):
    out, p = at_80("world", "1990")
    states = p["states"]
    assert_whole(out, [s["iso3"] for s in states])
    assert_whole(out, [s["ccode"] for s in states])
    assert_whole(out, [f"{s['cinc']:.4f}" for s in states])
    assert_whole(out, {s["region"] for s in states})
    assert_whole(out, {m for s in states for m in s["memberships"]})


def test_unravel(at_80):
    out, p = at_80("unravel")
    steps = p["steps"]
    assert_whole(out, [s["case"] for s in steps] + [s["accused"] for s in steps])
    for key in ("credibility", "credibility_after", "expected_cost_of_attacking"):
        assert_whole(out, [f"{s[key]:.3f}" for s in steps])
    assert_whole(out, {s["institution"] for s in steps} | {s["record"] for s in steps})


def _commands() -> list[tuple[str, ...]]:
    from collsec.cli.main import _register_all, app

    _register_all()
    out: list[tuple[str, ...]] = [()]

    def walk(cmd: click.Command, path: tuple[str, ...]) -> None:
        for name, sub in getattr(cmd, "commands", {}).items():
            out.append((*path, name))
            walk(sub, (*path, name))

    walk(typer.main.get_command(app), ())
    return out


def test_help_at_80_columns(run_cli, monkeypatch):
    """Typer's type column folds what does not fit (the choices of --index came out as
    "<all|shapley-shubik|banzha" / "f>"): every metavar whole, every choice whole."""
    monkeypatch.setenv("COLUMNS", "80")
    commands = _commands()
    assert ("power",) in commands and ("backtest", "icb") in commands
    for path in commands:
        code, out, err = run_cli(*path, "--help")
        assert code == 0, (path, err)
        lines = out.splitlines()
        assert max(len(x) for x in lines) <= 80, path
        assert "…" not in out, path
        folded = [x for x in lines if x.count("<") != x.count(">")]
        assert not folded, (path, folded)
    code, out, _ = run_cli("power", "--help")
    assert_whole(out, ["all", "shapley-shubik", "banzhaf"])


def test_fidelity(at_80):
    out, p = at_80("fidelity", "--no-loo")
    assert_whole(out, [c["id"] for c in p["cases"]])
    assert_whole(out, ["model", "all_yes", "ideal_point_logit", "great_power"])
    ll = [c["in_sample"]["model"]["log_loss"] for c in p["cases"]]
    assert_whole(out, [f"{x:.2f}" for x in ll if x is not None])
    best = p["in_sample"]["best"]["log_loss"]
    assert_whole(out, [f"{p['in_sample'][best]['log_loss']:.3f}*"])
    assert f"In-sample, {best} wins on log-loss" in " ".join(out.split())


def test_fidelity_of_a_folder(at_80):
    out, p = at_80("fidelity", "--cases", str(EXAMPLE_CASES))
    assert_whole(out, [c["id"] for c in p["cases"]])
    assert_whole(out, ["model", "all_yes", "ideal_point_logit", "great_power"])
    assert "shipped model" in " ".join(out.split())

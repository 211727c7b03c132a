"""Long commands say how far they are on stderr, terminal or not; stdout stays clean.

The helper is driven with a clock of the test's own (no waiting); the commands run
in-process, where stderr is not a terminal, with the quiet start turned off.
"""

from __future__ import annotations

import json

import pytest

from collsec.cli import _progress
from collsec.cli._progress import Progress, duration, progress


class Clock:
    def __init__(self, t: float = 1000.0) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t


def test_durations_for_people():
    assert duration(0.2) == "under 1 s"
    assert duration(45) == "45 s"
    assert duration(62) == "1 min 2 s"
    assert duration(2 * 3600 + 5 * 60 + 7) == "2 h 5 min"


def test_a_line_each_tenth_with_the_time_left(capsys):
    clock = Clock()
    p = Progress("experiment x", unit="replications", clock=clock)
    clock.t += 5  # past the quiet start
    p.step(total=1000)
    for done in range(0, 1001, 25):  # 25 replications a second
        clock.t += 1
        p.update(done)
    p.close()
    lines = capsys.readouterr().err.splitlines()
    assert lines[0] == "experiment x: 0/1000 replications"
    assert "experiment x: 400/1000 replications, 17 s elapsed, about 26 s left" in lines
    assert [int(x.split(": ")[1].split("/")[0]) for x in lines[1:-1]] == list(range(100, 1000, 100))
    assert lines[-1] == "experiment x: 1000/1000 replications in 41 s"


def test_a_quick_command_says_nothing(capsys):
    clock = Clock()
    p = Progress("simulate", unit="crises", clock=clock)
    p.step(total=10)
    for _ in range(10):
        clock.t += 0.1
        p.advance()
    p.close()
    assert capsys.readouterr().err == ""


def test_a_slow_step_still_talks(capsys):
    """A tenth that takes minutes: a line at least every EVERY seconds."""
    clock = Clock()
    p = Progress("sensitivity x", unit="runs", clock=clock)
    p.step(total=1000)
    for done in range(1, 21):
        clock.t += 10
        p.update(done)
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 6  # one each 30 s of 200 s: nothing else to say
    assert lines[0].startswith("sensitivity x: 3/1000 runs, 30 s elapsed, about 2 h 46 min")


def test_steps_by_name(capsys):
    clock = Clock()
    p = Progress("backtest icb", clock=clock)
    clock.t += 5
    for step, total in (("kernel signals of 4 crises", 4), ("fits, by target", 5)):
        for done in range(total + 1):
            clock.t += 3
            p.report(step, done, total)
    p.close()
    lines = capsys.readouterr().err.splitlines()
    assert lines[0] == "backtest icb: kernel signals of 4 crises: 0/4"
    assert "backtest icb: kernel signals of 4 crises: 4/4 in 12 s" in lines
    assert (
        lines.index("backtest icb: fits, by target: 0/5")
        == lines.index("backtest icb: kernel signals of 4 crises: 4/4 in 12 s") + 1
    )
    assert lines[-1] == "backtest icb: fits, by target: 5/5 in 15 s"


def test_a_step_of_unknown_length_says_when_it_starts_and_ends(capsys):
    clock = Clock()
    p = Progress("calibrate", clock=clock)
    clock.t += 5
    p.step("vote model fitted on the case library")
    clock.t += 70
    p.close()
    assert capsys.readouterr().err.splitlines() == [
        "calibrate: vote model fitted on the case library: started",
        "calibrate: vote model fitted on the case library: done in 1 min 10 s",
    ]


def test_a_terminal_gets_the_bar(monkeypatch):
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.setenv("TTY_INTERACTIVE", "1")
    monkeypatch.delenv("TERM", raising=False)
    with progress("x", total=3) as p:
        assert p._bar is not None  # rich's bar, not plain lines


@pytest.fixture
def talkative(monkeypatch):
    """No quiet start: a command says how far it is from the first moment."""
    monkeypatch.setattr(_progress, "QUIET", 0.0)


def test_experiment_talks_on_stderr_and_keeps_json_clean(run_cli, tmp_path, talkative):
    code, out, err = run_cli(
        "experiment", "regional-first", "--replications", "60", "--years", "3",
        "--db", str(tmp_path / "r.duckdb"), "--format", "json",
    )  # fmt: skip
    assert code == 0, err
    assert json.loads(out)["replications"] == 60  # stdout: the JSON and nothing else
    lines = err.splitlines()
    assert lines[0] == "experiment regional-first: 0/60 replications"
    assert lines[1].startswith("experiment regional-first: 25/60 replications, ")
    assert lines[1].endswith(" left")  # "about N s left" or "under 1 s left": no timing
    assert lines[-1].startswith("experiment regional-first: 60/60 replications in ")


def test_simulate_talks_on_stderr(run_cli, talkative):
    code, out, err = run_cli("simulate", "--crises", "3000", "--chunk", "1000", "--format", "json")
    assert code == 0, err
    assert json.loads(out)["crises"] == 3000
    assert err.splitlines()[0] == "simulate: 0/3000 crises"
    assert "simulate: 1000/3000 crises, " in err
    assert err.splitlines()[-1].startswith("simulate: 3000/3000 crises in ")


def test_fidelity_talks_step_by_step(run_cli, talkative):
    code, out, err = run_cli("fidelity", "--format", "json", "--no-loo")
    assert code == 0, err
    assert "votes_scored" in json.loads(out)
    n = len(json.loads(out)["cases"])
    lines = err.splitlines()
    free = "fidelity: free runs with the weights fitted without the case"
    assert lines[0] == f"{free}: 0/{n} cases"
    assert lines[-3].startswith(f"{free}: {n}/{n} cases in ")
    assert lines[-2:] == ["fidelity: scores: started", lines[-1]]
    assert lines[-1].startswith("fidelity: scores: done in ")

"""collsec.limits: one range per size, on the command line and in files; costs refused early."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from collsec import limits
from collsec.cli.main import main
from collsec.errors import InputError
from collsec.experiments.sensitivity import plan
from collsec.experiments.spec import load_experiment, parse_experiment
from hostile import SIZE_OPTIONS

DOC = Path(__file__).resolve().parents[1] / "docs" / "limits.md"
SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def test_the_doc_lists_every_bound() -> None:
    rows = re.findall(r"^\| `([a-z_]+)` \| (\d+) \| (\d+) \|", DOC.read_text("utf-8"), re.M)
    doc = {name: (int(lo), int(hi)) for name, lo, hi in rows}
    assert doc == {b.name: (b.low, b.high) for b in limits.BOUNDS.values()}


def test_size_options_match_the_bounds() -> None:
    """tests/hostile.py probes each option just outside the range collsec.limits gives it."""
    names = {"--states": "states", "--crises": "crises", "--chunk": "chunk", "--seed": "seed"}
    names |= {"--crisis": "crisis", "--years": "years", "--workers": "workers"}
    names |= {"--samples": "samples", "--threads": "threads"}
    for command, option, lo, hi in SIZE_OPTIONS:
        name = names.get(option)
        if option == "--replications":
            name = "sample_replications" if command.startswith("sensitivity") else "replications"
        if name is None:  # --year of vote and power: a date, not a size
            continue
        b = limits.BOUNDS[name]
        assert hi == b.high, (command, option)
        rates = command.startswith(("facts", "burden")) and option == "--crises"
        assert lo == b.low or rates, option


def test_a_bound_raised_by_its_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(InputError, match="set COLLSEC_MAX_STATES to allow more"):
        limits.check("states", 2000, source="--states")
    monkeypatch.setenv("COLLSEC_MAX_STATES", "2000")
    assert limits.check("states", 2000, source="--states") == 2000
    monkeypatch.setenv("COLLSEC_MAX_STATES", "many")
    with pytest.raises(InputError, match="COLLSEC_MAX_STATES: must be a positive number"):
        limits.check("states", 20, source="--states")
    # a seed is 64 bits whatever the environment says
    monkeypatch.setenv("COLLSEC_MAX_SEED", str(2**70))
    with pytest.raises(InputError, match=r"must be between 0 and 9223372036854775807"):
        limits.check("seed", 2**63, source="--seed")


@pytest.mark.parametrize(
    ("text", "expected"), [("8G", 8 * 2**30), ("512M", 512 * 2**20), ("1.5GiB", 1.5 * 2**30)]
)
def test_memory_bound_with_units(monkeypatch, text: str, expected: float) -> None:
    monkeypatch.setenv("COLLSEC_MAX_MEMORY", text)
    assert limits.max_memory() == expected


@pytest.mark.parametrize("text", ["0", "-1", "inf", "nan", "lots", "8X"])
def test_bad_cost_bounds_are_one_line(monkeypatch, run_cli, text: str) -> None:
    monkeypatch.setenv("COLLSEC_MAX_MEMORY", text)
    code, _, err = run_cli("simulate", "--crises", "10")
    assert code == 2 and err.startswith("collsec: error: COLLSEC_MAX_MEMORY: must be a positive")
    assert err.count("\n") == 1


def test_costs_refused_before_any_work(run_cli) -> None:
    code, _, err = run_cli("simulate", "--crises", "5000000")
    assert code == 2
    assert "simulate: 5,000,000 crises x 193 states is about 59 s of work" in err
    assert "COLLSEC_MAX_SECONDS=89" in err
    code, _, err = run_cli("experiment", "veto-variants")
    assert code == 2 and "1,000 replications x 50 years x 5 designs is about" in err


def test_a_raised_bound_lets_a_run_through(monkeypatch, run_cli) -> None:
    monkeypatch.setenv("COLLSEC_MAX_SECONDS", "0.5")
    code, _, err = run_cli("simulate", "--crises", "20", "--states", "20")
    assert code == 2 and "of work, above the limit of" in err
    monkeypatch.setenv("COLLSEC_MAX_SECONDS", "30")
    code, _, err = run_cli("simulate", "--crises", "20", "--states", "20", "--format", "json")
    assert code == 0, err


def test_memory_estimated_from_the_sizes(monkeypatch, run_cli) -> None:
    """The tester's `--states 1000000000` reached 14 GB; now the estimate refuses 3,500."""
    monkeypatch.setenv("COLLSEC_MAX_STATES", "100000")
    code, _, err = run_cli("simulate", "--states", "3500", "--crises", "10")
    assert code == 2 and "needs about 2.1 GiB of memory, above the limit of 2.0 GiB" in err
    # the library refuses too, where it allocates
    from collsec.world import World

    with pytest.raises(InputError, match="a world of 3,500 states needs about"):
        World.synthetic(3500)


def test_the_same_ranges_in_files_and_on_the_command_line(tmp_path: Path, run_cli) -> None:
    base = 'id = "x"\n[[designs]]\nid = "a"\n'
    for key, value in (("replications", 10**8), ("years", 10**5), ("seed", -1)):
        path = tmp_path / f"{key}.toml"
        path.write_text(f"{key} = {value}\n" + base)
        code, _, file_err = run_cli("experiment", str(path))
        assert code == 2
        code, _, cli_err = run_cli("experiment", "veto-variants", f"--{key}", str(value))
        assert code == 2
        problem = file_err.split(f"{key}: ", 1)[1]
        assert cli_err.endswith(f"--{key}: " + problem), (file_err, cli_err)
    assert not list(tmp_path.glob("*.duckdb")) and not list(Path().glob("x.duckdb"))


@SETTINGS
@given(
    option=st.sampled_from(SIZE_OPTIONS),
    data=st.data(),
)
def test_sizes_out_of_range_refused(option, data, capsys) -> None:
    command, flag, lo, hi = option
    value = data.draw(
        st.one_of(st.integers(max_value=lo - 1), st.integers(min_value=hi + 1)), label="value"
    )
    if "{fx}" in command:
        command = command.replace("{fx}/e_ok.toml", "veto-variants")
    if "{out}" in command:
        command = command.replace("--out-dir {out}/cal", "--out-dir /nonexistent/cal")
    code = main([*command.split(), flag, str(value)])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and err.startswith("collsec: error: "), err
    assert "Traceback" not in err


experiment_sizes = st.fixed_dictionaries(
    {},
    optional={
        "replications": st.integers(-5, 2**64),
        "years": st.integers(-5, 10**6),
        "seed": st.integers(-(2**64), 2**64),
        "world": st.fixed_dictionaries(
            {}, optional={"states": st.integers(-5, 10**10), "seed": st.integers(-5, 2**64)}
        ),
        "threats": st.fixed_dictionaries(
            {},
            optional={
                "max_per_year": st.integers(-5, 10**5),
                "initial_peace_years": st.integers(-5, 10**4),
                "opportunity_scale": st.floats(allow_nan=True, allow_infinity=True),
            },
        ),
    },
)


@SETTINGS
@given(sizes=experiment_sizes)
def test_experiment_file_sizes(sizes: dict) -> None:
    """An experiment file's sizes are within the bounds, or the file is one line of error;
    whatever is accepted has a finite cost that the command line checks before running."""
    raw = {"id": "h", **sizes, "designs": [{"id": "a"}]}
    try:
        exp = parse_experiment(raw, "h.toml")
    except InputError as err:
        assert "\n" not in str(err) and str(err).startswith("h.toml: ")
        return
    for name in ("replications", "years", "seed"):
        assert limits.problem(name, getattr(exp, name)) is None
    assert limits.problem("states", exp.world.states) is None
    cost = exp.cost()
    assert 0 < cost.seconds < float("inf") and 0 < cost.memory < float("inf")


@pytest.mark.parametrize("samples", [0, 3, -4, 2**30, 2**62])
def test_sensitivity_samples(samples: int) -> None:
    exp = load_experiment("veto-variants")
    with pytest.raises(InputError, match="--samples: must be"):
        plan(exp, samples)


def test_sensitivity_zero_is_not_the_file_value() -> None:
    exp = load_experiment("veto-variants")
    assert plan(exp).samples == exp.sensitivity.samples == 32
    assert plan(exp, 64).samples == 64
    with pytest.raises(InputError, match="--replications: must be between 1 and 100000"):
        plan(exp, None, 0)

"""The command line: JSON contracts, explanations, and one-line errors with exit code 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest


def test_bodies_json_lists_bodies_and_versions(run_cli) -> None:
    code, out, _ = run_cli("bodies", "--format", "json")
    assert code == 0
    rows = json.loads(out)["bodies"]
    unsc = [r for r in rows if r["body"] == "unsc" and not r["variant"]]
    assert [(r["id"], r["valid_from"], r["valid_to"]) for r in unsc] == [
        ("unsc-1946", "1945-10-24", "1965-12-31"),
        ("unsc-1966", "1966-01-01", None),
    ]


def test_vote_json_contract_veto(run_cli) -> None:
    code, out, _ = run_cli(
        "vote", "unsc", "--date", "2022-02-25",
        "--yes", "USA,GBR,FRA,ALB,BRA,GAB,GHA,IRL,MEX,NOR,KEN",
        "--no", "cow:365", "--abstain", "CHN,IND,ARE", "--format", "json",
    )  # fmt: skip
    assert code == 0
    p = json.loads(out)
    assert {"adopted", "reason", "yes", "no", "abstain", "absent", "required", "vetoed_by"} <= set(
        p
    )
    assert p["adopted"] is False
    assert p["vetoed_by"] == ["RUS"] and p["required"] == 9
    assert p["reason"] == "vetoed by the Russian Federation"


def test_vote_shortfall_and_veto(run_cli) -> None:
    code, out, _ = run_cli(
        "vote", "unsc", "--year", "1950", "--yes", "USA,GBR,FRA,CHN,CUB,ECU",
        "--no", "USSR", "--abstain", "EGY,IND,NOR", "--absent", "YUG", "--format", "json",
    )  # fmt: skip
    p = json.loads(out)
    assert code == 0 and not p["adopted"]
    # short of the votes, a permanent member's no is not counted as a veto (UN practice)
    assert p["reason"] == (
        "6 affirmative votes, 1 short of the 7 required; "
        "the USSR voted no (not a veto: the draft lacked the votes)"
    )
    assert p["vetoed_by"] == []


def test_vote_procedural_not_vetoed(run_cli) -> None:
    code, out, _ = run_cli(
        "vote", "unsc", "--date", "1956-10-31", "--yes", "USA,SUN,CHN,CUB,IRN,PER,YUG",
        "--no", "FRA,GBR", "--abstain", "AUS,BEL", "--procedural", "--format", "json",
    )  # fmt: skip
    assert code == 0 and json.loads(out)["adopted"] is True


def test_vote_text_output_explains(run_cli) -> None:
    code, out, _ = run_cli(
        "vote", "nato-nac", "--date", "2001-09-12", "--no", "FRA", "--yes", "USA"
    )
    assert code == 0 and "NOT ADOPTED" in out and "France" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["vote", "unsc", "--year", "2022", "--yes", "XXX"], "--yes: unknown member code 'XXX'"),
        (
            ["vote", "unsc", "--year", "2022", "--yes", "USA", "--no", "USA"],
            "member USA votes twice",
        ),
        (["vote", "unsc", "--year", "2022", "--yes", "DEU"], "DEU is not a member of unsc-1966"),
        (["vote", "nobody", "--yes", "USA"], "unknown body 'nobody'"),
        (["vote", "unsc", "--date", "1950-13-01"], "--date: '1950-13-01' is not a date"),
        (["vote", "unsc", "--year", "1930"], "no version in force on 1930-07-01"),
        (["vote", "unsc", "--chapter", "IX"], "unknown chapter 'IX'"),
    ],
)
def test_bad_input_is_one_line_exit_2(run_cli, args: list[str], message: str) -> None:
    code, _out, err = run_cli(*args)
    assert code == 2
    assert message in err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_malformed_charter_file_names_file_and_field(run_cli, tmp_path: Path) -> None:
    bad = tmp_path / "reform.toml"
    bad.write_text(
        'id = "x"\nextends = "unsc-1966"\n[rules.substantive]\ncriteria = [{ type = "quota" }]\n'
    )
    code, _, err = run_cli("vote", str(bad), "--year", "2020", "--yes", "USA")
    assert code == 2
    assert (
        f"{bad}: rules.substantive.criteria[0]: a quota needs exactly one of 'count' or 'fraction'"
        in err
    )


def test_unknown_field_in_charter(run_cli, tmp_path: Path) -> None:
    bad = tmp_path / "typo.toml"
    bad.write_text('id = "x"\nextends = "unsc-1966"\nvalid_form = 2020-01-01\n')
    code, _, err = run_cli("power", str(bad))
    assert code == 2 and "typo.toml: valid_form: unknown field" in err


def test_invalid_toml(run_cli, tmp_path: Path) -> None:
    bad = tmp_path / "broken.toml"
    bad.write_text("id = \n")
    code, _, err = run_cli("bodies")
    assert code == 0
    code, _, err = run_cli("vote", str(bad))
    assert code == 2 and "broken.toml: not valid TOML" in err


def test_power_json_reproduces_shapley_shubik_1954(run_cli) -> None:
    code, out, _ = run_cli("power", "unsc", "--year", "1950", "--format", "json")
    assert code == 0
    p = json.loads(out)
    rows = {r["member"]: r for r in p["members"]}
    assert rows["SUN"]["shapley_shubik"] == "76/385" and rows["SUN"]["seat"] == "permanent"
    assert rows["NOR"]["shapley_shubik"] == "1/462" and rows["NOR"]["seat"] == "elected"
    assert {"banzhaf", "banzhaf_absolute", "swings", "shapley_shubik_float"} <= set(rows["SUN"])
    assert "coleman_power_to_act" in p


def test_power_weights_file_eec_1958(run_cli, tmp_path: Path) -> None:
    weights = tmp_path / "eec.txt"
    weights.write_text(
        "# France, Germany, Italy, Belgium, Netherlands, Luxembourg\n4\n4\n4\n2\n2\n1\n"
    )
    code, out, _ = run_cli(
        "power", "--quota", "12", "--weights-file", str(weights), "--format", "json"
    )
    assert code == 0
    rows = json.loads(out)["members"]
    assert [r["shapley_shubik"] for r in rows] == ["7/30", "7/30", "7/30", "3/20", "3/20", "0/1"]
    assert rows[-1]["banzhaf"] == "0/1" and rows[-1]["swings"] == 0


def test_power_index_selection(run_cli) -> None:
    code, out, _ = run_cli(
        "power", "unsc", "--year", "2020", "--index", "banzhaf", "--format", "json"
    )
    assert code == 0
    rows = {r["member"]: r for r in json.loads(out)["members"]}
    assert rows["USA"]["swings"] == 848 and rows["USA"]["banzhaf"] == "106/635"
    assert "shapley_shubik" not in rows["USA"]


@pytest.mark.parametrize(
    ("content", "args", "message"),
    [
        ("4\n4\n", ["--quota", "9"], "quota 9 exceeds the total weight 8"),
        ("4\nfour\n", ["--quota", "3"], "line 2: 'four' is not an integer weight"),
        ("4\n-1\n", ["--quota", "3"], "line 2: negative weight -1"),
        ("", ["--quota", "3"], "no weights in file"),
    ],
)
def test_power_bad_weights_file(
    run_cli, tmp_path: Path, content: str, args: list[str], message: str
) -> None:
    weights = tmp_path / "w.txt"
    weights.write_text(content)
    code, _, err = run_cli("power", *args, "--weights-file", str(weights))
    assert code == 2 and message in err and err.count("\n") == 1


def test_cite_the_datasets_a_run_used(run_cli, tmp_path: Path) -> None:
    run = tmp_path / "run.json"
    run.write_text(json.dumps({"sources": ["cow_nmc", "atop", "not-a-dataset"]}))
    code, out, _ = run_cli("data", "cite", "--run", str(run), "--format", "json")
    assert code == 0
    assert [c["name"] for c in json.loads(out)["citations"]] == ["cow_nmc", "atop"]
    run.write_text("{}")
    code, _, err = run_cli("data", "cite", "--run", str(run))
    assert code == 2 and "has no 'sources' list" in err


def test_version(run_cli) -> None:
    import collsec

    code, out, _ = run_cli("--version")
    assert code == 0 and out.strip() == f"collsec {collsec.__version__}"


def test_demo_adjudicates_only_complete_votes(run_cli) -> None:
    """Every vote the demo replays is complete (named or derived) and agrees with the
    recorded outcome under the charter of its day; partial records are left out."""
    from collsec.cases.curated import named_votes

    code, out, err = run_cli("demo", "--format", "json")
    assert code == 0, err
    r = json.loads(out)
    complete = [v for v in named_votes() if v.status in ("named", "derived")]
    assert len(r["votes"]) == len(complete) >= 79
    assert r["agree"] == len(r["votes"])

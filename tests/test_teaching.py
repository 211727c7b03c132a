"""The numbers docs/teaching.md quotes are the ones its commands print."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

GUIDE = (Path(__file__).resolve().parents[1] / "docs" / "teaching.md").read_text(encoding="utf-8")
S_2022_155 = ("--yes", "USA,GBR,FRA,ALB,BRA,GAB,GHA,IRL,MEX,NOR,KEN", "--abstain", "CHN,IND,ARE")


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_session_1_voting_power(run_cli) -> None:
    code, out, _ = run_cli("power", "unsc", "--year", "1950")
    assert code == 0 and "76/385" in out and "1/462" in out and "57/2048" in out
    code, out, _ = run_cli("power", "unsc", "--year", "2022")
    assert code == 0 and "421/2145" in out and "4/2145" in out
    code, out, _ = run_cli("power", "unsc-two-vetoes", "--year", "2022")
    assert code == 0 and "361/2145" in out and "34/2145" in out
    for quoted in ("76/385", "1/462", "421/2145", "4/2145", "361/2145", "34/2145", "57/2048"):
        assert quoted in GUIDE


def test_session_2_what_a_veto_is(run_cli) -> None:
    code, out, _ = run_cli("vote", "unsc", "--year", "2022", "--no", "RUS", *S_2022_155)
    assert code == 0 and "vetoed by the Russian Federation" in out
    code, out, _ = run_cli(
        "vote", "unsc", "--year", "2022", "--abstain", "RUS,CHN,IND,ARE",
        "--yes", "USA,GBR,FRA,ALB,BRA,GAB,GHA,IRL,MEX,NOR,KEN",
    )  # fmt: skip
    assert code == 0 and out.startswith("ADOPTED")
    code, out, _ = run_cli(
        "vote", "unsc", "--year", "2022", "--no", "RUS",
        "--yes", "USA,GBR,FRA,ALB,BRA,GAB,GHA,IRL", "--abstain", "CHN,IND,ARE,MEX,NOR,KEN",
    )  # fmt: skip
    assert code == 0 and "voted no (not a veto: the draft lacked the votes)" in flat(out)
    assert "voted no (not a veto: the draft lacked the votes)" in flat(GUIDE)


@pytest.mark.data
def test_session_2_veto_counts(run_cli) -> None:
    import json

    code, out, _ = run_cli("vetoes", "--format", "json")
    assert code == 0
    counts = json.loads(out)["counts"]
    text = flat(GUIDE)
    names = {"USSR": "USSR", "Russia": "Russia", "USA": "United States",
             "UK": "United Kingdom", "France": "France", "China": "China"}  # fmt: skip
    for member, name in names.items():
        assert f"{name} {counts[member]}" in text, member


def test_session_3_replays(run_cli) -> None:
    code, out, _ = run_cli("replay", "ukraine-2022")
    assert code == 0
    out = flat(out)
    assert "37/60 sourced votes and 4/4 decisions right" in out
    assert "paralysed 53%" in out
    code, out, _ = run_cli("replay", "syria-2011", "--charter", "unsc-restrained-veto")
    assert code == 0 and "6 of 23 decisions change outcome" in out
    for symbol in ("S/2011/612", "S/2012/77", "S/2012/538", "S/2014/348"):
        assert re.search(rf"{re.escape(symbol)}: recorded vetoed -> adopted \[CHANGED\]", out)
    text = flat(GUIDE)
    assert "37 of 60 sourced votes, 4 of 4 decisions" in text and "53% of the runs" in text
    assert "6 of 23 decisions change" in text

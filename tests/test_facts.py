"""Validation rung 5: stylised facts of the alliance literature, measured on the model."""

from __future__ import annotations

import json

import pytest

from collsec.crisis.stage import Stage
from collsec.validation.facts import FACTS, stylised_facts
from collsec.world import World


@pytest.mark.data
@pytest.mark.parametrize("year", [1960, 2000])
def test_the_three_facts_hold_on_worlds_of_the_day(year: int) -> None:
    stage = Stage.build(World.at(f"{year}-06-30"))
    r = stylised_facts(stage, crises=40_000, seed=0)
    by = {f["id"]: f for f in r["facts"]}
    print({k: (v["model"], v.get("ci_high")) for k, v in by.items()})
    # reliability and deterrence hold; Olson-Zeckhauser is no longer built in (below)
    assert by["alliance_reliability"]["holds"] and by["defence_pacts_deter"]["holds"]
    rel = by["alliance_reliability"]
    # Leeds, Long & Mitchell (2000): 74.5%. Measured 0.752 (1960) and 0.737 (2000) with
    # the fitted contribution rule deciding who joins a collective response (0.842 and
    # 0.863 under the rule before it); under self-defence it is the `honour` parameter
    # (0.75) by construction. Guarded at what was reached.
    assert 0.70 <= rel["model"] <= 0.80
    assert 0.70 <= rel["all_attacks"] <= 0.80
    assert abs(rel["self_defence"] - 0.75) <= 0.02
    # Johnson & Leeds (2011): pacts deter. The same would-be aggressions attack at 0.70
    # (1960) and 0.67 (2000) times the rate they would without the targets' pacts
    assert by["defence_pacts_deter"]["ci_high"] < 0.73
    # Olson & Zeckhauser (1966): with effort fitted on the coalitions of Korea and the Gulf
    # (capability weight 0.39 < 1) larger contributors no longer give more per unit of
    # capability: rho 0.005 (1960) and -0.40 (2000), against 0.99 when the rule built it in;
    # on the record it is negative (collsec burden: Korea -0.43, the Gulf -0.17)
    assert by["olson_zeckhauser"]["model"] < 0.1


def test_facts_are_a_function_of_the_seed_and_listed_with_sources() -> None:
    stage = Stage.build(World.synthetic(60, seed=3))
    a = stylised_facts(stage, crises=5000, seed=4)
    b = stylised_facts(stage, crises=5000, seed=4)
    c = stylised_facts(stage, crises=5000, seed=5)
    assert a["facts"] == b["facts"] and a["facts"] != c["facts"]
    assert [f["id"] for f in a["facts"]] == [f[0] for f in FACTS]
    for f in a["facts"]:
        assert f["source"] and f["built_in"] and "holds" in f


def test_facts_cli(run_cli) -> None:
    code, out, err = run_cli(
        "facts", "--world", "synthetic", "--states", "60", "--crises", "5000", "--format", "json"
    )
    assert code == 0, err
    r = json.loads(out)
    assert r["crises"] == 5000 and len(r["facts"]) == 3 and r["world"].startswith("synthetic")
    code, out, err = run_cli("facts", "--world", "synthetic", "--states", "60", "--crises", "5000")
    assert code == 0, err
    assert "facts hold" in out and "with the pacts removed" in out
    code, _, err = run_cli("facts", "--world", "synthetic", "--crises", "10")
    assert code == 2 and "--crises" in err and len(err.strip().splitlines()) == 1


@pytest.mark.data
def test_vetoes_by_decade_sets_the_model_beside_the_record() -> None:
    """The record's totals are the Library's (213 vetoed drafts of 2,962 decisions,
    1946-2022); the model's free runs table drafts, and some are vetoed or withheld."""
    from collsec.validation.facts import DECADES, vetoes_by_decade

    r = vetoes_by_decade(crises=1000, seed=1)
    assert r["record"] == {"decisions": 2962, "vetoed": 213}
    assert [d["decade"] for d in r["decades"]] == [f"{k}s" for k in DECADES]
    by = {d["decade"]: d for d in r["decades"]}
    # the Cold War vetoes: 41 of 156 decisions in 1946-49, 9 of 651 in the 1990s
    assert (by["1940s"]["record_vetoed"], by["1940s"]["record_decisions"]) == (41, 156)
    assert (by["1990s"]["record_vetoed"], by["1990s"]["record_decisions"]) == (9, 651)
    for d in r["decades"]:
        assert 0 < d["model_vetoed"] < d["model_tabled"] and d["model_hidden_vetoes"] > 0
    assert vetoes_by_decade(crises=1000, seed=1) == r

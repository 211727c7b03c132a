"""Voting rules of the General Assembly, the League, NATO, the OSCE, the AU, the EU and ECOWAS."""

from __future__ import annotations

import datetime as dt

import pytest

from collsec.errors import InputError
from collsec.institutions import (
    Ballot,
    article5_applies,
    builtin_charters,
    load_body,
    membership_table,
    withdrawal_effective,
)


def ballot_of(members: list[str], yes: int, no: int, abstain: int = 0, **kw: object) -> Ballot:
    return Ballot.from_lists(
        yes=members[:yes],
        no=members[yes : yes + no],
        abstain=members[yes + no : yes + no + abstain],
        **kw,  # type: ignore[arg-type]
    )


def test_every_builtin_charter_loads_and_lists() -> None:
    ids = {c.id for c in builtin_charters()}
    assert {
        "unsc-1946",
        "unsc-1966",
        "unga",
        "league-council",
        "league-assembly",
        "nato-nac",
        "osce",
        "au-psc",
        "au-assembly",
        "eu-council-cfsp",
        "eu-council-qmv",
        "eec-council-1958",
        "ecowas-smc",
        "ecowas-msc",
    } <= ids


# --- General Assembly ------------------------------------------------------


def test_un_membership_counts() -> None:
    assert len(load_body("unga", on=dt.date(1945, 10, 24)).members) == 51
    assert len(load_body("unga", on=dt.date(2011, 7, 14)).members) == 193  # South Sudan
    assert len(load_body("unga", on=dt.date(2011, 7, 13)).members) == 192


def test_ga_important_question_two_thirds_of_present_and_voting() -> None:
    ga = load_body("unga", on=dt.date(2022, 3, 2))
    # ES-11/1 (2 March 2022): 141 in favour, 5 against, 35 abstentions.
    d = ga.adjudicate(ballot_of(ga.members, 141, 5, 35))
    assert d.adopted and d.required == 98  # two-thirds of 146 voting, rounded up
    assert not ga.adjudicate(ballot_of(ga.members, 97, 49, 40)).adopted
    assert ga.adjudicate(ballot_of(ga.members, 98, 49, 40)).adopted


def test_ga_simple_majority_ignores_abstentions() -> None:
    ga = load_body("unga", on=dt.date(2022, 3, 2))
    d = ga.adjudicate(ballot_of(ga.members, 10, 9, 150, question="majority"))
    assert d.adopted
    assert not ga.adjudicate(ballot_of(ga.members, 9, 9, 150, question="majority")).adopted


def test_uniting_for_peace_request_needs_majority_of_all_members() -> None:
    ga = load_body("unga", on=dt.date(2022, 3, 2))
    assert ga.adjudicate(ballot_of(ga.members, 97, 0, question="ess_request")).adopted
    assert not ga.adjudicate(ballot_of(ga.members, 96, 0, question="ess_request")).adopted


# --- League of Nations -----------------------------------------------------


def test_manchuria_council_24_october_1931_failed_on_japans_vote() -> None:
    council = load_body("league-council", on=dt.date(1931, 10, 24))
    assert len(council.members) == 14
    others = [m for m in council.members if m != "JPN"]
    ballot = Ballot.from_lists(yes=others, no=["JPN"], parties=["JPN", "CHN"])
    d = council.adjudicate(ballot)  # Art. 11: the parties vote
    assert not d.adopted and "Japan" in d.reason
    report = Ballot.from_lists(
        yes=others, no=["JPN"], parties=["JPN", "CHN"], question="art15_report"
    )
    assert council.adjudicate(report).adopted  # Art. 15(6): parties excluded


def test_league_abstention_does_not_break_unanimity() -> None:
    council = load_body("league-council", on=dt.date(1931, 10, 24))
    d = council.adjudicate(
        Ballot.from_lists(yes=council.members[:-1], abstain=council.members[-1:])
    )
    assert d.adopted


def test_league_assembly_report_1933_binds_without_japan() -> None:
    assembly = load_body("league-assembly", on=dt.date(1933, 2, 24))
    members = assembly.members
    yes = [m for m in members if m not in ("JPN", "THA")]
    ballot = Ballot.from_lists(
        yes=yes, no=["JPN"], abstain=["THA"], parties=["JPN", "CHN"], question="art15_report"
    )
    assert assembly.adjudicate(ballot).adopted
    # A Council member (other than a party) voting no blocks the report (Art. 15(10)).
    council_member = next(m for m in assembly.groups["council"] if m not in ("JPN", "CHN"))
    yes2 = [m for m in yes if m != council_member]
    ballot2 = Ballot.from_lists(
        yes=yes2,
        no=["JPN", council_member],
        abstain=["THA"],
        parties=["JPN", "CHN"],
        question="art15_report",
    )
    assert not assembly.adjudicate(ballot2).adopted


def test_league_withdrawal_takes_two_years() -> None:
    assert withdrawal_effective(dt.date(1933, 3, 27)) == dt.date(1935, 3, 27)  # Japan
    assert withdrawal_effective(dt.date(1933, 10, 19)) == dt.date(1935, 10, 19)  # Germany
    japan = [r for r in membership_table("league.csv") if r.member == "JPN"]
    assert japan[-1].end == dt.date(1935, 3, 26)


# --- NATO ------------------------------------------------------------------


def test_nato_consensus_one_objection_blocks() -> None:
    nac = load_body("nato-nac", on=dt.date(2024, 3, 7))
    assert len(nac.members) == 32
    assert nac.adjudicate(Ballot.from_lists(yes=nac.members)).adopted
    d = nac.adjudicate(Ballot.from_lists(yes=nac.members[1:], no=nac.members[:1]))
    assert not d.adopted and "objected" in d.reason


def test_article_5_treaty_area() -> None:
    assert article5_applies("USA", on=dt.date(2001, 9, 11), region="north_america")[0]
    assert not article5_applies("GBR", on=dt.date(1982, 4, 2), region="elsewhere", latitude=-51.7)[
        0
    ]
    assert not article5_applies(
        "GBR", on=dt.date(1982, 4, 2), region="north_atlantic", latitude=-51.7
    )[0]
    assert article5_applies("NOR", on=dt.date(1982, 4, 2), region="north_atlantic", latitude=70.0)[
        0
    ]
    assert not article5_applies("SWE", on=dt.date(2001, 9, 11), region="europe")[0]
    assert not article5_applies(
        "USA", on=dt.date(2001, 9, 11), region="north_america", armed_attack=False
    )[0]


# --- OSCE ------------------------------------------------------------------


def test_osce_consensus_minus_one_and_minus_two() -> None:
    osce = load_body("osce", on=dt.date(1992, 7, 8))
    others = [m for m in osce.members if m != "YUG"]
    assert not osce.adjudicate(Ballot.from_lists(yes=others, no=["YUG"])).adopted
    minus_one = Ballot.from_lists(
        yes=others, no=["YUG"], target="YUG", question="consensus_minus_one"
    )
    assert osce.adjudicate(minus_one).adopted
    a, b = others[0], others[1]
    rest = [m for m in osce.members if m not in (a, b)]
    minus_two = Ballot.from_lists(
        yes=rest, no=[a, b], parties=[a, b], question="consensus_minus_two"
    )
    assert osce.adjudicate(minus_two).adopted
    assert not osce.adjudicate(
        Ballot.from_lists(yes=rest, no=[a, b], parties=[a], question="consensus_minus_two")
    ).adopted


# --- African Union -----------------------------------------------------------


def test_au_psc_consensus_failing_which_two_thirds_of_voting() -> None:
    psc = load_body("au-psc", on=dt.date(2023, 8, 14))
    sitting = psc.members
    assert len(sitting) == 15 and {"NGA", "ZAF", "GHA"} <= set(sitting)  # the Niger coup debate
    d = psc.adjudicate(ballot_of(sitting, 10, 5))
    assert d.adopted  # 10 of 15 voting is two-thirds
    assert not psc.adjudicate(ballot_of(sitting, 9, 5, 1)).adopted  # 9 of 14 < 2/3
    party = Ballot.from_lists(
        yes=sitting[:9], no=sitting[9:14], abstain=sitting[14:], parties=sitting[9:11]
    )
    assert psc.adjudicate(party).adopted  # parties do not take part (Art. 8(9)): 9 of 12
    with pytest.raises(InputError, match="is not a member of au-psc"):
        psc.adjudicate(Ballot.from_lists(yes=["MAR"] if "MAR" not in sitting else ["EGY"]))


def test_au_psc_has_15_members_except_the_unidentified_2006_08_seats() -> None:
    for year in range(2004, 2027):
        n = len(load_body("au-psc", on=dt.date(year, 6, 1)).members)
        assert n == (13 if year in (2006, 2007) else 15), year


# --- European Union ----------------------------------------------------------


def test_eu_cfsp_constructive_abstention_cap() -> None:
    cfsp = load_body("eu-council-cfsp", on=dt.date(2024, 6, 1))
    members = cfsp.members
    assert len(members) == 27
    assert cfsp.adjudicate(ballot_of(members, 26, 0, 1)).adopted
    assert not cfsp.adjudicate(ballot_of(members, 26, 1)).adopted
    pop = cfsp.weights["population"]
    big = sorted(members, key=lambda m: -pop[m])[
        :9
    ]  # nine largest: 1/3 of members, far over 1/3 of population
    rest = [m for m in members if m not in big]
    d = cfsp.adjudicate(Ballot.from_lists(yes=rest, abstain=big))
    assert not d.adopted and "abstentions" in d.reason


def test_eu_qmv_blocking_minority_needs_four() -> None:
    council = load_body("eu-council", on=dt.date(2024, 6, 1))
    pop = council.weights["population"]
    big3 = sorted(council.members, key=lambda m: -pop[m])[:3]
    rest = [m for m in council.members if m not in big3]
    # Germany, France and Italy hold over 35% of the population, but three cannot block.
    d = council.adjudicate(Ballot.from_lists(yes=rest, no=big3))
    assert d.adopted
    big4 = sorted(council.members, key=lambda m: -pop[m])[:4]
    rest4 = [m for m in council.members if m not in big4]
    assert not council.adjudicate(Ballot.from_lists(yes=rest4, no=big4)).adopted


# --- ECOWAS ------------------------------------------------------------------


def test_ecowas_smc_created_ecomog_and_needed_council_authorisation() -> None:
    smc = load_body("ecowas-smc", on=dt.date(1990, 8, 7))
    assert {"GHA", "NGA", "GMB", "MLI", "TGO"} <= set(smc.members)
    assert smc.adjudicate(Ballot.from_lists(yes=smc.members)).adopted
    m = smc.charter.measures["ecomog"]
    assert m.requires_authorisation == "unsc"
    symbols = [e["symbol"] for e in smc.charter.gates["regional_enforcement"]["ex_post"]]
    assert symbols == ["S/RES/788 (1992)", "S/RES/1132 (1997)"]


def test_every_member_code_in_membership_tables_is_known() -> None:
    from importlib.resources import files

    from collsec.codes.codes import code_table

    known = {r.code for r in code_table()}
    for entry in files("collsec.institutions").joinpath("membership").iterdir():
        if (
            entry.name.endswith(".csv")
            and "weight" not in entry.name
            and "population" not in entry.name
        ):
            unknown = {r.member for r in membership_table(entry.name)} - known
            assert not unknown, (entry.name, unknown)


def test_duplicate_member_in_charter_is_an_error(tmp_path) -> None:
    from collsec.institutions import load_charter

    path = tmp_path / "dup.toml"
    path.write_text(
        'id = "dup"\nextends = "eec-council-1958"\n[members]\n'
        'fixed = [{ member = "FRA" }, { member = "FRA" }]\n'
    )
    with pytest.raises(InputError, match=r"dup\.toml: members: duplicate member FRA"):
        load_charter(str(path))


def test_a_variant_may_replace_criteria_with_any_of(tmp_path) -> None:
    # a reform: twelve votes override a veto (any_of replaces the base rule's criteria)
    path = tmp_path / "unsc-override.toml"
    path.write_text(
        'id = "unsc-override"\nextends = "unsc-1966"\nvariant = true\ntitle = "t"\n'
        'description = "d"\nsources = ["reform idea"]\n[rules.substantive]\nany_of = [\n'
        '  [{ type = "quota", count = 9 }, { type = "veto", holders = "permanent" }],\n'
        '  [{ type = "quota", count = 12 }],\n]\n'
    )
    body = load_body(str(path), on=dt.date(2020, 1, 1))
    others = [m for m in body.members if m != "RUS"]
    vetoed = Ballot.from_lists(yes=others[:11], no=["RUS"], abstain=others[11:])
    assert body.adjudicate(vetoed).adopted is False  # a veto, and 11 < 12
    overridden = Ballot.from_lists(yes=others[:12], no=["RUS"], abstain=others[12:])
    assert body.adjudicate(overridden).adopted  # twelve override the veto


def test_a_reform_needs_its_own_id(tmp_path, run_cli) -> None:
    """A file that extends a charter and names no id took its parent's: now refused."""
    path = tmp_path / "reform.toml"
    path.write_text('extends = "unsc-1966"\ntitle = "a reform"\n')
    for args in (["power", str(path)], ["vote", str(path), "--yes", "USA"]):
        code, _, err = run_cli(*args, "--year", "2000")
        assert code == 2 and err.count("\n") == 1
        assert "reform.toml: id: required field is missing" in err


def test_a_quota_above_the_seats_is_refused_by_vote_and_power_alike(tmp_path, run_cli) -> None:
    path = tmp_path / "q20.toml"
    path.write_text(
        'id = "q20"\nextends = "unsc-1966"\n[rules.substantive]\n'
        'criteria = [{ type = "quota", count = 20 }]\n'
    )
    expect = (
        "q20.toml: rules.substantive: quota 20 exceeds the 15 members of q20 on "
        "2000-07-01: no ballot can reach it\n"
    )
    errs = set()
    for args in (["power", str(path)], ["vote", str(path), "--yes", "USA"]):
        code, _, err = run_cli(*args, "--year", "2000")
        assert code == 2 and err.endswith(expect)
        errs.add(err)
    assert len(errs) == 1
    # a quota of 0 is no quota
    path.write_text(path.read_text().replace("count = 20", "count = 0"))
    code, _, err = run_cli("vote", str(path), "--year", "2000", "--yes", "USA")
    assert code == 2 and "a quota's count must be >= 1, not 0" in err


def test_the_no_council_baseline_still_runs_in_simulations() -> None:
    """no-council's 16-of-15 quota is its point: the kernel takes it, adjudication does not."""
    from collsec.crisis import Scenario, sim_crises
    from collsec.world import World

    run = sim_crises(
        World.synthetic(40, seed=1), crises=50, scenario=Scenario(council="no-council"),
        random_seed=1,
    )  # fmt: skip
    assert run.metrics["authorised_share"] in (0.0, None)
    with pytest.raises(InputError, match="quota 16 exceeds the 15 members of no-council"):
        load_body("no-council", on=dt.date(2000, 1, 1)).adjudicate(Ballot.from_lists(yes=["USA"]))


@pytest.mark.parametrize("command", ["vote", "power"])
def test_year_and_date_together_are_refused(run_cli, command: str) -> None:
    code, _, err = run_cli(command, "unsc", "--year", "1950", "--date", "2022-02-25")
    assert code == 2 and err == "collsec: error: --date: give --year or --date, not both\n"

"""The Security Council's voting rules, checked against votes of record."""

from __future__ import annotations

import datetime as dt

import pytest

from collsec.cases.curated import adjudicate_named, named_votes
from collsec.errors import InputError
from collsec.institutions import Ballot, adjudicate_tally, load_body

VOTES = {v.symbol: v for v in named_votes()}


@pytest.mark.parametrize("symbol", sorted(VOTES))
def test_named_vote_reproduces_recorded_outcome(symbol: str) -> None:
    v = VOTES[symbol]
    y, n, a = (int(x) for x in v.tally.split("-"))
    if not v.complete:
        # A partial record names some votes only: never more than the tally.
        assert v.status == "partial"
        assert len(v.yes) <= y and len(v.no) <= n and len(v.abstain) <= a
        assert set(v.vetoed_by) <= set(v.no)
        return
    # The record is self-consistent: the tally is the count of the named lists ...
    assert (len(v.yes), len(v.no), len(v.abstain)) == (y, n, a)
    # ... and the charter of the day adjudicates it to the recorded outcome.
    d = adjudicate_named(v)
    assert d.adopted == (v.outcome == "adopted"), d.reason
    if v.outcome == "vetoed":
        assert sorted(d.vetoed_by) == sorted(v.vetoed_by) and d.vetoed_by
    else:
        # The UN records no veto when a draft lacked the votes anyway; the
        # adjudicator still names permanent members who voted no, beside the shortfall.
        assert v.vetoed_by == ()
        assert not d.vetoed_by or "short of the" in d.reason


def test_named_votes_cover_every_rule() -> None:
    kinds = {(v.question, v.outcome) for v in VOTES.values()}
    assert ("procedural", "adopted") in kinds
    assert ("substantive", "vetoed") in kinds
    assert any(v.parties for v in VOTES.values())
    assert any("SUN" in v.absent for v in VOTES.values())


@pytest.mark.parametrize("symbol", ["S/RES/82 (1950)", "S/RES/83 (1950)", "S/RES/84 (1950)"])
def test_korea_1950_passed_with_ussr_absent(symbol: str) -> None:
    v = VOTES[symbol]
    assert "SUN" in v.absent
    d = adjudicate_named(v)
    assert d.adopted and d.required == 7 and "SUN" in d.absent


@pytest.mark.parametrize(
    ("symbol", "blockers"),
    [
        ("S/RES/119 (1956)", {"FRA", "GBR"}),
        ("S/RES/120 (1956)", {"SUN"}),
        ("S/RES/462 (1980)", {"SUN"}),
        ("S/RES/2623 (2022)", {"RUS"}),
    ],
)
def test_uniting_for_peace_calls_are_procedural(symbol: str, blockers: set[str]) -> None:
    v = VOTES[symbol]
    assert set(v.no) & blockers == blockers
    assert adjudicate_named(v).adopted
    # Had the question been substantive, the permanent members' no would veto it.
    counterfactual = adjudicate_named(v, procedural=False)
    assert not counterfactual.adopted
    assert set(counterfactual.vetoed_by) == blockers


def test_permanent_abstention_is_not_a_veto() -> None:
    d = adjudicate_named(VOTES["S/RES/1973 (2011)"])
    assert d.adopted and {"CHN", "RUS"} <= set(d.abstain)


def test_veto_reason_names_the_member() -> None:
    d = adjudicate_named(VOTES["S/2022/155"])
    assert d.reason == "vetoed by the Russian Federation"
    assert "CHN" in d.abstain


def test_article_27_3_party_abstains_under_chapter_vi_not_vii() -> None:
    council = load_body("unsc", on=dt.date(2020, 3, 1))
    p5 = ["CHN", "FRA", "GBR", "RUS", "USA"]
    others = [m for m in council.members if m not in p5]
    ballot_vi = Ballot.from_lists(
        yes=[*others, "CHN", "FRA", "USA", "RUS"], no=["GBR"], chapter="VI", parties=["GBR"]
    )
    d = council.adjudicate(ballot_vi)
    assert d.adopted and d.not_participating == ["GBR"] and d.notes
    ballot_vii = Ballot.from_lists(
        yes=[*others, "CHN", "FRA", "USA", "RUS"], no=["GBR"], chapter="VII", parties=["GBR"]
    )
    d = council.adjudicate(ballot_vii)
    assert not d.adopted and d.vetoed_by == ["GBR"]


def test_shortfall_with_a_permanent_no_is_not_a_veto() -> None:
    # UN practice (and the library's veto list): a permanent member's no on a draft that
    # lacks the required majority is not counted as a veto
    d = adjudicate_tally("unsc", on=dt.date(1960, 2, 25), yes=6, no=1, abstain=3, vetoed_by=["SUN"])
    assert d.reason == (
        "6 affirmative votes, 1 short of the 7 required; "
        "the USSR voted no (not a veto: the draft lacked the votes)"
    )
    assert not d.adopted and d.vetoed_by == []
    # with the votes, the same no is a veto
    d = adjudicate_tally("unsc", on=dt.date(1960, 2, 25), yes=7, no=1, abstain=2, vetoed_by=["SUN"])
    assert d.reason == "vetoed by the USSR" and d.vetoed_by == ["SUN"]


@pytest.mark.parametrize(
    ("on", "required", "size"),
    [(dt.date(1965, 12, 31), 7, 11), (dt.date(1966, 1, 1), 9, 15)],
)
def test_council_enlarged_in_1966(on: dt.date, required: int, size: int) -> None:
    council = load_body("unsc", on=on)
    assert len(council.members) == size
    assert adjudicate_tally("unsc", on=on, yes=required, no=0, abstain=0).adopted
    assert not adjudicate_tally("unsc", on=on, yes=required - 1, no=0, abstain=0).adopted


def test_five_permanent_members_every_year() -> None:
    for year in range(1946, 2027):
        for month in (1, 7):
            council = load_body("unsc", on=dt.date(year, month, 1))
            assert len(council.groups["permanent"]) == 5
            assert len(council.members) == (11 if year < 1966 else 15)


def test_ussr_seat_passes_to_russia() -> None:
    assert "SUN" in load_body("unsc", on=dt.date(1991, 12, 23)).groups["permanent"]
    assert "RUS" in load_body("unsc", on=dt.date(1991, 12, 24)).groups["permanent"]


def test_member_voting_twice_is_an_error() -> None:
    with pytest.raises(InputError, match="votes twice"):
        Ballot.from_lists(yes=["USA"], no=["USA"])


def test_non_member_vote_is_an_error() -> None:
    council = load_body("unsc", on=dt.date(2022, 2, 25))
    with pytest.raises(InputError, match="DEU is not a member of unsc-1966 on 2022-02-25"):
        council.adjudicate(Ballot.from_lists(yes=["DEU"]))


def test_tally_with_unknown_vetoer_is_an_error() -> None:
    with pytest.raises(InputError, match="not a permanent member"):
        adjudicate_tally("unsc", on=dt.date(2000, 1, 1), yes=9, no=1, abstain=0, vetoed_by=["SUN"])

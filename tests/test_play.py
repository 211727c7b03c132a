"""A case played from a seat (collsec.cases.play, ``collsec play``): the rules of the
Charter on the players' drafts, the model's votes, and the kernel on their decision."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from collsec.behavior.parameters import Parameters
from collsec.cases.play import DraftSpec, generated_case, load_game, parse_draft
from collsec.crisis.api import sim_crises
from collsec.crisis.kernel import COUNCIL, GA, NATO, REGIONAL, UNAUTHORISED, Decided
from collsec.crisis.stage import Scenario, Stage
from collsec.crisis.threats import Threat
from collsec.errors import InputError
from collsec.world import World


def _draft(measure="chapter_vi", chapter="VI", names=(), demands=(), sponsors=("USA",)):
    return {
        "measure": measure,
        "chapter": chapter,
        "names": list(names),
        "demands": list(demands),
        "sponsors": list(sponsors),
    }


def table(seat, forum="council", vote="yes", **kw):
    mv = {"type": "table", "seat": seat, "forum": forum, "draft": _draft(**kw)}
    if vote is not None:
        mv["vote"] = vote
    return mv


GULF_678 = dict(
    measure="art42",
    chapter="VII",
    names=("IRQ",),
    demands=("withdrawal",),
    sponsors=("USA", "GBR", "FRA", "CAN"),
)


# -- the kernel on a decision taken outside it -----------------------------------------


def test_a_decision_given_to_the_kernel_reproduces_its_own() -> None:
    """Fed the forums' own decisions (responder, measure, ballot), the kernel's
    contributions, lead, success and costs are bit for bit its own."""
    w = World.synthetic(60, seed=3)
    st = Stage.build(w, Parameters.default(), Scenario())
    b = 300
    rng = np.random.default_rng(1)
    a = rng.integers(0, 60, b)
    t = (a + 1 + rng.integers(0, 58, b)) % 60
    th = Threat(
        kind=rng.integers(0, 3, b),
        aggressor=a,
        target=t,
        severity=rng.uniform(0.2, 1, b),
        sponsored=np.ones(b, bool),
    )
    r1 = sim_crises(st, th, random_seed=5, occurred=True).result
    bal = np.full((b, 60), -1, np.int8)
    for who, v in ((NATO, r1.nac_votes), (REGIONAL, r1.regional_votes), (GA, r1.ga_votes)):
        m = r1.responder == who
        bal[m] = v[m]
    m = r1.responder == COUNCIL
    bal[np.ix_(m, st.seats)] = r1.council_votes[m]
    assert len(set(r1.responder.tolist())) >= 5  # every kind of response is exercised
    d = Decided(
        responder=r1.responder,
        level=r1.level,
        ballot=bal,
        forums=r1.forums,
        vetoed=r1.council_vetoed,
    )
    r2 = sim_crises(st, th, random_seed=5, occurred=True, decided=d).result
    same = r1.responder != UNAUTHORISED  # who acts alone is drawn in the forums skipped
    for k in ("contributions", "p_success", "success", "lead", "cost", "duration", "level"):
        assert np.array_equal(getattr(r1, k)[same], getattr(r2, k)[same]), k


def test_a_decision_needs_given_threats() -> None:
    st = Stage.build(World.synthetic(20, seed=1), Parameters.default(), Scenario())
    d = Decided(*(np.zeros(1, dtype=int),) * 2, np.zeros((1, 20)), np.zeros(1), np.zeros(1))
    with pytest.raises(InputError, match="needs given threats"):
        sim_crises(st, crises=10, random_seed=1, decided=d)


# -- drafts ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (_draft(measure="art41", chapter="VI"), "art41 is a Chapter VII measure"),
        (_draft(measure="art42", chapter="VI"), "art42 is a Chapter VII measure"),
        (_draft(sponsors=()), "at least one sponsor"),
        (_draft(demands=("ceasefire", "ceasefire")), "demands lists one entry twice"),
        (_draft(measure="bombing"), "measure"),
        (_draft(demands=("surrender",)), "demands"),
        (_draft() | {"extra": 1}, "extra"),
        ("a string", "draft"),
    ],
)
def test_a_malformed_draft_is_one_line(data, message) -> None:
    with pytest.raises(InputError, match=message) as err:
        parse_draft(data)
    assert "\n" not in str(err.value)


def test_words_of_a_draft() -> None:
    spec = DraftSpec(**GULF_678)
    assert spec.words() == (
        "Art. 42: force (all necessary means) (Chapter VII), naming IRQ, demanding withdrawal"
    )


# -- the Council of the day and its rules ------------------------------------------------


def test_the_council_of_the_trigger_date() -> None:
    """The Council of 2 August 1990 (S/RES/660's members; the USSR, not Russia, and
    Yemen, Cuba and Colombia among the elected) and of 25 June 1950 (eleven seats, the
    USSR absent: it boycotted the Council from January to August 1950)."""
    gulf = load_game("gulf-1990")
    assert gulf.seats[:5] == ["CHN", "FRA", "GBR", "SUN", "USA"]
    assert {"CUB", "YEM", "COL", "MYS"} <= set(gulf.seats) and len(gulf.seats) == 15
    assert gulf.names["SUN"] == "USSR"
    korea = load_game("korea-1950")
    assert len(korea.seats) == 11 and korea.absent == ("SUN",)
    # exact power: 1950's Council (7 of 11, five vetoes) and 1990's (9 of 15)
    assert korea.power["USA"]["shapley_shubik"] == pytest.approx(76 / 385)
    assert gulf.power["USA"]["shapley_shubik"] == pytest.approx(421 / 2145)
    assert gulf.power["CUB"]["shapley_shubik"] == pytest.approx(4 / 2145)


def test_a_permanent_members_no_is_a_veto() -> None:
    """The USSR's seat held by a player who votes no on force against Iraq vetoes it,
    however the others vote (Art. 27(3))."""
    g = load_game("gulf-1990")
    mv = table("USA", **GULF_678, vote=None)
    s = g.state(
        [
            mv,
            {"type": "vote", "seat": "SUN", "vote": "no"},
            {"type": "vote", "seat": "USA", "vote": "yes"},
        ],
        {"USA", "SUN"},
    )
    b = s["ballots"][0]
    assert not b["adopted"] and b["vetoed_by"] == ["SUN"]
    assert b["reason"].startswith("vetoed by the USSR")
    assert b["votes"]["SUN"] == b["votes"]["SUN"] | {"vote": "no", "by": "player"}


def test_the_accused_votes_against_its_own_condemnation() -> None:
    """Russia, a permanent member, is the accused of 2022: the model has it vote no on
    a draft naming it, a veto, as it vetoed S/2022/155 on 25 February 2022."""
    g = load_game("ukraine-2022")
    s = g.state(
        [table("USA", names=("RUS",), demands=("withdrawal",), sponsors=("USA", "ALB"))], {"USA"}
    )
    b = s["ballots"][0]
    assert b["votes"]["RUS"]["vote"] == "no" and "RUS" in b["vetoed_by"]
    rec = {d["symbol"]: d for d in g.record()["decisions"]}
    assert rec["S/2022/155"]["vetoed_by"] == ["RUS"]


def test_uniting_for_peace_after_a_veto() -> None:
    """After a veto the Assembly may recommend the vetoed draft by two thirds of those
    present and voting (GA res. 377 A (V)); it may not before a veto, nor before 3
    November 1950."""
    g = load_game("ukraine-2022")
    kw = dict(names=("RUS",), demands=("withdrawal",), sponsors=("USA", "ALB"))
    with pytest.raises(InputError, match="Uniting for Peace follows a veto"):
        g.state([table("USA", forum="assembly", **kw)], {"USA"})
    s = g.state([table("USA", **kw), table("USA", forum="assembly", **kw)], {"USA"})
    ga = s["ballots"][1]
    assert ga["forum"] == "assembly" and ga["votes"]["USA"]["by"] == "player"
    votes = [v["vote"] for v in ga["votes"].values()]
    yes, no = votes.count("yes"), votes.count("no")
    required = -(-2 * (yes + no) // 3)  # two thirds of those present and voting, rounded up
    assert f"{required} required" in ga["reason"] and ga["adopted"] == (yes >= required)
    korea = load_game("korea-1950")
    with pytest.raises(InputError, match="3 November 1950"):
        korea.state(
            [table("USA", names=("PRK",), sponsors=("USA",)), table("USA", forum="assembly")],
            {"USA"},
        )


def test_moves_that_are_not_allowed() -> None:
    g = load_game("gulf-1990")
    ok = table("USA", **GULF_678, vote=None)
    for moves, message in (
        ([{"type": "sing", "seat": "USA"}], "unknown move"),
        ([table("GBR")], "not a seat a player holds"),
        ([ok, ok], "already on the table"),
        ([ok, {"type": "vote", "seat": "USA", "vote": "maybe"}], "not a vote"),
        ([{"type": "vote", "seat": "USA", "vote": "yes"}], "no draft"),
        ([ok, *[{"type": "vote", "seat": "USA", "vote": "yes"}] * 2], "USA has voted already"),
        ([{"type": "conclude", "seat": "USA"}, ok], "the play is over"),
        ([table("USA", names=("XXX",))], "XXX is not a state of this case"),
        ([table("USA", sponsors=("KWT",))], "a sponsor on the Council"),
        ([table("USA", forum="moon")], "unknown forum"),
    ):
        with pytest.raises(InputError, match=message):
            g.state(moves, {"USA", "SUN"})


def test_a_draft_waits_for_every_player_and_the_instructor_may_count_it() -> None:
    g = load_game("gulf-1990")
    humans = {"USA", "GBR", "SUN"}
    s = g.state([table("USA", **GULF_678)], humans)
    assert s["table"]["waiting"] == ["GBR", "SUN"] and not s["ballots"]
    s = g.state([table("USA", **GULF_678), {"type": "close"}], humans)
    assert s["table"] is None and len(s["ballots"]) == 1
    model = g.vote(DraftSpec(**GULF_678))
    for m in ("GBR", "SUN"):  # seats that did not vote vote as the model expects
        assert s["ballots"][0]["votes"][m]["vote"] == model["votes"][m]["vote"]


# -- the end: the kernel on the players' decision ---------------------------------------


def test_the_gulf_war_authorised_and_led_by_the_united_states() -> None:
    """Force authorised by the Council (as S/RES/678 did): the Council acted, the
    response is led by the United States, and Iraq's ally-free position leaves no
    member of the coalition tied to it; the record says the Council acted."""
    g = load_game("gulf-1990")
    s = g.state([table("USA", **GULF_678), {"type": "conclude", "seat": "USA"}], {"USA"}, seed=3)
    assert s["ballots"][0]["adopted"]
    o = s["outcome"]
    assert (o["responder"], o["measure"], o["institution"]) == ("council", "art42", "acted")
    assert o["lead"] == "USA" and o["shares"][0]["state"] == "USA"
    assert "IRQ" not in {x["state"] for x in o["shares"]}
    assert o["credibility_after"] > o["credibility_before"] if o["success"] else True
    assert s["record"]["institution"] == "acted"


def test_without_a_decision_an_armed_attack_meets_self_defence() -> None:
    g = load_game("gulf-1990")
    s = g.state([{"type": "conclude", "seat": "USA"}], {"USA"})
    assert (
        s["outcome"]["responder"] == "self_defence" and s["outcome"]["institution"] == "paralysed"
    )
    s = g.state([{"type": "alone", "seat": "USA"}], {"USA"})
    assert s["outcome"]["responder"] == "unauthorised" and s["outcome"]["lead"] == "USA"
    assert s["outcome"]["institution"] == "bypassed"
    with pytest.raises(InputError, match="cannot act against itself"):
        load_game("ukraine-2022").state([{"type": "alone", "seat": "RUS"}], {"RUS"})


def test_the_same_seed_gives_the_same_play() -> None:
    g = load_game("syria-2011")
    moves = [
        table("FRA", sponsors=("FRA", "GBR"), names=("SYR",)),
        {"type": "conclude", "seat": "FRA"},
    ]
    assert g.state(moves, {"FRA"}, seed=7) == g.state(moves, {"FRA"}, seed=7)


# -- collsec play ----------------------------------------------------------------------


def test_collsec_play_json_is_the_games_state(tmp_path: Path, run_cli) -> None:
    moves = [table("USA", **GULF_678), {"type": "conclude", "seat": "USA"}]
    f = tmp_path / "moves.json"
    f.write_text(json.dumps(moves))
    code, out, err = run_cli(
        "play", "gulf-1990", "--seat", "USA", "--moves", str(f), "--seed", "3", "--format", "json"
    )
    assert code == 0, err
    got = json.loads(out)
    want = load_game("gulf-1990").state(moves, {"USA"}, seed=3)
    assert got["play"] == json.loads(json.dumps(want))
    # a transcript of the lab carries its seats and seed
    t = tmp_path / "transcript.json"
    t.write_text(json.dumps({"moves": moves, "seats": {"USA": "player"}, "seed": 3}))
    code, out2, _ = run_cli("play", "gulf-1990", "--moves", str(t), "--format", "json")
    assert code == 0 and json.loads(out2)["play"] == got["play"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not a JSON file of moves"),
        ('{"a": 1}', "JSON list of moves"),
        ("[1, 2]", "JSON list of moves"),
        (json.dumps([{"type": "conclude", "seat": "USA"}] * 501), "moves"),
        (json.dumps([table("USA", measure="art42")]), "art42 is a Chapter VII measure"),
        (json.dumps({"moves": [], "seats": [], "seed": 1}), "seats must be an object"),
    ],
)
def test_collsec_play_refuses_bad_moves_in_one_line(tmp_path, run_cli, content, message) -> None:
    f = tmp_path / "m.json"
    f.write_text(content)
    code, out, err = run_cli("play", "gulf-1990", "--seat", "USA", "--moves", str(f))
    assert code == 2 and out == ""
    assert message in err and err.count("\n") == 1


def test_collsec_play_refuses_a_seat_not_on_the_council(run_cli) -> None:
    code, _, err = run_cli("play", "gulf-1990", "--seat", "KWT")
    assert code == 2 and "does not sit on the Council on 1990-08-02" in err
    code, _, err = run_cli("play", "no-such-case")
    assert code == 2 and "no case 'no-such-case'" in err


def test_no_state_sponsors_its_own_condemnation() -> None:
    g = load_game("ukraine-2022")
    with pytest.raises(InputError, match="RUS cannot sponsor a draft that names it"):
        g.state([table("RUS", names=("RUS",), sponsors=("RUS", "CHN"))], {"RUS"})
    # a first draft never has the accused among its sponsors, whoever plays
    assert "RUS" not in g.default_draft("RUS").sponsors


def test_a_generated_crisis_in_a_cases_world() -> None:
    """`<case>~<seed>`: the first threat of the kernel's run with that seed, in the
    world of the case's day, that a Council takes up; the same seed, the same crisis."""
    g = load_game("gulf-1990~5")
    tr = g.case.trigger
    assert tr.kind in ("aggression", "atrocity", "terrorism") and tr.date == g.date
    assert g.case.record == () and g.record()["decisions"] == []
    assert g.seats == load_game("gulf-1990").seats
    base = load_game("gulf-1990").case
    assert generated_case(base, 5).trigger == tr and generated_case(base, 6).trigger != tr
    s = g.state([{"type": "conclude", "seat": g.seats[0]}], {g.seats[0]})
    assert s["outcome"]["responder"] in ("none", "self_defence")
    for bad, message in (
        ("gulf-1990~x", "not a seed"),
        ("nope~1", "no case"),
        ("gulf-1990~-1", "not a seed"),
    ):
        with pytest.raises(InputError, match=message):
            load_game(bad)

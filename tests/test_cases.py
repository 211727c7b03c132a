"""The case library: loading, the record, replay, fidelity and counterfactuals."""

from __future__ import annotations

import dataclasses
import itertools
import json
import random
import shutil
from pathlib import Path

import pytest

from collsec.cases import builtin_case_ids, load_case
from collsec.cases.case import library_dir
from collsec.cases.fidelity import adjudicate_votes, fidelity
from collsec.cases.model import VOTE_CODE
from collsec.cases.replay import LEAGUE_SEQUENCE, conditional, free_run, replay_case, unravel
from collsec.institutions.rules import NO

REQUIRED = {
    "manchuria-1931",
    "ethiopia-1935",
    "korea-1950",
    "gulf-1990",
    "rwanda-1994",
    "kosovo-1999",
    "sept11-2001",
    "iraq-2002",
    "libya-2011",
    "syria-2011",
    "ukraine-2022",
    "liberia-sierra-leone-1990",
}
CASES = {c: load_case(c) for c in builtin_case_ids()}


def test_library_has_the_required_cases_and_four_more() -> None:
    assert set(CASES) >= REQUIRED
    assert len(set(CASES) - REQUIRED) >= 4


def test_cases_json_contract(run_cli) -> None:
    code, out, _ = run_cli("cases", "--format", "json")
    assert code == 0
    rows = json.loads(out)["cases"]
    assert {r["id"] for r in rows} == set(CASES)
    assert all(set(r) == {"id", "title", "start", "end", "bodies"} for r in rows)


@pytest.mark.parametrize("case_id", sorted(CASES))
def test_complete_decisions_reproduce_their_outcome(case_id: str) -> None:
    """Every decision whose votes are all known is adopted or not as recorded."""
    case = CASES[case_id]
    assert case.record, "a case without decisions"
    for d in case.record:
        if d.status not in ("named", "derived"):
            continue
        votes = {m: VOTE_CODE[v] for m, v in d.votes().items() if v in VOTE_CODE}
        adopted, reason, _ = adjudicate_votes(d, votes)
        assert adopted == d.adopted, (d.symbol, reason)


def test_korea_1950_adopted_with_the_ussr_absent() -> None:
    d = next(x for x in CASES["korea-1950"].record if x.symbol == "S/RES/82 (1950)")
    assert "SUN" in d.absent and d.adopted
    # with the USSR present and voting no, the same text is vetoed
    votes = {m: VOTE_CODE[v] for m, v in d.votes().items() if v in VOTE_CODE}
    adopted, reason, vetoed = adjudicate_votes(d, {**votes, "SUN": NO})
    assert not adopted and vetoed == ("SUN",), reason


def test_gulf_and_ukraine_records() -> None:
    gulf = {d.symbol: d for d in CASES["gulf-1990"].record}
    assert gulf["S/RES/678 (1990)"].tally == "12-2-1" and gulf["S/RES/678 (1990)"].adopted
    ukr = {d.symbol: d for d in CASES["ukraine-2022"].record}
    assert ukr["S/2022/155"].outcome == "vetoed" and ukr["S/2022/155"].vetoed_by == ("RUS",)
    assert ukr["S/2022/720"].tally == "10-1-4"


def _shuffled(case):
    """The case with its recorded yes/no/abstain votes shuffled among the voters."""
    rng = random.Random(7)
    record = []
    for d in case.record:
        voters = [*d.yes, *d.no, *d.abstain]
        rng.shuffle(voters)
        y, n = len(d.yes), len(d.no)
        record.append(
            dataclasses.replace(
                d,
                yes=tuple(voters[:y]),
                no=tuple(voters[y : y + n]),
                abstain=tuple(voters[y + n :]),
                outcome="adopted" if d.outcome != "adopted" else "not_adopted",
            )
        )
    return dataclasses.replace(case, record=tuple(record))


@pytest.mark.parametrize("case_id", ["syria-2011", "ukraine-2022", "manchuria-1931"])
def test_replay_never_reads_the_recorded_votes(case_id: str) -> None:
    case = CASES[case_id]
    shuffled = _shuffled(case)
    assert shuffled.record != case.record
    a = replay_case(case, seed=3)
    b = replay_case(shuffled, seed=3)
    for r in (a, b):
        r.pop("_free_events")
    assert a == b


def test_replay_is_deterministic_in_the_cli(run_cli) -> None:
    outs = [run_cli("replay", "gulf-1990", "--seed", "5", "--format", "json")[1] for _ in range(2)]
    assert outs[0] == outs[1]
    r = json.loads(outs[0])
    assert r["score"]["decisions"] == len(CASES["gulf-1990"].record)
    assert r["fitted_on"].startswith(f"{len(CASES) - 1} other cases")


def test_replay_text_runs(run_cli) -> None:
    code, out, err = run_cli("replay", "ukraine-2022")
    assert code == 0, err
    assert "S/2022/155" in out and "vetoed by" in out and "the Russian Federation" in out


def test_model_votes_russia_no_on_ukraine() -> None:
    from collsec.cases.fidelity import fit_without

    case = CASES["ukraine-2022"]
    others = [c for c in CASES.values() if c.id != case.id]
    cond = conditional(case, _params(), fit_without(others, _params()))
    first = cond[0]
    assert first["symbol"] == "S/2022/155"
    assert first["votes"]["RUS"]["vote"] == "no" and "RUS" in first["vetoed_by"]
    # the spatial sponsor term has China, far from the US-Albanian draft, vote no too;
    # it abstained (a known miss, docs/cases.md)
    assert first["votes"]["CHN"]["vote"] == "no"


def _params():
    from collsec.behavior.parameters import Parameters

    return Parameters.default()


# -- counterfactuals --------------------------------------------------------------------


def test_syria_under_a_restrained_veto() -> None:
    """With the recorded votes, each of the six vetoed drafts passes once the veto
    is restrained on atrocity cases; nothing else changes."""
    from collsec.cases.replay import counterfactual

    cf = counterfactual(CASES["syria-2011"], _params(), None, charter="unsc-restrained-veto")
    vetoed = {d.symbol for d in CASES["syria-2011"].record if d.outcome == "vetoed"}
    assert len(vetoed) == 6
    changed = {d["symbol"] for d in cf["decisions"] if d["changed"]}
    assert changed == vetoed


def test_ukraine_with_article_27_3_applied() -> None:
    """With the recorded votes, Russia's two vetoes fall once it must abstain as a party:
    S/2022/155 had 11 in favour and S/2022/720 had 10 (nine needed); the procedural
    Uniting for Peace call and Russia's own draft are unchanged."""
    from collsec.cases.replay import counterfactual

    cf = counterfactual(
        CASES["ukraine-2022"], _params(), None, charter="unsc-obligatory-abstention"
    )
    changed = {d["symbol"] for d in cf["decisions"] if d["changed"]}
    assert changed == {"S/2022/155", "S/2022/720"}
    # under the Charter as practised nothing changes
    same = counterfactual(CASES["ukraine-2022"], _params(), None, charter="unsc-1966")
    assert not any(d["changed"] for d in same["decisions"])


def test_rwanda_with_a_standing_force() -> None:
    from collsec.cases.replay import counterfactual

    cf = counterfactual(CASES["rwanda-1994"], _params(), None, charter="unsc-standing-force")
    dep = cf["deployment"]
    assert dep and not any(d["in_time_usual"] for d in dep)
    assert any(d["in_time_standing_force"] for d in dep)


def test_enlarged_council_replays_only_with_its_seats_named(run_cli) -> None:
    """Placeholder seats are refused (counting them absent would decide by the blanks);
    a charter that extends the reform and names them replays."""
    code, out, err = run_cli("replay", "ukraine-2022", "--charter", "unsc-enlarged-25")
    assert code == 2 and out == ""
    assert "unsc-enlarged-25: --charter: 14 seats are placeholders (E01-E14)" in err
    named = Path(__file__).resolve().parents[1] / "docs" / "examples" / "enlarged-named.toml"
    code, out, err = run_cli("replay", "ukraine-2022", "--charter", str(named), "--format", "json")
    assert code == 0, err
    cf = json.loads(out)["counterfactual"]
    assert cf["charter"] == "enlarged-named" and len(cf["decisions"]) == 4
    # S/RES/2623 (the Uniting for Peace call, procedural): 11 yes on the 15-seat
    # Council; 15 of 25 are needed, so it passes only with the new members' votes
    res = next(d for d in cf["decisions"] if d["symbol"].startswith("S/RES/2623"))
    assert res["recorded"] == "adopted" and res["votes_predicted_for"]


def test_league_unravelling_credibility_falls() -> None:
    """The League unravelled: credibility falls through Manchuria, Ethiopia and the
    Rhineland in most runs (27 of 40 seeds with the calibrated model when measured;
    in the others the sanctions on Italy succeed, which the record does not show)."""
    cases = [CASES[c] for c in LEAGUE_SEQUENCE]
    falls = 0
    for seed in range(40):
        r = unravel(cases, seed=seed)
        cred = [s["credibility"] for s in r["steps"]] + [r["steps"][-1]["credibility_after"]]
        falls += all(b < a for a, b in itertools.pairwise(cred))
    assert falls >= 26
    r = unravel(cases)
    un = unravel(cases, charter="league-council-un-rules")
    # the permanent members' veto shields Japan and Italy: cheaper aggression
    for s_cov, s_un in zip(r["steps"][:2], un["steps"][:2], strict=True):
        assert s_un["shielded_by_veto"] and not s_cov["shielded_by_veto"]
        assert s_un["expected_cost_of_attacking"] < s_cov["expected_cost_of_attacking"]


def test_free_run_is_deterministic() -> None:
    a = free_run(CASES["gulf-1990"], seed=11)
    b = free_run(CASES["gulf-1990"], seed=11)
    a.pop("_events"), b.pop("_events")
    assert a == b


# -- fidelity --------------------------------------------------------------------------------

#: floors: the scores reached when this test was written (see docs/cases.md). The record
#: grew from 2,269 to 2,385 sourced votes (116 more, all on contested drafts of Korea,
#: Kosovo, Iraq, Darfur and Liberia, with sponsors for twelve drafts) when the sponsor term
#: became spatial; the floors are the levels reached on that larger record.
FLOORS = {
    "votes_scored": 2385,
    "vote_accuracy": 0.904,
    "contested_vote_accuracy": 0.744,
    "decision_accuracy": 0.85,
}


def test_fidelity_scores_do_not_fall() -> None:
    r = fidelity(list(CASES.values()), loo=False)
    print({k: r[k] for k in FLOORS})
    for k, floor in FLOORS.items():
        assert r[k] >= floor, (k, r[k])
    # On contested votes the model is ahead of every-member-votes-yes by 0.0033 (0.7447
    # against 0.7414); the gap must not close, and decisions stay ahead of both baselines'
    gap = r["contested_vote_accuracy"] - r["baselines"]["all_yes"]["contested_vote_accuracy"]
    assert gap >= 0.003, gap
    assert r["decision_accuracy"] > r["baselines"]["all_yes"]["decision_accuracy"]


def test_free_run_outcomes_do_not_fall() -> None:
    """The free run's most frequent class (200 runs, weights fitted without the case)
    matched the record in 13 of 22 cases when this was written."""
    from collsec.cases.replay import predicted_outcomes

    cases = list(CASES.values())
    outcomes, shares = predicted_outcomes(cases)
    matches = [c.id for c in cases if outcomes[c.id] == c.outcome.institution]
    print(len(matches), matches)
    assert len(matches) >= 13
    # a permanent member that is the aggressor blocks the Council, as on the record
    # (vetoes S/2014/189, S/2022/155 and S/3730/Rev.1)
    for cid in ("crimea-2014", "ukraine-2022", "hungary-1956"):
        assert outcomes[cid] == "paralysed" == CASES[cid].outcome.institution
        assert shares[cid]["paralysed"] == max(shares[cid].values())
    for s in shares.values():
        assert sum(s.values()) == pytest.approx(1.0, abs=1e-3)


def test_fidelity_json_contract(run_cli) -> None:
    code, out, err = run_cli("fidelity", "--format", "json", "--no-loo")
    assert code == 0, err
    r = json.loads(out)
    for key in (
        "votes_scored",
        "vote_accuracy",
        "contested_vote_accuracy",
        "decision_accuracy",
        "outcome_matches",
        "cases",
        "baselines",
        "parameters_fitted",
    ):
        assert key in r
    assert set(r["baselines"]) == {"all_yes", "ideal_point_logit"}


# -- bad input ----------------------------------------------------------------------------------


@pytest.fixture
def case_copy(tmp_path: Path) -> Path:
    for suffix in (".toml", ".record.toml", ".actors.csv"):
        shutil.copy(library_dir() / f"gulf-1990{suffix}", tmp_path / f"gulf-1990{suffix}")
    return tmp_path


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


@pytest.mark.parametrize(
    ("file", "old", "new", "expect"),
    [
        (".toml", 'accused = "IRQ"', 'accused = "XYZ"', "trigger.accused"),
        (".record.toml", 'tally = "12-2-1"', 'tally = "13-2-1"', "does not add up"),
        (".record.toml", "date = 1990-08-02", "date = 1890-08-02", "outside the case's dates"),
        (".record.toml", '"CAN",\n    "CHN",', '"CAN",\n    "DEU",', "was not a member"),
        (".toml", "start = 1990-08-02", "start = 1991-08-02", "end"),
        (".toml", "severity = 0.9", "severity = 1.5", "trigger.severity: must be in (0, 1]"),
        (".toml", 'kind = "aggression"', 'kind = "war"', "trigger.kind: must be one of"),
        (
            ".record.toml",
            'measure = "chapter_vi"',
            'measure = "talk"',
            "decision[0] (S/RES/660 (1990)).measure: must be one of",
        ),
        (
            ".actors.csv",
            "USA,United States of America,2,0.148239,",
            "USA,United States of America,2,abc,",
            "actors.csv: line 12: cinc: must be a number, not 'abc'",
        ),
    ],
)
def test_bad_case_files_give_one_line_errors(case_copy, run_cli, file, old, new, expect) -> None:
    _edit(case_copy / f"gulf-1990{file}", old, new)
    code, out, err = run_cli("replay", str(case_copy / "gulf-1990.toml"))
    assert code == 2 and out == ""
    line = err.strip()
    assert "\n" not in line and "Traceback" not in line
    assert expect in line and "gulf-1990" in line


def test_body_outside_its_existence(case_copy, run_cli) -> None:
    # a League Council decision dated in 1990
    _edit(case_copy / "gulf-1990.record.toml", 'body = "unsc"', 'body = "league-council"')
    code, _, err = run_cli("replay", str(case_copy / "gulf-1990.toml"))
    assert code == 2 and "body" in err and "gulf-1990.record.toml" in err


def test_unknown_case(run_cli) -> None:
    code, _, err = run_cli("replay", "atlantis-1900")
    assert code == 2 and "unknown case" in err


@pytest.mark.data
def test_record_is_built_by_rule() -> None:
    """The shipped record is exactly what the rule gives from the pages and curated votes."""
    from collsec.cases.build import build_record

    for cid in ("gulf-1990", "syria-2011", "ethiopia-1935"):
        case = CASES[cid]
        built = build_record(case)
        assert [d["symbol"] for d in built] == [d.symbol for d in case.record]
        assert [d["status"] for d in built] == [d.status for d in case.record]


def test_usage_error_is_one_line(run_cli) -> None:
    code, _, err = run_cli("replay", "gulf-1990", "--seed", "x")
    assert code == 2 and err.startswith("collsec: error:") and "Traceback" not in err


#: leave-one-case-out floors (the refits; `make validate`)
LOO_FLOORS = {"vote_accuracy": 0.898, "contested_vote_accuracy": 0.738, "decision_accuracy": 0.845}


@pytest.mark.validate
def test_leave_one_case_out_scores_do_not_fall() -> None:
    r = fidelity(list(CASES.values()), loo=True)
    loo = r["loo"]
    assert loo["refits"] == len(CASES)
    print({k: loo["model"][k] for k in LOO_FLOORS}, {k: loo["all_yes"][k] for k in LOO_FLOORS})
    for k, floor in LOO_FLOORS.items():
        assert loo["model"][k] >= floor, (k, loo["model"][k])
    # scored out of sample, the model still decides at least as well as all-yes
    assert loo["model"]["decision_accuracy"] >= loo["all_yes"]["decision_accuracy"]


def test_a_mislabelled_row_is_read_as_the_decision_it_was() -> None:
    """The library's 1990 table prints res. 663 on the 13 September Iraq-Kuwait row; the
    resolution adopted that day (13-2, Cuba and Yemen against) was 666 (AP list of the 1990
    resolutions; res. 663 admitted Liechtenstein on 14 August). The vote counts once."""
    symbols = [d.symbol for d in CASES["gulf-1990"].record]
    assert "S/RES/663 (1990)" not in symbols
    assert symbols.count("S/RES/666 (1990)") == 1
    d = next(d for d in CASES["gulf-1990"].record if d.symbol == "S/RES/666 (1990)")
    assert d.tally == "13-2-0" and set(d.votes().items()) >= {("CUB", "no"), ("YEM", "no")}


def _crimea_copy(tmp_path: Path) -> Path:
    for suffix in (".toml", ".record.toml", ".actors.csv"):
        shutil.copy(library_dir() / f"crimea-2014{suffix}", tmp_path / f"crimea-2014{suffix}")
    return tmp_path / "crimea-2014.toml"


@pytest.mark.parametrize(
    ("new", "expect"),
    [
        (
            'outcome = "adopted"\nvetoed_by = []',
            "decision[0] (S/2014/189).outcome: adopted, but the named votes give vetoed "
            "(under unsc-1966: vetoed by the Russian Federation)",
        ),
        (
            'outcome = "vetoed"\nvetoed_by = [\n    "CHN",\n]',
            "decision[0] (S/2014/189).vetoed_by: CHN, but the named votes give RUS",
        ),
        (
            'outcome = "not_adopted"\nvetoed_by = []',
            "outcome: not_adopted, but the named votes give vetoed",
        ),
    ],
)
def test_a_named_decision_must_agree_with_its_votes(tmp_path, run_cli, new, expect) -> None:
    """Every vote of S/2014/189 is named (13-1-1, Russia's no): the record's outcome and
    vetoed_by are what those votes give under the Charter of the day, or the file is refused."""
    case = _crimea_copy(tmp_path)
    _edit(
        case.with_name("crimea-2014.record.toml"),
        'outcome = "vetoed"\nvetoed_by = [\n    "RUS",\n]',
        new,
    )
    code, out, err = run_cli("replay", str(case))
    assert code == 2 and out == "" and err.count("\n") == 1
    assert expect in err and "crimea-2014.record.toml" in err


def test_every_shipped_named_decision_agrees_with_its_votes() -> None:
    """The check runs on load: all 22 cases load, and they hold 20 named decisions."""
    named = [d for c in CASES.values() for d in c.record if d.status == "named"]
    assert len(CASES) == 22 and len(named) == 20


def test_an_actors_table_of_binary_garbage(tmp_path, run_cli) -> None:
    case = _crimea_copy(tmp_path)
    case.with_name("crimea-2014.actors.csv").write_bytes(bytes(range(256)) * 4)
    code, _, err = run_cli("replay", str(case))
    assert code == 2 and err.count("\n") == 1
    assert "crimea-2014.actors.csv: cannot read file (UnicodeDecodeError)" in err


@pytest.mark.parametrize(
    ("args", "expect"),
    [
        (
            ["replay", "gulf-1990", "--charter", "league-council"],
            "--charter: league-council is in force from 1920-01-10 to 1946-04-20, "
            "not on 1990-08-02 (gulf-1990)",
        ),
        (
            ["replay", "gulf-1990", "--charter", "league-council-un-rules"],
            "league-council-un-rules.toml: members: no members on 1990-08-02",
        ),
        (
            ["unravel", "--charter", "eu-council-qmv"],
            "--charter: eu-council-qmv is in force from 2014-11-01 to today, not on 1931-09-18",
        ),
    ],
)
def test_a_counterfactual_charter_of_another_time(run_cli, args, expect) -> None:
    code, out, err = run_cli(*args)
    assert code == 2 and out == "" and err.count("\n") == 1 and expect in err

"""The case library: loading, the record, replay, fidelity and counterfactuals."""

from __future__ import annotations

import dataclasses
import itertools
import json
import random
import shutil
from pathlib import Path

import numpy as np
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
        r.pop("_free_narrative")
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


@pytest.mark.xfail(
    strict=True,
    reason="known divergence (docs/cases.md): with the vote model fitted on the library "
    "(cost now mostly moves members between no and abstain, not away from yes) the League "
    "acts against Japan in most free runs; credibility falls through all three crises in "
    "1 of 40 seeds (27 of 40 with the previous model)",
)
def test_league_unravelling_credibility_falls() -> None:
    """The League unravelled: credibility falls through Manchuria, Ethiopia and the
    Rhineland in most runs, as on the record. A strict expected failure: it fails the
    suite the day the model reproduces the record again, so the note can be removed."""
    cases = [CASES[c] for c in LEAGUE_SEQUENCE]
    falls = 0
    for seed in range(40):
        r = unravel(cases, seed=seed)
        cred = [s["credibility"] for s in r["steps"]] + [r["steps"][-1]["credibility_after"]]
        falls += all(b < a for a, b in itertools.pairwise(cred))
    assert falls >= 21


def test_league_under_un_rules_shields_the_aggressors() -> None:
    cases = [CASES[c] for c in LEAGUE_SEQUENCE]
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
    "vote_accuracy": 0.911,
    "contested_vote_accuracy": 0.769,
    "decision_accuracy": 0.857,
}
#: in-sample mean log-loss per vote reached by the vote model (0.3021) and the
#: ideal-point logit's (0.3318) when the floors were set
LOG_LOSS_CEILING = 0.303


def test_fidelity_scores_do_not_fall() -> None:
    r = fidelity(list(CASES.values()), loo=False)
    m, ay = r["in_sample"]["model"], r["in_sample"]["all_yes"]
    got = {k: r[k] if k == "votes_scored" else m[k] for k in FLOORS}
    print(got)
    for k, floor in FLOORS.items():
        assert got[k] >= floor, (k, got[k])
    # On contested votes the model is ahead of every-member-votes-yes by 0.028 (0.769
    # against 0.741); the gap must not close, and decisions stay ahead of both baselines'
    gap = m["contested_vote_accuracy"] - ay["contested_vote_accuracy"]
    assert gap >= 0.025, gap
    assert m["decision_accuracy"] > ay["decision_accuracy"]
    ip = r["in_sample"]["ideal_point_logit"]
    assert m["log_loss"] <= LOG_LOSS_CEILING and m["log_loss"] < ip["log_loss"]
    assert m["recall"]["no"] >= 0.25 and m["recall"]["veto"] >= 0.31


def test_free_run_outcomes_do_not_fall() -> None:
    """The free run's most frequent class (200 runs, weights fitted without the case)
    matched the record in 12 of 22 cases when this was written (13 with the previous
    vote model; Ukraine is now paralysed in every run, Manchuria no longer matches;
    docs/cases.md)."""
    from collsec.cases.replay import predicted_outcomes

    cases = list(CASES.values())
    outcomes, shares = predicted_outcomes(cases)
    matches = [c.id for c in cases if outcomes[c.id] == c.outcome.institution]
    print(len(matches), matches)
    assert len(matches) >= 12
    # a permanent member that is the aggressor blocks the Council, as on the record
    # (vetoes S/2014/189, S/2022/155 and S/3730/Rev.1)
    for cid in ("crimea-2014", "ukraine-2022", "hungary-1956"):
        assert outcomes[cid] == "paralysed" == CASES[cid].outcome.institution
        assert shares[cid]["paralysed"] == max(shares[cid].values())
    for s in shares.values():
        assert sum(s.values()) == pytest.approx(1.0, abs=1e-3)


SCORES = {
    "log_loss",
    "brier",
    "vote_accuracy",
    "contested_vote_accuracy",
    "decision_accuracy",
    "recall",
    "precision",
}
PREDICTORS = {"model", "all_yes", "ideal_point_logit", "great_power"}


def _check_scores(s: dict, *, ci: bool = False) -> None:
    assert set(s) >= SCORES
    for k in ("recall", "precision"):
        assert set(s[k]) == {"no", "abstain", "veto"}
    for k in ("log_loss", "brier"):
        assert s[k] is None or s[k] >= 0
    for k in ("vote_accuracy", "contested_vote_accuracy", "decision_accuracy"):
        assert s[k] is None or 0 <= s[k] <= 1
    if ci:
        for k in SCORES - {"recall", "precision"}:
            lo_hi = s[f"{k}_ci"]
            assert lo_hi is None or (len(lo_hi) == 2 and lo_hi[0] <= lo_hi[1]), (k, lo_hi)
        for k in ("recall_ci", "precision_ci"):
            assert set(s[k]) == {"no", "abstain", "veto"}


def test_fidelity_json_contract(run_cli) -> None:
    code, out, err = run_cli("fidelity", "--format", "json", "--no-loo")
    assert code == 0, err
    r = json.loads(out)
    for key in (
        "votes_scored",
        "contested_votes",
        "decisions",
        "vetoes_recorded",
        "in_sample",
        "outcome_matches",
        "cases",
        "fitted",
    ):
        assert key in r
    assert "loo" not in r
    assert set(r["in_sample"]) == PREDICTORS | {"best"}
    for name in PREDICTORS:
        _check_scores(r["in_sample"][name])
    assert r["in_sample"]["best"]["log_loss"] in PREDICTORS
    assert set(r["fitted"]) == PREDICTORS
    for c in r["cases"]:
        assert set(c["in_sample"]) == PREDICTORS
        assert {"id", "decisions", "votes_scored", "contested_votes", "outcome"} <= set(c)


def test_fidelity_loo_contract_on_three_cases() -> None:
    """Leave-one-case-out on three cases: every score with its interval, every refit."""
    cases = [CASES[c] for c in ("suez-1956", "hungary-1956", "crimea-2014")]
    r = fidelity(cases, loo=True)
    loo = r["loo"]
    assert set(loo) == PREDICTORS | {"best", "refits", "fits", "bootstrap"}
    for name in PREDICTORS:
        _check_scores(loo[name], ci=True)
        assert loo[name]["log_loss_ci"][0] <= loo[name]["log_loss"] <= loo[name]["log_loss_ci"][1]
    assert loo["refits"] == 3 and [f["case"] for f in loo["fits"]] == [c.id for c in cases]
    for f in loo["fits"]:
        for k in ("model", "ideal_point_logit"):
            assert f[k]["converged"] is True and f[k]["iterations"] > 0
    assert loo["bootstrap"] == {
        "unit": "case",
        "cases": 3,
        "draws": 1000,
        "seed": 15,
        "level": 0.95,
    }
    assert loo["best"]["log_loss"] in PREDICTORS
    assert loo["best"]["runner_up"] in PREDICTORS - {loo["best"]["log_loss"]}
    assert loo["best"]["log_loss_margin"] >= 0
    # the rule's prediction does not depend on the training votes: its accuracies
    # are the same in and out of sample
    gp_in, gp_out = r["in_sample"]["great_power"], loo["great_power"]
    assert gp_in["vote_accuracy"] == gp_out["vote_accuracy"]
    assert gp_in["recall"] == gp_out["recall"]
    assert all(set(c["loo"]) == PREDICTORS for c in r["cases"])


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
LOO_FLOORS = {"vote_accuracy": 0.904, "contested_vote_accuracy": 0.754, "decision_accuracy": 0.831}
#: left-out mean log-loss per vote reached (0.3470; ideal-point logit 0.3534, great-power
#: rule 0.400, every member yes at the fold's base rates 0.400)
LOO_LOG_LOSS_CEILING = 0.348


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
    # and its probabilities beat every baseline on both proper scores (0.347 against
    # 0.353, 0.400 and 0.400 log-loss; 0.161 against 0.167, 0.184, 0.184 Brier)
    print({k: (loo[k]["log_loss"], loo[k]["brier"]) for k in PREDICTORS}, loo["best"])
    for k in ("log_loss", "brier"):
        for base in ("all_yes", "ideal_point_logit", "great_power"):
            assert loo["model"][k] < loo[base][k], (k, base)
    assert loo["model"]["log_loss"] <= LOO_LOG_LOSS_CEILING
    assert loo["model"]["recall"]["veto"] >= 0.24 and loo["model"]["recall"]["no"] >= 0.13
    for name in PREDICTORS:
        _check_scores(loo[name], ci=True)
        for k in ("log_loss", "brier", "decision_accuracy"):
            lo, hi = loo[name][f"{k}_ci"]
            assert lo <= loo[name][k] <= hi, (name, k)
    assert all(f[k]["converged"] for f in loo["fits"] for k in ("model", "ideal_point_logit"))


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


# -- the predictors and their scores ----------------------------------------------------------


def test_every_predictor_gives_probabilities_that_sum_to_one() -> None:
    from collsec.cases.fidelity import PREDICTORS as NAMES
    from collsec.cases.fidelity import train
    from collsec.cases.model import vote_table

    cases = [CASES[c] for c in ("suez-1956", "hungary-1956", "crimea-2014")]
    table = vote_table(cases, _params())
    for name in NAMES:
        pred = train(name, table.select(table.case != "suez-1956"), _params())
        p = pred.probabilities(table)
        assert p.shape == (len(table.y), 3)
        assert (p >= 0).all() and abs(p.sum(axis=1) - 1).max() < 1e-9, name


def test_all_yes_log_loss_is_the_entropy_of_the_vote_shares() -> None:
    """In-sample, all_yes gives every vote the shares of yes, no and abstain; its mean
    log-loss is then -sum(p log p) and its Brier score 1 - sum(p^2), by hand."""
    import math

    case = CASES["hungary-1956"]
    votes = [v for d in case.record if d.status in ("named", "derived") for v in d.votes().values()]
    counts = [votes.count(k) for k in ("yes", "no", "abstain")]
    n = sum(counts)
    shares = [c / n for c in counts if c]
    r = fidelity([case], loo=False)["in_sample"]["all_yes"]
    assert r["log_loss"] == pytest.approx(-sum(p * math.log(p) for p in shares), abs=1e-4)
    assert r["brier"] == pytest.approx(1 - sum(p * p for p in shares), abs=1e-4)
    assert r["vote_accuracy"] == pytest.approx(counts[0] / n, abs=1e-4)


def test_great_power_predicts_the_british_and_french_no_on_s_3710() -> None:
    from collsec.cases.fidelity import train
    from collsec.cases.model import vote_table

    case = CASES["suez-1956"]
    table = vote_table([case], _params())
    gp = train("great_power", table, _params())
    pred = gp.predict(table)
    first = (table.decision == 0) & (table.case == case.id)
    assert case.record[0].symbol == "S/3710"
    no = {m for m, v in zip(table.member[first], pred[first], strict=True) if v == NO}
    assert {"GBR", "FRA"} <= no
    # everyone else the rule calls yes: the members neither permanent nor tied
    assert not no & {"AUS", "BEL", "CUB", "IRN", "PER", "YUG"}


def test_veto_recall_and_precision_on_constructed_votes() -> None:
    """S/2014/189 was vetoed by Russia: a predicted Russian no recalls it; a Chinese no
    as well is a second predicted veto, not on the record (precision 1/2)."""
    from collsec.cases.fidelity import case_sums, score
    from collsec.cases.model import vote_table
    from collsec.institutions.rules import ABSTAIN, YES

    case = CASES["crimea-2014"]
    table = vote_table([case], _params())
    rows = table.decision == 0
    assert case.record[0].symbol == "S/2014/189" and case.record[0].vetoed_by == ("RUS",)

    def scores(no: set[str], abstain: frozenset[str] = frozenset()):
        pred = np.full(len(table.y), YES)
        pred[rows & np.isin(table.member, list(no))] = NO
        pred[rows & np.isin(table.member, list(abstain))] = ABSTAIN
        probs = np.eye(3)[pred]
        return score(case_sums([case], table, probs, pred)[0])

    s = scores({"RUS"})
    assert s["recall"]["veto"] == 1.0 and s["precision"]["veto"] == 1.0
    s = scores({"RUS", "CHN"})
    assert s["recall"]["veto"] == 1.0 and s["precision"]["veto"] == 0.5
    s = scores(set())
    assert s["recall"]["veto"] == 0.0 and s["precision"]["veto"] is None
    # an elected member's no vetoes nothing: it is no predicted veto
    s = scores({"LTU"})
    assert s["precision"]["veto"] is None and s["recall"]["veto"] == 0.0
    # recall of abstentions: China abstained on S/2014/189 (13-1-1)
    s = scores({"RUS"}, frozenset({"CHN"}))
    assert s["recall"]["abstain"] == 1.0 and s["precision"]["abstain"] == 1.0
    # certain and right: log-loss 0 on the draft whose every vote is named
    assert case.record[0].status == "named" and s["log_loss"] == 0.0


def test_a_single_case_has_no_interval() -> None:
    from collsec.cases.fidelity import bootstrap, bootstrap_weights, case_sums, train
    from collsec.cases.model import vote_table

    case = CASES["hungary-1956"]
    table = vote_table([case], _params())
    p = train("all_yes", table, _params())
    sums = case_sums([case], table, p.probabilities(table), p.predict(table))
    ci = bootstrap(sums, bootstrap_weights(1))
    assert ci["log_loss_ci"] is None and ci["recall_ci"]["no"] is None


# -- fidelity --cases: a folder of the user's own cases ------------------------------------------

EXAMPLES = Path(__file__).resolve().parents[1] / "docs" / "examples" / "cases"


def test_fidelity_of_the_example_folder(run_cli) -> None:
    code, out, err = run_cli("fidelity", "--cases", str(EXAMPLES), "--format", "json")
    assert code == 0, err
    r = json.loads(out)
    assert r["scored_with"] == "shipped model" and "loo" not in r and "in_sample" not in r
    assert set(r["scores"]) == PREDICTORS | {"best"}
    for name in PREDICTORS:
        _check_scores(r["scores"][name], ci=True)
    assert [c["id"] for c in r["cases"]] == ["my-suez"]
    c = r["cases"][0]
    # my-suez is the library's suez-1956 under another id: it shares its decisions, so
    # it is scored without suez-1956 in the training, never in-sample
    assert r["refitted"] == ["my-suez"] and c["trained_without"] == ["suez-1956"]
    assert c["scored_with"] == "model refitted"
    assert c["votes_scored"] == r["votes_scored"] > 0 and c["decisions"] == 3
    assert set(c["lacks"]) == {"votes", "sponsors", "sources", "content"}
    assert c["lacks"]["sources"] == []
    # the example's record was copied before drafts carried their content
    assert len(c["lacks"]["content"]) == 3
    assert c["lacks"]["votes"] == ["S/3713/Rev.1"]  # partial: the vetoes only
    assert set(c["scores"]) == PREDICTORS
    assert {"votes_scored", "contested_votes", "decisions", "vetoes_recorded", "fits"} <= set(r)


def test_a_new_case_is_scored_with_the_shipped_model(tmp_path, run_cli) -> None:
    """A case sharing nothing with the library is scored by the shipped model, not
    refitted (its decisions renamed here so that none is a library decision)."""
    for f in EXAMPLES.iterdir():
        text = f.read_text("utf-8")
        if f.name.endswith(".record.toml"):
            text = text.replace('symbol = "S/', 'symbol = "X/')
        (tmp_path / f.name).write_text(text, "utf-8")
    code, out, err = run_cli("fidelity", "--cases", str(tmp_path), "--format", "json")
    assert code == 0, err
    r = json.loads(out)
    assert r["refitted"] == [] and r["cases"][0]["scored_with"] == "shipped model"
    assert r["fits"][0]["model_from"] == "shipped" and r["fits"][0]["model"] is None
    code, ex, _ = run_cli("fidelity", "--cases", str(EXAMPLES), "--format", "json")
    # the same votes, scored with the shipped model rather than a refit
    assert json.loads(ex)["votes_scored"] == r["votes_scored"]


@pytest.mark.parametrize(
    ("make", "expect"),
    [
        (lambda d: d / "missing", "--cases: no such folder"),
        (lambda d: (d / "f.txt").write_text("x") and d / "f.txt", "--cases: not a folder"),
        (lambda d: d, "--cases: no cases"),
        (
            lambda d: (d / "x.toml").write_text("id = 3\n") and d,
            "x.toml",
        ),
    ],
)
def test_a_bad_cases_folder_is_one_line(tmp_path, run_cli, make, expect) -> None:
    d = make(tmp_path)
    code, out, err = run_cli("fidelity", "--cases", str(d))
    assert code == 2 and out == "" and err.count("\n") == 1, err
    assert expect in err and "Traceback" not in err


def test_a_broken_case_in_the_folder_names_its_file(tmp_path, run_cli) -> None:
    for f in EXAMPLES.iterdir():
        shutil.copy(f, tmp_path / f.name)
    _edit(tmp_path / "my-suez.record.toml", 'tally = "7-2-2"', 'tally = "8-2-2"')
    code, out, err = run_cli("fidelity", "--cases", str(tmp_path))
    assert code == 2 and out == "" and err.count("\n") == 1
    assert "my-suez.record.toml" in err and "does not add up" in err


def test_too_many_case_files(tmp_path, run_cli, monkeypatch) -> None:
    for f in EXAMPLES.iterdir():
        shutil.copy(f, tmp_path / f.name)
    (tmp_path / "another.toml").write_text("")
    monkeypatch.setenv("COLLSEC_MAX_CASE_FILES", "1")
    code, _, err = run_cli("fidelity", "--cases", str(tmp_path))
    assert code == 2 and "must be between 1 and 1, not 2" in err


# -- a hand-written record is never overwritten --------------------------------------------------


def test_build_refuses_to_overwrite_a_hand_written_record(tmp_path, run_cli) -> None:
    for f in EXAMPLES.iterdir():
        shutil.copy(f, tmp_path / f.name)
    before = (tmp_path / "my-suez.record.toml").read_bytes()
    code, out, err = run_cli("cases", "build", str(tmp_path / "my-suez.toml"))
    assert code == 2 and out == "" and err.count("\n") == 1
    assert f"{tmp_path / 'my-suez.record.toml'}: written by hand" in err
    assert "--beside" in err and "my-suez.record.built.toml" in err
    assert (tmp_path / "my-suez.record.toml").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in EXAMPLES.iterdir())


@pytest.mark.data
def test_build_beside_a_hand_written_record(tmp_path, run_cli) -> None:
    for f in EXAMPLES.iterdir():
        shutil.copy(f, tmp_path / f.name)
    before = (tmp_path / "my-suez.record.toml").read_bytes()
    code, _, err = run_cli("cases", "build", str(tmp_path / "my-suez.toml"), "--beside")
    assert code == 0, err
    assert (tmp_path / "my-suez.record.toml").read_bytes() == before
    built = tmp_path / "my-suez.record.built.toml"
    from collsec.cases.build import written_by_build

    assert written_by_build(built) and not written_by_build(tmp_path / "my-suez.record.toml")
    # the built actors table was built before: rebuilt in place
    assert written_by_build(tmp_path / "my-suez.actors.csv")
    assert not (tmp_path / "my-suez.actors.built.csv").exists()
    # the built record beside is not a case of the folder
    code, out, err = run_cli("fidelity", "--cases", str(tmp_path), "--format", "json")
    assert code == 0, err and [c["id"] for c in json.loads(out)["cases"]] == ["my-suez"]


# -- replay: each member's probabilities ----------------------------------------------------------


def test_replay_gives_probabilities_and_votes_the_most_probable(run_cli) -> None:
    code, out, err = run_cli("replay", "crimea-2014", "--format", "json")
    assert code == 0, err
    cond = json.loads(out)["conditional"]
    assert [d["symbol"] for d in cond] == [d.symbol for d in CASES["crimea-2014"].record]
    for d in cond:
        assert {"symbol", "adopted", "vetoed_by", "votes"} <= set(d)
        for m, v in d["votes"].items():
            p = {k: v[f"p_{k}"] for k in ("yes", "no", "abstain")}
            assert sum(p.values()) == pytest.approx(1.0, abs=2e-4), (m, p)
            assert all(0 <= x <= 1 and round(x, 4) == x for x in p.values())
            if v["vote"] != "absent":
                assert p[v["vote"]] == max(p.values()), (d["symbol"], m, v)
            assert "why" in v

"""Who carries the response: the contribution rule, the coalition record, the stories."""

from __future__ import annotations

import contextlib
import io
import json

import numpy as np
import pytest

from collsec.behavior import contribution as C
from collsec.behavior.parameters import Parameters
from collsec.cases.case import load_case
from collsec.cases.replay import _kernel_run
from collsec.errors import InputError
from collsec.institutions.rules import YES
from collsec.validation.burden import COALITIONS, load_coalition

# -- the rule -------------------------------------------------------------------------


def test_join_is_a_logit_and_the_lead_always_joins() -> None:
    assert C.join_probability(0.0) == 0.5
    eta = np.array([-1.0, 0.5, 3.0])
    shock = np.array([0.9, -0.6, -2.0])  # index + shock: -0.1, -0.1, 1.0
    may = np.array([True, True, True])
    lead = np.array([False, True, False])
    assert C.joins(eta, shock, may, lead).tolist() == [False, True, True]
    assert C.joins(eta, shock, ~may, lead).tolist() == [False, False, False]


def test_a_tie_to_the_aggressor_bars_unless_the_state_is_tied_to_the_target_too() -> None:
    # Saudi Arabia in 1990: Arab League ties to Iraq and to Kuwait; it fought Iraq
    ok = C.eligible(
        aggressor=np.array([True, False, False, False]),
        voted_against=np.array([False, False, False, True]),
        tied_to_aggressor=np.array([False, True, True, False]),
        tied_to_target=np.array([False, True, False, False]),
    )
    assert ok.tolist() == [False, True, False, False]


def test_the_lead_is_the_most_capable_candidate() -> None:
    cap = np.log(np.array([0.3, 0.4, 0.2, 0.1]))
    cand = np.array([[True, False, True, True], [False, False, False, False]])
    assert C.choose_lead(cap, cand).tolist() == [0, -1]


def test_expected_contribution_is_join_probability_times_effort() -> None:
    p = Parameters.default()
    x = C.terms(
        capability=np.log(np.array([0.2, 0.05])),
        personnel=np.log(np.array([0.1, 0.1])),
        population=np.log(np.array([0.01, 0.2])),
        km=np.array([0.0, np.nan]),
        exposure=np.array([1.0, 0.0]),
        tie=np.array([0.0, 1.0]),
        agreement=np.array([0.1, -0.1]),
        lead_ally=np.array([1.0, 0.0]),
        lead_camp=np.array([-0.5, -1.0]),
        yes=np.array([1.0, 0.0]),
        lead=np.array([0.0, 0.0]),
    )
    assert x["distance"][1] == pytest.approx(np.log1p(C.MISSING_KM / 1000))
    e = C.expected(p.contrib_join, p.contrib_size, x, np.array([True, False]), np.zeros(2, bool))
    want = C.join_probability(C.index(p.contrib_join, x)[0]) * C.effort(p.contrib_size, x)[0]
    assert e[0] == pytest.approx(want) and e[1] == 0.0


def test_capability_shares_fill_unknown_forces_from_cinc() -> None:
    milex = np.array([300.0, 100.0, np.nan])
    cinc = np.array([0.5, 0.3, 0.2])
    cap, per, pop = C.capability_logs(milex, np.array([1.0, 1.0, 1.0]), cinc)
    share = np.exp(cap)
    assert share.sum() == pytest.approx(1.0)
    # the known states keep their ratio (3:1); the unknown takes its CINC share
    assert share[0] / share[1] == pytest.approx(3.0)
    assert share[2] == pytest.approx(0.2)
    assert np.exp(per) == pytest.approx(np.full(3, 1 / 3))
    assert np.exp(pop) == pytest.approx(cinc)  # no population given: CINC shares


def test_contribution_weights_are_validated_in_one_line(tmp_path) -> None:
    f = tmp_path / "p.toml"
    f.write_text("contrib_join = [1.0, 2.0]\n")
    with pytest.raises(InputError, match=r"contrib_join.*12 finite numbers"):
        Parameters.from_file(f)


# -- the record -----------------------------------------------------------------------


def test_coalition_tables_are_sourced_and_the_united_states_led_both() -> None:
    for name in COALITIONS:
        rec = load_coalition(name)
        assert rec.lead == "USA"
        shares = rec.shares()
        assert sum(shares.values()) == pytest.approx(1.0)
        # the tables' own numbers: the United States carried the largest share of both
        assert max(shares, key=shares.get) == "USA"
    korea, gulf = load_coalition("korea"), load_coalition("gulf")
    assert korea.target == {"KOR"} and gulf.target == {"KWT"}
    # 21 states sent forces or medical units to Korea besides South Korea
    assert len(korea.troops) - 1 == 21
    assert korea.troops["USA"] == 1_789_000  # unc.mil: personnel who served in theatre
    assert gulf.troops["GBR"] == 53_462  # Operation Granby: deployed during the conflict


def test_a_coalition_table_with_a_bad_row_is_refused(tmp_path, monkeypatch) -> None:
    from collsec.validation import burden

    monkeypatch.setattr(burden, "COALITIONS", {"x": ("gulf-1990", "S/RES/678 (1990)", "x.csv")})
    monkeypatch.setattr(burden, "files", lambda _pkg: tmp_path)
    (tmp_path / "coalitions").mkdir()
    head = ",".join(burden.COLUMNS)
    (tmp_path / "coalitions" / "x.csv").write_text(f"{head}\nUSA,2,US,-5,m,lead,s,\n")
    with pytest.raises(InputError, match=r"x.csv: line 2: troops"):
        burden.load_coalition("x")
    (tmp_path / "coalitions" / "x.csv").write_text(f"{head}\nUSA,2,US,5,m,lead,,\n")
    with pytest.raises(InputError, match=r"line 2: source"):
        burden.load_coalition("x")


# -- the stories ------------------------------------------------------------------------


@pytest.mark.parametrize("case_id", ["korea-1950", "gulf-1990"])
def test_free_runs_no_state_that_voted_against_contributes_and_the_lead_leads(case_id) -> None:
    p = Parameters.default()
    run = _kernel_run(
        load_case(case_id), p, seed=0, draws=200, charter=None, world=None, credibility=None
    )
    r, st = run.result, run.stage
    c = np.asarray(r.contributions)
    seats = st.seats
    council = np.flatnonzero(r.responder == 3)  # the Council decided
    assert len(council) > 50
    for k in council:
        v = r.council_votes[k]
        against = seats[(v >= 0) & (v != YES)]
        assert (c[k, against] == 0).all(), [st.codes[i] for i in against if c[k, i] > 0]
    formed = np.flatnonzero((r.level >= 1) & (c.sum(axis=1) > 0))
    assert len(formed) >= 100  # at least half of 200 runs
    usa = st.codes.index("USA")
    t = st.codes.index(load_case(case_id).trigger.target)
    cc = c.copy()
    cc[:, t] = 0.0
    top = np.argmax(cc[formed], axis=1)
    # the recorded lead state carries the largest share in most runs
    assert (top == usa).mean() >= 0.8


# -- the scores -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def burden_json() -> dict:
    """One run of ``collsec burden --format json`` for the tests below (about a minute)."""
    from collsec.cli.main import main

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["burden", "--crises", "5000", "--format", "json"])
    assert code == 0
    return json.loads(out.getvalue())


@pytest.mark.data
def test_burden_prints_every_score_with_its_baselines(burden_json) -> None:
    r = burden_json
    assert set(r["coalitions"]) == {"korea", "gulf"}
    assert set(r["peacekeeping"]["by_decade"]) == {"1990s", "2000s", "2010s"}
    for b in ("cinc", "milex"):
        assert set(r["baselines"][b]["coalitions"]) == {"korea", "gulf"}
        assert set(r["baselines"][b]["peacekeeping"]) == {"1990s", "2000s", "2010s"}
    for s in r["coalitions"].values():
        assert s["recorded_lead"] == "USA" and s["n"] > 40
        assert abs(sum(v["recorded"] for v in s["shares"].values()) - 1.0) < 1e-3
    # scores out of sample, guarded at what 0.4.0 reached (docs/burden.md):
    # Korea 0.486 (fitted on the Gulf), the Gulf 0.395 (fitted on Korea), both above the
    # CINC and military-expenditure baselines; the United States largest in 92% and 84%
    # of the free runs in which a response formed (75% and 100% of runs)
    co = r["coalitions"]
    assert co["korea"]["spearman"] >= 0.48 and co["gulf"]["spearman"] >= 0.39
    for name in co:
        for b in ("cinc", "milex"):
            assert co[name]["spearman"] > r["baselines"][b]["coalitions"][name]["spearman"]
        assert co[name]["lead_top_share"] >= 0.8 and co[name]["formed"] >= 0.5
    # peacekeeping, fitted on the other two decades: 0.397, 0.579, 0.557; above both
    # baselines in the 2000s and 2010s, below them in the 1990s (docs/burden.md says why)
    pk = r["peacekeeping"]["by_decade"]
    assert pk["1990s"]["spearman"] >= 0.39
    assert pk["2000s"]["spearman"] >= 0.57 and pk["2010s"]["spearman"] >= 0.55
    for d in ("2000s", "2010s"):
        for b in ("cinc", "milex"):
            assert pk[d]["spearman"] > r["baselines"][b]["peacekeeping"][d]["spearman"]
    # IPI's own top three of the 2000s (Pakistan, Bangladesh, India) are in the model's
    # top five
    assert {"PAK", "BGD", "IND"} == set(pk["2000s"]["largest_recorded"][:3])
    assert len({"BGD", "IND"} & set(pk["2000s"]["largest_model"])) == 2
    # allies' reliability over all attacks (Leeds, Long & Mitchell 2000: 0.745); 0.72 at
    # 20,000 crises
    assert 0.65 <= r["reliability_collective"] <= 0.85
    # Olson-Zeckhauser: negative on the record of both coalitions, and in the model
    oz = r["olson_zeckhauser"]
    assert oz["record"]["korea"] < 0 and oz["record"]["gulf"] < 0 and oz["model"] < 0


def test_the_log_names_the_lead_and_marks_the_target_defending_itself() -> None:
    from collsec.cases.replay import free_run

    ev = free_run(load_case("gulf-1990"), Parameters.default(), seed=0)["events"]
    c = next(e["data"] for e in ev if e["type"] == "contribution")
    assert c["lead"] == "USA" and c["largest"][0]["state"] == "USA"
    for x in c["largest"]:
        assert x["own_defence"] == (x["state"] == "KWT")

"""A new policy is one file: defined once, it can be chosen by every caller of the model."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest

from collsec.behavior.fit import prior_fit
from collsec.behavior.model import MEMBER_TERMS, combine, draft_terms, vote_features
from collsec.behavior.parameters import Parameters
from collsec.behavior.policy import POLICIES, UtilityPolicy, get_policy

NAYSAYER = '''
from collsec.behavior.policy import UtilityPolicy


class Naysayer(UtilityPolicy):
    """Every state votes no and acts alone on nothing: no collective response can form."""

    name = "test-naysayer"
    description = "every state always votes no"
    citation = "a test policy"
    classifier = {**UtilityPolicy.classifier, "stochastic": False}

    def parts(self, member):
        support, tilt = super().parts(member)
        return (self.params.vote_no - 100.0, 0.0, 0.0, 0.0), tilt
'''


@pytest.fixture
def naysayer(tmp_path):
    """The policy file, loaded and registered for one test (then unregistered)."""
    path = tmp_path / "naysayer.py"
    path.write_text(NAYSAYER)
    pol = get_policy(f"{path}:test-naysayer")
    yield f"{path}:test-naysayer"
    POLICIES.pop(pol.name, None)


def test_policy_file_registers_and_is_refused_when_broken(naysayer, tmp_path):
    assert "test-naysayer" in POLICIES
    terms = {k: 0.0 for k in MEMBER_TERMS}
    assert get_policy("test-naysayer").vote_utility(terms, draft_terms(0.1, 0.1, 1.0)) < -99
    bad = tmp_path / "bad.py"
    bad.write_text("raise RuntimeError('nope')\n")
    from collsec.errors import InputError

    with pytest.raises(InputError, match=r"bad\.py: --policy: the policy file failed"):
        get_policy(f"{bad}:x")
    with pytest.raises(InputError, match="no such policy file"):
        get_policy(f"{tmp_path / 'missing.py'}:x")


def test_utility_is_the_features_times_the_weights():
    """The kernel's factored support and the fit's features are the same model."""
    rng = np.random.default_rng(5)
    member = {k: rng.normal(size=50) for k in MEMBER_TERMS}
    draft = draft_terms(rng.random(50), rng.random(50), rng.random(50))
    f = vote_features(member, draft)
    for name in ("utility", "realist", "norm"):
        pol = get_policy(name, Parameters.default())
        np.testing.assert_allclose(pol.vote_utility(member, draft), f @ pol.weights(), atol=1e-12)
        tilt = combine(pol.parts(member)[1], draft)
        np.testing.assert_allclose(tilt, f @ pol.tilt(), atol=1e-12)
    fit = prior_fit(Parameters.prior())
    pol = UtilityPolicy(Parameters.prior())
    np.testing.assert_array_equal(fit.weights, pol.weights())
    np.testing.assert_array_equal(fit.tilt, pol.tilt())


def test_simulate_runs_the_chosen_policy(naysayer, run_cli):
    base = ("simulate", "--states", "40", "--crises", "600", "--seed", "2", "--format", "json")
    code, out, err = run_cli(*base, "--policy", naysayer)
    assert code == 0, err
    nay = json.loads(out)
    code, out, err = run_cli(*base)
    yes = json.loads(out)
    assert nay["policy"] == "test-naysayer" and yes["policy"] == "utility"
    # nobody votes yes: no body authorises anything, no draft is vetoed for lack of one
    assert nay["metrics"]["authorised_share"] == 0.0
    assert yes["metrics"]["authorised_share"] > 0.2


def test_replay_free_run_uses_the_chosen_policy(naysayer, run_cli):
    code, out, err = run_cli("replay", "korea-1950", "--policy", naysayer, "--format", "json")
    assert code == 0, err
    free = json.loads(out)["free_run"]
    assert free["policy"] == "test-naysayer"
    assert free["institution"] != "acted" and free["shares"]["acted"] == 0.0
    # nobody on the Council wants action, so nothing is tabled
    drafts = [e["data"] for e in free["events"] if e["type"] == "draft"]
    assert drafts == [{"tabled": False, "why": "no Council member wants action"}]


@pytest.mark.data
def test_backtest_runs_the_chosen_policy(naysayer, tmp_path, monkeypatch):
    from collsec.backtest.icb import read_inputs
    from collsec.backtest.mechanism import crisis_model

    data = Path(os.environ["COLLSEC_DATA_DIR"]) / "icb"
    monkeypatch.setenv("COLLSEC_CACHE_DIR", str(tmp_path))
    crises = {c.crisno: c for c in read_inputs(data / "crises_dev.csv", data / "actors_dev.csv")}
    gulf = crises[393]
    m0 = crisis_model(gulf, draws=40)
    m1 = crisis_model(gulf, draws=40, policy="test-naysayer")
    assert m0.signals["p_adopted"] > 0.0
    assert m1.signals["p_adopted"] == 0.0


def test_an_experiment_design_runs_the_chosen_policy(naysayer, tmp_path, run_cli):
    path = tmp_path / "exp.toml"
    path.write_text(
        'id = "nay"\nseed = 3\nreplications = 4\nyears = 6\n[world]\nstates = 40\n'
        f'[[designs]]\nid = "nay"\npolicy = "{naysayer}"\n'
        '[[designs]]\nid = "default"\n'
    )
    db = tmp_path / "nay.duckdb"
    code, _, err = run_cli("experiment", str(path), "--db", str(db), "--format", "json")
    assert code == 0, err
    from collsec.experiments.store import Store

    with Store(db, read_only=True) as s:
        df = s.results(s.runs()["run_key"].iloc[-1])
    share = df[df["metric"] == "authorised_share"].groupby("design")["value"].mean()
    assert share["nay"] == 0.0 and share["default"] > 0.0

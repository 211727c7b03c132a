"""Parameters, policies and the nuclear proxy."""

from __future__ import annotations

import re
import tomllib
from importlib.resources import files

import numpy as np
import pytest

from collsec.behavior import (
    POLICIES,
    NormPolicy,
    Parameters,
    Policy,
    RealistPolicy,
    UtilityPolicy,
    get_policy,
    is_nuclear,
)
from collsec.behavior.model import (
    MEMBER_TERMS,
    VOTE_FEATURES,
    combine,
    draft_terms,
    draw_votes,
    most_probable,
    vote_probabilities,
)
from collsec.behavior.parameters import WEIGHT_VECTORS
from collsec.behavior.policy import UtilityPolicy as Base
from collsec.errors import InputError
from collsec.institutions.rules import ABSTAIN, NO, YES


def test_every_default_names_its_source() -> None:
    raw = tomllib.loads(files("collsec.behavior").joinpath("parameters.toml").read_text())
    p = Parameters.prior()
    assert set(raw) == set(p.to_dict())
    for name, entry in raw.items():
        src = entry["source"].strip()
        assert src, name
        assert p.sources[name] == entry["source"]
    # the default is the prior with the calibrated vote model, each value saying so
    cal = tomllib.loads(files("collsec.behavior").joinpath("calibrated.toml").read_text())
    d = Parameters.default()
    assert set(cal) == {
        *VOTE_FEATURES,
        *(f"tilt_{k}" for k in VOTE_FEATURES),
        "vote_no",
        "vote_yes",
        *WEIGHT_VECTORS,  # the contribution rule, fitted by the same calibrate
    }
    for name in p.to_dict():
        if name in cal:
            value = tuple(cal[name]) if isinstance(cal[name], list) else cal[name]
            assert getattr(d, name) == value
            assert (
                d.sources[name].startswith("calibrated:") and raw[name]["source"] in d.sources[name]
            )
        else:
            assert getattr(d, name) == getattr(p, name) and d.sources[name] == p.sources[name]
    # the literature the model leans on is named where it is used
    assert "Olson & Zeckhauser" in p.sources["contrib_join"]
    assert "Cragg" in p.sources["contrib_join"] and "Bove & Elia" in p.sources["pk_join"]
    assert "Leeds, Long & Mitchell" in p.sources["honour"]
    assert "Tullock" in p.sources["csf_exponent"]


def test_parameters_are_frozen_and_validated() -> None:
    p = Parameters.default()
    with pytest.raises(AttributeError):
        p.honour = 0.1  # type: ignore[misc]
    with pytest.raises(InputError, match="honour: must be a probability"):
        p.replace(honour=2)
    with pytest.raises(InputError, match="vote_no must not exceed vote_yes"):
        p.replace(vote_no=1.0)
    assert p.replace(honour=0.5).honour == 0.5 and p.honour == 0.75


def test_policies_register_and_describe_themselves() -> None:
    assert {"utility", "realist", "norm"} <= set(POLICIES)

    class Cautious(Base):
        name = "cautious-test"
        description = "A test policy."
        citation = "none"

    assert POLICIES["cautious-test"] is Cautious
    del POLICIES["cautious-test"]
    for name, cls in POLICIES.items():
        pol = cls()
        assert isinstance(pol, Policy)
        assert pol.name == name and pol.description and pol.citation
        assert isinstance(pol.classifier, dict) and "stochastic" in pol.classifier
    with pytest.raises(InputError, match="unknown policy"):
        get_policy("nope")


def _terms(**given: float) -> dict[str, float]:
    return {k: 0.0 for k in MEMBER_TERMS} | given


def test_realist_ignores_commitment_norm_puts_it_first() -> None:
    # a crisis between two states the voter likes equally: only commitment argues for action
    member = _terms(qs=1.0, risk=0.2, prox=0.1)
    draft = draft_terms(cost=1.0, intrusion=0.0, pressure=1.0)
    prior = Parameters.prior()
    realist, util, norm = (cls(prior) for cls in (RealistPolicy, UtilityPolicy, NormPolicy))
    assert realist.vote_utility(member, draft) < 0
    assert util.vote_utility(member, draft) < norm.vote_utility(member, draft)
    assert realist.weight("commitment") == 0.0


def test_utility_works_on_arrays_and_floats_alike() -> None:
    pol = UtilityPolicy()
    rng = np.random.default_rng(1)
    member = {k: rng.normal(size=3) for k in MEMBER_TERMS}
    draft = draft_terms(0.6, 0.5, 1.0)
    arr = pol.vote_utility(member, draft)
    for k in range(3):
        one = {m: float(v[k]) for m, v in member.items()}
        assert arr[k] == pol.vote_utility(one, draft)


def test_the_accused_and_a_permanent_patron_vote_no_a_victim_yes() -> None:
    """Under the prior, the state a draft presses votes no, a permanent member tied
    to it blocks rather than abstains, and the victim votes yes."""
    p = Parameters.prior()
    pol = UtilityPolicy(p)
    draft = draft_terms(cost=0.1, intrusion=0.1, pressure=1.0)
    base = {"qs": 0.8}
    rows = {
        "accused": _terms(**base, accused=1.0),
        "patron": _terms(**base, tie=1.0, veto=1.0, veto_stake=1.0),
        "elected ally": _terms(**base, tie=1.0),
        "victim": _terms(**base, target=1.0),
    }
    prob = {}
    for name, m in rows.items():
        w, v = pol.parts(m)
        prob[name] = vote_probabilities(
            combine(w, draft), combine(v, draft), p.vote_no, p.vote_yes, p.vote_noise
        )
    assert most_probable(prob["accused"]) == NO
    assert most_probable(prob["victim"]) == YES
    assert prob["patron"][NO] > prob["elected ally"][NO]
    assert prob["patron"][NO] / prob["patron"][ABSTAIN] > (
        prob["elected ally"][NO] / prob["elected ally"][ABSTAIN]
    )


def test_draws_follow_the_probabilities() -> None:
    p = np.array([[0.2, 0.5, 0.3]])  # by code: yes, no, abstain
    codes = [int(draw_votes(p, np.array([u]))[0]) for u in (0.1, 0.49, 0.51, 0.79, 0.81, 0.99)]
    assert codes == [NO, NO, ABSTAIN, ABSTAIN, YES, YES]
    assert [YES, NO, ABSTAIN] == [0, 1, 2]


def test_deterrence_falls_with_credibility_and_rises_with_a_veto_shield() -> None:
    pol = UtilityPolicy()
    low, high = pol.attack_value(0.8, 0.5, 0.1, 0.0), pol.attack_value(0.8, 0.5, 0.9, 0.0)
    assert high < low
    assert pol.attack_value(0.8, 0.5, 0.9, 1.0) > high


def test_nuclear_proxy_dates() -> None:
    assert not is_nuclear("USA", 1944) and is_nuclear("USA", 1945)
    assert is_nuclear("SUN", 1949) and is_nuclear("RUS", 1992)
    assert is_nuclear("PRK", 2006) and not is_nuclear("PRK", 2005)
    assert not is_nuclear("DEU", 2020)


@pytest.mark.parametrize(
    ("change", "expect"),
    [
        ({"commitment": float("inf")}, "commitment: must be a finite number >= 0, not inf"),
        ({"affinity": float("-inf")}, "affinity: must be a finite number >= 0, not -inf"),
        ({"cost": -1.0}, "cost: must be a finite number >= 0, not -1.0"),
        ({"commitment": float("nan")}, "commitment: must be a finite number >= 0, not nan"),
        ({"fight_days": -3.0}, "fight_days: must be a finite number >= 0"),
        ({"vote_yes": float("inf")}, "vote_yes: must be a finite number, not inf"),
        (
            {"kind_rates": (float("inf"), 0.3, 0.15, 0.1)},
            "kind_rates: must be a list of 4 numbers, each finite",
        ),
        ({"credibility_window": 10**12}, "credibility_window: must be between 1 and 1000000"),
    ],
)
def test_weights_are_finite_and_not_negative(change, expect) -> None:
    """inf and negative weights were accepted where nan was refused."""
    with pytest.raises(InputError, match=re.escape(expect)):
        Parameters.default().replace(**change)


def test_thresholds_may_be_negative() -> None:
    """The vote thresholds are the ordered logit's cut points: negative is fine."""
    p = Parameters.default().replace(vote_no=-2.0, vote_yes=-1.0)
    assert (p.vote_no, p.vote_yes) == (-2.0, -1.0)

"""The dyadic MID-onset hazard: vectorised probabilities, shipped coefficients, the data."""

from __future__ import annotations

import os
from dataclasses import replace

import numpy as np
import pytest

from collsec.errors import InputError
from collsec.experiments.hazard import COVARIATES, Hazard, dyad_years, onset_rows
from collsec.world.world import World


@pytest.fixture(scope="module")
def hazard() -> Hazard:
    return Hazard.default()


@pytest.fixture(scope="module")
def world() -> World:
    return World.synthetic(n_states=40, seed=7)


def test_probabilities_in_unit_interval_with_zero_diagonal(hazard, world):
    rng = np.random.default_rng(1)
    peace = rng.integers(0, 250, size=(world.n, world.n))
    p = hazard.probabilities(world, peace)
    assert p.shape == (world.n, world.n)
    off = ~np.eye(world.n, dtype=bool)
    assert np.all(p[off] > 0) and np.all(p[off] < 1)
    assert np.all(np.diag(p) == 0)


def test_batch_broadcasts_and_matches_single(hazard, world):
    rng = np.random.default_rng(2)
    batch = rng.integers(0, 60, size=(5, world.n, world.n))
    p = hazard.probabilities(world, batch)
    assert p.shape == (5, world.n, world.n)
    for r in range(5):
        np.testing.assert_array_equal(p[r], hazard.probabilities(world, batch[r]))
    base = hazard.base_logits(world)
    np.testing.assert_allclose(hazard.probabilities_from_base(base, batch), p, rtol=1e-12)


def test_from_base_agrees_with_the_logistic_formula(hazard, world):
    peace = np.full((world.n, world.n), 7.6)  # fractional years are floored
    base = hazard.base_logits(world)
    p = hazard.probabilities_from_base(base, peace)
    logit = base + hazard.spline_table[7]
    off = ~np.eye(world.n, dtype=bool)
    np.testing.assert_allclose(p[off], 1 / (1 + np.exp(-logit[off])), rtol=1e-12)


def test_peace_years_beyond_the_last_knot_are_clipped(hazard, world):
    top = hazard.max_peace_years
    a = hazard.probabilities(world, np.full((world.n, world.n), top))
    b = hazard.probabilities(world, np.full((world.n, world.n), 10 * top))
    np.testing.assert_array_equal(a, b)


def test_contiguity_raises_the_hazard(hazard, world):
    # Bremer (1992): contiguous dyads are the dangerous ones.
    assert hazard.coefficients["contiguous"] > 0
    near = replace(world, contiguity=np.ones_like(world.contiguity))
    far = replace(world, contiguity=np.zeros_like(world.contiguity))
    peace = np.full((world.n, world.n), 5)
    pn, pf = hazard.probabilities(near, peace), hazard.probabilities(far, peace)
    off = ~np.eye(world.n, dtype=bool)
    assert np.all(pn[off] > pf[off])


def test_hazard_falls_with_peace_years(hazard, world):
    # Beck, Katz & Tucker (1998): duration dependence, the hazard falls as peace lasts.
    assert np.all(np.diff(hazard.spline_table[:11]) < 0)
    i, j = 0, 1
    p = [hazard.probabilities(world, np.full((world.n, world.n), t))[i, j] for t in range(11)]
    assert np.all(np.diff(p) < 0)


@pytest.mark.parametrize(
    "bad",
    [
        np.zeros((3, 3)),
        np.zeros((2, 2, 40, 40)),
        np.full((40, 40), -1),
        np.full((40, 40), np.nan),
        np.full((40, 40), np.inf),
        np.full((40, 40), "x"),
    ],
)
def test_bad_peace_years_raise_input_error(hazard, world, bad):
    with pytest.raises(InputError) as err:
        hazard.probabilities(world, bad)
    assert "\n" not in str(err.value)


def test_shipped_toml_round_trips(hazard, tmp_path):
    path = tmp_path / "h.toml"
    hazard.to_toml(path)
    again = Hazard.from_toml(path)
    assert again == hazard
    np.testing.assert_array_equal(again.spline_table, hazard.spline_table)
    assert set(COVARIATES) <= set(hazard.coefficients)


def test_shipped_toml_records_provenance(hazard):
    mid = hazard.sources["cow_mid"]
    assert mid["version"] == "5.0"
    assert mid["sha256"] == mid["registry_sha256"]
    assert hazard.fit_info["first_year"] == 1886 and hazard.fit_info["last_year"] == 2014
    assert "Beck" in hazard.citation["duration"] and "Palmer" in hazard.citation["mid"]


def test_malformed_toml_is_an_input_error(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text("[model]\nintercept = 1.0\n", encoding="utf-8")
    with pytest.raises(InputError):
        Hazard.from_toml(path)


# --------------------------------------------------------------------------- data


@pytest.fixture(scope="module")
def recent():
    return dyad_years(first=1988, last=1992)


@pytest.mark.data
def test_iraq_kuwait_1990_is_an_onset(recent):
    row = recent[(recent["a"] == 645) & (recent["b"] == 690) & (recent["year"] == 1990)]
    assert len(row) == 1 and int(row["onset"].iloc[0]) == 1
    mids = onset_rows()
    hit = mids[(mids.ccode1 == 645) & (mids.ccode2 == 690) & (mids.year == 1990)]
    assert (hit["hostlev1"] >= 4).all() and 3957 in set(hit["dispnum"])
    # Kuwait did not originate force against Iraq in 1990
    back = recent[(recent["a"] == 690) & (recent["b"] == 645) & (recent["year"] == 1990)]
    assert int(back["onset"].iloc[0]) == 0


@pytest.mark.data
def test_onsets_equal_the_direct_count(recent):
    mids = onset_rows()
    keys = set()
    for year in range(1988, 1993):
        members = set(World.from_year(year, data_dir=os.environ["COLLSEC_DATA_DIR"]).ccode)
        g = mids[mids.year == year]
        keys |= {
            (a, b, year)
            for a, b in zip(g.ccode1, g.ccode2, strict=True)
            if a in members and b in members
        }
    assert int(recent["onset"].sum()) == len(keys) > 0


@pytest.mark.data
def test_peace_years_count_and_reset(recent):
    d = recent.set_index(["a", "b", "year"])
    # Iraq → Kuwait: onsets in 1990 (dispute 3957) and 1991 (3982), none in 1989
    assert d.loc[(645, 690, 1991), "peace_years"] == 0
    assert d.loc[(645, 690, 1992), "peace_years"] == 0
    # its last onset before 1990 is in 1985 (dispute 3029): 1986-1989 are 4 years of peace
    assert d.loc[(645, 690, 1990), "peace_years"] == 4
    # without an onset in between the count goes up by one a year
    s = recent.sort_values(["a", "b", "year"]).reset_index(drop=True)
    g = s.groupby(["a", "b"])
    prev_py, prev_on, prev_year = g["peace_years"].shift(), g["onset"].shift(), g["year"].shift()
    ok = (prev_on == 0) & (s["year"] - prev_year == 1)
    assert ok.sum() > 10_000
    np.testing.assert_array_equal(s.loc[ok, "peace_years"], prev_py[ok] + 1)
    after = (prev_on == 1) & (s["year"] - prev_year == 1)
    assert after.sum() > 0 and (s.loc[after, "peace_years"] == 0).all()


@pytest.mark.data
def test_covariates_of_a_known_dyad(recent):
    d = recent.set_index(["a", "b", "year"])
    iq_kw = d.loc[(645, 690, 1990)]
    assert bool(iq_kw["contiguous"]) and iq_kw["log_distance"] == 0.0
    us_uk = d.loc[(2, 200, 1990)]
    assert bool(us_uk["major_a"]) and bool(us_uk["major_b"]) and bool(us_uk["allied"])
    assert not bool(d.loc[(645, 690, 1990), "major_a"])


# --------------------------------------------------------------------------- validate


@pytest.mark.data
@pytest.mark.validate
def test_refit_reproduces_the_shipped_coefficients(hazard):
    fresh = Hazard.fit()
    assert fresh.fit_info["n_dyad_years"] == hazard.fit_info["n_dyad_years"]
    assert fresh.fit_info["events"] == hazard.fit_info["events"]
    # Newton steps to tol 1e-10 on identical data: agreement to 1e-6 relative
    # (1e-8 absolute for coefficients near zero).
    assert fresh.intercept == pytest.approx(hazard.intercept, rel=1e-6, abs=1e-8)
    for name, value in hazard.coefficients.items():
        assert fresh.coefficients[name] == pytest.approx(value, rel=1e-6, abs=1e-8), name
    assert fresh.fit_info["auc"] >= hazard.fit_info["auc"] - 0.005


@pytest.mark.parametrize(
    ("knots", "degree"),
    [(None, None), ((0.0, 2.0, 5.0, 9.0), 3), ((0.0, 1.0, 4.0), 2), ((0.0, 3.0, 7.0, 30.0), 4)],
)
def test_the_spline_basis_is_scikit_learns_bit_for_bit(knots, degree):
    """The hazard's own B-spline basis (no scikit-learn at the start of a run) is that of
    ``SplineTransformer`` to the last bit, inside the knots and beyond them."""
    from sklearn.preprocessing import SplineTransformer

    from collsec.experiments.hazard import DEGREE, KNOTS, _spline_basis

    knots, degree = knots or KNOTS, degree or DEGREE
    at = np.asarray(knots, dtype=float).reshape(-1, 1)
    ref = SplineTransformer(knots=at, degree=degree, include_bias=False, extrapolation="constant")
    ref.fit(at)
    rng = np.random.default_rng(3)
    for t in (np.arange(151), np.linspace(-20, 170, 4001), rng.uniform(0, knots[-1], 2000)):
        want = ref.transform(np.asarray(t, dtype=float).reshape(-1, 1))
        np.testing.assert_array_equal(_spline_basis(knots, degree, t), want)

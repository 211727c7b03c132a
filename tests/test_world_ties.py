"""World.ties (ATOP obligations of every kind) and World.agreement (UN General Assembly)."""

from __future__ import annotations

import numpy as np
import pytest

from collsec.world.world import ATOP_KINDS, World

BIT = {k: 1 << i for i, k in enumerate(ATOP_KINDS)}


@pytest.fixture(autouse=True)
def _cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLLSEC_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "cache"))


@pytest.fixture(scope="module")
def w1990() -> World:
    return World.at("1990-08-02")


def test_atop_kinds_are_the_five_obligations_in_bit_order() -> None:
    assert ATOP_KINDS == ("defense", "offense", "neutral", "nonagg", "consul")
    assert [BIT[k] for k in ATOP_KINDS] == [1, 2, 4, 8, 16]


@pytest.mark.data
def test_ties_are_symmetric_with_an_empty_diagonal_and_hold_defense(w1990: World) -> None:
    t = w1990.ties
    assert t.shape == (w1990.n, w1990.n) and t.dtype == np.int8
    assert (t == t.T).all() and not np.diag(t).any()
    d = np.asarray(w1990.defense) > 0
    # ``defense`` stays directed (ATOP codes some obligations one way: the United
    # States to defend Japan); the defence bit of ``ties`` is either way
    assert ((t & BIT["defense"]) != 0).tolist() == (d | d.T).tolist()
    usa, jpn = w1990.index("USA"), w1990.index("JPN")
    assert d[usa, jpn] and not d[jpn, usa] and t[jpn, usa] & BIT["defense"]


@pytest.mark.data
@pytest.mark.parametrize(("date", "moscow"), [("1990-08-02", "SUN"), ("2011-03-01", "RUS")])
def test_the_1980_soviet_syrian_treaty_is_consultation_and_non_aggression(date, moscow) -> None:
    # Treaty of Friendship and Cooperation, Moscow, 8 October 1980 (UPI, 1980-10-08,
    # https://www.upi.com/Archives/1980/10/08/The-Soviet-Union-and-Syria-signed-a-treaty-of/3043929546830/);
    # ATOP v5.1 dyad_year.csv.gz codes 365-652 as nonagg and consul, not defense, 1980-2012
    w = World.at(date)
    t = int(w.ties[w.index(moscow), w.index("SYR")])
    assert t == BIT["nonagg"] | BIT["consul"]
    assert not w.defense[w.index(moscow), w.index("SYR")]


@pytest.mark.data
def test_nato_ties_in_1990(w1990: World) -> None:
    # ATOP v5.1 dyad_year.csv.gz, 2-200 in 1989: defense, nonagg and consul
    t = int(w1990.ties[w1990.index("USA"), w1990.index("GBR")])
    assert t == BIT["defense"] | BIT["nonagg"] | BIT["consul"]


@pytest.mark.data
def test_agreement_is_a_symmetric_share_with_a_unit_diagonal(w1990: World) -> None:
    a = w1990.agreement
    assert a.shape == (w1990.n, w1990.n) and a.dtype == float
    assert np.allclose(a, a.T, equal_nan=True)
    assert (np.diag(a) == 1).all()
    known = a[~np.isnan(a)]
    assert ((known >= 0) & (known <= 1)).all() and len(known) > 0.8 * a.size


@pytest.mark.data
def test_usa_agrees_more_with_britain_than_with_cuba_and_the_ussr_with_cuba(w1990: World) -> None:
    i = w1990.index
    usa_gbr = w1990.agreement[i("USA"), i("GBR")]
    usa_cub = w1990.agreement[i("USA"), i("CUB")]
    assert usa_gbr > usa_cub
    assert w1990.agreement[i("SUN"), i("CUB")] > w1990.agreement[i("SUN"), i("USA")]


@pytest.mark.data
def test_agreement_unknown_for_non_voters_and_before_1947(w1990: World) -> None:
    i = w1990.index
    # Switzerland joined the UN in 2002; South Africa did not vote in the Assembly
    # in 1987-1989 (the vote file has no ZA rows then)
    for code in ("CHE", "ZAF"):
        row = np.delete(w1990.agreement[i(code)], i(code))
        assert np.isnan(row).all()
    assert np.isnan(World.at("1946-06-01").agreement).all()
    assert np.isnan(World.from_year(1930).agreement).all()
    w47 = World.at("1947-06-01")  # the roll calls of 1946
    assert not np.isnan(w47.agreement[w47.index("USA"), w47.index("GBR")])


@pytest.mark.data
def test_agreement_is_cached_and_the_same_from_the_cache(w1990: World) -> None:
    from collsec.world import agreement as ag

    ag._MEMORY.clear()
    again = World.at("1990-08-02")
    assert np.array_equal(again.agreement, w1990.agreement, equal_nan=True)
    from collsec.data.registry import cache_dir

    assert list((cache_dir() / "agreement").glob("unga_agreement__*.npz"))


def test_synthetic_world_has_ties_and_agreement() -> None:
    w = World.synthetic(40, seed=3)
    d = np.asarray(w.defense) > 0
    assert np.array_equal(w.ties, d.astype(np.int8))
    x = w.ideal_point
    assert np.allclose(w.agreement, np.exp(-np.abs(x[:, None] - x[None, :])))
    assert (np.diag(w.agreement) == 1).all()


@pytest.mark.data
def test_a_missing_ideal_point_is_nan_and_null_in_json(w1990: World) -> None:
    che = w1990.index("CHE")  # not a UN member until 2002: no ideal point for 1989
    assert np.isnan(w1990.ideal_point[che])
    assert "ideal_point: none" in w1990.flags[che]
    row = next(s for s in w1990.to_dict()["states"] if s["iso3"] == "CHE")
    assert row["ideal_point"] is None
    usa = next(s for s in w1990.to_dict()["states"] if s["iso3"] == "USA")
    assert isinstance(usa["ideal_point"], float)


@pytest.mark.data
def test_the_stage_fills_a_missing_ideal_point_with_its_regions_mean(w1990: World) -> None:
    from collsec.behavior.parameters import Parameters
    from collsec.crisis.stage import Stage, fill_ideal

    p = Parameters.default()
    st = Stage.build(w1990, p)
    che, usa = w1990.index("CHE"), w1990.index("USA")
    assert np.isnan(st.ideal[che])  # the stage keeps it unknown
    europe = (w1990.region == "europe") & ~np.isnan(w1990.ideal_point)
    xbar = float(np.mean(w1990.ideal_point[europe]))
    assert fill_ideal(w1990.ideal_point, w1990.region)[che] == pytest.approx(xbar)
    want = np.exp(-abs(xbar - w1990.ideal_point[usa]) / p.ideal_scale)
    tie = p.alliance_tie * bool(w1990.defense[che, usa])
    assert st.aff[che, usa] == pytest.approx(want + tie)


def test_fill_ideal_without_any_known_in_the_region_is_the_centre() -> None:
    from collsec.crisis.stage import fill_ideal

    x = fill_ideal(np.array([np.nan, np.nan, 2.0]), np.array(["a", "a", "b"]))
    assert x.tolist() == [0.0, 0.0, 2.0]

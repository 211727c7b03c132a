"""Tests of collsec.power: exact voting power indices."""

from __future__ import annotations

import csv
import doctest
import importlib
import importlib.resources
import io
import json
import math
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from collsec.errors import InputError
from collsec.power import (
    Game,
    banzhaf,
    banzhaf_absolute,
    coleman_power_to_act,
    power_indices,
    shapley_shubik,
    swings,
)
from collsec.power._modular import crt, primes_for
from collsec.power._split import split_counts
from collsec.power._weighted import weighted_counts
from collsec.power.bruteforce import (
    bruteforce_counts,
    shapley_shubik_by_orderings,
    veto_players,
    winning_table,
)
from collsec.power.indices import _counts, _reduce

F = Fraction


def same_counts(a, b) -> bool:
    return (a.swings, a.swing_sizes, a.winning) == (b.swings, b.swing_sizes, b.winning)


# ---------------------------------------------------------------------------
# Published and reference values
# ---------------------------------------------------------------------------


def test_security_council_1946_shapley_shubik_matches_shapley_shubik_1954():
    # Shapley & Shubik (1954), APSR 48(3), p. 790: 11 members, 7 votes, 5 vetoes;
    # each permanent member 76/385, each non-permanent member 1/462.
    game = Game.quota_with_veto(11, 7, range(5), name="UNSC 1946-65")
    ss = shapley_shubik(game)
    assert ss[:5] == [F(76, 385)] * 5
    assert ss[5:] == [F(1, 462)] * 6
    assert sum(ss) == 1


def test_security_council_1966_shapley_shubik():
    # The 1966 enlargement (15 members, 9 votes, 5 vetoes): 421/2145 and 4/2145,
    # the values usually quoted in the voting-power literature; cross-checked here
    # against enumeration of all coalitions.
    game = Game.quota_with_veto(15, 9, range(5), name="UNSC")
    ss = shapley_shubik(game)
    assert ss[:5] == [F(421, 2145)] * 5
    assert ss[5:] == [F(4, 2145)] * 10
    assert ss == shapley_shubik(game, method="enumerate")


def test_security_council_1966_banzhaf():
    # Computed here (no published source is relied on): 848 swings for a permanent
    # member, 84 for an elected one; 5*848 + 10*84 = 5080 swings in all.
    game = Game.quota_with_veto(15, 9, range(5))
    s = swings(game)
    assert s == [848] * 5 + [84] * 10
    bz = banzhaf(game)
    assert bz[0] == F(106, 635) and bz[5] == F(21, 1270)
    assert banzhaf_absolute(game)[0] == F(848, 2**14)
    assert bruteforce_counts(game).swings == s
    # 9 yes votes including all five permanent members: sum_k C(10, k), k >= 4
    assert coleman_power_to_act(game) == F(sum(math.comb(10, k) for k in range(4, 11)), 2**15)


EEC_LABELS = ["FR", "DE", "IT", "BE", "NL", "LU"]


def eec_1958() -> Game:
    # Treaty of Rome, Art. 148(2): 4, 4, 4, 2, 2, 1 votes; 12 of 17 for a qualified majority.
    return Game.weighted(12, [4, 4, 4, 2, 2, 1], EEC_LABELS, name="EEC 1958")


def test_eec_1958_luxembourg_is_a_null_player():
    game = eec_1958()
    ss = shapley_shubik(game)
    bz = banzhaf(game)
    assert ss[5] == 0 and bz[5] == 0 and swings(game)[5] == 0
    assert ss == [F(7, 30)] * 3 + [F(3, 20)] * 2 + [F(0)]
    assert swings(game) == [10, 10, 10, 6, 6, 0]
    assert bz == [F(5, 21)] * 3 + [F(1, 7)] * 2 + [F(0)]
    assert banzhaf_absolute(game) == [F(10, 32)] * 3 + [F(6, 32)] * 2 + [F(0)]
    assert coleman_power_to_act(game) == F(14, 64)
    # cross-checks: enumeration of coalitions and of orderings
    brute = bruteforce_counts(game)
    assert brute.swings == swings(game) and brute.winning == 14
    assert shapley_shubik_by_orderings(game) == ss


def test_eec_1958_result_object_and_json():
    result = power_indices(eec_1958())
    data = result.to_dict()
    assert json.loads(json.dumps(data)) == data
    assert set(data) == {"body", "members", "coleman_power_to_act", "coleman_power_to_act_float"}
    assert data["body"] == "EEC 1958"
    assert data["coleman_power_to_act"] == "7/32"
    assert data["coleman_power_to_act_float"] == pytest.approx(7 / 32)
    lu = data["members"][5]
    assert lu == {
        "member": "LU",
        "shapley_shubik": "0/1",
        "banzhaf": "0/1",
        "banzhaf_absolute": "0/1",
        "swings": 0,
        "shapley_shubik_float": 0.0,
        "banzhaf_float": 0.0,
        "banzhaf_absolute_float": 0.0,
    }
    assert data["members"][0]["shapley_shubik"] == "7/30"
    assert data["members"][0]["banzhaf_absolute"] == "5/16"


def electoral_college_2000() -> list[dict[str, str]]:
    # Curated from Sidran's published table (exact, Leech's ipgenf) and the 1996
    # list of electoral votes; sources, table and digits in power/data/README.md.
    text = (
        importlib.resources.files("collsec.power")
        .joinpath("data/electoral_college_2000.csv")
        .read_text(encoding="utf-8")
    )
    return list(csv.DictReader(io.StringIO(text)))


def six_places(value: Fraction) -> Decimal:
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return exact.quantize(Decimal("0.000001"), rounding=ROUND_HALF_EVEN)


def test_electoral_college_2000_matches_the_published_exact_table():
    rows = electoral_college_2000()
    names = [r["member"] for r in rows]
    weights = [int(r["weight"]) for r in rows]
    assert len(rows) == 51 and len(set(names)) == 51 and sum(weights) == 538
    n = len(rows)
    game = Game.weighted(270, weights, names, name="US Electoral College 2000")
    result = power_indices(game, index="banzhaf")
    winning = result.coleman_power_to_act * 2**n
    assert winning.denominator == 1
    exact = {
        "banzhaf_absolute": lambda m: m.banzhaf_absolute,
        "banzhaf": lambda m: m.banzhaf,
        "coleman_prevent": lambda m: F(m.swings, int(winning)),
        "coleman_initiate": lambda m: F(m.swings, 2**n - int(winning)),
    }
    checked = 0
    for row, member in zip(rows, result.members, strict=True):
        assert member.member == row["member"]
        assert member.banzhaf_absolute == F(member.swings, 2 ** (n - 1))
        if row["swings"]:
            assert member.swings == int(row["swings"]), row["member"]
            checked += 1
        for column, value in exact.items():
            if row[column]:
                # printed to six places, trailing zeros dropped ("0.1765" is 0.176500)
                assert six_places(value(member)) == Decimal(row[column]), (row["member"], column)
                checked += 1
    # every value readable in the source: 21 swing counts and 82 decimals
    assert checked == 103


def test_result_omits_indices_not_computed():
    game = eec_1958()
    bz = power_indices(game, "banzhaf").to_dict()["members"][0]
    assert set(bz) == {
        "member",
        "banzhaf",
        "banzhaf_absolute",
        "swings",
        "banzhaf_float",
        "banzhaf_absolute_float",
    }
    ss = power_indices(game, "shapley-shubik").to_dict()["members"][0]
    assert set(ss) == {"member", "shapley_shubik", "shapley_shubik_float"}
    with pytest.raises(InputError) as err:
        power_indices(game, "deegan-packel")
    assert err.value.field == "index"


def test_exact_strings_are_always_p_over_q():
    data = power_indices(Game.unanimity(["solo"])).to_dict()
    assert data["members"][0]["shapley_shubik"] == "1/1"
    assert data["members"][0]["banzhaf"] == "1/1"
    assert data["coleman_power_to_act"] == "1/2"


# ---------------------------------------------------------------------------
# Constructors and validation
# ---------------------------------------------------------------------------


def test_quota_above_total_weight_names_the_quota_field():
    with pytest.raises(InputError) as err:
        Game.weighted(40, [20, 19])
    assert err.value.field == "quota"
    assert err.value.problem == "quota 40 exceeds total weight 39"
    assert str(err.value) == "quota: quota 40 exceeds total weight 39"


@pytest.mark.parametrize(
    ("build", "field", "fragment"),
    [
        (lambda: Game.weighted(0, [1, 2]), "quota", "quota 0 must be positive"),
        (lambda: Game.weighted(-3, [1, 2]), "quota", "quota -3 must be positive"),
        (lambda: Game.weighted(2, [1, -2, 3]), "weights", "negative weight -2 for player 'P2'"),
        (lambda: Game.weighted(2, [1, 1], ["a", "a"]), "players", "duplicate player label 'a'"),
        (lambda: Game.weighted(1, []), "players", "game has no players"),
        (lambda: Game.weighted(2, [1.5, 1]), "weights", "weights must be integers"),
        (lambda: Game.quota_with_veto(5, 3, ["X"]), "players", "unknown player 'X'"),
        (
            lambda: Game(("a", "b"), np.ones((2, 2), dtype=np.int64), (((0, 1), (1, 3)),)),
            "quota",
            "quota 3 exceeds total weight 2 (clause 1, dimension 1)",
        ),
        (
            lambda: Game(("a",), np.ones((1, 1), dtype=np.int64), (((2, 1),),)),
            "clauses",
            "refers to dimension 2",
        ),
        (lambda: Game(("a",), np.ones((1, 1), dtype=np.int64), ((),)), "clauses", "no condition"),
        (lambda: Game(("a",), np.ones((1, 1), dtype=np.int64), ()), "clauses", "no winning"),
    ],
)
def test_validation_errors(build, field, fragment):
    with pytest.raises(InputError) as err:
        build().validate()
    assert err.value.field == field
    assert fragment in err.value.problem
    assert "\n" not in str(err.value)


def test_game_is_immutable_hashable_and_comparable():
    a = eec_1958()
    b = eec_1958()
    assert a == b and hash(a) == hash(b)
    assert a != Game.weighted(12, [4, 4, 4, 2, 2, 1], EEC_LABELS, name="other")
    with pytest.raises(ValueError):
        a.weights[0, 0] = 7
    assert a.is_winning(["FR", "DE", "BE", "NL"]) and not a.is_winning(["FR", "DE", "LU"])


def test_unanimity_and_weighted_defaults():
    g = Game.unanimity(3)
    assert g.players == ("P1", "P2", "P3")
    assert shapley_shubik(g) == [F(1, 3)] * 3
    assert swings(g) == [1, 1, 1]
    assert coleman_power_to_act(g) == F(1, 8)


def test_quota_with_veto_accepts_labels():
    labels = [f"m{i}" for i in range(7)]
    g = Game.quota_with_veto(7, 4, ["m0", "m3"], labels)
    assert g.weights[:, 1].tolist() == [1, 0, 0, 1, 0, 0, 0]
    assert veto_players(g) == [0, 3]


def test_double_majority_eu27_quotas_are_exact_ceilings():
    pops = [1_000_003 + 7 * i for i in range(27)]
    g = Game.double_majority(pops)
    total = sum(pops)
    assert g.clauses == (((0, 15), (1, math.ceil(F(65, 100) * total))), ((0, 24),))
    # ceil(0.55 * 27) = 15 equals the absolute minimum of 15 members
    assert math.ceil(F(55, 100) * 27) == 15
    g20 = Game.double_majority([5] * 20, min_members=0, blocking_minimum=None)
    assert g20.clauses == (((0, 11), (1, 65)),)  # ceil(11.0) and ceil(65.0): no rounding up
    g_str = Game.double_majority([5] * 20, min_members=0, population_share="0.651")
    assert g_str.clauses[0][1] == (1, 66)


def test_double_majority_blocking_minority_needs_four_members():
    # Seven members, one with almost all the population: without the blocking
    # clause the big one could not be outvoted; with it, any 4 = 7 - 3 members win.
    g = Game.double_majority([1000, 1, 1, 1, 1, 1, 1], min_members=0)
    assert g.is_winning([1, 2, 3, 4])
    assert not g.is_winning([1, 2, 3])


# ---------------------------------------------------------------------------
# Algorithms against each other and against enumeration
# ---------------------------------------------------------------------------


def test_crt_round_trip_of_huge_values():
    values = [0, 1, 2**189 - 1, 3**119, math.comb(190, 95)]
    primes = primes_for(2**190)
    res = np.array([[v % p for v in values] for p in primes], dtype=np.uint64)
    assert crt(res, primes) == values


def test_symmetric_majority_game_with_huge_counts():
    # [q; 1, ..., 1] with n = 201: every player has C(200, q - 1) swings, SS = 1/n.
    n, q = 201, 101
    g = Game.weighted(q, [1] * n)
    assert swings(g) == [math.comb(n - 1, q - 1)] * n
    assert shapley_shubik(g) == [F(1, n)] * n
    assert coleman_power_to_act(g) == F(2 ** (n - 1), 2**n)


def test_gcd_reduction_and_supermajority_keep_the_game():
    base = Game.weighted(7, [3, 2, 2, 1, 1])
    scaled = Game.weighted(19, [9, 6, 6, 3, 3])  # ceil(19 / 3) = 7
    assert swings(base) == swings(scaled)
    assert shapley_shubik(base) == shapley_shubik(scaled)
    super_ = Game.weighted(8, [3, 2, 2, 1, 1])  # quota above half: complementary tables
    assert same_counts(_counts(super_, True, "dp"), _counts(super_, True, "enumerate"))


def test_weighted_dp_matches_meet_in_the_middle_on_30_players():
    rng = np.random.default_rng(7)
    for quota_share in (F(1, 2), F(2, 3), F(1, 5)):
        w = rng.integers(0, 60, size=30)
        q = math.ceil(quota_share * int(w.sum())) + 1
        dp = weighted_counts(w, q, True)
        mitm = split_counts(w.reshape(-1, 1), (((0, q),),), True)
        assert dp.swings == mitm.swings
        assert dp.swing_sizes == mitm.swing_sizes
        assert dp.winning == mitm.winning


def test_zero_weight_players_are_null_and_do_not_disturb_others():
    g = Game.weighted(5, [3, 0, 2, 0, 2, 1])
    brute = bruteforce_counts(g)
    assert swings(g) == brute.swings
    assert shapley_shubik(g) == shapley_shubik_by_orderings(g)
    assert shapley_shubik(g)[1] == 0 and banzhaf(g)[3] == 0


def test_double_majority_with_populations_in_persons_matches_enumeration():
    pops = [
        83_166_711,
        67_320_216,
        59_641_488,
        47_332_614,
        37_958_138,
        19_328_838,
        17_407_585,
        11_522_440,
        10_693_939,
        10_327_589,
        2_095_861,
        514_564,
    ]
    g = Game.double_majority(pops, min_members=0, blocking_minimum=4)
    exact = _counts(g, True, "auto")
    assert exact.method == "meet-in-the-middle"
    assert same_counts(exact, _counts(g, True, "enumerate"))


def test_split_and_dense_agree_on_the_security_council():
    g = Game.quota_with_veto(15, 9, range(5))
    dense = _counts(g, True, "dp")
    split = _counts(g, True, "split")
    assert dense.method == "dense-dp" and split.method == "meet-in-the-middle"
    assert dense.swing_sizes == split.swing_sizes and dense.winning == split.winning


def test_method_argument_is_checked():
    with pytest.raises(InputError):
        swings(eec_1958(), method="magic")
    with pytest.raises(InputError):
        swings(Game.weighted(30, [1] * 30), method="enumerate")


def test_out_of_reach_game_is_an_input_error():
    rng = np.random.default_rng(0)
    w = rng.integers(10**9, 2 * 10**9, size=80)
    with pytest.raises(InputError, match="out of reach"):
        swings(Game.weighted(int(w.sum()) // 2, w))


def test_winning_table_indexing():
    g = Game.weighted(3, [2, 1, 1])
    win = winning_table(g)
    assert [m for m in range(8) if win[m]] == [0b011, 0b101, 0b111]


# ---------------------------------------------------------------------------
# Large weighted games: the compiled kernels
# ---------------------------------------------------------------------------


def apex(n: int) -> Game:
    """The apex game: one player of weight n - 2 and n - 1 of weight 1, quota n - 1.

    The apex wins with any one other player, the others win only all together. The apex
    is pivotal unless it comes first or last in the order: Shapley-Shubik (n - 2)/n,
    and 2/(n(n - 1)) for each of the others; it swings in every coalition of the
    others but the empty one and the full one (2**(n-1) - 2 swings), each other
    player in two ({apex} and the other n - 2 small players).
    """
    return Game.weighted(n - 1, [n - 2] + [1] * (n - 1), name=f"apex {n}")


def test_apex_game_closed_form_small_by_enumeration_and_large_by_the_kernels():
    for n in (5, 9):
        g = apex(n)
        assert same_counts(_counts(g, True, "auto"), bruteforce_counts(g))
    for n in (9, 150, 200):
        g = apex(n)
        ss = shapley_shubik(g)
        assert ss[0] == F(n - 2, n) and ss[1:] == [F(2, n * (n - 1))] * (n - 1)
        assert swings(g) == [2 ** (n - 1) - 2] + [2] * (n - 1)


@pytest.mark.parametrize("seed", [3, 4])
def test_compiled_and_numpy_kernels_agree(seed):
    rng = np.random.default_rng(seed)
    for n, top in ((25, 40), (60, 2000), (90, 300)):
        w = rng.integers(0, top, size=n)
        for share in (F(1, 2), F(2, 3), F(1, 5)):
            q = max(1, math.ceil(share * int(w.sum())))
            for sizes in (False, True):
                new = weighted_counts(w, q, sizes)
                old = weighted_counts(w, q, sizes, kernel="numpy")
                assert same_counts(new, old), (n, top, share, sizes)


def test_same_counts_on_one_thread_and_on_two():
    numba = pytest.importorskip("numba")
    from collsec.power import _kernels

    if numba.config.NUMBA_NUM_THREADS < 2:
        pytest.skip("numba has one thread here")
    rng = np.random.default_rng(11)
    w = np.sort(rng.integers(1, 3000, size=70))
    q = int(w.sum()) // 2
    classes = np.unique(w)
    primes = np.array(primes_for(2**70, bits=31), dtype=np.uint64)
    points = np.arange(40, dtype=np.uint64)
    before = numba.get_num_threads()
    try:
        runs = []
        for threads in (1, 2):
            numba.set_num_threads(threads)
            runs.append(
                (
                    _kernels.banzhaf_residues(w, q, classes, primes, True),
                    _kernels.evaluation_residues(w, q, classes, primes[0], points, True),
                )
            )
    finally:
        numba.set_num_threads(before)
    serial = (
        _kernels.banzhaf_residues(w, q, classes, primes, False),
        _kernels.evaluation_residues(w, q, classes, primes[0], points, False),
    )
    for got in (*runs, serial):
        assert np.array_equal(got[0], runs[0][0]) and np.array_equal(got[1], runs[0][1])


def test_memory_above_the_limit_is_refused_before_anything_is_allocated(monkeypatch):
    g = Game.weighted(3_965_765, [41_000 + i for i in range(193)])
    monkeypatch.setenv("COLLSEC_MAX_MEMORY", "320M")
    for method in ("auto", "dp"):
        with pytest.raises(InputError) as err:
            power_indices(g, method=method)
        text = str(err.value)
        assert "\n" not in text and text.startswith("power: exact power of 193 players")
        assert "MiB of memory, above the limit of 320 MiB" in text
        assert "set COLLSEC_MAX_MEMORY to allow more" in text


def test_games_up_to_200_players_and_total_weight_1e7_are_never_refused_for_time():
    from collsec.power.indices import GUARANTEED_TOTAL, _choose

    rng = np.random.default_rng(5)
    heavy = np.sort(np.round(1.4e6 * rng.pareto(1.2, size=200)).astype(np.int64) + 1)
    cases = [
        rng.integers(49_000, 51_000, size=200),  # even weights: half the players lose
        rng.integers(1, 100_000, size=200),
        np.array([5_000_000] + [25_000] * 199),  # one giant, every coalition of the rest loses
        np.minimum(heavy, 10**7 // 200),
    ]
    for w in cases:
        w = np.maximum(1, w * (GUARANTEED_TOTAL - 200) // int(w.sum()))  # total <= 10**7
        assert int(w.sum()) <= GUARANTEED_TOTAL
        g = Game.weighted(int(w.sum()) // 2 + 1, w)
        weights, clauses = _reduce(g)
        for sizes in (False, True):
            assert _choose(weights, clauses, sizes, "auto") == "weighted"
    # beyond the guarantee, the estimate decides
    w = rng.integers(1, 10**6, size=300)
    g = Game.weighted(int(w.sum()) // 2 + 1, w)
    with pytest.raises(InputError, match="out of reach"):
        _choose(*_reduce(g), True, "auto")


def test_progress_is_reported_for_the_weighted_counts():
    calls = []
    rng = np.random.default_rng(8)
    g = Game.weighted(40_000, rng.integers(1, 1000, size=120))
    result = power_indices(g, progress=lambda step, done, total: calls.append((step, done, total)))
    assert sum(m.shapley_shubik for m in result.members) == 1
    steps = {c[0] for c in calls}
    assert steps == {"Shapley-Shubik counts (primes)"}
    assert calls[0][1] == 0 and calls[-1][1] == calls[-1][2] == len(primes_for(2**120, bits=31))
    calls.clear()
    power_indices(g, "banzhaf", progress=lambda *a: calls.append(a))
    assert calls[-1] == ("Banzhaf counts", calls[-1][2], calls[-1][2])


@pytest.mark.validate
def test_a_large_game_two_ways():
    """190 players with weights up to 20,000 (above the old table cap): Banzhaf by both
    kernels, and the Shapley-Shubik swings by size add up to the Banzhaf swings."""
    rng = np.random.default_rng(2024)
    w = rng.integers(1, 20_001, size=190)
    q = int(w.sum()) // 2 + 1
    new = weighted_counts(w, q, False)
    assert same_counts(new, weighted_counts(w, q, False, kernel="numpy"))
    by_size = weighted_counts(w, q, True)
    assert [sum(r) for r in by_size.swing_sizes] == new.swings
    assert by_size.winning == new.winning


# ---------------------------------------------------------------------------
# Property tests
# ---------------------------------------------------------------------------


@st.composite
def weighted_games(draw, max_n: int = 10) -> Game:
    n = draw(st.integers(1, max_n))
    weights = draw(st.lists(st.integers(0, 9), min_size=n, max_size=n))
    if sum(weights) == 0:
        weights[0] = 1
    quota = draw(st.integers(1, sum(weights)))
    return Game.weighted(quota, weights)


@st.composite
def two_clause_games(draw, max_n: int = 10) -> Game:
    n = draw(st.integers(1, max_n))
    d = draw(st.integers(1, 3))
    rows = draw(
        st.lists(st.lists(st.integers(0, 6), min_size=d, max_size=d), min_size=n, max_size=n)
    )
    weights = np.array(rows, dtype=np.int64).reshape(n, d)
    for k in range(d):
        if weights[:, k].sum() == 0:
            weights[draw(st.integers(0, n - 1)), k] = draw(st.integers(1, 6))
    totals = weights.sum(axis=0)
    clauses = []
    for _ in range(draw(st.integers(1, 2))):
        dims = draw(st.sets(st.integers(0, d - 1), min_size=1))
        clauses.append(tuple((k, draw(st.integers(1, int(totals[k])))) for k in sorted(dims)))
    return Game(tuple(f"p{i}" for i in range(n)), weights, tuple(clauses)).validate()


@st.composite
def veto_games(draw) -> tuple[Game, list[int]]:
    n = draw(st.integers(2, 10))
    vetoers = draw(st.sets(st.integers(0, n - 1), min_size=1, max_size=n))
    quota = draw(st.integers(max(1, len(vetoers)), n))
    return Game.quota_with_veto(n, quota, sorted(vetoers)), sorted(vetoers)


any_game = st.one_of(weighted_games(), two_clause_games())
PROPS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPS
@given(any_game)
def test_dp_equals_bruteforce_exactly(game):
    brute = bruteforce_counts(game)
    for method in ("dp", "split", "auto"):
        counts = _counts(game, True, method)
        assert counts.swing_sizes == brute.swing_sizes
        assert counts.swings == brute.swings
        assert counts.winning == brute.winning
        assert _counts(game, False, method).swings == brute.swings


@PROPS
@given(any_game)
def test_indices_sum_to_one_and_respect_symmetry_and_null_players(game):
    result = power_indices(game)
    ss = [m.shapley_shubik for m in result.members]
    bz = [m.banzhaf for m in result.members]
    sw = [m.swings for m in result.members]
    assert sum(ss) == 1
    if sum(sw) > 0:
        assert sum(bz) == 1
    rows = [tuple(r) for r in game.weights.tolist()]
    for i in range(game.n):
        for j in range(i + 1, game.n):
            if rows[i] == rows[j]:
                assert ss[i] == ss[j] and bz[i] == bz[j] and sw[i] == sw[j]
        if sw[i] == 0:
            assert ss[i] == 0 and bz[i] == 0
        else:
            assert ss[i] > 0 and bz[i] > 0
    assert result.coleman_power_to_act == F(bruteforce_counts(game).winning, 2**game.n)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(weighted_games(max_n=6), two_clause_games(max_n=6)))
def test_shapley_shubik_equals_share_of_pivotal_orderings(game):
    assert shapley_shubik(game) == shapley_shubik_by_orderings(game)


@PROPS
@given(veto_games())
def test_declared_veto_holders_are_in_every_winning_coalition_and_strongest(game_and_vetoers):
    game, declared = game_and_vetoers
    winners = np.flatnonzero(winning_table(game))
    for i in declared:
        assert np.all(winners & (1 << i))  # brute force: in every winning coalition
    assert set(declared) <= set(veto_players(game))
    ss, bz = shapley_shubik(game), banzhaf(game)
    for i in declared:
        assert ss[i] == max(ss) and bz[i] == max(bz)


@PROPS
@given(any_game)
def test_veto_players_have_the_largest_index(game):
    vetoers = veto_players(game)  # found by enumeration
    ss, bz = shapley_shubik(game), banzhaf(game)
    for i in vetoers:
        assert ss[i] == max(ss) and bz[i] == max(bz)


# ---------------------------------------------------------------------------
# Documentation examples
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "module",
    [
        "collsec.power",
        "collsec.power.game",
        "collsec.power.indices",
        "collsec.power.bruteforce",
        "collsec.power._modular",
    ],
)
def test_docstring_examples_run(module):
    failures, attempted = doctest.testmod(importlib.import_module(module))
    assert attempted > 0 and failures == 0

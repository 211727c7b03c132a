"""The world of a year or a day, built from the COW, NMC, UNGA and ATOP mirrors."""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from collsec.errors import InputError
from collsec.world.similarity import cohen_kappa, portfolio, s_score, scott_pi
from collsec.world.world import World


@pytest.fixture(autouse=True)
def _cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLLSEC_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "cache"))


def raw_states_in(year: int) -> set[int]:
    path = Path(os.environ["COLLSEC_DATA_DIR"]) / "cow/states.csv"
    with open(path) as fh:
        return {
            int(r["ccode"])
            for r in csv.DictReader(fh)
            if int(r["styear"]) <= year <= int(r["endyear"])
        }


def raw_cinc(ccode: int, year: int) -> float:
    path = Path(os.environ["COLLSEC_DATA_DIR"]) / "cow/nmc.csv"
    with open(path) as fh:
        for r in csv.DictReader(fh):
            if int(r["ccode"]) == ccode and int(r["year"]) == year:
                return float(r["cinc"])
    raise KeyError((ccode, year))


@pytest.mark.data
def test_world_1990_is_exactly_the_cow_system_of_1990() -> None:
    w = World.from_year(1990)
    assert set(w.ccode.tolist()) == raw_states_in(1990)
    usa = w.index("USA")
    assert w.cinc[usa] == pytest.approx(raw_cinc(2, 1990))
    assert w.major_power[usa] and w.memberships["nato"][usa] and w.un_member[usa]
    assert not w.un_member[w.index("CHE")]  # Switzerland joined the UN in 2002
    gfr, gdr = w.index(260), w.index(265)
    assert w.memberships["nato"][gfr] and not w.memberships["nato"][gdr]
    assert {255, 260, 265} <= set(w.ccode.tolist()) and {678, 679, 680} <= set(w.ccode.tolist())


@pytest.mark.data
def test_world_of_2_august_1990_has_one_germany_fewer_and_one_yemen() -> None:
    year = World.from_year(1990)
    day = World.at(dt.date(1990, 8, 2))
    germanies = {255, 260, 265}
    yemens = {678, 679, 680}
    assert len(germanies & set(day.ccode.tolist())) == len(germanies & set(year.ccode.tolist())) - 1
    assert (set(day.ccode.tolist()) & yemens) == {679}


@pytest.mark.data
def test_world_at_a_date_uses_only_the_year_before() -> None:
    day = World.at("1990-08-02")
    usa = day.index("USA")
    assert day.cinc[usa] == pytest.approx(raw_cinc(2, 1989))
    yemen = day.index(679)  # a state born in 1990 has no 1989 record: flagged, not guessed
    assert "cinc: no NMC record" in day.flags[yemen]


@pytest.mark.data
def test_gaps_are_flagged() -> None:
    w = World.from_year(1930)  # no UN, no ideal points
    assert all("ideal_point: none" in f for f in w.flags)
    assert np.isnan(w.ideal_point).all()  # missing is missing, not the centre of the scale
    assert not w.un_member.any() and w.memberships["league"].sum() > 40
    late = World.from_year(2020)  # past COW v2016 and ATOP 5.1 (2018)
    assert all("system membership: COW v2016 spell assumed to continue" in f for f in late.flags)
    assert all("defense: ATOP 2018 used" in f for f in late.flags)


@pytest.mark.data
def test_world_json_contract(run_cli) -> None:
    code, out, _ = run_cli("world", "1990", "--format", "json")
    assert code == 0
    p = json.loads(out)
    assert p["year"] == 1990 and len(p["states"]) == len(raw_states_in(1990))
    keys = {"ccode", "iso3", "name", "cinc", "ideal_point", "region", "major_power", "un_member",
            "memberships", "flags"}  # fmt: skip
    assert all(set(s) >= keys for s in p["states"])
    code, out, _ = run_cli("world", "1990-08-02", "--format", "json")
    assert json.loads(out)["date"] == "1990-08-02"


@pytest.mark.data
@pytest.mark.parametrize("suffix", [".parquet", ".csv"])
def test_exports(run_cli, tmp_path: Path, suffix: str) -> None:
    target = tmp_path / f"world{suffix}"
    code, _, _ = run_cli("world", "1962", "--export", str(target), "--format", "json")
    assert code == 0
    df = pd.read_parquet(target) if suffix == ".parquet" else pd.read_csv(target)
    assert len(df) == len(raw_states_in(1962)) and "cinc" in df.columns
    dy = tmp_path / f"dyads{suffix}"
    code, _, _ = run_cli("dyads", "1962", "--export", str(dy), "--format", "json")
    d = pd.read_parquet(dy) if suffix == ".parquet" else pd.read_csv(dy)
    n = len(df)
    assert len(d) == n * (n - 1)
    row = d[(d["ccode1"] == 2) & (d["ccode2"] == 20)].iloc[0]
    assert row["contiguity"] == 1 and row["defense"] == 1  # USA-Canada: land border, allies


@pytest.mark.parametrize("when", ["1700", "abc", "2400-01-01", "1990-02-30"])
def test_bad_world_input_is_one_line(run_cli, when: str) -> None:
    code, _, err = run_cli("world", when)
    assert code == 2 and err.count("\n") == 1


def test_synthetic_world_is_reproducible_and_realistic() -> None:
    a = World.synthetic(120, seed=7)
    b = World.synthetic(120, seed=7)
    assert np.array_equal(a.cinc, b.cinc) and np.array_equal(a.defense, b.defense)
    assert not np.array_equal(a.cinc, World.synthetic(120, seed=8).cinc)
    assert a.cinc.sum() == pytest.approx(1.0)
    top5 = np.sort(a.cinc)[-5:].sum()
    assert top5 > 0.3  # heavy-tailed like CINC: a few states hold much of it
    same = a.region[:, None] == a.region[None, :]
    d = np.abs(a.ideal_point[:, None] - a.ideal_point[None, :])
    assert d[same].mean() < d[~same].mean()  # alignments cluster by region
    assert a.defense[same].mean() > a.defense[~same].mean()  # so do alliances
    assert np.array_equal(a.defense, a.defense.T) and not a.defense.diagonal().any()
    assert a.major_power.sum() == 5 and a.state(a.code[0]).code == a.code[0]


def test_synthetic_world_records_its_seed() -> None:
    w = World.synthetic(10)
    assert "seed=" in w.sources[0]


def test_similarity_measures() -> None:
    w = World.synthetic(40, seed=3)
    for kind in ("s_score", "scott_pi", "cohen_kappa"):
        m = w.similarity(kind)
        assert np.allclose(m, m.T) and np.allclose(np.diag(m), 1.0)
        assert (m <= 1 + 1e-12).all() and (m >= -1 - 1e-12).all()
    with pytest.raises(InputError):
        w.similarity("cosine")


def test_s_score_counts_shared_absences_chance_corrected_measures_do_not() -> None:
    ties = np.zeros((6, 6))
    ties[0, 1] = 1
    p = portfolio(ties)
    loners = (2, 3)
    assert s_score(p)[loners] > 0.3
    assert scott_pi(p)[loners] < 0 and cohen_kappa(p)[loners] < 0


@pytest.mark.data
@pytest.mark.parametrize(
    ("mangle", "message"),
    [
        (lambda lines: [*lines[:3], lines[3][:9]], "unreadable"),  # truncated mid-row
        (
            lambda lines: [",".join(x.split(",")[:2] + x.split(",")[3:]) for x in lines[:5]],
            "statenme",
        ),
    ],
    ids=["truncated", "missing-column"],
)
def test_bad_data_file_is_one_line_error(run_cli, tmp_path: Path, mangle, message: str) -> None:
    src = Path(os.environ["COLLSEC_DATA_DIR"]) / "cow/states.csv"
    broken = tmp_path / "cow" / "states.csv"
    broken.parent.mkdir(parents=True)
    broken.write_text("\n".join(mangle(src.read_text().splitlines())) + "\n")
    code, _, err = run_cli("world", "1990", "--data-dir", str(tmp_path))
    assert code == 2 and err.count("\n") == 1
    assert "cow/states.csv (cow_states)" in err and message in err


@pytest.mark.data
def test_distance_is_symmetric():
    # the CShapes minimum-distance file lists each pair once (ccode1 < ccode2)
    import numpy as np

    from collsec.world.world import World

    w = World.from_year(1990)
    d = np.asarray(w.distance)
    np.testing.assert_array_equal(d, d.T)
    assert np.isnan(d).mean() < 0.06
    assert d[w.index("KWT"), w.index("IRQ")] == 0.0  # contiguous by land

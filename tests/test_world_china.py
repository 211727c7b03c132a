"""China's seat in worlds before 25 October 1971: CHN is the Republic of China.

Facts: the People's Republic was proclaimed on 1 October 1949 (The Guardian,
archive of 3 October 1949, https://www.theguardian.com/world/from-the-archive-blog/2019/oct/01/mao-zedong-proclaims-establishment-of-peoples-republic-of-china-1949);
GA res. 2758 (XXVI) of 25 October 1971 seated it in China's place
(https://es.wikisource.org/wiki/Resoluci%C3%B3n_2758_%28XXVI%29_de_la_Asamblea_General_de_la_Organizaci%C3%B3n_de_las_Naciones_Unidas);
the Sino-Soviet Treaty of Friendship, Alliance and Mutual Assistance was signed on
14 February 1950 (https://worldjpn.net/documents/texts/docs/19500214.T1E.html).
COW (cow/states.csv) codes China 710 from 1860 and Taiwan 713 from 1949-12-08; the
ideal-point file codes the seat's holder 713 for 1946-1971 (710 from 1971); the vote
file labels the seat TW ("Taiwan") from 1946-01-01 to 1971-10-07 and CN from 1971-11-03.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
from pathlib import Path

import numpy as np
import pytest

from collsec.behavior.nuclear import nuclear_codes
from collsec.codes.codes import member_name, resolve_member
from collsec.world.world import ATOP_KINDS, World

DEFENSE = 1 << ATOP_KINDS.index("defense")


@pytest.fixture(autouse=True)
def _cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLLSEC_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "cache"))


def raw_ideal(ccode: int, year: int) -> float:
    path = Path(os.environ["COLLSEC_DATA_DIR"]) / "unga/ideal_points.csv"
    with open(path) as fh:
        for r in csv.DictReader(fh):
            if int(r["ccode"]) == ccode and int(r["year"]) == year:
                return float(r["idealpointall"])
    raise KeyError((ccode, year))


def test_codes_resolve_by_date() -> None:
    assert resolve_member("cow:710", dt.date(1948, 1, 1)) == "CHN"
    assert resolve_member("cow:710", dt.date(1960, 1, 1)) == "PRC"
    assert resolve_member("cow:710", dt.date(1971, 10, 25)) == "CHN"
    assert resolve_member("cow:713", dt.date(1960, 1, 1)) == "CHN"
    assert resolve_member("cow:713", dt.date(1980, 1, 1)) == "TWN"
    assert resolve_member("ROC") == "CHN" and resolve_member("prc") == "PRC"
    assert member_name("CHN", dt.date(1960, 1, 1)) == "China (Republic of China)"


def test_the_prc_is_the_nuclear_one_before_1971() -> None:
    assert "PRC" in nuclear_codes(1965, dt.date(1965, 7, 1))
    assert "CHN" not in nuclear_codes(1971, dt.date(1971, 10, 24))
    assert "CHN" in nuclear_codes(1971, dt.date(1971, 10, 25))


@pytest.mark.data
def test_a_1951_world_allies_the_prc_not_chn_with_the_ussr() -> None:
    # ATOP v5.1 (dyad_year.csv.gz) codes 710-365 defense from 1950 (the treaty of
    # 14 February 1950); with the year before, a 1951 world shows it
    w = World.at("1951-06-01")
    chn, prc, sun = w.index("CHN"), w.index("PRC"), w.index("SUN")
    assert w.ccode[chn] == 713 and w.ccode[prc] == 710
    assert w.ties[prc, sun] & DEFENSE and w.defense[prc, sun]
    assert not w.ties[chn, sun] and not w.defense[chn, sun]


@pytest.mark.data
def test_a_1950_world_chn_is_not_allied_to_the_ussr() -> None:
    w = World.at("1950-06-25")
    assert not w.ties[w.index("CHN"), w.index("SUN")]
    # ATOP's 1949 row 710-365 (the 1945 treaty) goes to the code COW 710 carries
    assert w.ties[w.index("PRC"), w.index("SUN")] & DEFENSE


@pytest.mark.data
def test_chn_holds_the_seat_with_the_rocs_values_and_the_prc_is_outside_the_un() -> None:
    w = World.at("1960-07-01")
    chn, prc = w.index("CHN"), w.index("PRC")
    assert w.un_member[chn] and not w.un_member[prc]
    assert w.name[chn] == "China (Republic of China)"
    assert w.ideal_point[chn] == pytest.approx(raw_ideal(713, 1959))
    assert np.isnan(w.ideal_point[prc]) and "ideal_point: none" in w.flags[prc]
    assert w.cinc[chn] < 0.01 < w.cinc[prc]  # Taiwan's NMC (713), the mainland's (710)
    assert not np.isnan(w.agreement[chn, w.index("USA")])  # the seat's votes (TW)
    assert np.isnan(np.delete(w.agreement[prc], prc)).all()
    assert not (w.ccode == 713).sum() > 1 and "TWN" not in set(w.code)
    # 1954 mutual defence treaty with the United States (ATOP 713-2 from 1954)
    assert w.ties[chn, w.index("USA")] & DEFENSE


@pytest.mark.data
def test_before_the_prc_chn_is_cow_710_with_the_seats_votes() -> None:
    w = World.at("1948-06-01")
    chn = w.index("CHN")
    assert w.ccode[chn] == 710 and "PRC" not in set(w.code)
    assert w.ideal_point[chn] == pytest.approx(raw_ideal(713, 1947))
    assert not np.isnan(w.agreement[chn, w.index("USA")])


@pytest.mark.data
def test_the_roc_is_in_the_world_before_cow_starts_taiwan() -> None:
    w = World.at("1949-11-01")
    chn = w.index("CHN")
    assert w.ccode[chn] == 713 and w.un_member[chn]
    assert any("COW starts Taiwan" in f for f in w.flags[chn])
    assert w.index("PRC") != chn


@pytest.mark.data
def test_the_1972_worlds_chn_is_the_prc() -> None:
    w = World.at("1972-06-01")
    chn, twn = w.index("CHN"), w.index("TWN")
    assert w.ccode[chn] == 710 and w.ccode[twn] == 713 and "PRC" not in set(w.code)
    assert w.ideal_point[chn] == pytest.approx(raw_ideal(710, 1971))
    assert w.un_member[chn] and not w.un_member[twn]


@pytest.mark.data
def test_the_council_seats_chn_in_1950() -> None:
    from collsec.crisis.stage import Stage

    w = World.at("1950-06-25")
    st = Stage.build(w)
    seated = {st.codes[i] for i in st.seats}
    assert "CHN" in seated and "PRC" not in seated
    assert st.codes[w.index("CHN")] == "CHN"

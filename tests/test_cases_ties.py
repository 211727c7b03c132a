"""The actors tables' ATOP ties and General Assembly agreement with the parties.

Facts are read from the shipped tables, which ``collsec cases build`` writes from
ATOP v5.1 (atop/dyad_year.csv.gz) and the UN votes of Voeten, Strezhnev & Bailey.
"""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import numpy as np
import pytest

from collsec.cases.case import ACTOR_COLUMNS, ACTOR_REQUIRED, library_dir, load_case
from collsec.cases.model import case_world
from collsec.errors import InputError
from collsec.world.world import ATOP_KINDS

BIT = {k: 1 << i for i, k in enumerate(ATOP_KINDS)}


def actor(case, code):
    return next(a for a in case.actors if a.code == code)


def test_the_gulf_1990_table_has_ties_and_agreement_with_the_parties() -> None:
    c = load_case("gulf-1990")  # accused IRQ, target KWT
    sun, usa, kwt = actor(c, "SUN"), actor(c, "USA"), actor(c, "KWT")
    # ATOP 365-645 in 1989: non-aggression and consultation (no defence pact)
    assert sun.ties_accused == ("nonagg", "consul")
    # both Arab League members: ATOP codes defense, nonagg and consul between them
    assert kwt.ties_accused == ("defense", "nonagg", "consul")
    assert usa.ties_accused == () and usa.ties_target == ()
    assert usa.agree_accused is not None and sun.agree_accused is not None
    assert usa.agree_accused < sun.agree_accused  # the Assembly of 1987-1989
    assert 0 <= usa.agree_target <= 1


def test_case_world_fills_ties_and_agreement_for_the_parties_only() -> None:
    c = load_case("gulf-1990")
    w = case_world(c)
    i = {code: k for k, code in enumerate(w.code)}
    sun, irq, usa, gbr = i["SUN"], i["IRQ"], i["USA"], i["GBR"]
    assert w.ties[sun, irq] == w.ties[irq, sun] == BIT["nonagg"] | BIT["consul"]
    assert w.agreement[usa, irq] == w.agreement[irq, usa] == actor(c, "USA").agree_accused
    assert np.isnan(w.agreement[usa, gbr])  # neither is a party
    assert w.ties[usa, gbr] == BIT["defense"]  # from the allies column (NATO)
    assert (np.diag(w.agreement) == 1).all() and not np.diag(w.ties).any()
    assert (w.ties == w.ties.T).all()


@pytest.mark.parametrize(
    ("case_id", "year"), [("korea-1950", 1949), ("suez-1956", 1955), ("hungary-1956", 1955)]
)
def test_the_china_row_of_the_1950s_cases_is_the_roc(case_id: str, year: int) -> None:
    c = load_case(case_id)
    chn, prc = actor(c, "CHN"), actor(c, "PRC")
    assert chn.ccode == 713 and chn.un_member and chn.name == "China (Republic of China)"
    assert prc.ccode == 710 and not prc.un_member and prc.ideal_point is None
    assert chn.cinc < prc.cinc
    assert chn.ideal_point is not None  # the 713 row of the ideal-point file, year before


def test_congo_1960_china_row_has_the_rocs_ideal_point() -> None:
    # unga/ideal_points.csv: 713, 1959, idealpointall 0.9493
    assert actor(load_case("congo-1960"), "CHN").ideal_point == pytest.approx(0.9493)


def test_an_older_actors_table_without_the_new_columns_loads(tmp_path: Path) -> None:
    for suffix in (".toml", ".record.toml", ".actors.csv"):
        shutil.copy(library_dir() / f"gulf-1990{suffix}", tmp_path / f"gulf-1990{suffix}")
    path = tmp_path / "gulf-1990.actors.csv"
    lines = path.read_text().splitlines()
    keep = len(ACTOR_REQUIRED)
    buf = io.StringIO()
    wr = csv.writer(buf, lineterminator="\n")
    for ln in lines:
        if ln.startswith("#"):
            buf.write(ln + "\n")
        else:
            wr.writerow(next(csv.reader([ln]))[:keep])
    path.write_text(buf.getvalue())
    c = load_case(tmp_path / "gulf-1990.toml")
    assert all(a.ties_accused == () and a.agree_accused is None for a in c.actors)
    w = case_world(c)
    usa, irq = list(w.code).index("USA"), list(w.code).index("IRQ")
    assert np.isnan(w.agreement[usa, irq]) and (np.diag(w.agreement) == 1).all()
    # forces and population unknown: the contribution rule fills them from CINC
    assert all(a.milex is None and a.milper is None and a.tpop is None for a in c.actors)
    assert np.isnan(w.milex).all() and np.isnan(w.tpop).all()
    assert len(ACTOR_COLUMNS) == keep + 7


def test_an_unknown_atop_kind_is_a_one_line_error(tmp_path: Path) -> None:
    for suffix in (".toml", ".record.toml", ".actors.csv"):
        shutil.copy(library_dir() / f"gulf-1990{suffix}", tmp_path / f"gulf-1990{suffix}")
    path = tmp_path / "gulf-1990.actors.csv"
    path.write_text(path.read_text().replace("nonagg;consul,", "nonagg;entente,", 1))
    with pytest.raises(InputError, match="unknown ATOP kind 'entente'"):
        load_case(tmp_path / "gulf-1990.toml")

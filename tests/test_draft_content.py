"""What a draft says: its content read from a record, and what the vote model reads
from it (intrusion and pressure)."""

from __future__ import annotations

import shutil
from importlib.resources import files

import numpy as np
import pytest

from collsec.behavior.model import LEVEL_PRESSURE, content_terms
from collsec.behavior.parameters import Parameters
from collsec.cases.case import load_case
from collsec.cases.model import draft_content_terms
from collsec.errors import InputError

LI = Parameters.prior().level_intrusion


def _decision(case: str, symbol: str):
    return next(d for d in load_case(case).record if d.symbol == symbol)


def test_library_drafts_carry_their_content_with_sources() -> None:
    # S/2014/348 (Syria): the vetoed ICC referral; S/RES/678 (1990): force against Iraq
    icc = _decision("syria-2011", "S/2014/348").content
    assert icc is not None and icc.known and icc.icc and "SYR" in icc.names and icc.sources
    force = _decision("gulf-1990", "S/RES/678 (1990)").content
    assert force is not None and force.force and "IRQ" in force.names
    # the model reads an ICC referral at Art. 41's intrusion, force at Art. 42's
    p = Parameters.prior()
    t = draft_content_terms(_decision("syria-2011", "S/2014/348").draft(), p)
    assert t["intrusion"] == LI[1] and t["pressure"] == 1.0
    t = draft_content_terms(_decision("gulf-1990", "S/RES/678 (1990)").draft(), p)
    assert t["intrusion"] == LI[3] and t["pressure"] == 1.0


def test_content_terms() -> None:
    kw = dict(names=False, threatens=False, art41=False, force=False, icc=False, mission=False)
    assert content_terms(LI, **kw, humanitarian=True) == (0.0, 0.0)
    assert content_terms(LI, **{**kw, "mission": True}, humanitarian=False) == (LI[2], 0.0)
    assert content_terms(LI, **{**kw, "names": True}, humanitarian=False) == (LI[0], 1.0)
    assert content_terms(LI, **{**kw, "threatens": True}, humanitarian=False) == (
        (LI[0] + LI[1]) / 2,
        1.0,
    )
    assert content_terms(LI, **{**kw, "force": True, "art41": True}, humanitarian=False) == (
        LI[3],
        1.0,
    )
    # the kernel's ladder presses with every level but a mission with consent
    assert LEVEL_PRESSURE == (1.0, 1.0, 0.0, 1.0)


def test_a_draft_without_content_is_read_by_its_measure() -> None:
    d = _decision("syria-2011", "S/2014/348").draft()
    import dataclasses

    bare = dataclasses.replace(d, content=None, measure="art41")
    t = draft_content_terms(bare, Parameters.prior())
    assert t["intrusion"] == LI[1] and t["pressure"] == LEVEL_PRESSURE[1]
    proc = dataclasses.replace(d, content=None, measure="procedural")
    assert draft_content_terms(proc, Parameters.prior())["pressure"] == 0.0


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        ('mission = ""\nconsent = false', 'mission = ""\nconsent = true', "consent"),
        ('"political",', '"regime change",', "demands"),
        ('text = "summary"', 'text = "guessed"', "text"),
    ],
)
def test_bad_content_is_one_line_naming_file_and_field(tmp_path, old, new, problem) -> None:
    library = files("collsec.cases").joinpath("library")
    for suffix in (".toml", ".record.toml", ".actors.csv"):
        shutil.copyfile(str(library.joinpath(f"crimea-2014{suffix}")), tmp_path / f"c{suffix}")
    case = (tmp_path / "c.toml").read_text("utf-8").replace('id = "crimea-2014"', 'id = "c"')
    (tmp_path / "c.toml").write_text(case, "utf-8")
    rec = (tmp_path / "c.record.toml").read_text("utf-8")
    assert old in rec
    (tmp_path / "c.record.toml").write_text(rec.replace(old, new, 1), "utf-8")
    with pytest.raises(InputError) as e:
        load_case(tmp_path / "c.toml")
    msg = str(e.value)
    assert "\n" not in msg and "c.record.toml" in msg and "content" in msg, msg
    assert problem in msg or "consent" in msg, msg


def test_sponsor_distance_fills_and_orders() -> None:
    from collsec.behavior.model import sponsor_distance

    x = np.array([1.0, -1.0, 0.0, np.nan])
    d = sponsor_distance(x, np.arange(4), np.array([0]), np.arange(4))
    assert d.tolist() == [0.0, 2.0, 1.0, 1.0]
    # no sponsor known: the body's mean is the camp
    d = sponsor_distance(x, np.arange(4), np.array([3]), np.arange(3))
    assert d.tolist() == [1.0, 1.0, 0.0, 2.0 / 3.0]

"""The curated draft content of group recent_b (syria-2011, darfur-2004,
rwanda-1994, liberia-sierra-leone-1990): shape, vocabulary, coverage of the
case records, and a few facts checked against the sources cited in the file."""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

import pytest

from collsec.cases.build import CONTENT_FIELDS
from collsec.cases.case import DEMANDS, MEASURES, load_case

PATH = Path(__file__).resolve().parents[1] / "src/collsec/cases/curated/draft_content_recent_b.toml"
CASES = ("syria-2011", "darfur-2004", "rwanda-1994", "liberia-sierra-leone-1990")
FULL = {"symbol", "case", "chapter", "measure", *CONTENT_FIELDS}
UNKNOWN = {"symbol", "case", "text", "note"}


@cache
def drafts() -> list[dict]:
    with PATH.open("rb") as f:
        return tomllib.load(f)["draft"]


@cache
def record(case: str) -> list[str]:
    return [d.symbol for d in load_case(case).record]


def by_symbol(symbol: str) -> dict:
    (d,) = [d for d in drafts() if d["symbol"] == symbol]
    return d


def test_only_group_cases_and_no_duplicates():
    keys = [(d["case"], d["symbol"]) for d in drafts()]
    assert len(keys) == len(set(keys))
    assert {c for c, _ in keys} <= set(CASES)


@pytest.mark.parametrize("case", CASES)
def test_every_symbol_is_in_the_record_in_its_order(case):
    mine = [d["symbol"] for d in drafts() if d["case"] == case]
    rec = record(case)
    assert set(mine) <= set(rec), set(mine) - set(rec)
    assert mine == rec, "the file must cover the record, in the record's order"


def test_vocabulary():
    for d in drafts():
        where = d["symbol"]
        assert d["text"] in {"read", "summary", "unknown"}, where
        assert d["note"].strip(), where
        if d["text"] == "unknown":
            assert set(d) == UNKNOWN, where
            continue
        assert set(d) == FULL, (where, set(d) ^ FULL)
        assert all(len(n) == 3 and n.isupper() for n in d["names"]), where
        assert set(d["demands"]) <= set(DEMANDS), where
        assert len(set(d["demands"])) == len(d["demands"]), where
        for flag in ("threatens", "art41", "force", "icc", "consent", "humanitarian"):
            assert isinstance(d[flag], bool), (where, flag)
        assert d["mission"] in {"create", "extend", ""}, where
        assert d["chapter"] in {"VII", ""}, where
        assert d["measure"] in MEASURES, where


def test_sources_consent_and_humanitarian_rules():
    for d in drafts():
        if d["text"] == "unknown":
            continue
        where = d["symbol"]
        assert d["sources"] and all(s.strip() for s in d["sources"]), where
        assert all(d["symbol"].split(" ")[0] in s or "http" in s for s in d["sources"])
        if d["consent"]:
            assert d["mission"], where
        if d["humanitarian"]:
            assert d["names"] == [], where
        if d["force"]:
            assert d["measure"] == "art42", where


# --- spot facts, each checked in the source cited in the TOML entry ---------


def test_syria_icc_referral_draft_acts_under_chapter_vii():
    # un-report.blogspot.com copy of the 12 May 2014 French draft: PP8 "Acting
    # under Chapter VII"; SC/11407: it would have referred Syria to the ICC.
    d = by_symbol("S/2014/348")
    assert d["icc"] and d["chapter"] == "VII" and "SYR" in d["names"]


def test_syria_july_2012_draft_threatened_but_did_not_impose_sanctions():
    # SC/10714: Chapter VII, UNSMIS for 45 days, sanctions threatened.
    d = by_symbol("S/2012/538")
    assert d["threatens"] and not d["art41"] and d["mission"] == "extend"
    assert d["chapter"] == "VII"


def test_syria_2042_creates_observer_team():
    # SC/10609: advance team of up to 30 unarmed military observers.
    d = by_symbol("S/RES/2042 (2012)")
    assert d["mission"] == "create" and not d["force"]


def test_rwanda_929_authorises_force_under_chapter_vii():
    # wikimili summary of S/RES/929: Chapter VII, temporary French-led
    # multinational operation (Operation Turquoise), two months.
    d = by_symbol("S/RES/929 (1994)")
    assert d["force"] and d["chapter"] == "VII" and d["measure"] == "art42"


def test_darfur_1593_refers_to_the_icc_and_1556_imposes_an_embargo():
    # unscr.com text of S/RES/1593, para 1; SC/8160 and the 1591 Committee
    # page for the 1556 arms embargo and the Art. 41 threat.
    assert by_symbol("S/RES/1593 (2005)")["icc"]
    d = by_symbol("S/RES/1556 (2004)")
    assert d["art41"] and d["threatens"] and d["names"] == ["SDN"]

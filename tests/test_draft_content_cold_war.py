"""The coded content of the Cold War group's drafts (draft_content_cold_war.toml)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

import collsec.cases.curated as curated
from collsec.cases.case import DEMANDS, MEASURES, load_case

PATH = Path(curated.__file__).parent / "curated" / "draft_content_cold_war.toml"
CASES = (
    "bangladesh-1971",
    "congo-1960",
    "cyprus-1974",
    "ethiopia-1935",
    "falklands-1982",
    "hungary-1956",
    "korea-1950",
    "manchuria-1931",
    "rhineland-1936",
    "suez-1956",
)
FLAGS = ("threatens", "art41", "force", "icc", "consent", "humanitarian")
CODED = {"names", "demands", "mission", "chapter", "measure", "sources", *FLAGS}


@pytest.fixture(scope="module")
def drafts() -> list[dict]:
    with PATH.open("rb") as fh:
        return tomllib.load(fh)["draft"]


@pytest.fixture(scope="module")
def records() -> dict[str, list[str]]:
    return {c: [d.symbol for d in load_case(c).record] for c in CASES}


def by_symbol(drafts: list[dict], symbol: str) -> dict:
    (hit,) = [d for d in drafts if d["symbol"] == symbol]
    return hit


def test_every_symbol_is_a_recorded_decision(drafts, records):
    for d in drafts:
        assert d["case"] in records, d["symbol"]
        assert d["symbol"] in records[d["case"]], (d["case"], d["symbol"])


def test_every_recorded_decision_is_covered_once_in_record_order(drafts, records):
    for case, symbols in records.items():
        mine = [d["symbol"] for d in drafts if d["case"] == case]
        assert mine == list(dict.fromkeys(symbols)), case


def test_vocabulary(drafts):
    for d in drafts:
        sym = d["symbol"]
        assert d["text"] in {"read", "summary", "unknown"}, sym
        assert d["note"].strip(), sym
        if d["text"] == "unknown":
            assert set(d) == {"symbol", "case", "text", "note"}, sym
            continue
        assert set(d) >= CODED, (sym, CODED - set(d))
        assert set(d["demands"]) <= set(DEMANDS), sym
        assert len(d["demands"]) == len(set(d["demands"])), sym
        assert all(isinstance(n, str) and n.isupper() for n in d["names"]), sym
        assert all(isinstance(d[f], bool) for f in FLAGS), sym
        assert d["mission"] in {"create", "extend", ""}, sym
        assert d["chapter"] in {"VII", ""}, sym
        assert d["measure"] in MEASURES, sym
        assert d["icc"] is False, sym


def test_sources_and_logical_constraints(drafts):
    for d in drafts:
        if d["text"] == "unknown":
            continue
        sym = d["symbol"]
        assert d["sources"] and all(s.strip() for s in d["sources"]), sym
        if d["consent"]:
            assert d["mission"], sym
        if d["humanitarian"]:
            assert d["names"] == [], sym
            assert "political" not in d["demands"], sym
        if d["force"]:
            assert d["measure"] == "art42", sym
        if d["case"] in {"ethiopia-1935", "manchuria-1931", "rhineland-1936"}:
            assert d["chapter"] == "", sym


def test_spot_facts(drafts):
    # S/RES/83 (1950) recommends members furnish the assistance necessary to repel
    # the armed attack (text read at fr.wikisource, Resolutions et decisions 1950).
    r83 = by_symbol(drafts, "S/RES/83 (1950)")
    assert r83["text"] == "read" and r83["force"] and r83["names"] == ["PRK"]
    # S/RES/502 (1982): demands cessation of hostilities and withdrawal of all
    # Argentine forces (unscr.com/en/resolutions/502).
    r502 = by_symbol(drafts, "S/RES/502 (1982)")
    assert r502["names"] == ["ARG"]
    assert {"ceasefire", "withdrawal"} <= set(r502["demands"])
    # S/RES/143 (1960): military assistance at the Congo's request, Belgium to withdraw.
    r143 = by_symbol(drafts, "S/RES/143 (1960)")
    assert r143["mission"] == "create" and r143["consent"] and r143["names"] == ["BEL"]
    # S/RES/161 (1961): use of force in the last resort, Lumumba inquiry (refworld text).
    r161 = by_symbol(drafts, "S/RES/161 (1961)")
    assert r161["force"] and "accountability" in r161["demands"]
    # The Uniting for Peace calls are procedural.
    for sym in ("S/RES/119 (1956)", "S/RES/120 (1956)", "S/RES/157 (1960)", "S/RES/303 (1971)"):
        assert by_symbol(drafts, sym)["measure"] == "procedural", sym

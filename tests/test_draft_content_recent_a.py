"""The coded content of the drafts of group recent_a (curated/draft_content_recent_a.toml).

Checks the file against the case records and the brief's vocabulary, and pins
a few facts verified in the cited sources.
"""

from __future__ import annotations

import tomllib
from importlib.resources import files

import pytest

from collsec.cases.build import CONTENT_FIELDS
from collsec.cases.case import CONTENT_TEXT, DEMANDS, MEASURES, MISSIONS, load_case

CASES = (
    "gulf-1990",
    "iraq-2002",
    "kosovo-1999",
    "libya-2011",
    "sept11-2001",
    "crimea-2014",
    "ukraine-2022",
    "east-timor-1999",
)
TEXT = set(CONTENT_TEXT)
MISSION = set(MISSIONS)
CHAPTER = {"VII", ""}
MEASURE = set(MEASURES)
FIELDS = {"symbol", "case", "chapter", "measure", *CONTENT_FIELDS}
UNKNOWN_FIELDS = {"symbol", "case", "text", "note"}


@pytest.fixture(scope="module")
def drafts() -> list[dict]:
    path = files("collsec.cases").joinpath("curated", "draft_content_recent_a.toml")
    return tomllib.loads(path.read_text(encoding="utf-8"))["draft"]


@pytest.fixture(scope="module")
def records() -> dict[str, list[str]]:
    return {c: [d.symbol for d in load_case(c).record] for c in CASES}


def by_symbol(drafts: list[dict]) -> dict[str, dict]:
    return {d["symbol"]: d for d in drafts}


def test_every_decision_of_the_cases_once_in_record_order(drafts, records):
    for case in CASES:
        coded = [d["symbol"] for d in drafts if d["case"] == case]
        assert coded == records[case], case
    assert {d["case"] for d in drafts} == set(CASES)


def test_vocabulary(drafts):
    for d in drafts:
        s = d["symbol"]
        assert d["text"] in TEXT, s
        assert isinstance(d["note"], str) and d["note"], s
        if d["text"] == "unknown":
            assert set(d) == UNKNOWN_FIELDS, s
            continue
        assert set(d) == FIELDS, s
        assert all(isinstance(n, str) and len(n) == 3 and n.isupper() for n in d["names"]), s
        assert set(d["demands"]) <= set(DEMANDS) and len(set(d["demands"])) == len(d["demands"]), s
        for flag in ("threatens", "art41", "force", "icc", "consent", "humanitarian"):
            assert isinstance(d[flag], bool), (s, flag)
        assert d["mission"] in MISSION, s
        assert d["chapter"] in CHAPTER, s
        assert d["measure"] in MEASURE, s


def test_coded_entries_cite_sources(drafts):
    for d in drafts:
        if d["text"] != "unknown":
            assert d["sources"] and all(isinstance(x, str) and x for x in d["sources"]), d["symbol"]


def test_consent_only_with_a_mission_and_humanitarian_names_no_one(drafts):
    for d in drafts:
        if d["text"] == "unknown":
            continue
        if d["consent"]:
            assert d["mission"], d["symbol"]
        if d["humanitarian"]:
            assert d["names"] == [], d["symbol"]
        if d["force"]:
            assert d["measure"] == "art42" or d["mission"], d["symbol"]


def test_spot_facts(drafts):
    """Facts read in the cited sources."""
    d = by_symbol(drafts)
    # 678: 'Authorizes Member States co-operating with the Government of Kuwait ...
    # to use all necessary means' (worldjpn.grips.ac.jp text), acting under Chapter VII.
    assert d["S/RES/678 (1990)"]["force"] and d["S/RES/678 (1990)"]["chapter"] == "VII"
    assert d["S/RES/678 (1990)"]["names"] == ["IRQ"]
    # 1970: refers the situation in Libya to the ICC Prosecutor (press release SC/10187/Rev.1).
    assert d["S/RES/1970 (2011)"]["icc"] and d["S/RES/1970 (2011)"]["art41"]
    assert not d["S/RES/1970 (2011)"]["force"]
    # 1264: multinational force 'pursuant to the request of the Government of Indonesia'
    # with all necessary measures (BBC text of the operative section).
    et = d["S/RES/1264 (1999)"]
    assert et["force"] and et["mission"] == "create" and et["consent"]
    # 2623: calls an emergency special session of the General Assembly (Wikisource text).
    assert d["S/RES/2623 (2022)"]["measure"] == "procedural"
    # 661: comprehensive embargo under Chapter VII (everything2 / mideastweb text).
    assert d["S/RES/661 (1990)"]["art41"] and d["S/RES/661 (1990)"]["chapter"] == "VII"
    # S/1999/328 demanded the end of NATO's use of force and the resumption of
    # negotiations (UN German text); it names an organisation, no state.
    assert d["S/1999/328"]["demands"] == ["ceasefire", "political"]
    assert d["S/1999/328"]["names"] == []

"""The Security Council's record (Dag Hammarskjöld Library pages, veto list) and its audit."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd
import pytest

from collsec.data.unsc import (
    ACTION_COLUMNS,
    load_actions,
    load_vetoes,
    parse_actions_html,
    parse_outcome,
    permanent_member_code,
)
from collsec.errors import DataMissingError, InputError
from collsec.validation.unsc_audit import (
    audit_unsc,
    export_decisions,
    read_decisions,
    vetoes_compare,
)

needs_data = pytest.mark.skipif(
    not os.environ.get("COLLSEC_DATA_DIR"), reason="no data directory (set COLLSEC_DATA_DIR)"
)

# --------------------------------------------------------------------------- outcome text


def one(text: str):
    decisions, _ = parse_outcome(text)
    assert len(decisions) == 1, decisions
    return decisions[0]


def test_vetoed_draft_with_tally_on_next_line() -> None:
    d = one("Draft resolution S/1894 vetoed by USSR 9-1-0")
    assert (d.kind, d.symbol, d.outcome, d.vetoed_by) == ("draft", "S/1894", "vetoed", ["SUN"])
    assert (d.yes, d.no, d.abstain) == (9, 1, 0)


def test_resolution_symbol_is_normalised() -> None:
    d = one("S/RES/89(1950) 9-0-2")
    assert (d.symbol, d.res_number, d.outcome) == ("S/RES/89 (1950)", 89, "adopted")
    assert (d.yes, d.no, d.abstain) == (9, 0, 2)


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("Draft resolution S/2022/155 vetoed by Russian Federation 11-1-3", ["RUS"]),
        ("Draft resolution S/2011/24 vetoed by the United States 14-1-0", ["USA"]),
        ("Draft resolution S/11543 vetoed by USA, France and UK 10-3-2", ["USA", "FRA", "GBR"]),
        (
            "Draft resolution S/2014/348 vetoed by China and Russian Federation13-2-0",
            ["CHN", "RUS"],
        ),
        ("S/2020/654 vetoed by China, Russian Federation 13-2-0", ["CHN", "RUS"]),
        ("Draft resolution S/3710 vetoed by France and UK 7-2-2", ["FRA", "GBR"]),
    ],
)
def test_vetoing_members_become_iso3(text: str, codes: list[str]) -> None:
    d = one(text)
    assert d.outcome == "vetoed" and d.vetoed_by == codes and d.yes is not None


def test_symbol_glued_to_words() -> None:
    # the 1994-2007 pages drop the spaces around the link
    d = one("Draft resolutionS/1994/1358vetoed by Russian Federation 13-1-1")
    assert (d.symbol, d.vetoed_by, d.yes) == ("S/1994/1358", ["RUS"], 13)


@pytest.mark.parametrize(
    ("text", "flag"),
    [
        ("S/RES/13 (1946) adopted unanimously", "unanimous"),
        ("S/RES/165 (1961) Adopted unanimously", "unanimous"),
        ("S/RES/1 (1946) without vote", "without_vote"),
        ("S/RES/2403 (2018) without a vote", "without_vote"),
        ("S/RES/591 (1986) adopted by consensus", "without_vote"),
    ],
)
def test_resolutions_without_tally(text: str, flag: str) -> None:
    d = one(text)
    assert d.outcome == "adopted" and d.yes is None and getattr(d, flag)


def test_absent_and_not_participating_members() -> None:
    assert one("S/RES/1287 (2000) 14-0-0 (1 absent)").absent_or_np == 1
    assert one("S/RES/1 (1990) 10-0-1 (one member did not participate)").absent_or_np == 1
    d = one(
        "S/RES/1483 (2003) 14-0-0 (The Syrian Arab Republic did not participate in the voting.)"
    )
    assert (d.yes, d.absent_or_np) == (14, 1)
    assert one("S/RES/82 (1950) 9-0-1").absent_or_np is None


def test_preliminary_question_is_not_procedural() -> None:
    decisions, _ = parse_outcome(
        "S/RES/34 (1947) 9-2-0 Draft resolution S/552, S/202 (preliminary question) vetoed by "
        "USSR 8-2-1 Draft resolution S/552 vetoed by USSR 9-2-0"
    )
    assert [d.symbol for d in decisions] == ["S/RES/34 (1947)", "S/552", "S/552"]
    assert [d.preliminary_question for d in decisions] == [False, True, False]
    assert not any(d.procedural for d in decisions)
    assert (decisions[1].yes, decisions[1].no, decisions[1].abstain) == (8, 2, 1)


@pytest.mark.parametrize(
    "text",
    [
        "Draft resolution S/1921 not adopted 1-9-0",
        "Draft resolution S/2022/231 was not adopted 2-0-13",
        "Draft resolution S/99 failed to obtain the required majority 6-0-5",
        "S/2018/322 not adopted 5-4-6",
        "Draft resolution (S/2013/660) not adopted 7-0-8",
    ],
)
def test_failed_drafts(text: str) -> None:
    d = one(text)
    assert d.kind == "draft" and d.outcome == "not_adopted" and d.vetoed_by == []
    assert d.symbol is not None and d.yes is not None


def test_several_decisions_in_one_cell() -> None:
    decisions, statements = parse_outcome(
        "S/RES/1956 (2010) 15-0-0 + S/RES/1957 (2010) 15-0-0 + S/RES/1958 (2010) 14-0-1 "
        "+ S/PRST/2010/27"
    )
    assert [d.res_number for d in decisions] == [1956, 1957, 1958]
    assert decisions[2].abstain == 1 and statements == 1
    decisions, _ = parse_outcome(
        "Draft resolution S/1148 and Corr.1 not adopted Draft resolution S/1149 not adopted 6-0-5"
    )
    assert [(d.symbol, d.yes) for d in decisions] == [("S/1148", None), ("S/1149", 6)]
    decisions, _ = parse_outcome(
        "Draft resolution S/2019/961 vetoed by Russian Federation and China 13-2-0 "
        "S/2019/962 not adopted 5-6-4"
    )
    assert [(d.symbol, d.outcome) for d in decisions] == [
        ("S/2019/961", "vetoed"),
        ("S/2019/962", "not_adopted"),
    ]


def test_joint_drafts_are_one_decision() -> None:
    d = one("Draft resolutions S/507 & Add.1 & S/516 not adopted 6-1-3")
    assert (d.symbol, d.yes, d.no, d.abstain) == ("S/507", 6, 1, 3)


def test_statements_and_communiques_are_not_decisions() -> None:
    for text in ("--", "S/PRST/2020/13", "Communiqué", "S/13900 (PRST)", "Note (S/2003/123)", ""):
        assert parse_outcome(text)[0] == []
    assert parse_outcome("S/PRST/1995/25+S/PRST/1995/24")[1] == 2


def test_bare_tally_is_a_failed_draft() -> None:
    d = one("2-0-13")
    assert (d.kind, d.symbol, d.outcome, d.yes) == ("draft", None, "not_adopted", 2)
    assert d.notes


def test_member_names() -> None:
    assert permanent_member_code("USSR") == "SUN"
    assert permanent_member_code(" the Russian Federation ") == "RUS"
    assert permanent_member_code("United Kingdom") == "GBR"
    assert permanent_member_code("Narnia") is None


# --------------------------------------------------------------------------- whole pages

PAGE_1950 = """<html><table class="tablefont">
<tr><th colspan="5" class="tbltitle">Meetings conducted by the Security Council in 1950</th></tr>
<tr><th>Meeting<br/>Record</th><th>Date</th><th>Topic</th><th>Security Council<br> Outcome / Vote</th></tr>
<tr>
  <th rowspan="2"><a href="x"><p><span>S/PV.530</span></p></th></a>
  <th rowspan="2"><p><span>30 November</p></span></th>
  <td>Complaint of armed invasion of Taiwan (Formosa)</td>
  <td>Draft resolution <a href="x">S/1921</a> not adopted<br>1-9-0<br> <br>
      Draft resolution <a href="x">S/1757</a> not adopted<br>1-9-0</td>
</tr>
<tr>
  <td>Complaint of aggression upon the Republic of Korea</td>
  <td>Draft resolution <a href="x">S/1894</a> vetoed by<br> USSR<br>9-1-0</td>
</tr>
<tr><td><a href="x">S/PV.529</a></td><td>30 November </td><td>Korea</td><td>--</td></tr>
<tr><td><a href="x">S/PV.474</a></td><td>27 June</td><td>Korea</td>
    <td><a href="x">S/RES/83 (1950)</a><br>7-1-0</td></tr>
<tr><td></td><td></td><td>Participation</td>
    <td><a href="x">S/RES/84 (1950)</a> <br> adopted unanimously</td></tr>
<tr><td><a href="x">S/PV.473</a></td><td>25 June</td><td>Korea</td>
    <td><a href="x">S/RES/82 (1949)</a><br>9-0-1</td></tr>
<tr><td><a href="x">S/PV.473</a></td><td>25 June</td><td>Korea</td>
    <td><a href="x">S/RES/82 (1949)</a><br>9-0-1</td></tr>
<tr><td><a href="x">S/PV.470</a></td><td>14-15 June</td><td>Chaos</td>
    <td>Draft resolution <a href="x">S/5973</a> vetoed by<br> USSR 9-2-0</td><td>--</td></tr>
</table></html>"""


def test_page_with_rowspans_continuations_and_typos() -> None:
    records, meta = parse_actions_html(PAGE_1950, 1950, source_file="p.html")
    got = [(r["symbol"], r["meeting"], r["date"].isoformat(), r["outcome"]) for r in records]
    assert got == [
        ("S/1921", "S/PV.530", "1950-11-30", "not_adopted"),
        ("S/1757", "S/PV.530", "1950-11-30", "not_adopted"),
        ("S/1894", "S/PV.530", "1950-11-30", "vetoed"),  # second row of the rowspan
        ("S/RES/83 (1950)", "S/PV.474", "1950-06-27", "adopted"),
        ("S/RES/84 (1950)", "S/PV.474", "1950-06-27", "adopted"),  # empty cells: same meeting
        ("S/RES/82 (1950)", "S/PV.473", "1950-06-25", "adopted"),  # year typo corrected
        ("S/5973", "S/PV.470", "1950-06-14", "vetoed"),  # outcome in an extra cell
    ]
    assert records[2]["topic"] == "Complaint of aggression upon the Republic of Korea"
    assert records[2]["vetoed_by"] == ["SUN"] and records[4]["unanimous"]
    assert "page writes S/RES/82 (1949)" in records[5]["note"]
    assert "first day used" in records[6]["note"]
    assert [r["symbol"] for r in meta["repeated_rows"]] == ["S/RES/82 (1949)"]
    assert set(records[0]) == set(ACTION_COLUMNS)


def test_videoconference_page_has_seven_columns() -> None:
    html = """<table>
    <tr><th>Meeting Record</th><th>Date</th><th>Recording</th><th>Topic</th>
        <th>Letter with Vote Procedure</th><th>Letter with Vote Outcome</th>
        <th>Security Council Outcome / Vote</th></tr>
    <tr><td>--</td><td>29 December </td><td>Webcast</td><td>Terrorism</td>
        <td>S/2020/1311</td><td>S/2020/1305</td>
        <td><a href="x">S/RES/2560 (2020)</a><br> 15-0-0</td></tr>
    </table>"""
    (r,), _ = parse_actions_html(html, 2020)
    assert (r["symbol"], r["meeting"], r["topic"], r["yes"]) == (
        "S/RES/2560 (2020)",
        None,
        "Terrorism",
        15,
    )


def test_page_without_table_is_an_input_error() -> None:
    with pytest.raises(InputError, match=r"bad\.html: no meetings table"):
        parse_actions_html("<html><p>nothing</p></html>", 1950, source_file="bad.html")


# --------------------------------------------------------------------------- small data dirs

VETO_HEADER = (
    "year,date,month,draft,meeting_record,agenda_item,member_veto1,member_veto2,member_veto3\n"
)


def mini_data_dir(tmp: Path, page: str, vetoes: str) -> Path:
    actions = tmp / "unsc" / "actions"
    actions.mkdir(parents=True)
    (actions / "scact2022_table_en.html").write_text(page, encoding="utf-8")
    (tmp / "unsc" / "vetoes_1946_2022.csv").write_text(VETO_HEADER + vetoes, encoding="utf-8")
    return tmp


PAGE_2022 = """<table>
<tr><th>Meeting Record</th><th>Date</th><th>Press Release</th><th>Topic</th>
    <th>Security Council Outcome / Vote</th></tr>
<tr><td>S/PV.9048</td><td>26 May</td><td>SC/1</td><td>DPRK</td>
    <td>Draft resolution <a href="x">S/2022/431</a> vetoed by China, Russian Federation<br> 13-0-2</td></tr>
<tr><td>S/PV.8979</td><td>25 February</td><td>SC/2</td><td>Ukraine</td>
    <td>Draft resolution S/2022/155 vetoed by Russian Federation 11-1-3</td></tr>
<tr><td>S/PV.8900</td><td>3 January</td><td>SC/3</td><td>X</td>
    <td>S/RES/1 (2022)<br>15-0-0 S/RES/3 (2022)<br>12-0-3</td></tr>
</table>"""
VETOES_2022 = (
    '2022,5/26/2022,5,S/2022/431,S/PV.9048,"DPRK",China,Russia,\n'
    "2022,2/25/2022,2,S/2022/155,S/PV.8979,Ukraine,Russia,,\n"
)


def test_audit_on_a_small_record(tmp_path: Path) -> None:
    root = mini_data_dir(tmp_path, PAGE_2022, VETOES_2022)
    result = audit_unsc(root)
    d = result.to_dict()
    assert (d["decisions"], d["resolutions"], d["vetoed_drafts"], d["failed_drafts"]) == (
        4,
        2,
        2,
        0,
    )
    assert d["missing_resolutions"] == [2]
    assert [x["symbol"] for x in d["disagreements"]] == ["S/2022/431"]
    assert d["disagreements"][0]["adjudicated"] == "adopted"
    assert "negative vote" in d["disagreements"][0]["reason"]
    assert any(
        e["symbol"] == "S/2022/431" and "veto needs a negative vote" in e["problem"]
        for e in d["source_errors"]
    )
    assert d["agreement"] == 0.75
    cmp = vetoes_compare(root)
    assert cmp["counts"]["Russia"] == 2 and cmp["counts"]["China"] == 1
    assert cmp["pages_counts"] == cmp["counts"]


def test_bad_veto_list_is_one_line_error(tmp_path: Path) -> None:
    root = mini_data_dir(tmp_path, PAGE_2022, "2022,26 May 2022,5,S/2022/431,S/PV.9048,x,China,,\n")
    with pytest.raises(InputError) as err:
        load_vetoes(root)
    msg = str(err.value)
    assert "vetoes_1946_2022.csv" in msg and "date (line 2)" in msg and "\n" not in msg


def test_missing_dataset(tmp_path: Path) -> None:
    with pytest.raises(DataMissingError, match="unsc_actions"):
        load_actions(tmp_path)


# --------------------------------------------------------------------------- export


def small_table() -> pd.DataFrame:
    records, _ = parse_actions_html(PAGE_1950, 1950, source_file="p.html")
    from collsec.data.unsc import _frame

    return _frame(records)


@pytest.mark.parametrize("suffix", [".parquet", ".csv"])
def test_export_round_trip(tmp_path: Path, suffix: str) -> None:
    df = small_table()
    path = export_decisions(df, tmp_path / f"d{suffix}")
    back = read_decisions(path)
    pd.testing.assert_frame_equal(back, df, check_dtype=(suffix == ".parquet"))
    assert back["vetoed_by"].tolist() == df["vetoed_by"].tolist()
    assert back["yes"].dtype == "Int64" and back["date"].dtype == "datetime64[ns]"
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"d{suffix}"]


@pytest.mark.parametrize("suffix", [".parquet", ".csv"])
def test_export_is_atomic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, suffix: str) -> None:
    target = tmp_path / f"d{suffix}"
    target.write_text("old contents")

    def half_write(self, path, *args, **kwargs):
        Path(path).write_text("partial")
        raise OSError("disk full")

    method = "to_parquet" if suffix == ".parquet" else "to_csv"
    monkeypatch.setattr(pd.DataFrame, method, half_write)
    with pytest.raises(OSError, match="disk full"):
        export_decisions(small_table(), target)
    assert [p.name for p in tmp_path.iterdir()] == [target.name]
    assert target.read_text() == "old contents"


def test_export_rejects_unknown_suffix(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"--export: unknown export format '\.xlsx'"):
        export_decisions(small_table(), tmp_path / "d.xlsx")
    with pytest.raises(InputError, match="directory does not exist"):
        export_decisions(small_table(), tmp_path / "nowhere" / "d.csv")
    assert list(tmp_path.iterdir()) == []


def test_page_meetings_with_and_without_decisions() -> None:
    _, meta = parse_actions_html(PAGE_1950, 1950, source_file="p.html")
    got = [
        (m["meeting"], m["date"].isoformat(), m["topic"], m["decisions"]) for m in meta["meetings"]
    ]
    assert got == [
        ("S/PV.530", "1950-11-30", "Complaint of armed invasion of Taiwan (Formosa)", 2),
        ("S/PV.530", "1950-11-30", "Complaint of aggression upon the Republic of Korea", 1),
        ("S/PV.529", "1950-11-30", "Korea", 0),  # a meeting that decided nothing
        ("S/PV.474", "1950-06-27", "Korea", 1),
        ("S/PV.474", "1950-06-27", "Participation", 1),
        ("S/PV.473", "1950-06-25", "Korea", 1),  # the repeated row counts once
        ("S/PV.470", "1950-06-14", "Chaos", 1),
    ]
    assert {m["source_file"] for m in meta["meetings"]} == {"p.html"}


# --------------------------------------------------------------------------- the real record


@pytest.fixture(scope="module")
def actions() -> pd.DataFrame:
    return load_actions()


@pytest.fixture(scope="module")
def audit():
    return audit_unsc()


@pytest.fixture(scope="module")
def compare():
    return vetoes_compare()


def row(df: pd.DataFrame, symbol: str) -> pd.Series:
    rows = df[df["symbol"] == symbol]
    assert len(rows) == 1, rows
    return rows.iloc[0]


@pytest.mark.data
@needs_data
def test_meetings_hold_every_decision_and_the_discussions(actions) -> None:
    from collsec.data.unsc import MEETING_COLUMNS, load_meetings

    m = load_meetings()
    assert list(m.columns) == MEETING_COLUMNS
    assert m["decisions"].sum() == len(actions)  # every decision sits on one agenda row
    assert (m["decisions"] == 0).mean() > 0.5  # most items are taken up without one
    assert m["date"].is_monotonic_increasing
    # the Guatemalan question, 1954 (the library's table for 1954): on 20 June the Council
    # adopted resolution 104 after the USSR vetoed the Brazil-Colombia draft; on 25 June
    # it did not adopt its agenda, so that meeting decided nothing
    g = m[m["topic"] == "The Guatemalan question"].set_index("meeting")["decisions"]
    assert g.to_dict() == {"S/PV.675": 2, "S/PV.676": 0}


@pytest.mark.data
@needs_data
def test_all_pages_parse() -> None:
    df = load_actions()
    assert list(df.columns) == ACTION_COLUMNS
    assert 2900 <= len(df) <= 3000
    assert df["date"].dtype == "datetime64[ns]" and df["date"].notna().all()
    assert df["date"].min() == pd.Timestamp("1946-01-25")
    assert df["date"].max() == pd.Timestamp("2022-06-29")
    assert set(df["kind"]) == {"resolution", "draft"}
    assert set(df["outcome"]) == {"adopted", "vetoed", "not_adopted"}
    for col in ("res_number", "yes", "no", "abstain", "absent_or_np"):
        assert df[col].dtype == "Int64"


@pytest.mark.data
@needs_data
def test_known_decisions(actions: pd.DataFrame) -> None:
    r = row(actions, "S/RES/82 (1950)")
    assert (r.yes, r.no, r.abstain, r.date, r.meeting) == (
        9,
        0,
        1,
        pd.Timestamp("1950-06-25"),
        "S/PV.473",
    )
    r = row(actions, "S/1894")
    assert (r.outcome, r.vetoed_by, r.yes, r.no, r.abstain) == ("vetoed", ["SUN"], 9, 1, 0)
    r = row(actions, "S/2022/155")
    assert (r.outcome, r.vetoed_by, r.yes, r.no, r.abstain) == ("vetoed", ["RUS"], 11, 1, 3)
    assert r.date == pd.Timestamp("2022-02-25")
    r = row(actions, "S/RES/1287 (2000)")
    assert r.absent_or_np == 1
    r = row(actions, "S/RES/2640 (2022)")
    assert (r.yes, r.no, r.abstain) == (13, 0, 2)


# Resolution numbers the pages do not give exactly once, and why (see docs/unsc-record.md).
KNOWN_NUMBERING = {
    663: "listed twice: 14 Aug 1990 (right) and 13 Sep 1990, which is resolution 666",
    701: "listed twice: 31 Jul 1991 (right) and 30 May 1991, which is resolution 695",
    666: "missing: written as 663",
    695: "missing: written as 701",
}


@pytest.mark.data
@needs_data
def test_resolutions_numbered_once(actions: pd.DataFrame) -> None:
    res = actions[actions["kind"] == "resolution"]
    counts = res["res_number"].value_counts()
    top = int(res["res_number"].max())
    assert top == 2640
    odd = {n: int(counts.get(n, 0)) for n in range(1, top + 1) if counts.get(n, 0) != 1}
    assert odd == {663: 2, 666: 0, 695: 0, 701: 2}, KNOWN_NUMBERING
    # S/RES/1996 (2011) is printed twice in a row on the 2011 page; it is read once
    assert counts[1996] == 1
    assert [r["symbol"] for r in actions.attrs["repeated_rows"]] == ["S/RES/1996 (2011)"]


@pytest.mark.data
@needs_data
def test_audit_contract_and_numbers(audit) -> None:
    d = audit.to_dict()
    assert list(d) == [
        "decisions",
        "resolutions",
        "vetoed_drafts",
        "failed_drafts",
        "agreement",
        "disagreements",
        "missing_resolutions",
        "duplicate_resolutions",
        "source_errors",
    ]
    json.dumps(d)
    assert (d["decisions"], d["resolutions"], d["vetoed_drafts"], d["failed_drafts"]) == (
        2962,
        2640,
        213,
        109,
    )
    assert d["agreement"] >= 0.998  # 2957 of 2962
    assert d["missing_resolutions"] == [666, 695]
    assert d["duplicate_resolutions"] == [663, 701, 1996]
    for x in d["disagreements"]:
        assert set(x) == {"symbol", "date", "recorded", "adjudicated", "reason"} and x["reason"]
    assert {x["symbol"]: x["adjudicated"] for x in d["disagreements"]} == {
        "S/5095": "adopted",  # page: not adopted 7-2-1, no veto named, not in the veto list
        "S/5134": "adopted",  # page omits the USSR veto the veto list records
        "S/5407": "adopted",  # likewise (the veto is copied under S/PV.1069 instead)
        "S/10768": "not_adopted",  # "vetoed" but only 3 votes in favour
        "S/2022/431": "adopted",  # "vetoed" with a 13-0-2 tally
    }
    assert sum(audit.checked.values()) == d["decisions"]


@pytest.mark.data
@needs_data
def test_s_2022_431_is_a_source_error(audit) -> None:
    errors = [e for e in audit.source_errors if e["symbol"] == "S/2022/431"]
    assert errors and "negative vote" in errors[0]["problem"]
    assert errors[0]["meeting"] == "S/PV.9048"
    problems = " | ".join(e["problem"] for e in audit.source_errors)
    assert "probably resolution 666" in problems and "probably resolution 695" in problems


@pytest.mark.data
@needs_data
def test_veto_list_counts() -> None:
    v = load_vetoes()
    assert len(v) == 214 and v["date"].dtype.kind == "M"
    counts: dict[str, int] = {}
    for codes in v["vetoed_by"]:
        for c in codes:
            counts[c] = counts.get(c, 0) + 1
    assert counts == {"SUN": 90, "RUS": 31, "USA": 82, "GBR": 29, "FRA": 16, "CHN": 17}


@pytest.mark.data
@needs_data
def test_vetoes_compare(compare) -> None:
    assert compare["counts"] == {
        "USSR": 90,
        "Russia": 31,
        "USA": 82,
        "UK": 29,
        "France": 16,
        "China": 17,
    }
    assert compare["period"] == {"start": "1946-02-16", "end": "2022-06-29"}
    assert compare["pages_counts"] == {
        "USSR": 90,
        "Russia": 30,
        "USA": 82,
        "UK": 29,
        "France": 16,
        "China": 17,
    }
    by = {(x["source"], x["symbol"]) for x in compare["differences"]}
    assert {
        ("pages only", "S/10768"),
        ("pages only", "S/11400"),
        ("veto list only", "S/5134"),
        ("veto list only", "S/10416"),
        ("outside period", "S/2022/538"),
    } <= by
    assert all(x["explanation"] for x in compare["differences"])


@pytest.mark.data
@needs_data
def test_export_real_record(audit, tmp_path: Path) -> None:
    table = audit.table
    for suffix in (".parquet", ".csv"):
        back = read_decisions(export_decisions(table, tmp_path / f"all{suffix}"))
        assert len(back) == len(table)
        assert back["vetoed_by"].tolist() == table["vetoed_by"].tolist()
        assert back["yes"].equals(table["yes"])
        assert (back["agrees"] == table["agrees"]).all()


@pytest.mark.data
@needs_data
def test_cli(run_cli, tmp_path: Path) -> None:
    out_file = tmp_path / "decisions.csv"
    code, out, err = run_cli("audit", "unsc", "--format", "json", "--export", str(out_file))
    assert code == 0, err
    assert json.loads(out)["decisions"] == 2962 and out_file.exists()
    code, out, _ = run_cli("vetoes")
    assert code == 0 and "USSR" in out and "S/10768" in out
    code, out, err = run_cli("audit", "unsc", "--export", str(tmp_path / "x.txt"))
    assert code == 2 and out == "" and err.count("\n") == 1 and "unknown export format" in err

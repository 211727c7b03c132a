"""The COW / ISO / Gleditsch-Ward crosswalk: hard cases by date, round trips, the verify check."""

from __future__ import annotations

import csv
import datetime as dt
import doctest
import gzip
import importlib
import itertools
import os
import sys
from pathlib import Path

import pandas as pd
import pytest

from collsec.codes import crosswalk as cw
from collsec.codes.codes import code_table, resolve_member
from collsec.codes.crosswalk import (
    code_on,
    cow_to_gw,
    cow_to_iso3,
    crosswalk,
    crosswalk_rows,
    gw_to_cow,
    iso2_to_cow,
    iso3_to_cow,
)
from collsec.data.crosswalk_check import EXPLAINED, crosswalk_check
from collsec.errors import InputError

ROOT = Path(__file__).resolve().parents[1]
D = dt.date


def data_dir() -> Path:
    return Path(os.environ["COLLSEC_DATA_DIR"])


# ----------------------------------------------------------------------------- hard cases

# (kind_from, value, kind_to, date, expected)
HARD_CASES = [
    # USSR / Russia: COW and GW 365 throughout, ISO SUN/SU -> RUS/RU after 1991-12-25
    ("cow", 365, "iso3", D(1980, 1, 1), "SUN"),
    ("cow", 365, "iso2", D(1980, 1, 1), "SU"),
    ("cow", 365, "iso3", D(1991, 12, 25), "SUN"),
    ("cow", 365, "iso3", D(1991, 12, 26), "RUS"),
    ("cow", 365, "iso2", D(1991, 12, 26), "RU"),
    ("cow", 365, "gw", D(1980, 1, 1), 365),
    ("cow", 365, "gw", D(2000, 1, 1), 365),
    ("cow", 365, "code", D(1991, 12, 23), "SUN"),
    ("cow", 365, "code", D(1991, 12, 24), "RUS"),  # UN seat (codes.csv)
    ("iso3", "SUN", "cow", D(1950, 1, 1), 365),
    ("iso3", "SUN", "cow", D(1992, 1, 1), None),
    ("iso3", "RUS", "cow", D(1980, 1, 1), None),
    ("iso2", "RU", "cow", D(2000, 1, 1), 365),
    # Germany
    ("cow", 255, "iso3", D(1930, 1, 1), "DEU"),
    ("cow", 255, "iso3", D(1945, 5, 8), "DEU"),
    ("cow", 255, "iso3", D(1945, 5, 9), None),
    ("cow", 255, "iso3", D(1980, 1, 1), None),
    ("cow", 255, "gw", D(1930, 1, 1), 255),
    ("cow", 255, "gw", D(1995, 1, 1), 260),  # GW codes unified Germany 260
    ("cow", 260, "iso3", D(1955, 5, 4), None),
    ("cow", 260, "iso3", D(1955, 5, 5), "DEU"),
    ("cow", 260, "gw", D(1980, 1, 1), 260),
    ("cow", 260, "iso3", D(1990, 10, 2), "DEU"),
    ("cow", 260, "iso3", D(1990, 10, 3), None),
    ("cow", 265, "iso3", D(1954, 3, 25), "DDR"),
    ("cow", 265, "iso2", D(1980, 1, 1), "DD"),
    ("cow", 265, "gw", D(1980, 1, 1), 265),
    ("cow", 265, "iso3", D(1990, 10, 3), None),
    ("iso3", "DEU", "cow", D(1930, 1, 1), 255),
    ("iso3", "DEU", "cow", D(1980, 1, 1), 260),
    ("iso3", "DEU", "cow", D(1990, 10, 2), 260),
    ("iso3", "DEU", "cow", D(1990, 10, 3), 255),
    ("iso2", "DD", "cow", D(1980, 1, 1), 265),
    ("gw", 260, "cow", D(1980, 1, 1), 260),
    ("gw", 260, "cow", D(1995, 1, 1), 255),
    ("gw", 255, "cow", D(1995, 1, 1), None),
    # Yemen
    ("cow", 678, "iso3", D(1980, 1, 1), "YEM"),
    ("cow", 678, "code", D(1980, 1, 1), "YAR"),
    ("cow", 678, "gw", D(1980, 1, 1), 678),
    ("cow", 678, "iso3", D(1990, 5, 21), "YEM"),
    ("cow", 678, "iso3", D(1990, 5, 22), None),
    ("cow", 679, "iso3", D(1990, 5, 21), None),
    ("cow", 679, "iso3", D(1990, 5, 22), "YEM"),
    ("cow", 679, "code", D(1995, 1, 1), "YEM"),
    ("cow", 679, "gw", D(1995, 1, 1), 678),  # GW codes unified Yemen 678
    ("cow", 680, "iso3", D(1967, 11, 29), None),
    ("cow", 680, "iso3", D(1967, 11, 30), "YMD"),
    ("cow", 680, "iso2", D(1980, 1, 1), "YD"),
    ("cow", 680, "gw", D(1980, 1, 1), 680),
    ("cow", 680, "iso3", D(1990, 5, 22), None),
    ("iso2", "YD", "cow", D(1980, 1, 1), 680),
    ("iso3", "YEM", "cow", D(1980, 1, 1), 678),
    ("iso3", "YEM", "cow", D(1995, 1, 1), 679),
    ("gw", 678, "cow", D(1980, 1, 1), 678),
    ("gw", 678, "cow", D(1995, 1, 1), 679),
    ("gw", 680, "cow", D(1995, 1, 1), None),
    ("code", "YAR", "cow", D(1980, 1, 1), 678),
    ("code", "YMD", "cow", D(1980, 1, 1), 680),
    # Yugoslavia / Serbia and Montenegro / Serbia: COW 345 throughout
    ("cow", 345, "iso3", D(1980, 1, 1), "YUG"),
    ("cow", 345, "code", D(1980, 1, 1), "YUG"),
    ("cow", 345, "gw", D(1980, 1, 1), 345),
    ("cow", 345, "code", D(1992, 4, 27), "SCG"),
    ("cow", 345, "iso2", D(1995, 1, 1), "YU"),  # ISO kept YU for the FRY until 2003-07-23
    ("cow", 345, "iso3", D(2003, 7, 23), "SCG"),
    ("cow", 345, "iso2", D(2005, 1, 1), "CS"),
    ("cow", 345, "gw", D(2006, 6, 4), 345),
    ("cow", 345, "gw", D(2006, 6, 5), 340),  # GW codes Serbia 340 after 2006
    ("cow", 345, "iso3", D(2010, 1, 1), "SRB"),
    ("cow", 345, "iso2", D(2010, 1, 1), "RS"),
    ("cow", 345, "code", D(2010, 1, 1), "SRB"),
    ("cow", 345, "iso3", D(1942, 1, 1), None),  # COW: occupied 1941-04-20 to 1944-10-20
    ("gw", 340, "cow", D(2010, 1, 1), 345),
    ("gw", 345, "cow", D(2010, 1, 1), None),
    ("gw", 345, "cow", D(2000, 1, 1), 345),
    ("gw", 340, "cow", D(1900, 1, 1), 345),  # Kingdom of Serbia
    ("cow", 341, "iso3", D(2010, 1, 1), "MNE"),
    ("iso3", "SRB", "cow", D(2010, 1, 1), 345),
    ("iso3", "SCG", "cow", D(2005, 1, 1), 345),
    ("code", "SCG", "cow", D(1995, 1, 1), 345),
    # Czechoslovakia
    ("cow", 315, "iso3", D(1992, 12, 31), "CSK"),
    ("cow", 315, "iso2", D(1980, 1, 1), "CS"),
    ("cow", 315, "iso3", D(1993, 1, 1), None),
    ("cow", 315, "iso3", D(1940, 1, 1), None),  # COW gap 1939-03-15 to 1945-05-10
    ("cow", 316, "iso3", D(1992, 12, 31), None),
    ("cow", 316, "iso3", D(1993, 1, 1), "CZE"),
    ("cow", 317, "iso3", D(1993, 1, 1), "SVK"),
    ("cow", 317, "gw", D(1993, 1, 1), 317),
    ("iso2", "CS", "cow", D(1980, 1, 1), 315),
    ("iso2", "CS", "cow", D(1995, 1, 1), None),
    ("iso2", "CS", "cow", D(2005, 1, 1), 345),
    # Vietnam
    ("cow", 816, "iso3", D(1970, 1, 1), "VNM"),
    ("cow", 816, "gw", D(1970, 1, 1), 816),
    ("cow", 816, "iso3", D(2000, 1, 1), "VNM"),
    ("cow", 817, "iso3", D(1970, 1, 1), None),
    ("cow", 817, "code", D(1970, 1, 1), "RVN"),
    ("cow", 817, "gw", D(1970, 1, 1), 817),
    ("cow", 817, "code", D(1975, 5, 1), None),
    ("gw", 817, "cow", D(1970, 1, 1), 817),
    ("code", "RVN", "cow", D(1970, 1, 1), 817),
    # China and Taiwan
    ("cow", 713, "iso3", D(1960, 1, 1), "TWN"),
    ("cow", 713, "iso2", D(1960, 1, 1), "TW"),
    ("cow", 713, "gw", D(1960, 1, 1), 713),
    ("cow", 713, "iso3", D(1949, 12, 7), None),
    ("iso2", "TW", "cow", D(1948, 1, 1), None),
    ("cow", 710, "iso3", D(1948, 1, 1), "CHN"),
    # China's seat (collsec CHN) is the ROC's until 1971-10-25; the People's Republic PRC
    ("cow", 710, "code", D(1948, 1, 1), "CHN"),
    ("cow", 710, "code", D(1960, 1, 1), "PRC"),
    ("cow", 710, "code", D(1972, 1, 1), "CHN"),
    ("cow", 713, "code", D(1960, 1, 1), "CHN"),
    ("cow", 713, "code", D(1972, 1, 1), "TWN"),
    ("code", "CHN", "cow", D(1960, 1, 1), 713),
    ("code", "PRC", "cow", D(1960, 1, 1), 710),
    # Kosovo, South Sudan
    ("cow", 347, "iso3", D(2010, 1, 1), None),
    ("cow", 347, "gw", D(2010, 1, 1), 347),
    ("cow", 347, "gw", D(2008, 2, 19), None),
    ("gw", 347, "cow", D(2010, 1, 1), 347),
    ("cow", 626, "iso3", D(2011, 7, 8), None),
    ("cow", 626, "iso3", D(2011, 7, 9), "SSD"),
    ("cow", 626, "iso2", D(2012, 1, 1), "SS"),
    ("cow", 626, "gw", D(2012, 1, 1), 626),
    # Pacific microstates, where GW and COW numbers differ (and 970 means two states)
    ("cow", 946, "gw", D(2005, 1, 1), 970),
    ("cow", 970, "gw", D(2005, 1, 1), 971),
    ("cow", 955, "gw", D(2005, 1, 1), 972),
    ("cow", 947, "gw", D(2005, 1, 1), 973),
    ("gw", 970, "cow", D(2005, 1, 1), 946),
    ("gw", 971, "cow", D(2005, 1, 1), 970),
    ("cow", 970, "iso3", D(2005, 1, 1), "NRU"),
    ("cow", 946, "iso3", D(2005, 1, 1), "KIR"),
    # Tanganyika, Zanzibar, Tanzania
    ("cow", 510, "code", D(1963, 1, 1), "TGK"),
    ("cow", 510, "code", D(1964, 4, 26), "TZA"),
    ("cow", 510, "iso3", D(1963, 1, 1), "TZA"),
    ("cow", 511, "code", D(1964, 1, 1), "ZAN"),
    ("cow", 511, "iso3", D(1964, 1, 1), None),
    # Namibia's ISO2 is the string NA; spells open after COW v2016's last day
    ("iso2", "NA", "cow", D(2000, 1, 1), 565),
    ("cow", 2, "iso3", D(2024, 6, 1), "USA"),
    ("cow", 2, "name", D(2024, 6, 1), "United States of America"),
    ("cow_abb", "GFR", "cow", D(1980, 1, 1), 260),
]


@pytest.mark.parametrize(("kind_from", "value", "kind_to", "on", "expected"), HARD_CASES)
def test_hard_cases(kind_from, value, kind_to, on, expected):
    assert code_on(kind_from, value, kind_to, on) == expected


def test_named_functions():
    assert cow_to_iso3(365, D(1980, 1, 1)) == "SUN"
    assert iso3_to_cow("RUS", D(2000, 1, 1)) == 365
    assert iso2_to_cow(" su ", "1960-01-01") == 365
    assert cow_to_gw("255", D(2000, 1, 1)) == 260
    assert gw_to_cow(973, dt.datetime(2005, 1, 1, 12)) == 947


def test_unknown_and_out_of_spell():
    assert cow_to_iso3(999, D(2000, 1, 1)) is None
    assert cow_to_iso3(265, D(1950, 1, 1)) is None
    with pytest.raises(InputError) as err:
        cow_to_iso3(265, D(1950, 1, 1), strict=True)
    msg = str(err.value)
    assert "\n" not in msg and "265" in msg and "1950-01-01" in msg
    with pytest.raises(InputError, match=r"XX.*2000-01-01"):
        iso2_to_cow("XX", D(2000, 1, 1), strict=True)
    with pytest.raises(InputError, match=r"347.*no ISO3.*2010-01-01"):
        cow_to_iso3(347, D(2010, 1, 1), strict=True)
    with pytest.raises(InputError, match="kind"):
        code_on("fips", "US", "cow", D(2000, 1, 1))
    with pytest.raises(InputError, match="number"):
        cow_to_gw("abc", D(2000, 1, 1))
    with pytest.raises(InputError, match="ISO date"):
        cow_to_gw(2, "yesterday")


# ------------------------------------------------------------------------ table properties


def test_table_types():
    df = crosswalk()
    assert list(df.columns) == [
        "cow",
        "cow_abb",
        "iso3",
        "iso2",
        "gw",
        "name",
        "start",
        "end",
        "code",
        "note",
        "source",
    ]
    assert df["cow"].dtype == "int64"
    assert str(df["gw"].dtype) == "Int64"
    assert pd.api.types.is_datetime64_any_dtype(df["start"])
    assert pd.api.types.is_datetime64_any_dtype(df["end"])
    assert df["start"].notna().all()
    assert (df["end"].isna() | (df["end"] >= df["start"])).all()
    assert df.loc[df.cow == 565, "iso2"].tolist() == ["NA"]  # Namibia, not missing
    df.loc[0, "name"] = "changed"
    assert crosswalk().loc[0, "name"] != "changed"  # a fresh copy each call


def test_sources_are_documented():
    docs = (ROOT / "docs" / "codes.md").read_text(encoding="utf-8")
    for row in crosswalk_rows():
        keys = [k.strip() for k in row.source.split(";")]
        assert keys and all(k in cw.SOURCES for k in keys), row
    for key in cw.SOURCES:
        assert key in docs


def test_codes_never_overlap():
    """No code designates two states on the same day, whatever its kind."""
    rows = crosswalk_rows()
    for kind in ("cow_abb", "iso3", "iso2", "gw", "code"):
        by_value: dict[object, list] = {}
        for r in rows:
            value = getattr(r, kind)
            if value is not None:
                by_value.setdefault(value, []).append(r)
        for value, rs in by_value.items():
            rs = sorted(rs, key=lambda r: r.start)
            for a, b in itertools.pairwise(rs):
                assert a.end is not None and a.end < b.start, (kind, value, a, b)
    per_cow: dict[int, list] = {}
    for r in rows:
        per_cow.setdefault(r.cow, []).append(r)
    for cow, rs in per_cow.items():
        for a, b in itertools.pairwise(rs):
            assert a.end is not None and a.end < b.start, (cow, a, b)


def _probe_dates(row) -> list[dt.date]:
    end = row.end or D(2030, 1, 1)
    mid = row.start + (end - row.start) // 2
    return [row.start, mid, end]


def test_round_trips():
    n = 0
    for row in crosswalk_rows():
        for on in _probe_dates(row):
            assert code_on("cow", row.cow, "cow_abb", on) == row.cow_abb
            for kind in ("iso3", "iso2", "gw", "code"):
                value = getattr(row, kind)
                assert code_on("cow", row.cow, kind, on) == value
                if value is not None:
                    assert code_on(kind, value, "cow", on) == row.cow, (kind, value, on)
                    n += 1
    assert n > 1500


def test_agrees_with_member_codes():
    """Where codes.csv and the crosswalk both give a COW state a member code, they agree."""
    rows = crosswalk_rows()
    member_codes = {c.code for c in code_table()}
    for r in rows:
        assert r.code is None or r.code in member_codes, r
    checked = 0
    for c in code_table():
        if c.cow is None:
            continue
        for r in rows:
            if r.cow != c.cow:
                continue
            lo = max(r.start, c.start or dt.date.min)
            hi = min(r.end or dt.date.max, (c.end - dt.timedelta(days=1)) if c.end else dt.date.max)
            if lo <= hi:
                assert r.code == c.code, (c, r)
                checked += 1
    assert checked > 190
    # and through codes.py itself, at every row's first and last day
    for r in rows:
        for on in (r.start, r.end or D(2025, 1, 1)):
            try:
                expected = resolve_member(f"cow:{r.cow}", on)
            except InputError:
                continue
            assert r.code == expected, (r, on)


def test_hard_case_codes_present():
    codes = {r.code for r in crosswalk_rows()}
    for code in (
        "SUN",
        "YUG",
        "SCG",
        "CSK",
        "DDR",
        "YAR",
        "YMD",
        "RVN",
        "TGK",
        "ZAN",
        "CHN",
        "PRC",
    ):
        assert code in codes


def test_docstring_examples_run():
    failures, attempted = doctest.testmod(importlib.import_module("collsec.codes.crosswalk"))
    assert attempted > 0 and failures == 0


# ------------------------------------------------------------------------------ with data


@pytest.mark.data
def test_covers_cow_spells_exactly():
    states = pd.read_csv(data_dir() / "cow/states.csv")
    rows = crosswalk_rows()
    for s in states.itertuples():
        start = D(s.styear, s.stmonth, s.stday)
        end = D(s.endyear, s.endmonth, s.endday)
        pieces = sorted(
            (r for r in rows if r.cow == s.ccode and start <= r.start <= end),
            key=lambda r: r.start,
        )
        assert pieces and pieces[0].start == start, s
        for a, b in itertools.pairwise(pieces):
            assert a.end + dt.timedelta(days=1) == b.start
        assert {p.cow_abb for p in pieces} == {s.stateabb}
        last = pieces[-1].end
        assert last == (None if end == D(2016, 12, 31) else end), s
    assert len({r.cow for r in rows}) == states.ccode.nunique()


@pytest.mark.data
def test_build_reproduces_shipped_table(tmp_path):
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        build = importlib.import_module("build_crosswalk")
    finally:
        sys.path.remove(str(ROOT / "tools"))
    out = tmp_path / "crosswalk.csv"
    build.main(data_dir(), out)
    shipped = ROOT / "src/collsec/codes/crosswalk.csv"
    assert out.read_text(encoding="utf-8") == shipped.read_text(encoding="utf-8")


@pytest.mark.data
def test_crosswalk_check_on_mirror():
    report = crosswalk_check()
    assert report["unexplained"] == []
    assert report["checked"]["ideal_points"] == 11440
    assert report["checked"]["unga_votes"] > 10000
    assert report["rows"]["unga_votes"] == 870109
    unmapped = report["unmapped"]
    assert all(u["explained"] for u in unmapped)
    assert {"source", "code", "year", "reason"} <= set(unmapped[0])
    keys = {(u["source"], u["code"], u["year"]) for u in unmapped}
    # states in the UN before COW counts them, labels with another state's code
    assert ("unga_votes", "BY", 1950) in keys
    assert ("ideal_points", "369/UKR", 1950) in keys
    assert ("unga_votes", "IN", 1946) in keys
    assert ("unga_votes", "RU", 1980) in keys
    assert ("unga_votes", "RU", 1995) not in keys
    assert ("ideal_points", "680/YAR", 1980) in keys
    assert ("unga_votes", "TW", 1948) in keys
    assert ("unga_votes", "TW", 1950) not in keys
    assert ("ideal_points", "452/", 1956) in keys  # session year
    assert ("unga_votes", "YD", 1980) not in keys
    assert ("unga_votes", "CS", 1980) not in keys
    assert report["rules"]["cow_v2016_extension"]["items"] > 1000
    assert report["rules"]["session_year"]["items"] == 4
    # the explanations table has no dead entries
    used = {(u["source"], u["code"], u["name"] if u["code"] == "" else None) for u in unmapped}
    for e in EXPLAINED:
        assert (e.source, e.code, e.name) in used, e


def _write_mirror(root: Path, votes: list[tuple], calls: list[tuple], ideal: list[tuple]) -> None:
    (root / "cow").mkdir()
    (root / "unga").mkdir()
    header = [
        "stateabb",
        "ccode",
        "statenme",
        "styear",
        "stmonth",
        "stday",
        "endyear",
        "endmonth",
        "endday",
        "version",
    ]
    with open(root / "cow/states.csv", "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerow(["USA", 2, "United States of America", 1816, 1, 1, 2016, 12, 31, 2016])
        w.writerow(["RUS", 365, "Russia", 1816, 1, 1, 2016, 12, 31, 2016])
        w.writerow(["GDR", 265, "German Democratic Republic", 1954, 3, 25, 1990, 10, 2, 2016])
    with gzip.open(root / "unga/votes.csv.gz", "wt", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["rcid", "country", "country_code", "vote"])
        w.writerows(votes)
    with open(root / "unga/roll_calls.csv", "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["rcid", "session", "importantvote", "date", "unres", "amend", "para"])
        w.writerows(calls)
    with open(root / "unga/ideal_points.csv", "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["ccode", "iso3c", "countryname", "year"])
        w.writerows(ideal)


def test_crosswalk_check_reports_unexplained(tmp_path, monkeypatch):
    monkeypatch.setenv("COLLSEC_CACHE_DIR", str(tmp_path / "cache"))
    _write_mirror(
        tmp_path,
        votes=[
            (1, "United States", "US", "yes"),
            (1, "Russia", "RU", "no"),  # the USSR labelled RU: explained
            (1, "Atlantis", "XX", "yes"),  # unknown code
            (2, "United States", "US", "yes"),  # 2019: COW v2016 extension
            (2, "German Democratic Republic", "DD", "no"),  # DD after 1990
        ],
        calls=[(1, 35, 0, "1980-10-01", "", 0, 0), (2, 74, 0, "2019-10-01", "", 0, 0)],
        ideal=[
            (2, "USA", "United States", 1980),
            (365, "SUN", "USSR", 1980),
            (265, "DDR", "x", 1995),
        ],
    )
    report = crosswalk_check(tmp_path)
    assert report["checked"] == {"unga_votes": 5, "ideal_points": 3}
    unexplained = {(u["source"], u["code"], u["year"]) for u in report["unexplained"]}
    assert unexplained == {
        ("unga_votes", "XX", 1980),
        ("unga_votes", "DD", 2019),
        ("ideal_points", "265/DDR", 1995),
    }
    explained = [u for u in report["unmapped"] if u["explained"]]
    assert [(u["code"], u["year"], u["cow"]) for u in explained] == [("RU", 1980, 365)]
    assert report["rules"]["cow_v2016_extension"]["items"] == 1
    reasons = {u["code"]: u["reason"] for u in report["unexplained"]}
    assert "XX" in reasons["XX"] and "1980" in reasons["XX"]


@pytest.mark.data
def test_ucdp_gw_codes_map():
    """Every GW code in the UCDP/PRIO conflict data maps to a COW state in its year.

    Known exceptions: states GW counts when COW does not (Hyderabad, GW 751,
    1947-1948; Oman, GW 698 from 1816, COW from 1971-10-07), and UCDP keeps GW 345
    for Serbia after 2006, where GW itself uses 340.
    """
    ucdp = pd.read_csv(data_dir() / "ucdp/armed_conflict.csv", dtype=str, keep_default_na=False)
    pairs = set()
    for col in ("gwno_a", "gwno_a_2nd", "gwno_b", "gwno_b_2nd"):
        for year, cell in zip(ucdp["year"], ucdp[col], strict=True):
            pairs |= {(int(t), int(year)) for t in cell.split(",") if t.strip()}
    rows = crosswalk_rows()
    unmapped = {
        (gw, year)
        for gw, year in pairs
        if not any(r.gw == gw and r.overlaps_year(year) for r in rows)
    }
    assert {gw for gw, _ in unmapped} == {751, 698, 345}
    assert {y for gw, y in unmapped if gw == 751} == {1947, 1948}
    assert max(y for gw, y in unmapped if gw == 698) < 1971
    assert min(y for gw, y in unmapped if gw == 345) >= 2007

"""Converters from the official releases to the mirror layout (collsec.data.convert).

Each converter gets a small file in the official layout (column names as published)
and must produce exactly the mirror's header and the right rows. Tests marked ``data``
also rebuild official-layout files from the mirror's own rows and check that
converting them gives the mirror back; the end-to-end tests fetch official-layout files
from a local HTTP server through ``collsec.data.fetch`` and read them with the loaders.
"""

from __future__ import annotations

import csv
import dataclasses
import gzip
import io
import json
import os
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from collsec.data import convert as converting
from collsec.data import fetch as fetching
from collsec.data import registry
from collsec.errors import InputError
from test_fetch import Route, Server, snapshot, use

MIRROR = Path(os.environ.get("COLLSEC_DATA_DIR", "/nonexistent"))

#: converter -> (dataset, registry path) it writes
TARGETS = {
    "cow_majors": ("cow_majors", "cow/majors.csv"),
    "cow_nmc": ("cow_nmc", "cow/nmc.csv"),
    "cow_mid": ("cow_mid", "cow/mid_disputes.csv"),
    "atop": ("atop", "atop/dyad_year.csv.gz"),
    "cow_contiguity": ("cow_contiguity", "cow/contiguity.csv"),
    "cow_igo": ("cow_igo", "cow/igo_state_year.csv"),
    "ucdp_acd": ("ucdp_acd", "ucdp/armed_conflict.csv"),
    "cow_wars": ("cow_wars", "cow/war_inter.csv"),
}

MAJORS_HEAD = "stateabb,ccode,styear,stmonth,stday,endyear,endmonth,endday,version"
NMC_HEAD = "stateabb,ccode,year,milex,milper,irst,pec,tpop,upop,cinc,version"
MIDA_HEAD = (
    "dispnum,stday,stmon,styear,endday,endmon,endyear,outcome,settle,fatality,fatalpre,"
    "maxdur,mindur,hiact,hostlev,recip,numa,numb,ongo2014,version"
)
ATOP_HEAD = (
    "stateA,stateB,year,atopally,defense,offense,neutral,nonagg,consul,shareob,bilatno,multino"
)
CONTDIR_HEAD = "dyad,statelno,statelab,statehno,statehab,conttype,begin,end,notes,version"
STATES_HEAD = "stateabb,ccode,statenme,styear,stmonth,stday,endyear,endmonth,endday,version"
UCDP_HEAD = (
    "conflict_id,location,side_a,side_a_id,side_a_2nd,side_b,side_b_id,side_b_2nd,"
    "incompatibility,territory_name,year,intensity_level,cumulative_intensity,"
    "type_of_conflict,start_date,start_prec,start_date2,start_prec2,ep_end,ep_end_date,"
    "ep_end_prec,gwno_a,gwno_a_2nd,gwno_b,gwno_b_2nd,gwno_loc,region,version"
)
WAR_HEAD = (
    "WarNum,WarName,WarType,ccode,StateName,Side,StartMonth1,StartDay1,StartYear1,"
    "EndMonth1,EndDay1,EndYear1,StartMonth2,StartDay2,StartYear2,EndMonth2,EndDay2,EndYear2,"
    "TransFrom,WhereFought,Initiator,Outcome,TransTo,BatDeath,Version"
)


def run(name: str, tmp_path: Path, text: str, needs: dict[str, Path] | None = None) -> list[str]:
    """Convert ``text`` (official layout, CRLF as COW writes it) and return the output lines."""
    src = tmp_path / f"{name}.official.csv"
    src.write_bytes(text.replace("\n", "\r\n").encode("latin-1"))
    out = tmp_path / f"{name}.csv"
    converting.convert(name, src, out, needs)
    data = out.read_bytes()
    assert b"\r" not in data and data.endswith(b"\n")
    return data.decode("utf-8").splitlines()


def header(name: str) -> str:
    dataset, path = TARGETS[name]
    return ",".join(registry.get_dataset(dataset).file(path).columns)


def test_every_converter_writes_its_registry_file_and_is_used_by_it() -> None:
    for name, conv in converting.CONVERTERS.items():
        dataset, path = TARGETS[name]
        f = registry.get_dataset(dataset).file(path)
        assert conv.header == f.columns, name
        assert f"convert:{name}" in f.fetch_format.split("|"), name
        fetching._steps(f.fetch_format)
    with pytest.raises(fetching._Problem, match="unknown converter"):
        fetching._steps("zip:x.csv|convert:nope")


# --------------------------------------------------------------------------- converters


def test_majors_drops_stateabb(tmp_path: Path) -> None:
    lines = run(
        "cow_majors",
        tmp_path,
        f"{MAJORS_HEAD}\nUSA,2,1898,8,13,2016,12,31,2016\nUKG,200,1816,1,1,2016,12,31,2016\n",
    )
    assert lines == [
        header("cow_majors"),
        "2,1898,8,13,2016,12,31,2016",
        "200,1816,1,1,2016,12,31,2016",
    ]


def test_nmc_drops_columns_blanks_minus_nine_and_writes_floats_as_the_mirror(
    tmp_path: Path,
) -> None:
    lines = run(
        "cow_nmc",
        tmp_path,
        f"{NMC_HEAD}\n"
        "USA,2,1816,3823,17,80,254,8659,101,.039697491,7\n"
        "RVN,95,1903,-9,-9,-9,-9,450,0,0.00020071527,7\n"
        "ITA,600,1912,-9,1,0,-9,4517.6,173.6444444,4.7880199E-05,7\n",
    )
    assert lines == [
        header("cow_nmc"),
        "2,1816,3823,17,80,254,8659.0,101.0,0.039697491",
        "95,1903,,,,,450.0,0.0,0.00020071527",
        "600,1912,,1,0,,4517.6,173.6444444,4.7880199e-05",
    ]


def test_mid_keeps_the_mirror_columns_and_minus_nine(tmp_path: Path) -> None:
    lines = run(
        "cow_mid",
        tmp_path,
        f"{MIDA_HEAD}\n2,-9,7,1902,24,1,1903,6,1,0,0,208,178,7,3,0,1,1,0,5\n"
        "3,-9,5,1913,-9,11,1913,4,3,-9,0,177,177,8,3,0,1,1,0,5\n",
    )
    assert lines == [
        header("cow_mid"),
        "2,1902,7,6,1,0,178,208,7,3,0",
        "3,1913,5,4,3,-9,177,177,8,3,0",
    ]


def test_atop_renames_states_and_obligations(tmp_path: Path) -> None:
    lines = run(
        "atop",
        tmp_path,
        f"{ATOP_HEAD}\n2,20,1942,1,1,1,0,0,0,1,0,1\n20,2,1942,1,1,0,0,1,0,1,0,1\n",
    )
    assert lines == [header("atop"), "2,20,1942,1,1,0,0,0", "20,2,1942,1,0,0,1,0"]


STATES = (
    f"{STATES_HEAD}\n"
    "USA,2,United States of America,1816,1,1,2016,12,31,2016\n"
    "CAN,20,Canada,1920,1,10,2016,12,31,2016\n"
    "MEX,70,Mexico,1831,1,1,2016,12,31,2016\n"
    "PAN,95,Panama,1903,11,3,2016,12,31,2016\n"
)


def test_contiguity_directs_dates_and_adds_no_contiguity_spells(tmp_path: Path) -> None:
    states = tmp_path / "states.csv"
    states.write_text(STATES)
    lines = run(
        "cow_contiguity",
        tmp_path,
        f'{CONTDIR_HEAD}\n2020,2,"USA",20,"CAN",1,192001,201612,"",3.2\n'
        '2070,2,"USA",70,"MEX",1,183101,201612,"",3.2\n'
        '2095,2,"USA",95,"PAN",4,190402,191912,"",3.2\n'
        '2095,2,"USA",95,"PAN",1,192001,197910,"",3.2\n',
        {"cow/states.csv": states},
    )
    assert lines == [
        header("cow_contiguity"),
        "2,20,1,1920-01-01,2016-12-01",
        "2,70,1,1831-01-01,2016-12-01",
        # Panama joined in Nov 1903; no contiguity until Feb 1904, none again after 1979
        "2,95,0,1903-11-01,2016-12-01",
        "2,95,4,1904-02-01,1919-12-01",
        "2,95,1,1920-01-01,1979-10-01",
        "20,2,1,1920-01-01,2016-12-01",
        "70,2,1,1831-01-01,2016-12-01",
        "95,2,0,1903-11-01,2016-12-01",
        "95,2,4,1904-02-01,1919-12-01",
        "95,2,1,1920-01-01,1979-10-01",
    ]
    with pytest.raises(converting.ConvertError, match=r"needs cow/states.csv \(cow_states\)"):
        run("cow_contiguity", tmp_path, f"{CONTDIR_HEAD}\n")


def test_igo_counts_memberships_per_state_year(tmp_path: Path) -> None:
    lines = run(
        "cow_igo",
        tmp_path,
        "ccode,year,state,AAAID,ACCT,ADB,AfDB,UN\n"
        "20,1950,CAN,-1,0,1,2,1\n"
        "2,1950,USA,3,-9,1,2,1\n"
        "2,1816,USA,-1,-1,-1,-1,-1\n",
    )
    assert lines == [
        header("cow_igo"),
        "2,1816,0,0,0,0",
        "2,1950,2,1,1,4",
        "20,1950,2,1,0,3",
    ]


def test_ucdp_spreads_lists_over_rows_and_labels_codes(tmp_path: Path) -> None:
    row = (
        '{cid},"{loc}","A","1","","B","2","",{inc},"",{year},1,1,{typ},1967-06-05,1,'
        "{sd2},1,{ep},{epd},,{a},{a2},{b},{b2},{loc_gw},4,25.1\n"
    )
    text = UCDP_HEAD + "\n"
    text += row.format(
        cid=16099, loc="x", inc=1, year=2024, typ=2, sd2="2024-02-03", ep=0, epd="",
        a='"200, 2"', a2='"20, 210"', b=678, b2="", loc_gw=678,
    )  # fmt: skip
    text += row.format(
        cid=11343, loc="y", inc=3, year=1969, typ=4, sd2="1969-03-06", ep=1, epd="1969-12-31",
        a=651, a2="", b="", b2="", loc_gw=651,
    )  # fmt: skip
    text += row.format(
        cid=11343, loc="y", inc=2, year=1967, typ=3, sd2="1967-06-05", ep=0, epd="",
        a=651, a2="", b="", b2="", loc_gw=651,
    )  # fmt: skip
    lines = run("ucdp_acd", tmp_path, text)
    tail = "territory,1,interstate,1967-06-05,1,2024-02-03,1,0,"
    assert lines == [
        header("ucdp_acd"),
        "11343,1967,651,,,,government,1,intrastate,1967-06-05,1,1967-06-05,1,0,",
        "11343,1969,651,,,,both,1,II,1967-06-05,1,1969-03-06,1,1,1969-12-31",
        f"16099,2024,200,20,678,,{tail}",
        f"16099,2024,200,210,678,,{tail}",
        f"16099,2024,2,20,678,,{tail}",
        f"16099,2024,2,210,678,,{tail}",
    ]
    with pytest.raises(converting.ConvertError, match="type_of_conflict = '5': not a UCDP code"):
        run("ucdp_acd", tmp_path, text.replace(",1,1,2,1967", ",1,1,5,1967"))


WARS = (
    f"{WAR_HEAD}\n"
    "1,Franco-Spanish,1,220,France,1,4,7,1823,11,13,1823,-8,-8,-8,-8,-8,-8,-8,2,1,1,-8,400,4\n"
    "1,Franco-Spanish,1,230,España,2,4,7,1823,11,13,1823,-8,-8,-8,-8,-8,-8,-8,2,2,2,-8,600,4\n"
    "10,Austro-Sardinian,1,300,Austria-Hungary,1,3,24,1848,8,9,1848,3,20,1849,3,23,1849,"
    "-8,2,2,1,-8,3927,4\n"
    "10,Austro-Sardinian,1,325,Italy,2,3,24,1848,8,9,1848,3,20,1849,3,23,1849,"
    "-8,2,1,2,-8,3400,4\n"
    "10,Austro-Sardinian,1,332,Modena,2,3,24,1848,8,9,1848,-8,-8,-8,-8,-8,-8,-8,2,2,2,-8,100,4\n"
    "10,Austro-Sardinian,1,337,Tuscany,2,3,24,1848,8,9,1848,-8,-8,-8,-8,-8,-8,-8,2,2,2,-8,100,4\n"
)
WARS_EXPECTED = [
    "1,220,230,1823,1,1,1,2,1,0,1,2,400,600,0",
    "1,230,220,1823,1,1,2,1,0,1,2,1,600,400,0",
    "10,300,325,1848,1,1,1,2,0,1,1,2,3927,3400,0",
    "10,300,332,1848,1,1,1,2,0,0,1,2,3927,100,0",
    "10,300,337,1848,1,1,1,2,0,0,1,2,3927,100,0",
    "10,325,300,1848,1,1,2,1,1,0,2,1,3400,3927,0",
    "10,332,300,1848,1,1,2,1,0,0,2,1,100,3927,0",
    "10,337,300,1848,1,1,2,1,0,0,2,1,100,3927,0",
    "10,300,325,1849,1,1,1,2,0,1,,,3927,3400,1",
    "10,325,300,1849,1,1,2,1,1,0,,,3400,3927,1",
]


def test_wars_pair_opponents_by_year_with_resumed_combat_last(tmp_path: Path) -> None:
    # run() writes Latin-1, as COW publishes this file ("España")
    assert run("cow_wars", tmp_path, WARS) == [header("cow_wars"), *WARS_EXPECTED]


def test_wars_onset_only_in_a_dyads_first_year_and_only_overlapping_years(
    tmp_path: Path,
) -> None:
    lines = run(
        "cow_wars",
        tmp_path,
        f"{WAR_HEAD}\n"
        "7,Long,1,2,USA,1,12,1,1900,2,1,1903,-8,-8,-8,-8,-8,-8,-8,2,1,1,-8,10,4\n"
        "7,Long,1,20,CAN,2,1,1,1902,2,1,1903,-8,-8,-8,-8,-8,-8,-8,2,2,2,-8,-9,4\n"
        "7,Long,1,70,MEX,1,1,1,1901,12,31,1901,-8,-8,-8,-8,-8,-8,-8,2,2,1,-8,5,4\n",
    )
    assert lines[1:] == [
        "7,2,20,1902,1,1,1,2,1,0,1,2,10,-9,0",
        "7,2,20,1903,1,0,1,2,1,0,1,2,10,-9,0",
        "7,20,2,1902,1,1,2,1,0,1,2,1,-9,10,0",
        "7,20,2,1903,1,0,2,1,0,1,2,1,-9,10,0",
    ]


def test_missing_column_and_bad_values_are_one_line_errors(tmp_path: Path) -> None:
    with pytest.raises(converting.ConvertError) as err:
        run(
            "atop",
            tmp_path,
            "stateA,year,defense,offense,neutral,nonagg,consul\n2,1942,1,1,0,0,0\n",
        )
    msg = str(err.value)
    assert msg == "atop5_1ddyr.csv: missing column(s) stateB (not the official layout)"
    with pytest.raises(converting.ConvertError, match=r"row 2, milex = 'x': not a number"):
        run("cow_nmc", tmp_path, f"{NMC_HEAD}\nUSA,2,1816,x,17,80,254,8659,101,.03,7\n")
    with pytest.raises(converting.ConvertError, match="not a date"):
        run(
            "cow_wars", tmp_path, WARS.replace(",4,7,1823,11,13,1823,", ",4,31,1823,11,13,1823,", 1)
        )
    with pytest.raises(converting.ConvertError, match="unknown converter"):
        run("nope", tmp_path, "a\n")


# --------------------------------------------------------------------------- the mirror's own rows


def read_rows(path: Path) -> list[list[str]]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8", newline="") as f:
        return list(csv.reader(f))


def mirror_text(path: Path) -> str:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8", newline="") as f:
        return f.read()


def write_rows(path: Path, rows: list[list[str]]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\r\n").writerows(rows)
    return path


def converted(
    name: str, tmp_path: Path, rows: list[list[str]], needs: dict[str, Path] | None = None
) -> str:
    src = write_rows(tmp_path / f"{name}.official.csv", rows)
    out = tmp_path / f"{name}.csv"
    converting.convert(name, src, out, needs)
    return out.read_text(encoding="utf-8")


def nmc_official(rows: list[list[str]]) -> list[list[str]]:
    """The mirror's NMC rows in the official layout (stateabb, version, -9, integers)."""

    def official(v: str) -> str:
        return "-9" if v == "" else v.removesuffix(".0")

    return [["stateabb", *rows[0], "version"]] + [
        ["XXX", *(official(v) for v in r), "7"] for r in rows[1:]
    ]


@pytest.mark.data
def test_official_layouts_rebuilt_from_the_mirror_convert_back_to_it(tmp_path: Path) -> None:
    m = read_rows(MIRROR / "cow/majors.csv")
    out = converted("cow_majors", tmp_path, [["stateabb", *m[0]]] + [["X", *r] for r in m[1:]])
    assert out == mirror_text(MIRROR / "cow/majors.csv")

    m = read_rows(MIRROR / "cow/nmc.csv")
    assert converted("cow_nmc", tmp_path, nmc_official(m)) == mirror_text(MIRROR / "cow/nmc.csv")

    m = read_rows(MIRROR / "cow/mid_disputes.csv")
    out = converted(
        "cow_mid", tmp_path, [[*m[0], "numa", "version"]] + [[*r, "1", "5"] for r in m[1:]]
    )
    assert out == mirror_text(MIRROR / "cow/mid_disputes.csv")

    m = read_rows(MIRROR / "atop/dyad_year.csv.gz")
    head = ATOP_HEAD.split(",")
    out = converted(
        "atop", tmp_path, [head] + [[*r[:3], "1", *r[3:], "0", "0", "0"] for r in m[1:]]
    )
    assert out == mirror_text(MIRROR / "atop/dyad_year.csv.gz")


@pytest.mark.data
def test_contiguity_rebuilt_from_its_non_directed_form(tmp_path: Path) -> None:
    """Keep one direction of the mirror's contiguity spells, as contdir.csv has them, and
    convert: both directions and every conttype 0 spell (from cow/states.csv) come back."""
    m = read_rows(MIRROR / "cow/contiguity.csv")
    rows = [CONTDIR_HEAD.split(",")]
    for a, b, kind, start, end in m[1:]:
        if kind != "0" and int(a) < int(b):
            ym = (start[:4] + start[5:7], end[:4] + end[5:7])
            rows.append([a + b, a, "A", b, "B", kind, *ym, "", "3.2"])
    out = converted("cow_contiguity", tmp_path, rows, {"cow/states.csv": MIRROR / "cow/states.csv"})
    assert out == mirror_text(MIRROR / "cow/contiguity.csv")
    lines = out.splitlines()
    for dyad in ("2,20,1,1920-01-01,2016-12-01", "2,365,0,1816-01-01,1958-12-01",
                 "93,95,0,1903-11-01,1919-12-01", "100,135,0,1839-01-01,1916-06-01"):  # fmt: skip
        assert dyad in lines


@pytest.mark.data
def test_ucdp_rebuilt_from_the_mirror_in_any_row_order(tmp_path: Path) -> None:
    m = read_rows(MIRROR / "ucdp/armed_conflict.csv")
    head = m[0]
    codes = {
        "incompatibility": {"territory": "1", "government": "2", "both": "3"},
        "type_of_conflict": {"extrasystemic": "1", "interstate": "2", "intrastate": "3", "II": "4"},
    }
    groups: dict[tuple[str, str], list[dict[str, str]]] = {}
    for r in m[1:]:
        d = dict(zip(head, r, strict=True))
        groups.setdefault((d["conflict_id"], d["year"]), []).append(d)
    official = UCDP_HEAD.split(",")
    rows = [official]
    for key in sorted(groups, key=lambda k: (int(k[0]), -int(k[1]))):  # another order
        g = groups[key]
        d = dict(g[0])
        for c in ("gwno_a", "gwno_a_2nd", "gwno_b", "gwno_b_2nd"):
            d[c] = ", ".join(dict.fromkeys(x[c] for x in g if x[c]))
        for c, table in codes.items():
            d[c] = table[d[c]]
        rows.append([d.get(c, "x") for c in official])
    out = converted("ucdp_acd", tmp_path, rows)
    assert out == mirror_text(MIRROR / "ucdp/armed_conflict.csv")


@pytest.mark.data
def test_wars_match_the_mirror_rows_of_the_same_wars(tmp_path: Path) -> None:
    m = read_rows(MIRROR / "cow/war_inter.csv")
    rows = [",".join(r) for r in m[1:] if r[0] in ("1", "10")]
    assert rows == WARS_EXPECTED


# --------------------------------------------------------------------------- through fetch


def zipped(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


@pytest.fixture
def http() -> Iterator[Server]:
    srv = Server()
    srv.thread.start()
    try:
        yield srv
    finally:
        srv.httpd.shutdown()
        srv.httpd.server_close()
        srv.thread.join(timeout=5)


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty data directory and a cache under tmp_path."""
    data = tmp_path / "data"
    data.mkdir()
    monkeypatch.setenv(registry.DATA_ENV, str(data))
    monkeypatch.setenv(registry.CACHE_ENV, str(tmp_path / "cache"))
    monkeypatch.setattr(fetching, "TIMEOUT", 5.0)
    return tmp_path / "cache"


def served(
    monkeypatch: pytest.MonkeyPatch, srv: Server, routes: dict[str, tuple[str, str, bytes]]
) -> None:
    """Serve ``route -> (dataset, path, body)`` and point those registry files at it."""
    datasets = dict(registry.datasets())
    for route, (name, path, body) in routes.items():
        srv.routes[route] = Route(body)
        ds = datasets[name]
        files = tuple(
            dataclasses.replace(f, url=srv.url(route)) if f.path == path else f for f in ds.files
        )
        datasets[name] = dataclasses.replace(ds, files=files)
    use(monkeypatch, *datasets.values())


ATOP_OFFICIAL = f"{ATOP_HEAD}\n2,20,1942,1,1,1,0,0,0,1,0,1\n20,2,1942,1,1,0,0,1,0,1,0,1\n"
NMC_OFFICIAL = (
    f"{NMC_HEAD}\nUSA,2,1816,3823,17,80,254,8659,101,.039697491,7\n"
    "UKG,200,1816,-9,255,325,-9,19520,1862,.3,7\n"
)


def test_fetch_atop_and_nmc_end_to_end_into_the_loaders(
    http: Server, cache: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    from collsec.data.loaders import load_atop, load_nmc

    nested = zipped({"NMC-v7-abridged/NMC-60-abridged.csv": NMC_OFFICIAL.encode()})
    served(
        monkeypatch,
        http,
        {
            "/atop.zip": ("atop", "atop/dyad_year.csv.gz",
                          zipped({"ATOP 5.1/atop5_1ddyr.csv": ATOP_OFFICIAL.encode()})),
            "/NMCv7.zip": ("cow_nmc", "cow/nmc.csv", zipped({"NMCv7/NMC-v7-abridged.zip": nested})),
        },
    )  # fmt: skip
    [atop] = fetching.fetch("atop", progress=False)
    [nmc] = fetching.fetch("cow_nmc", progress=False)
    assert "recorded this download's SHA-256" in capsys.readouterr().err
    assert gzip.decompress(atop.read_bytes()).decode() == (
        f"{header('atop')}\n2,20,1942,1,1,0,0,0\n20,2,1942,1,0,0,1,0\n"
    )
    assert nmc.read_text() == (
        f"{header('cow_nmc')}\n2,1816,3823,17,80,254,8659.0,101.0,0.039697491\n"
        "200,1816,,255,325,,19520.0,1862.0,0.3\n"
    )
    ledger = json.loads((cache / "checksums.json").read_text())["files"]
    assert ledger["cow/nmc.csv"]["columns"] == header("cow_nmc").split(",")
    assert ledger["cow/nmc.csv"]["fetch_format"].endswith("|convert:cow_nmc")
    frame = load_atop()
    assert list(frame.columns[:8]) == header("atop").split(",") and len(frame) == 2
    nmc_frame = load_nmc()
    assert nmc_frame["milex"].isna().tolist() == [False, True]
    assert nmc_frame["tpop"].tolist() == [8659.0, 19520.0]
    checked = {
        f["path"]: f["status"]
        for d in fetching.verify(checks=[])["datasets"]
        for f in d["files"]
        if f["where"] == "cache"
    }
    assert checked == {"atop/dyad_year.csv.gz": "ok", "cow/nmc.csv": "ok"}
    # a second download must convert to the same bytes (checksum recorded on the first)
    fetching.fetch("cow_nmc", progress=False, force=True)
    assert http.hits["/NMCv7.zip"] == 2


@pytest.mark.data
def test_fetching_the_official_nmc_rebuilt_from_the_mirror_gives_the_mirror(
    http: Server, cache: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    rows = nmc_official(read_rows(MIRROR / "cow/nmc.csv"))
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    served(
        monkeypatch,
        http,
        {
            "/NMCv7.zip": (
                "cow_nmc",
                "cow/nmc.csv",
                zipped({"NMC-60-abridged.csv": buf.getvalue().encode()}),
            )
        },
    )
    [nmc] = fetching.fetch("cow_nmc", progress=False)
    assert fetching.sha256_file(nmc) == registry.get_dataset("cow_nmc").file().sha256
    assert "recorded" not in capsys.readouterr().err  # identical to the reference file


def test_fetch_contiguity_needs_cow_states_first(
    http: Server, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    contdir = f'{CONTDIR_HEAD}\n2020,2,"USA",20,"CAN",1,192001,201612,"",3.2\n'
    served(
        monkeypatch,
        http,
        {
            "/DirectContiguity320.zip": ("cow_contiguity", "cow/contiguity.csv",
                                         zipped({"DirectContiguity320/contdir.csv": contdir.encode()})),
            "/states2016.csv": ("cow_states", "cow/states.csv", STATES.encode()),
        },
    )  # fmt: skip
    with pytest.raises(InputError) as err:
        fetching.fetch("cow_contiguity", progress=False)
    msg = str(err.value)
    assert "\n" not in msg and msg.startswith("cow_contiguity: ")
    assert "needs cow/states.csv: run `collsec data fetch cow_states` first" in msg
    assert not (cache / "datasets").exists() or not any((cache / "datasets").rglob("*.csv"))
    fetching.fetch("cow_states", progress=False)
    [path] = fetching.fetch("cow_contiguity", progress=False)
    assert path.read_text().splitlines() == [
        header("cow_contiguity"),
        "2,20,1,1920-01-01,2016-12-01",
        "20,2,1,1920-01-01,2016-12-01",
    ]


def test_bad_official_file_is_a_one_line_error_and_leaves_the_cache_alone(
    http: Server, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    served(
        monkeypatch,
        http,
        {
            "/atop.zip": (
                "atop",
                "atop/dyad_year.csv.gz",
                zipped({"atop5_1ddyr.csv": ATOP_OFFICIAL.encode()}),
            )
        },
    )
    fetching.fetch("atop", progress=False)
    before = snapshot(cache)
    broken = ATOP_OFFICIAL.replace("stateB", "partner")
    http.routes["/atop.zip"] = Route(zipped({"atop5_1ddyr.csv": broken.encode()}))
    with pytest.raises(InputError) as err:
        fetching.fetch("atop", progress=False, force=True)
    msg = str(err.value)
    assert "\n" not in msg
    assert msg.startswith(f"atop: {http.url('/atop.zip')}: ")
    assert "atop/dyad_year.csv.gz" in msg and "atop5_1ddyr.csv" in msg
    assert "missing column(s) stateB" in msg
    assert snapshot(cache) == before
    assert not [p for p in cache.rglob("*") if p.name.endswith(".part")]

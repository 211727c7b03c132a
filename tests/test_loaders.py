"""Dataset loaders: typed columns, real facts, as_of (no peeking), the parquet cache, bad input."""

from __future__ import annotations

import gzip
import hashlib
import os
import shutil
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

import collsec.data.loaders as loaders
from collsec.data.loaders import LOADERS, load
from collsec.data.loaders import _core as core
from collsec.data.registry import get_dataset
from collsec.errors import DataMissingError, InputError

DATA = Path(os.environ["COLLSEC_DATA_DIR"]) if os.environ.get("COLLSEC_DATA_DIR") else None
ALL = sorted(LOADERS)
CACHED = [k for k in ALL if LOADERS[k].spec is not None]


@pytest.fixture(scope="module")
def shared_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One cache for the whole module, so each big file is parsed once."""
    return tmp_path_factory.mktemp("collsec-cache")


@pytest.fixture(autouse=True)
def _cache_env(monkeypatch: pytest.MonkeyPatch, shared_cache: Path) -> None:
    monkeypatch.setenv("COLLSEC_CACHE_DIR", str(shared_cache))


@pytest.fixture
def fresh_cache(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty cache of the test's own (outside its data directory ``tmp_path``)."""
    cache = tmp_path_factory.mktemp("cache")
    monkeypatch.setenv("COLLSEC_CACHE_DIR", str(cache))
    return cache


def write(root: Path, rel: str, text: str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if rel.endswith(".gz"):
        path.write_bytes(gzip.compress(text.encode()))
    else:
        path.write_text(text, encoding="utf-8")
    return path


def parquet_files(cache: Path) -> list[Path]:
    folder = cache / "parquet"
    return sorted(folder.iterdir()) if folder.exists() else []


NMC_HEADER = "ccode,year,milex,milper,irst,pec,tpop,upop,cinc\n"
NMC_ROWS = "2,1816,3823,17,80,254,8659.0,101.0,0.039697491\n2,1817,2466,15,80,277,8899.0,106.0,0.03581661\n"


# --------------------------------------------------------------------------- the registry of loaders


def test_every_brief_dataset_has_a_loader_and_every_loader_a_registry_file() -> None:
    names = {ld.dataset for ld in LOADERS.values()}
    for name in [
        "cow_states", "cow_majors", "cow_nmc", "cow_mid", "cow_wars", "cow_contiguity",
        "cow_mindist", "cow_capitals", "cow_igo", "cow_codes", "atop", "ucdp_acd", "unga_votes",
        "unga_ideal_points", "unsc_vetoes", "icb", "ties", "gsdb", "un_missions", "ipi_peacekeeping",
    ]:  # fmt: skip
        assert name in names
    for ld in LOADERS.values():
        assert get_dataset(ld.dataset).file(ld.path).path == ld.path


def test_public_names_match_the_registered_loaders() -> None:
    funcs = {ld.func.__name__ for ld in LOADERS.values()}
    exported = {n for n in loaders.__all__ if n.startswith("load_")}
    assert funcs == exported
    for name in funcs:
        assert getattr(loaders, name) is next(
            ld.func for ld in LOADERS.values() if ld.func.__name__ == name
        )


def test_load_dispatches_by_name_and_file(tmp_path: Path) -> None:
    write(tmp_path, "cow/nmc.csv", NMC_HEADER + NMC_ROWS)
    assert len(load("cow_nmc", data_dir=tmp_path)) == 2
    assert len(load("cow_nmc", "cow/nmc.csv", data_dir=tmp_path)) == 2
    assert len(load("cow_nmc", "nmc", data_dir=tmp_path, as_of="1817-03-01")) == 1
    assert core.find_loader("cow_mid").path == "cow/mid_disputes.csv"
    assert core.find_loader("cow_mid", "mid_dir_dyad_disputes").func is loaders.load_mid_dyads
    with pytest.raises(InputError, match="no loader for dataset 'nope'"):
        load("nope")
    with pytest.raises(InputError, match=r"has no file 'x\.csv'"):
        load("cow_mid", "x.csv")


# --------------------------------------------------------------------------- real facts


@pytest.mark.data
def test_states_v2016() -> None:
    df = loaders.load_states()
    assert len(df) == 243
    assert str(df["ccode"].dtype) == "Int64"
    assert str(df["statenme"].dtype) == "string"
    assert str(df["start"].dtype) == "datetime64[ns]"
    usa = df[df["stateabb"] == "USA"].iloc[0]
    assert usa["start"] == pd.Timestamp("1816-01-01")
    assert usa["start_precision"] == "day"
    gdr = df[df["ccode"] == 265].iloc[0]
    assert gdr["end"] == pd.Timestamp("1990-10-02")
    assert {"styear", "stmonth", "stday", "endyear", "endmonth", "endday"} <= set(df.columns)


@pytest.mark.data
def test_nmc_usa_1816_and_types() -> None:
    df = loaders.load_nmc()
    assert len(df) == 17121
    usa = df[(df["ccode"] == 2) & (df["year"] == 1816)]
    assert usa["cinc"].iloc[0] == pytest.approx(0.0397, abs=1e-4)
    assert str(df["cinc"].dtype) == "Float64"
    assert str(df["milex"].dtype) == "Int64"
    assert df["milex"].isna().sum() == 2360  # blank cells are NA


@pytest.mark.data
def test_unga_votes_keep_namibia_as_the_string_na() -> None:
    df = loaders.load_unga_votes()
    assert len(df) == 870109
    namibia = df.loc[df["country"] == "Namibia", "country_code"]
    assert len(namibia) > 0
    assert namibia.notna().all() and set(namibia) == {"NA"}
    assert df["country_code"].isna().sum() == 5444  # blank cells (former states) are NA
    assert set(df["vote"].dropna()) == {"yes", "no", "abstain"}
    assert df["date"].notna().all()
    assert df["date"].min() == pd.Timestamp("1946-01-01")


@pytest.mark.data
def test_roll_calls_and_issues() -> None:
    rc = loaders.load_unga_roll_calls()
    assert len(rc) == 6203
    assert str(rc["importantvote"].dtype) == "boolean"
    issues = loaders.load_unga_issues()
    assert len(issues) == 5745
    assert set(issues["short_name"]) == {"me", "nu", "di", "hr", "co", "ec"}


@pytest.mark.data
def test_ideal_points_from_1946() -> None:
    df = loaders.load_ideal_points()
    assert len(df) == 11440
    assert df["year"].min() == 1946
    usa = df[(df["ccode"] == 2) & (df["year"] == 1946)]
    assert usa["idealpointfp"].iloc[0] == pytest.approx(1.6634)
    assert str(df["idealpointfp"].dtype) == "Float64"


@pytest.mark.data
def test_big_dyadic_files() -> None:
    md = loaders.load_mindist()
    assert len(md) == 952244
    assert str(md["mindist"].dtype) == "Float64"
    atop = loaders.load_atop()
    assert len(atop) == 273296
    assert str(atop["atop_defense"].dtype) == "boolean"
    row = atop[(atop["ccode1"] == 2) & (atop["ccode2"] == 20) & (atop["year"] == 1942)]
    assert bool(row["atop_defense"].iloc[0])


@pytest.mark.data
def test_mid_disputes_dates_and_missing_codes() -> None:
    df = loaders.load_mid_disputes()
    assert len(df) == 2436
    d2 = df[df["dispnum"] == 2].iloc[0]
    assert d2["start"] == pd.Timestamp("1902-07-01")
    assert d2["start_precision"] == "month"
    # no end date in this file: latest start (31 July) + maxdur (208) - 1 days
    assert d2["end"] == pd.Timestamp("1902-07-31") + pd.Timedelta(days=207)
    assert d2["end_precision"] == "derived"
    assert not (df["fatality"] == -9).any()  # -9 (unknown) is NA
    assert df["fatality"].isna().sum() == 268
    dy = loaders.load_mid_dyads()
    assert len(dy) == 11390
    assert str(dy["disponset"].dtype) == "boolean"


@pytest.mark.data
def test_wars_contiguity_capitals_igo_codes_majors() -> None:
    wars = loaders.load_wars()
    assert len(wars) == 1932
    assert wars["batdeath1"].isna().sum() == 4  # -9 → NA
    cont = loaders.load_contiguity()
    assert len(cont) == 1874
    cap = loaders.load_capitals()
    assert cap.loc[cap["ccode"] == 2, "capital"].iloc[0] == "Washington D.C."
    assert len(loaders.load_igo()) == 15557
    codes = loaders.load_cow_codes()
    assert len(codes) == 243
    assert codes.loc[codes["CCode"] == 2, "StateAbb"].iloc[0] == "USA"
    majors = loaders.load_majors()
    assert len(majors) == 14
    assert majors.loc[majors["ccode"] == 2, "start"].iloc[0] == pd.Timestamp("1898-08-13")


@pytest.mark.data
def test_ucdp_icb_sanctions_peacekeeping() -> None:
    ucdp = loaders.load_ucdp()
    assert len(ucdp) == 5652
    assert ucdp["year"].min() == 1946
    crises = loaders.load_icb_crises()
    assert len(crises) == 347
    assert str(crises["viol"].dtype) == "Int64"
    wall = crises[crises["crisno"] == 185].iloc[0]
    assert wall["datrig"] == 66  # a day code, kept as published ...
    assert wall["start"] == pd.Timestamp("1961-08-01")  # ... and read as "day unknown"
    assert wall["start_precision"] == "month"
    assert len(loaders.load_icb_actors()) == 772
    ties = loaders.load_ties()
    assert len(ties) == 1412
    assert str(ties["caseid"].dtype) == "Int64"
    first = ties[ties["caseid"] == 1945121601].iloc[0]
    assert first["start"] == pd.Timestamp("1945-12-16")
    assert first["end"] == pd.Timestamp("1947-05-27")
    gsdb = loaders.load_gsdb()
    assert len(gsdb) == 1325
    missions = loaders.load_un_missions()
    assert len(missions) == 81
    assert bool(missions.loc[missions["mission_acronym"] == "UNFICYP", "mission_isactive"].iloc[0])
    ipi = loaders.load_ipi_missions()
    assert len(ipi) == 5330
    onuca = ipi[ipi["mission"] == "ONUCA"].iloc[0]
    # the file's "Longitude" column holds latitudes: put right
    assert onuca["hq_latitude"] == pytest.approx(14.1)
    assert onuca["hq_longitude"] == pytest.approx(-87.2167)
    assert ipi["police"].isna().sum() == 2177  # "NA" cells are NA
    contrib = loaders.load_ipi_contributions()
    assert len(contrib) == 25657
    assert str(contrib["troops"].dtype) == "Int64"
    vetoes = loaders.load_unsc_vetoes()
    assert len(vetoes) == 214


# --------------------------------------------------------------------------- as_of: no peeking

AS_OFS = ["1946-06-15", "1962-10-22", "1990-08-02", "2001-09-11"]
YEAR_LEVEL = {
    "atop/dyad_year",
    "cow_igo/igo_state_year",
    "cow_mid/mid_dir_dyad_disputes",
    "cow_mindist/mindist",
    "cow_nmc/nmc",
    "cow_wars/war_inter",
    "ucdp_acd/armed_conflict",
    "unga_ideal_points/ideal_points",
}
#: integer columns that hold a year (must be before as_of's year, or NA)
YEAR_PARTS = {
    "cow_states/states": ["endyear"],
    "cow_majors/majors": ["endyear"],
    "ties/ties_v4_1": ["endyear", "ongoingasofyear"],
    "gsdb/gsdb_v3": ["end"],
    "icb/crises_dev": ["yrterm", "yrmedst", "yrmedend", "yrmedfin"],
    "icb/actors_dev": ["yrterm", "yerres"],
}


@pytest.mark.data
@pytest.mark.parametrize("key", ALL)
@pytest.mark.parametrize("as_of", AS_OFS)
def test_as_of_leaves_nothing_dated_on_or_after_it(key: str, as_of: str) -> None:
    when = pd.Timestamp(as_of)
    full = LOADERS[key].func()
    df = LOADERS[key].func(as_of=as_of)
    assert len(df) <= len(full)
    assert list(df.columns) == list(full.columns)
    assert list(df.dtypes) == list(full.dtypes)
    for col in df.columns:
        if str(df[col].dtype).startswith("datetime64"):
            assert not (df[col] >= when).any(), col
    if key in YEAR_LEVEL:
        assert (df["year"] < when.year).all()
        assert len(df) == int((full["year"] < when.year).sum())
    for col in YEAR_PARTS.get(key, []):
        assert not (df[col] > when.year).any(), col
    for col in ("styear", "startyear", "yrtrig", "begin"):
        if col in df.columns:
            assert not (df[col] > when.year).any(), col
    if key == "gsdb/gsdb_v3":
        assert not (df["end"] >= when.year).any()


@pytest.mark.data
def test_as_of_accepts_dates_and_rejects_nonsense() -> None:
    import datetime as dt

    a = loaders.load_nmc(as_of="1900-01-01")
    b = loaders.load_nmc(as_of=dt.date(1900, 1, 1))
    c = loaders.load_nmc(as_of=pd.Timestamp("1900-12-31 23:59"))  # the time is dropped
    assert a.equals(b) and a.equals(c)
    assert a["year"].max() == 1899
    with pytest.raises(InputError, match="as_of: not a date: 'soon'"):
        loaders.load_nmc(as_of="soon")


@pytest.mark.data
def test_as_of_states_cut_the_end_of_a_running_spell() -> None:
    before = loaders.load_states(as_of="1990-08-02")
    gdr = before[before["ccode"] == 265].iloc[0]
    assert pd.isna(gdr["end"]) and pd.isna(gdr["endyear"]) and pd.isna(gdr["end_precision"])
    assert 678 in set(before["ccode"])  # Yemen Arab Republic, ended 21 May 1990 ...
    yar = before[before["ccode"] == 678].iloc[0]
    assert yar["end"] == pd.Timestamp("1990-05-21")  # ... is known to have ended
    after = loaders.load_states(as_of="1990-10-03")
    assert after.loc[after["ccode"] == 265, "end"].iloc[0] == pd.Timestamp("1990-10-02")
    assert 679 in set(after["ccode"])  # Yemen, from 22 May 1990
    assert 679 not in set(loaders.load_states(as_of="1990-05-22")["ccode"])


@pytest.mark.data
def test_as_of_mid_masks_running_disputes() -> None:
    full = loaders.load_mid_disputes()
    df = loaders.load_mid_disputes(as_of="1990-08-02")
    running = df[df["end"].isna()]
    assert len(running) > 0
    for col in ("outcome", "settle", "fatality", "mindur", "maxdur", "hiact", "hostlev", "recip"):
        assert running[col].isna().all(), col
    ended = df[df["end"].notna()]
    merged = ended.merge(full, on="dispnum", suffixes=("", "_full"))
    assert (merged["hiact"] == merged["hiact_full"]).all()  # untouched
    # a dispute starting in the as_of month is not certainly before as_of: dropped
    assert not ((df["styear"] == 1990) & (df["stmon"] == 8)).any()
    dy = loaders.load_mid_dyads(as_of="1990-08-02")
    assert (dy["year"] <= 1989).all()
    all_dy = loaders.load_mid_dyads()
    reaching = set(all_dy.loc[all_dy["year"] >= 1990, "dispnum"])  # still running in 1990
    masked = dy[dy["dispnum"].isin(reaching)]
    assert len(masked) > 0 and masked["hiact1"].isna().all() and masked["fatality2"].isna().all()
    assert dy.loc[~dy["dispnum"].isin(reaching), "hiact1"].notna().all()


@pytest.mark.data
def test_as_of_wars_mask_outcomes_of_wars_still_fought() -> None:
    df = loaders.load_wars(as_of="1942-06-01")
    ww2 = df[df["warnum"] == 139]
    assert len(ww2) > 0 and (ww2["year"] <= 1941).all()
    assert ww2[["outcome1", "outcome2", "batdeath1", "batdeath2"]].isna().all().all()
    full = loaders.load_wars()
    assert full.loc[full["warnum"] == 139, "outcome1"].notna().all()


@pytest.mark.data
def test_as_of_icb_masks_everything_but_the_onset() -> None:
    df = loaders.load_icb_crises(as_of="1961-09-15")
    wall = df[df["crisno"] == 185].iloc[0]
    assert wall["crisname"] == "BERLIN WALL" and wall["trigent"] == 996
    for col in (
        "end",
        "yrterm",
        "moterm",
        "daterm",
        "viol",
        "forout",
        "subout",
        "globorg",
        "outesr",
    ):
        assert pd.isna(wall[col]), col
    # triggered "August 1961, day not given": on 20 August that is not certain yet
    assert 185 not in set(loaders.load_icb_crises(as_of="1961-08-20")["crisno"])
    done = loaders.load_icb_crises(as_of="1962-01-01")
    wall = done[done["crisno"] == 185].iloc[0]
    assert wall["end"] == pd.Timestamp("1961-10-28") and wall["viol"] == 1
    assert pd.isna(wall["outesr"])  # looks five years ahead
    later = loaders.load_icb_crises(as_of="1967-01-01")
    assert later.loc[later["crisno"] == 185, "outesr"].notna().all()
    actors = loaders.load_icb_actors(as_of="1961-09-15")
    rows = actors[actors["crisno"] == 185].set_index("actor")
    assert rows.loc["GDR", "end"] == pd.Timestamp("1961-08-13")  # over for East Germany ...
    assert rows.loc["GDR", "outcom"] == 1
    for actor in ("USA", "RUS", "UKG", "FRN", "GFR"):  # ... not for the others
        assert pd.isna(rows.loc[actor, "end"]) and pd.isna(rows.loc[actor, "outcom"])
        assert rows.loc[actor, "cracid"] > 0


@pytest.mark.data
def test_as_of_ties_gsdb_missions() -> None:
    ties = loaders.load_ties(as_of="1946-06-15")
    first = ties[ties["caseid"] == 1945121601].iloc[0]
    assert pd.isna(first["end"]) and pd.isna(first["finaloutcome"])
    assert pd.isna(first["imposition"])  # imposed 29 July 1946: not yet
    assert first["threat"]
    later = loaders.load_ties(as_of="1946-08-01")
    first = later[later["caseid"] == 1945121601].iloc[0]
    assert bool(first["imposition"]) and first["imposition_start"] == pd.Timestamp("1946-07-29")
    assert pd.isna(first["finaloutcome"])
    gsdb = loaders.load_gsdb(as_of="1960-06-01")
    gdr = gsdb[gsdb["case_id"] == 1].iloc[0]  # 1949-1973
    assert pd.isna(gdr["end"]) and pd.isna(gdr["success"])
    assert (gsdb["begin"] <= 1959).all()
    missions = loaders.load_un_missions(as_of="1964-01-01")
    unyom = missions[missions["mission_acronym"] == "UNYOM"].iloc[0]  # 1963-07 to 1964-09
    assert pd.isna(unyom["end_date"]) and bool(unyom["mission_isactive"])
    assert "UNFICYP" not in set(missions["mission_acronym"])
    assert missions["last_update"].isna().all()
    ipi = loaders.load_ipi_missions(as_of="2000-01-01")
    assert ipi["date"].max() == pd.Timestamp("1999-12-31")


@pytest.mark.data
def test_as_of_contiguity_is_month_precise() -> None:
    during = loaders.load_contiguity(as_of="1906-09-15")
    row = during[(during["ccode1"] == 2) & (during["ccode2"] == 40)]
    assert row["enddate"].isna().all()  # ended September 1906: not certain on the 15th
    after = loaders.load_contiguity(as_of="1906-10-01")
    row = after[(after["ccode1"] == 2) & (after["ccode2"] == 40)]
    assert (row["enddate"] == pd.Timestamp("1906-09-01")).all()


@pytest.mark.data
def test_as_of_votes_follow_their_roll_call() -> None:
    votes = loaders.load_unga_votes(as_of="1990-08-02")
    rc = loaders.load_unga_roll_calls(as_of="1990-08-02")
    assert set(votes["rcid"]) <= set(rc["rcid"])
    assert set(loaders.load_unga_issues(as_of="1990-08-02")["rcid"]) <= set(rc["rcid"])
    assert (rc["date"] < pd.Timestamp("1990-08-02")).all()
    assert "date" not in loaders.load_unga_issues(as_of="1990-08-02").columns


# --------------------------------------------------------------------------- cache


@pytest.mark.data
@pytest.mark.parametrize("key", CACHED)
def test_cache_round_trip_preserves_values_and_dtypes(key: str) -> None:
    spec = LOADERS[key].spec
    path = DATA / spec.path
    parsed = core.parse(spec, path)
    cached = core.read(spec)  # the module's cache: written by an earlier load or now
    assert core.cache_path(spec, core.file_digest(path)).exists()
    again = core.read(spec)
    pd.testing.assert_frame_equal(parsed, again)
    pd.testing.assert_frame_equal(parsed, cached)


def test_second_load_reads_the_cache(
    tmp_path: Path, fresh_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = write(tmp_path, "cow/nmc.csv", NMC_HEADER + NMC_ROWS)
    first = loaders.load_nmc(data_dir=tmp_path)
    files = parquet_files(fresh_cache)
    digest = hashlib.sha256(src.read_bytes()).hexdigest()[:12]
    assert [f.name for f in files] == [f"cow_nmc__nmc__{digest}.parquet"]

    def refuse(*args, **kwargs):
        raise AssertionError("the CSV was read again")

    monkeypatch.setattr(core.pacsv, "read_csv", refuse)
    second = loaders.load_nmc(data_dir=tmp_path)
    pd.testing.assert_frame_equal(first, second)


def test_a_changed_source_file_gets_a_new_cache_key(tmp_path: Path, fresh_cache: Path) -> None:
    src = write(tmp_path, "cow/nmc.csv", NMC_HEADER + NMC_ROWS)
    assert len(loaders.load_nmc(data_dir=tmp_path)) == 2
    src.write_text(NMC_HEADER + NMC_ROWS + "2,1818,1910,14,90,302,9139.0,112.0,0.036\n")
    assert len(loaders.load_nmc(data_dir=tmp_path)) == 3
    assert len(parquet_files(fresh_cache)) == 2


def test_stale_or_damaged_cache_files_are_rebuilt(tmp_path: Path, fresh_cache: Path) -> None:
    src = write(tmp_path, "cow/nmc.csv", NMC_HEADER + NMC_ROWS)
    target = core.cache_path(core.find_loader("cow_nmc").spec, core.file_digest(src))
    target.parent.mkdir(parents=True)
    target.write_bytes(b"not parquet")
    df = loaders.load_nmc(data_dir=tmp_path)
    assert len(df) == 2 and pq.read_table(target).num_rows == 2
    # a cache written by another version of the spec is not trusted
    pq.write_table(pq.read_table(target).replace_schema_metadata({}), target)
    assert len(loaders.load_nmc(data_dir=tmp_path)) == 2
    assert b"collsec" in pq.read_table(target).schema.metadata


def test_the_cache_never_goes_into_the_data_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path, "cow/nmc.csv", NMC_HEADER + NMC_ROWS)
    monkeypatch.setenv("COLLSEC_CACHE_DIR", str(tmp_path / "cache"))
    with pytest.warns(RuntimeWarning, match="inside the data directory"):
        assert len(loaders.load_nmc(data_dir=tmp_path)) == 2
    assert not (tmp_path / "cache").exists()


# --------------------------------------------------------------------------- bad input


def assert_clean(cache: Path) -> None:
    """Nothing cached, not even a temporary file."""
    assert parquet_files(cache) == []


def test_missing_column(tmp_path: Path, fresh_cache: Path) -> None:
    write(
        tmp_path, "cow/nmc.csv", "ccode,year,milex,milper,irst,pec,tpop,upop\n2,1816,1,1,1,1,1,1\n"
    )
    with pytest.raises(InputError) as err:
        loaders.load_nmc(data_dir=tmp_path)
    assert str(err.value) == "cow/nmc.csv (cow_nmc): column 'cinc' is missing"
    assert_clean(fresh_cache)


def test_truncated_gzip(tmp_path: Path, fresh_cache: Path) -> None:
    rows = "".join(f"2,{20 + i % 50},{1886 + i % 100},{i * 1.5}\n" for i in range(200000))
    blob = gzip.compress(("ccode1,ccode2,year,mindist\n" + rows).encode())
    path = tmp_path / "cow" / "mindist.csv.gz"
    path.parent.mkdir(parents=True)
    path.write_bytes(blob[: len(blob) // 2])
    with pytest.raises(InputError) as err:
        loaders.load_mindist(data_dir=tmp_path)
    msg = str(err.value)
    assert msg.startswith("cow/mindist.csv.gz (cow_mindist): unreadable")
    assert "\n" not in msg
    assert_clean(fresh_cache)


@pytest.mark.data
def test_real_gzip_cut_in_half(tmp_path: Path, fresh_cache: Path) -> None:
    blob = (DATA / "unga" / "votes.csv.gz").read_bytes()
    path = tmp_path / "unga" / "votes.csv.gz"
    path.parent.mkdir(parents=True)
    path.write_bytes(blob[: len(blob) // 2])
    shutil.copy(DATA / "unga" / "roll_calls.csv", tmp_path / "unga" / "roll_calls.csv")
    with pytest.raises(InputError, match=r"^unga/votes\.csv\.gz \(unga_votes\): unreadable"):
        loaders.load_unga_votes(data_dir=tmp_path)
    assert_clean(fresh_cache)


@pytest.mark.parametrize(
    ("cell", "problem"),
    [
        ("abc", "not a number: 'abc'"),
        ("0.1.2", "not a number: '0.1.2'"),
        ("nan", "not a number: 'nan'"),
        ("0x10", "not a number: '0x10'"),
    ],
)
def test_unparsable_number(tmp_path: Path, fresh_cache: Path, cell: str, problem: str) -> None:
    write(tmp_path, "cow/nmc.csv", NMC_HEADER + NMC_ROWS + f"2,1818,1,1,1,1,1.0,1.0,{cell}\n")
    with pytest.raises(InputError) as err:
        loaders.load_nmc(data_dir=tmp_path)
    assert str(err.value) == f"cow/nmc.csv (cow_nmc): line 4, column 'cinc': {problem}"
    assert_clean(fresh_cache)


def test_unparsable_integer_date_and_flag(tmp_path: Path, fresh_cache: Path) -> None:
    write(tmp_path, "cow/nmc.csv", NMC_HEADER + "2,1816.5,1,1,1,1,1,1,0.1\n")
    with pytest.raises(InputError, match=r"line 2, column 'year': not an integer: '1816.5'"):
        loaders.load_nmc(data_dir=tmp_path)
    write(tmp_path, "cow/nmc.csv", NMC_HEADER + "2,1816,1,1,0x10,1,1,1,0.1\n")
    with pytest.raises(InputError, match=r"line 2, column 'irst': not an integer: '0x10'"):
        loaders.load_nmc(data_dir=tmp_path)
    write(tmp_path, "cow/capitals.csv", "ccode,statenme,capital,stdate,enddate,lat,lng\n"
          "2,USA,Washington,1816-13-01,2024-12-31,38.9,-77.0\n")  # fmt: skip
    with pytest.raises(InputError, match=r"column 'stdate': not a calendar date: '1816-13-01'"):
        loaders.load_capitals(data_dir=tmp_path)
    write(tmp_path, "atop/dyad_year.csv.gz", "ccode1,ccode2,year,atop_defense,atop_offense,"
          "atop_neutral,atop_nonagg,atop_consul\n2,20,1942,maybe,0,0,0,0\n")  # fmt: skip
    with pytest.raises(InputError, match=r"column 'atop_defense': not a yes/no value: 'maybe'"):
        loaders.load_atop(data_dir=tmp_path)
    assert_clean(fresh_cache)


def test_spaces_whole_floats_and_missing_codes_are_read(tmp_path: Path, fresh_cache: Path) -> None:
    write(tmp_path, "cow/nmc.csv", NMC_HEADER + "2, 1816 ,1.0,-9,1,1,1,1,0.1\n")
    df = loaders.load_nmc(data_dir=tmp_path)
    assert df["year"].iloc[0] == 1816 and df["milex"].iloc[0] == 1
    assert pd.isna(df["milper"].iloc[0])  # COW's -9


def test_impossible_cow_date(tmp_path: Path, fresh_cache: Path) -> None:
    header = "stateabb,ccode,statenme,styear,stmonth,stday,endyear,endmonth,endday,version\n"
    write(tmp_path, "cow/states.csv", header + "USA,2,United States,1816,2,30,2016,12,31,2016\n")
    with pytest.raises(InputError, match=r"line 2, column 'stday': impossible date 1816-2-30"):
        loaders.load_states(data_dir=tmp_path)
    write(tmp_path, "cow/states.csv", header + "USA,2,United States,1816,-9,-9,2016,12,31,2016\n")
    df = loaders.load_states(data_dir=tmp_path)
    assert pd.isna(df["stmonth"].iloc[0]) and df["start_precision"].iloc[0] == "year"
    assert df["start"].iloc[0] == pd.Timestamp("1816-01-01")


def test_ragged_and_empty_files(tmp_path: Path, fresh_cache: Path) -> None:
    write(tmp_path, "cow/nmc.csv", NMC_HEADER + "2,1816,1\n")
    with pytest.raises(
        InputError, match=r"^cow/nmc\.csv \(cow_nmc\): unreadable \(CSV parse error"
    ):
        loaders.load_nmc(data_dir=tmp_path)
    write(tmp_path, "cow/nmc.csv", "")
    with pytest.raises(InputError, match=r"^cow/nmc\.csv \(cow_nmc\): "):
        loaders.load_nmc(data_dir=tmp_path)
    (tmp_path / "cow" / "nmc.csv").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00binary")
    with pytest.raises(InputError, match=r"^cow/nmc\.csv \(cow_nmc\): "):
        loaders.load_nmc(data_dir=tmp_path)
    assert_clean(fresh_cache)


def test_ipi_na_is_missing_but_unga_na_is_namibia(tmp_path: Path, fresh_cache: Path) -> None:
    write(tmp_path, "peacekeeping/ipi_contributions_country_month.csv",
          "country,date,troops,police,experts\nNamibia,1994-10-31,NA,1.0,\n")  # fmt: skip
    ipi = loaders.load_ipi_contributions(data_dir=tmp_path)
    assert ipi["troops"].isna().all() and ipi["experts"].isna().all() and ipi["police"].iloc[0] == 1
    write(
        tmp_path,
        "unga/votes.csv.gz",
        "rcid,country,country_code,vote\n3,Namibia,NA,yes\n3,Zanzibar,,no\n",
    )
    write(tmp_path, "unga/roll_calls.csv", "rcid,session,importantvote,date,unres,amend,para,short,descr\n"
          "3,1,0.0,1946-01-01,R/1/66,1.0,0.0,X,Y\n")  # fmt: skip
    votes = loaders.load_unga_votes(data_dir=tmp_path)
    assert votes["country_code"].iloc[0] == "NA" and pd.isna(votes["country_code"].iloc[1])


def test_missing_file_is_data_missing(tmp_path: Path, fresh_cache: Path) -> None:
    with pytest.raises(DataMissingError, match="dataset 'cow_nmc' is missing"):
        loaders.load_nmc(data_dir=tmp_path)

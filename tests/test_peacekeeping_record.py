"""The peacekeeping record (collsec.validation.peacekeeping) against the IPI and UN files themselves."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pandas as pd
import pytest

from collsec.data.loaders import load_ipi_contributions, load_ipi_missions, load_un_missions
from collsec.errors import InputError
from collsec.validation import peacekeeping as pk

pytestmark = pytest.mark.data

CONTRIB = "peacekeeping/ipi_contributions_country_month.csv"


def _window_mask(dates: pd.Series, label: str) -> pd.Series:
    first, last = (pd.Period(m, "M") for m in pk.DECADES[label])
    months = dates.dt.to_period("M")
    return (months >= first) & (months <= last)


@pytest.fixture(scope="module")
def countries() -> pd.DataFrame:
    return pk.ipi_country_decade()


@pytest.fixture(scope="module")
def missions() -> pd.DataFrame:
    return pk.missions_by_decade()


# --------------------------------------------------------------------------- decades


def test_decades_are_the_country_files_months() -> None:
    windows = pk.decade_windows()
    assert {k: (str(a), str(b)) for k, (a, b) in windows.items()} == dict(pk.DECADES)
    assert list(pk.DECADES) == ["1990s", "2000s", "2010s"]
    dates = load_ipi_contributions()["date"]
    assert dates.min() == pd.Timestamp("1990-11-30")
    assert dates.max() == pd.Timestamp("2014-03-31")


# --------------------------------------------------------------------------- countries


def test_country_decade_totals_equal_the_files_troops(countries: pd.DataFrame) -> None:
    raw = load_ipi_contributions()
    for label in pk.DECADES:
        expected = int(raw.loc[_window_mask(raw["date"], label), "troops"].fillna(0).sum())
        got = int(countries.loc[countries["decade"] == label, "troop_months"].sum())
        assert got == expected, label
    # police and experts are not counted
    assert int(countries["troop_months"].sum()) == int(raw["troops"].fillna(0).sum())


def test_country_decade_shape(countries: pd.DataFrame) -> None:
    assert list(countries.columns[:6]) == [
        "decade",
        "ccode",
        "iso3",
        "name",
        "troop_months",
        "months_present",
    ]
    assert not countries.duplicated(["decade", "ccode"]).any()
    assert countries["ccode"].notna().all()
    # every IPI name is matched (none dropped)
    raw = load_ipi_contributions()
    seen = {n for names in countries["ipi_names"] for n in names.split(" / ")}
    assert seen == set(raw["country"])
    # months present never exceed the window
    for label, (first, last) in pk.DECADES.items():
        n = (pd.Period(last, "M") - pd.Period(first, "M")).n + 1
        assert countries.loc[countries["decade"] == label, "months_present"].max() <= n


def test_top_contributors_of_the_2000s(countries: pd.DataFrame) -> None:
    # read from the file: Pakistan 806,407, Bangladesh 790,577, India 621,895 troop-months
    top = countries[countries["decade"] == "2000s"].nlargest(3, "troop_months")
    assert set(top["iso3"]) == {"PAK", "BGD", "IND"}
    assert top.iloc[0]["ccode"] == 770


def test_names_are_read_on_their_dates(countries: pd.DataFrame) -> None:
    raw = load_ipi_contributions()
    # IPI names the Czech Republic from 1990: before 1993 the troops are Czechoslovakia's
    czech_early = raw[(raw["country"] == "Czech Republic") & (raw["date"] < "1993-01-01")]
    row = countries[(countries["decade"] == "1990s") & (countries["ccode"] == 315)].iloc[0]
    assert row["troop_months"] == int(czech_early["troops"].fillna(0).sum()) > 0
    assert row["iso3"] == "CSK"
    # "Serbia" (from 1990) and "Russian Federation" (from 1990) keep one COW code each
    serbia = countries[countries["ipi_names"] == "Serbia"]
    assert set(serbia["ccode"]) == {345}
    assert set(countries.loc[countries["ipi_names"] == "Russian Federation", "ccode"]) == {365}
    # two IPI names of Macedonia, one row
    mkd = countries[(countries["decade"] == "2010s") & (countries["ccode"] == 343)]
    assert len(mkd) == 1
    assert mkd.iloc[0]["ipi_names"] == "Macedonia / The former Yugoslav Republic of Macedonia"


def test_an_unknown_name_is_an_error_naming_file_and_field(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pairs = pd.DataFrame(
        {"country": ["France", "Atlantis"], "date": pd.to_datetime(["2000-01-31"] * 2)}
    )
    with pytest.raises(InputError) as err:
        pk._country_codes(pairs, "ipi.csv")
    assert str(err.value).startswith("ipi.csv: country: ")
    assert "'Atlantis'" in str(err.value)

    # the same through a data directory whose file has the unknown name
    src = Path(os.environ["COLLSEC_DATA_DIR"]) / CONTRIB
    monkeypatch.setenv("COLLSEC_CACHE_DIR", str(tmp_path / "cache"))
    target = tmp_path / "data" / CONTRIB
    target.parent.mkdir(parents=True)
    shutil.copyfile(src, target)
    text = target.read_text(encoding="utf-8").replace("Albania,", "Albanie,", 1)
    target.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as err:
        pk.ipi_country_decade(data_dir=tmp_path / "data")
    assert "ipi_contributions_country_month.csv: country:" in str(err.value)
    assert "'Albanie'" in str(err.value)


def test_a_state_missing_on_the_date_is_an_error() -> None:
    pairs = pd.DataFrame({"country": ["South Sudan"], "date": pd.to_datetime(["2000-01-31"])})
    with pytest.raises(InputError, match="designates no COW state on 2000-01-31"):
        pk._country_codes(pairs, "ipi.csv")


# --------------------------------------------------------------------------- missions


def test_missions_shape(missions: pd.DataFrame) -> None:
    expected = ["mission", "decade", "months", "troop_months", "host_ccode", "host_iso3"]
    assert set(expected) <= set(missions.columns)
    assert not missions.duplicated(["mission", "decade"]).any()
    assert set(missions["host_source"]) == {"ipi", "nearest_capital"}
    assert set(missions["decade"]) == set(pk.DECADES)
    absent = missions[~missions["in_ipi"]]
    assert (absent["troop_months"] == 0).all()
    assert set(absent["mission"]) == {"UNGCI", "UNSMA"}
    assert (absent["host_source"] == "nearest_capital").all()
    assert dict(zip(absent["mission"], absent["host_iso3"], strict=False)) == {
        "UNGCI": "IRQ",
        "UNSMA": "AFG",
    }


def test_mission_troops_add_up_to_the_country_totals(
    missions: pd.DataFrame, countries: pd.DataFrame
) -> None:
    # the mission file's troops equal the country file's in every month, so the
    # missions plus IPI's missions absent from un_missions.csv give the country total
    unlisted = missions.attrs["ipi_unlisted"]
    for label in pk.DECADES:
        listed = int(missions.loc[missions["decade"] == label, "troop_months"].sum())
        extra = sum(d.get(label, 0) for d in unlisted.values())
        total = int(countries.loc[countries["decade"] == label, "troop_months"].sum())
        assert listed + extra == total, label
    assert unlisted["UNAMI"]["2010s"] > 0


def test_each_ipi_month_counts_once() -> None:
    un = load_un_missions()
    ipi = load_ipi_missions()
    families = pk._families(un)
    given, _ = pk._attribute_ipi(ipi, un, families)
    months = ipi["date"].dt.to_period("M")
    frame = pd.DataFrame({"un": given, "month": months}).dropna()
    assert not frame.duplicated().any()


def test_unikom_host_as_ipi_says(missions: pd.DataFrame) -> None:
    ipi = load_ipi_missions()
    said = set(ipi.loc[ipi["mission"] == "UNIKOM", "iso3"])
    rows = missions[missions["mission"] == "UNIKOM"]
    assert set(rows["host_iso3"]) == said
    assert said <= {"IRQ", "KWT"}
    assert set(rows["host_source"]) == {"ipi"}


def test_umbrella_rows_are_dropped_and_their_troops_kept(missions: pd.DataFrame) -> None:
    dropped = missions.attrs["dropped"]
    for umbrella in ("UNEF", "UNOSOM", "UNAVEM"):
        assert "umbrella" in dropped[umbrella]
        assert umbrella not in set(missions["mission"])
    ipi = load_ipi_missions()
    nineties = ipi[_window_mask(ipi["date"], "1990s")]
    for family, parts in (
        (("UNOSOM", "UNOSOM II"), ("UNOSOM I", "UNOSOM II")),
        (("UNAVEM", "UNAVEM II"), ("UNAVEM I", "UNAVEM II", "UNAVEM III")),
    ):
        expected = int(nineties.loc[nineties["mission"].isin(family), "troops"].fillna(0).sum())
        rows = missions[(missions["decade"] == "1990s") & missions["mission"].isin(parts)]
        assert set(rows["mission"]) == set(parts)
        assert int(rows["troop_months"].sum()) == expected


def test_onuci_is_unoci(missions: pd.DataFrame) -> None:
    ipi = load_ipi_missions()
    rows = ipi[ipi["mission"].isin(["UNOCI", "ONUCI"]) & _window_mask(ipi["date"], "2000s")]
    unoci = missions[(missions["mission"] == "UNOCI") & (missions["decade"] == "2000s")].iloc[0]
    assert unoci["ipi_months"] == rows["date"].nunique() == len(rows)
    assert unoci["troop_months"] == int(rows["troops"].fillna(0).sum())


def test_missions_without_place_or_time_are_dropped_and_noted(missions: pd.DataFrame) -> None:
    dropped = missions.attrs["dropped"]
    notes = " ".join(missions.attrs["notes"])
    for acronym in ("UNASOG", "UNCPSG", "UNOHCI"):
        assert acronym in dropped
        assert acronym in notes
        assert acronym not in set(missions["mission"])


def test_swapped_coordinates() -> None:
    hq = pk.mission_headquarters().set_index("mission")
    swapped = set(hq.index[hq["swapped"]])
    assert swapped == {"UNOSOM I", "UNOSOM II", "UNAVEM I", "UNAVEM II", "MINUSMA", "UNSCOB"}
    assert hq.loc["UNOSOM II", "latitude"] == pytest.approx(45.35)
    assert hq.loc["UNOSOM II", "hq_latitude"] == pytest.approx(2.0333)
    assert hq.loc["UNOSOM II", "capital"] == "Mogadishu"
    assert hq.loc["MINUSMA", "capital"] == "Bamako"
    assert hq.loc["UNAVEM II", "capital"] == "Luanda"
    # a swap that lands nearer a capital of no plausible host is not taken
    assert not hq.loc["UNIFIL", "swapped"]
    assert hq.loc["UNIFIL", "capital"] == "Beirut"
    assert not hq.loc["UNMEE", "swapped"]


def test_calls_are_cached_and_return_copies(missions: pd.DataFrame) -> None:
    again = pk.missions_by_decade()
    again.loc[0, "troop_months"] = -1
    again.attrs["notes"].append("x")
    fresh = pk.missions_by_decade()
    pd.testing.assert_frame_equal(fresh, missions)
    assert fresh.attrs["notes"] == missions.attrs["notes"]

"""Build src/collsec/codes/crosswalk.csv, the COW / ISO / Gleditsch-Ward crosswalk collsec ships.

Run by a developer with the data mirrors present:

    python tools/build_crosswalk.py /path/to/shared/data

One row per (COW state, validity spell): the COW spells of ``cow/states.csv``
(Correlates of War Project 2017, v2016), cut wherever the state's ISO codes,
Gleditsch-Ward code or collsec member code change inside a spell. Dates are
inclusive ISO dates; a spell that reaches 2016-12-31 (the end of COW v2016) is
left open (blank ``end``).

Where each column comes from (the keys are the ``source`` column's; full
citations in docs/codes.md and ``collsec.codes.crosswalk.SOURCES``):

- ``cow``, ``cow_abb``, spells and default names: COW2016.
- ``iso3``: the ``iso3c`` that the UNGA ideal-point file gives the COW code in
  its latest year (BSV2017), unless a hand-entered spell below says otherwise.
- ``iso2``: matched to the ISO3 code through the country names that the vote
  file (VSB2009, ``country``/``country_code``) and the ideal-point file
  (``countryname``/``iso3c``) share, unless a hand-entered spell says otherwise.
- ``gw``: equal to the COW code (GW1999 kept COW's numbers) except for the
  hand-entered differences below (GW1999, GWLIST, BEGER2019).
- ``code``: the collsec member code, resolved from src/collsec/codes/codes.csv
  (COLLSEC) at the start of each piece; the pieces are also cut at the start
  dates of codes.csv rows, so the two tables agree on every day both define.

ISO conventions (see docs/codes.md): codes follow the state, not its name. A
state whose code ISO withdrew because the state ended keeps that ISO 3166-3 code
(SU/SUN, YU/YUG, CS/CSK, DD/DDR, YD/YMD, CS/SCG); a state ISO recoded only
because it was renamed carries its current code for its whole life; codes are
applied before ISO 3166 existed (1974) by the same rules; states no ISO code
designates are blank.
"""

from __future__ import annotations

import csv
import datetime as dt
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src/collsec/codes/crosswalk.csv"
CODES = ROOT / "src/collsec/codes/codes.csv"
COLUMNS = ["cow", "cow_abb", "iso3", "iso2", "gw", "name", "start", "end", "code", "note", "source"]
COW_END = dt.date(2016, 12, 31)  # last day covered by COW v2016
DEFAULT_SOURCE = "COW2016; BSV2017; VSB2009; GW1999; COLLSEC"

# Gleditsch-Ward codes that differ from the COW code of the same state for the
# whole COW spell (BEGER2019; GW's microstates list).
GW_DIFFERENT = {946: 970, 970: 971, 955: 972, 947: 973}
GW_NOTE = {
    946: "GW codes Kiribati 970 (COW 970 is Nauru)",
    970: "GW codes Nauru 971; GW 970 is Kiribati",
    955: "GW codes Tonga 972",
    947: "GW codes Tuvalu 973",
}

# Hand-entered spells: COW code -> [(first day or "" for the spell start, fields)].
# Fields not given take the defaults (COW name, ISO codes from the mirrors,
# GW = COW). Each entry is in force until the next one of the same COW code.
HAND: dict[int, list[tuple[str, dict[str, object]]]] = {
    365: [
        (
            "",
            {
                "name": "Russia (Soviet Union)",
                "iso3": "SUN",
                "iso2": "SU",
                "note": "COW 365 runs unbroken from the Russian Empire through the USSR to the "
                "Russian Federation; ISO 3166-3 SUHH (SU/SUN/810)",
                "source": "COW2016; ISO3166-3; GW1999; COLLSEC",
            },
        ),
        (
            "1991-12-24",
            {
                "name": "Union of Soviet Socialist Republics",
                "iso3": "SUN",
                "iso2": "SU",
                "note": "last days of the USSR; the Russian Federation holds its UN seat from "
                "1991-12-24, so the collsec member code is RUS (codes.csv)",
                "source": "COW2016; ISO3166-3; GW1999; COLLSEC",
            },
        ),
        (
            "1991-12-26",
            {
                "name": "Russian Federation",
                "iso3": "RUS",
                "iso2": "RU",
                "note": "the USSR ended 1991-12-25: COW's other successor states enter on "
                "1991-12-26",
                "source": "COW2016; ISO3166-3; GW1999; COLLSEC",
            },
        ),
    ],
    255: [
        (
            "",
            {
                "name": "Germany (German Reich)",
                "note": "ISO DE/DEU applied to the Reich by continuity; GW 255 ends 1945-05-07",
                "source": "COW2016; GWLIST; COLLSEC",
            },
        ),
        (
            "1990-10-03",
            {
                "name": "Germany",
                "gw": 260,
                "note": "unified Germany: COW returns to 255, GW continues 260",
                "source": "COW2016; GWLIST; BEGER2019; COLLSEC",
            },
        ),
    ],
    260: [
        (
            "",
            {
                "iso3": "DEU",
                "iso2": "DE",
                "note": "West Germany; ISO DE/DEU passed to unified Germany; GW 260 from "
                "1949-09-21 (COW counts it from 1955-05-05)",
                "source": "COW2016; GWLIST; COLLSEC",
            },
        )
    ],
    265: [
        (
            "",
            {
                "iso3": "DDR",
                "iso2": "DD",
                "note": "East Germany; ISO 3166-3 DDDE; GW 265 from 1949-10-05",
                "source": "COW2016; ISO3166-3; GWLIST; COLLSEC",
            },
        )
    ],
    345: [
        (
            "",
            {
                "name": "Serbia",
                "iso3": "YUG",
                "iso2": "YU",
                "gw": 340,
                "note": "Kingdom of Serbia; COW 345 from 1878, GW 340 to 1915-10-01; ISO codes "
                "of Yugoslavia by continuity; collsec code YUG (codes.csv)",
                "source": "COW2016; GWLIST; ISO3166-3; COLLSEC",
            },
        ),
        (
            "1915-10-02",
            {
                "name": "Serbia",
                "iso3": "YUG",
                "iso2": "YU",
                "gw": None,
                "note": "Serbia under occupation: in the COW system, not in the GW list "
                "(1915-10-02 to 1918-11-30)",
                "source": "COW2016; GWLIST; COLLSEC",
            },
        ),
        (
            "1918-12-01",
            {
                "name": "Yugoslavia",
                "iso3": "YUG",
                "iso2": "YU",
                "gw": 345,
                "note": "Kingdom of Serbs, Croats and Slovenes, Yugoslavia from 1929, SFRY; "
                "ISO 3166-3 YUCS",
                "source": "COW2016; GWLIST; ISO3166-3; COLLSEC",
            },
        ),
        (
            "1992-04-27",
            {
                "name": "Federal Republic of Yugoslavia",
                "iso3": "YUG",
                "iso2": "YU",
                "gw": 345,
                "note": "ISO kept YU/YUG for the FRY (renamed Serbia and Montenegro 2003-02-04) "
                "until 2003-07-23; collsec code SCG from 1992-04-27 (codes.csv)",
                "source": "COW2016; GWLIST; ISOMA2003; COLLSEC",
            },
        ),
        (
            "2003-07-23",
            {
                "name": "Serbia and Montenegro",
                "iso3": "SCG",
                "iso2": "CS",
                "gw": 345,
                "note": "ISO CS/SCG from 2003-07-23 (ISO 3166-3 CSXX); GW 345 ends 2006-06-04",
                "source": "COW2016; GWLIST; ISOMA2003; ISO3166-3; COLLSEC",
            },
        ),
        (
            "2006-06-05",
            {
                "name": "Serbia",
                "iso3": "SRB",
                "iso2": "RS",
                "gw": 340,
                "note": "Serbia continues the state union from 2006-06-05 (COW keeps 345, GW "
                "340); ISO assigned RS/SRB on 2006-09-26",
                "source": "COW2016; GWLIST; BEGER2019; ISO3166-3; COLLSEC",
            },
        ),
    ],
    315: [
        (
            "",
            {
                "iso3": "CSK",
                "iso2": "CS",
                "note": "ISO 3166-3 CSHH; split into 316 and 317 on 1993-01-01",
                "source": "COW2016; ISO3166-3; GWLIST; COLLSEC",
            },
        )
    ],
    678: [
        (
            "",
            {
                "iso3": "YEM",
                "iso2": "YE",
                "note": "North Yemen (Kingdom of Yemen before 1962); its ISO YE/YEM passed to "
                "unified Yemen, so the collsec member code is YAR; GW 678 from 1918-10-30",
                "source": "COW2016; ISO3166-3; GWLIST; COLLSEC",
            },
        )
    ],
    679: [
        (
            "",
            {
                "iso3": "YEM",
                "iso2": "YE",
                "gw": 678,
                "note": "unified Yemen from 1990-05-22: COW 679, GW continues 678",
                "source": "COW2016; ISO3166-3; GWLIST; BEGER2019; COLLSEC",
            },
        )
    ],
    680: [
        (
            "",
            {
                "name": "Yemen People's Republic",
                "iso3": "YMD",
                "iso2": "YD",
                "note": "South Yemen (PDR Yemen); ISO 3166-3 YDYE (YD/YMD/720)",
                "source": "COW2016; ISO3166-3; GWLIST; COLLSEC",
            },
        )
    ],
    816: [
        (
            "",
            {
                "iso3": "VNM",
                "iso2": "VN",
                "note": "Democratic Republic of Vietnam, the Socialist Republic from 1976-07-02; "
                "COW and GW keep one code; ISO coded the DRV VD/VDR in 1974-1977 (ISO 3166-3 "
                "VDVN), collsec uses VNM throughout",
                "source": "COW2016; ISO3166-3; GWLIST; COLLSEC",
            },
        )
    ],
    817: [
        (
            "",
            {
                "iso3": "",
                "iso2": "",
                "note": "South Vietnam; no ISO code of its own (VN/VNM designate the unified "
                "state); collsec code RVN",
                "source": "COW2016; GWLIST; COLLSEC",
            },
        )
    ],
    510: [
        (
            "",
            {
                "name": "Tanganyika",
                "note": "collsec code TGK until the union with Zanzibar (1964-04-26); COW 510 "
                "and ISO TZ/TZA continue into Tanzania",
                "source": "COW2016; GWLIST; COLLSEC",
            },
        ),
        (
            "1964-04-26",
            {"name": "Tanzania", "source": "COW2016; BSV2017; VSB2009; GW1999; COLLSEC"},
        ),
    ],
    511: [
        (
            "",
            {
                "iso3": "",
                "iso2": "",
                "note": "merged into Tanzania 1964-04-26; no ISO code; collsec code ZAN",
                "source": "COW2016; GWLIST; COLLSEC",
            },
        )
    ],
    710: [
        (
            "",
            {
                "iso3": "CHN",
                "iso2": "CN",
                "note": "the government of China: the Republic of China until COW starts Taiwan "
                "(713) on 1949-12-08; China's UN seat (collsec CHN) was held by the ROC until "
                "1971-10-25, so collsec codes the People's Republic PRC from its proclamation "
                "(1949-10-01) to 1971-10-24",
                "source": "COW2016; BSV2017; VSB2009; GW1999; COLLSEC",
            },
        )
    ],
    713: [
        (
            "",
            {
                "iso3": "TWN",
                "iso2": "TW",
                "note": "Republic of China on Taiwan; it held China's UN seat (collsec CHN) until "
                "1971-10-25 (GA res. 2758 (XXVI)), which UN data label TW/TWN; TWN after",
                "source": "COW2016; BSV2017; VSB2009; GWLIST; COLLSEC",
            },
        )
    ],
    347: [
        (
            "",
            {
                "iso3": "",
                "iso2": "",
                "note": "no ISO 3166 code (XK/XKX is user-assigned); no collsec member code; "
                "GW 347 from 2008-02-17",
                "source": "COW2016; GWLIST",
            },
        )
    ],
    626: [
        (
            "",
            {
                "iso3": "SSD",
                "iso2": "SS",
                "note": "independent 2011-07-09",
                "source": "COW2016; BSV2017; VSB2009; GWLIST; COLLSEC",
            },
        )
    ],
    730: [
        (
            "",
            {
                "note": "Korea before annexation by Japan; no ISO code (COW 731/732 are the two "
                "Koreas)",
                "source": "COW2016; GWLIST",
            },
        )
    ],
}


def _date(y: int, m: int, d: int) -> dt.date:
    return dt.date(int(y), int(m), int(d))


def _codes_rows() -> list[dict[str, str]]:
    with open(CODES, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _member_code(codes: list[dict[str, str]], cow: int, on: dt.date) -> str:
    """The codes.csv code of ``cow`` on ``on`` (ends exclusive), else the latest one started."""
    rows = [r for r in codes if r["cow"] and int(r["cow"]) == cow]
    for r in rows:
        start = dt.date.fromisoformat(r["start"]) if r["start"] else dt.date.min
        end = dt.date.fromisoformat(r["end"]) if r["end"] else dt.date.max
        if start <= on < end:
            return r["code"]
    started = [r for r in rows if not r["start"] or dt.date.fromisoformat(r["start"]) <= on]
    started.sort(key=lambda r: r["start"])
    return started[-1]["code"] if started else ""


def _iso_maps(data: Path) -> tuple[dict[int, str], dict[str, str]]:
    ideal = pd.read_csv(
        data / "unga/ideal_points.csv",
        usecols=["ccode", "iso3c", "countryname", "year"],
        keep_default_na=False,
        dtype={"iso3c": str, "countryname": str},
    )
    ideal = ideal[ideal.iso3c != ""]
    latest = ideal.sort_values("year").groupby("ccode").iso3c.last()
    iso3_of = {int(k): v for k, v in latest.items()}

    def fix(name: str) -> str:  # the ideal-point file has UTF-8 read as cp1252/latin-1
        for enc in ("cp1252", "latin-1"):
            try:
                return name.encode(enc).decode("utf-8")
            except UnicodeError:
                continue
        return name

    names = ideal[["iso3c", "countryname"]].drop_duplicates()
    names = names.assign(country=names.countryname.map(fix))
    votes = pd.read_csv(
        data / "unga/votes.csv.gz",
        usecols=["country", "country_code"],
        keep_default_na=False,
        dtype=str,
    ).drop_duplicates()
    pairs = names.merge(votes[votes.country_code != ""], on="country")
    iso2_of = {}
    for iso3, iso2 in zip(pairs.iso3c, pairs.country_code, strict=True):
        if iso3 in {"YAR", "YUG", "DDR", "CSK", "RUS"}:
            continue  # historical or mislabelled pairs are entered by hand
        iso2_of[iso3] = iso2
    iso2_of.update({"RUS": "RU", "DEU": "DE", "YEM": "YE"})
    return iso3_of, iso2_of


def build(data: Path) -> list[dict[str, object]]:
    states = pd.read_csv(data / "cow/states.csv")
    iso3_of, iso2_of = _iso_maps(data)
    codes = _codes_rows()
    rows: list[dict[str, object]] = []
    for r in states.itertuples():
        cow = int(r.ccode)
        s = _date(r.styear, r.stmonth, r.stday)
        e = _date(r.endyear, r.endmonth, r.endday)
        hand = [(dt.date.fromisoformat(d) if d else s, f) for d, f in HAND.get(cow, [])]
        cuts = {s} | {d for d, _ in hand if s < d <= e}
        cuts |= {
            dt.date.fromisoformat(c["start"])
            for c in codes
            if c["cow"] and int(c["cow"]) == cow and c["start"]
            if s < dt.date.fromisoformat(c["start"]) <= e
        }
        starts = sorted(cuts)
        for i, a in enumerate(starts):
            b = starts[i + 1] - dt.timedelta(days=1) if i + 1 < len(starts) else e
            fields: dict[str, object] = {}
            for d, f in hand:
                if d <= a:
                    fields = f
            iso3 = fields.get("iso3", iso3_of.get(cow, ""))
            iso2 = fields.get("iso2", iso2_of.get(str(iso3), "") if iso3 else "")
            gw = fields["gw"] if "gw" in fields else GW_DIFFERENT.get(cow, cow)
            note = fields.get("note", GW_NOTE.get(cow, ""))
            source = fields.get("source", DEFAULT_SOURCE)
            if cow in GW_DIFFERENT:
                source = f"{source}; BEGER2019"
            code = _member_code(codes, cow, a)
            if not iso3 and "source" not in fields:
                source = "COW2016; GW1999"  # a state ISO never coded (ended before 1974)
            rows.append(
                {
                    "cow": cow,
                    "cow_abb": r.stateabb,
                    "iso3": iso3,
                    "iso2": iso2,
                    "gw": "" if gw is None else gw,
                    "name": fields.get("name", r.statenme),
                    "start": a.isoformat(),
                    "end": "" if b == COW_END else b.isoformat(),
                    "code": code,
                    "note": note,
                    "source": source if code else source.replace("; COLLSEC", ""),
                }
            )
    rows.sort(key=lambda x: (x["cow"], x["start"]))
    missing = [x for x in rows if x["iso3"] and not x["iso2"]]
    if missing:
        raise SystemExit(f"no ISO2 for {[(x['cow'], x['iso3']) for x in missing]}")
    return rows


def main(data: Path, out: Path = OUT) -> None:
    rows = build(data)
    with open(out, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=COLUMNS, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    print(f"wrote {len(rows)} rows to {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]))

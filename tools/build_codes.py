"""Build src/collsec/codes/codes.csv, the member-code table collsec ships.

Run once by a developer with the data mirrors present:

    python tools/build_codes.py /path/to/shared/data

Sources: the COW code <-> ISO3 pairs come from the UNGA ideal-point release
(Bailey, Strezhnev & Voeten 2017; July 2025 release, columns ccode/iso3c), the
COW abbreviations from COW's country-code list (Correlates of War Project), the
validity dates of the historical codes from COW State System Membership v2016
and the UN membership record (see src/collsec/institutions/membership/un.csv).
Historical states get the documented codes below.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

# Codes for states that no longer exist, or whose COW code maps to different
# members over time: (code, name, cow, start, end, note). Dates are half-open
# intervals [start, end) in which cow:<number> resolves to this code.
HISTORICAL = [
    (
        "SUN",
        "Union of Soviet Socialist Republics",
        365,
        "",
        "1991-12-24",
        "ISO 3166-3 code; the Russian Federation continues its UN seat from 1991-12-24",
    ),
    ("RUS", "Russian Federation", 365, "1991-12-24", "", ""),
    ("DEU", "Germany", 255, "", "1945-05-08", "German Reich"),
    (
        "DEU",
        "Germany (Federal Republic)",
        260,
        "1955-05-05",
        "1990-10-03",
        "COW 260 German Federal Republic",
    ),
    ("DEU", "Germany", 255, "1990-10-03", "", "unified Germany"),
    ("DDR", "German Democratic Republic", 265, "1954-03-25", "1990-10-03", "ISO 3166-3 code"),
    (
        "YUG",
        "Yugoslavia (SFRY)",
        345,
        "",
        "1992-04-27",
        "ISO 3166-3 code; Kingdom of Serbs, Croats and Slovenes from 1918",
    ),
    ("SCG", "Serbia and Montenegro (FRY)", 345, "1992-04-27", "2006-06-05", "ISO 3166-3 code"),
    ("SRB", "Serbia", 345, "2006-06-05", "", ""),
    ("CSK", "Czechoslovakia", 315, "", "1993-01-01", "ISO 3166-3 code"),
    (
        "YAR",
        "Yemen Arab Republic (North Yemen)",
        678,
        "",
        "1990-05-22",
        "ISO 3166-3 code YEM was reused",
    ),
    (
        "YMD",
        "People's Democratic Republic of Yemen (South Yemen)",
        680,
        "",
        "1990-05-22",
        "ISO 3166-3 code",
    ),
    ("YEM", "Yemen", 679, "1990-05-22", "", ""),
    (
        "RVN",
        "Republic of Vietnam (South Vietnam)",
        817,
        "",
        "1975-04-30",
        "collsec code; no ISO code",
    ),
    (
        "CHN",
        "China (Republic of China)",
        710,
        "",
        "1949-10-01",
        "the Republic of China on the mainland (COW 710); it held China's UN seat",
    ),
    (
        "PRC",
        "China (People's Republic)",
        710,
        "1949-10-01",
        "1971-10-25",
        "collsec code: the People's Republic of China (proclaimed 1949-10-01) before it "
        "took China's UN seat by GA res. 2758 (XXVI) of 1971-10-25; not a UN member then",
    ),
    ("CHN", "China", 710, "1971-10-25", "", "the People's Republic holds China's UN seat"),
    (
        "CHN",
        "China (Republic of China)",
        713,
        "1949-10-01",
        "1971-10-25",
        "the Republic of China on Taiwan (COW 713 from 1949-12-08) held China's UN seat "
        "until GA res. 2758 (XXVI) of 1971-10-25",
    ),
    ("TWN", "Taiwan", 713, "1971-10-25", "", "the Republic of China on Taiwan after 1971-10-25"),
    ("TGK", "Tanganyika", 510, "", "1964-04-26", "collsec code; merged into Tanzania"),
    ("TZA", "United Republic of Tanzania", 510, "1964-04-26", "", ""),
    ("ZAN", "Zanzibar", 511, "", "1964-04-26", "collsec code; merged into Tanzania"),
]
HIST_CODES = {h[0] for h in HISTORICAL}

# Members of organisations that are not states in the COW system: (code, name, note).
NON_COW = [
    ("VAT", "Holy See", "OSCE participating State; UN observer; not a COW state"),
    ("ESH", "Sahrawi Arab Democratic Republic", "AU member state; not a COW state"),
    ("PSE", "State of Palestine", "UN observer state; not a COW state"),
]


def fix_mojibake(name: str) -> str:
    """Undo UTF-8 text read as Latin-1 (the ideal-point file has a few such names)."""
    try:
        return name.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return name


def main(data: Path, out: Path) -> None:
    with open(data / "cow/country_codes.csv") as fh:
        abbs = {int(r["CCode"]): r["StateAbb"] for r in csv.DictReader(fh)}
    with open(data / "unga/ideal_points.csv") as fh:
        ideal = list(csv.DictReader(fh))
    pairs: dict[str, tuple[int, str]] = {}
    for r in ideal:
        iso, cow = r["iso3c"], int(r["ccode"])
        if not iso or iso in HIST_CODES or cow in (255, 260, 265, 678, 680):
            continue  # historical codes are set by hand above
        pairs[iso] = (cow, fix_mojibake(r["countryname"]))
    rows = []
    for iso, (cow, name) in sorted(pairs.items()):
        rows.append(
            {
                "code": iso,
                "name": name,
                "cow": cow,
                "cow_abb": abbs.get(cow, ""),
                "start": "",
                "end": "",
                "note": "",
            }
        )
    for code, name, cow, start, end, note in HISTORICAL:
        rows.append(
            {
                "code": code,
                "name": name,
                "cow": cow,
                "cow_abb": abbs.get(cow, ""),
                "start": start,
                "end": end,
                "note": note,
            }
        )
    for code, name, note in NON_COW:
        rows.append(
            {
                "code": code,
                "name": name,
                "cow": "",
                "cow_abb": "",
                "start": "",
                "end": "",
                "note": note,
            }
        )
    rows.sort(key=lambda r: (r["code"], r["start"]))
    with open(out, "w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    print(f"wrote {len(rows)} rows to {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(__file__).resolve().parents[1] / "src/collsec/codes/codes.csv")

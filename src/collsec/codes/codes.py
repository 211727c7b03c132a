"""Member codes: ISO3 codes, COW codes with a ``cow:`` prefix, and documented historical codes.

collsec names states by ISO 3166-1 alpha-3 codes. States that no longer exist
keep documented codes (``SUN`` the USSR, ``YUG`` Yugoslavia, ``DDR`` the GDR,
``CSK`` Czechoslovakia, ``YAR``/``YMD`` the two Yemens, ``SCG`` Serbia and
Montenegro, ``RVN`` South Vietnam, ``TGK``/``ZAN`` Tanganyika and Zanzibar).
China's UN seat is always ``CHN``; it was held by the Republic of China until
25 October 1971 (GA res. 2758 (XXVI)), and ``ROC`` is accepted for it before then.
The People's Republic of China, proclaimed on 1 October 1949, is ``PRC`` until it
took the seat on 25 October 1971 and ``CHN`` from then: so ``cow:710`` resolves
to ``CHN`` before 1949-10-01 (the ROC on the mainland), to ``PRC`` until
1971-10-24 and to ``CHN`` after, and ``cow:713`` (COW's Taiwan, from
1949-12-08) to ``CHN`` until 1971-10-24 and to ``TWN`` after.

Correlates of War codes are accepted as ``cow:365`` or ``cow:RUS`` and resolve
by date: ``cow:365`` is ``SUN`` before 24 December 1991 and ``RUS`` after.
The table is ``codes.csv`` beside this module, built by ``tools/build_codes.py``.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from collsec.errors import InputError

__all__ = [
    "PRC_CODE",
    "PRC_START",
    "ROC_SEAT_END",
    "CodeRow",
    "code_table",
    "member_name",
    "resolve_member",
]

#: GA res. 2758 (XXVI), 25 October 1971: the People's Republic takes China's seat
ROC_SEAT_END = dt.date(1971, 10, 25)
#: the People's Republic of China proclaimed (Beijing, 1 October 1949)
PRC_START = dt.date(1949, 10, 1)
#: the collsec code of the People's Republic before it held China's seat
PRC_CODE = "PRC"
ALIASES = {"ROC": "CHN", "USSR": "SUN"}


@dataclass(frozen=True)
class CodeRow:
    code: str
    name: str
    cow: int | None
    cow_abb: str
    start: dt.date | None
    end: dt.date | None
    note: str

    def valid_on(self, on: dt.date) -> bool:
        return (self.start is None or on >= self.start) and (self.end is None or on < self.end)


def _date(text: str) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


@cache
def code_table() -> tuple[CodeRow, ...]:
    """All rows of the shipped code table."""
    text = files("collsec.codes").joinpath("codes.csv").read_text(encoding="utf-8")
    return tuple(
        CodeRow(
            code=r["code"],
            name=r["name"],
            cow=int(r["cow"]) if r["cow"] else None,
            cow_abb=r["cow_abb"],
            start=_date(r["start"]),
            end=_date(r["end"]),
            note=r["note"],
        )
        for r in csv.DictReader(text.splitlines())
    )


@cache
def _codes() -> frozenset[str]:
    return frozenset(r.code for r in code_table())


def resolve_member(token: str, on: dt.date | None = None, *, source: str = "member") -> str:
    """Turn a user's member token into a collsec member code.

    Parameters
    ----------
    token : str
        An ISO3 code (``"FRA"``), a documented historical code (``"SUN"``), or a
        COW code with a ``cow:`` prefix (``"cow:365"``, ``"cow:RUS"``).
    on : datetime.date, optional
        The date at which COW codes are resolved (default: today).
    source : str
        Where the token came from, for the error message (e.g. ``"--yes"``).

    Examples
    --------
    >>> import datetime as dt
    >>> resolve_member("cow:365", dt.date(1950, 6, 25))
    'SUN'
    >>> resolve_member("cow:RUS", dt.date(2022, 2, 25))
    'RUS'
    >>> resolve_member("gbr")
    'GBR'
    """
    raw = token.strip()
    on = on or dt.date.today()
    if raw.lower().startswith("cow:"):
        key = raw[4:].strip().upper()
        rows = [
            r
            for r in code_table()
            if (str(r.cow) == key if key.isdigit() else r.cow_abb == key) and r.valid_on(on)
        ]
        if not rows:
            raise InputError(f"unknown COW code {raw!r} on {on.isoformat()}", source=source)
        return rows[0].code
    code = ALIASES.get(raw.upper(), raw.upper())
    if code not in _codes():
        raise InputError(
            f"unknown member code {raw!r} (use ISO3, e.g. FRA, or cow:NNN)", source=source
        )
    return code


def member_name(code: str, on: dt.date | None = None) -> str:
    """A readable name for ``code`` (at ``on`` where names changed).

    >>> member_name("SUN")
    'the USSR'
    >>> import datetime as dt
    >>> member_name("CHN", dt.date(1955, 12, 13))
    'China (Republic of China)'
    """
    special = {
        "SUN": "the USSR",
        "USA": "the United States",
        "GBR": "the United Kingdom",
        "RUS": "the Russian Federation",
    }
    if code in special:
        return special[code]
    if code == "CHN" and on is not None and on < ROC_SEAT_END:
        return "China (Republic of China)"
    rows = [r for r in code_table() if r.code == code]
    if not rows:
        return code
    if on is not None:
        dated = [r for r in rows if r.valid_on(on)]
        rows = dated or rows
    return rows[-1].name

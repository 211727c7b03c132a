"""Nuclear status by date: a small built-in proxy.

A state counts as nuclear-armed from the year of its first nuclear test (or,
for Israel, the year it is generally believed to have assembled weapons). The
list is a documented proxy, not a dataset; the years follow the standard
chronology (e.g. Arms Control Association, "Nuclear Weapons: Who Has What at a
Glance"; Federation of American Scientists, "Status of World Nuclear Forces").

>>> is_nuclear("GBR", 1951), is_nuclear("GBR", 1952)
(False, True)
"""

from __future__ import annotations

import datetime as dt

from collsec.codes.codes import ROC_SEAT_END

__all__ = ["NUCLEAR_STATES", "is_nuclear", "nuclear_codes"]

#: code -> (first year, source)
NUCLEAR_STATES: dict[str, tuple[int, str]] = {
    "USA": (1945, "Trinity test, 16 July 1945"),
    "SUN": (1949, "first Soviet test (RDS-1), 29 August 1949"),
    "RUS": (1949, "successor to the USSR's arsenal (Alma-Ata/Lisbon 1991-92)"),
    "GBR": (1952, "Operation Hurricane, 3 October 1952"),
    "FRA": (1960, "Gerboise Bleue, 13 February 1960"),
    "CHN": (
        1964,
        "first Chinese test, 16 October 1964 (the People's Republic: CHN from 1971-10-25)",
    ),
    "PRC": (1964, "first Chinese test, 16 October 1964 (the People's Republic before 1971-10-25)"),
    "ISR": (1967, "undeclared; weapons believed assembled by the 1967 war (Cohen 1998)"),
    "IND": (1974, "Smiling Buddha test, 18 May 1974"),
    "PAK": (1998, "Chagai-I tests, 28 May 1998"),
    "PRK": (2006, "first North Korean test, 9 October 2006"),
}


def is_nuclear(code: str, year: int) -> bool:
    """Whether ``code`` counts as nuclear-armed in ``year``."""
    entry = NUCLEAR_STATES.get(str(code))
    return entry is not None and year >= entry[0]


def nuclear_codes(year: int, on: dt.date | None = None) -> frozenset[str]:
    """The codes that count as nuclear-armed in ``year`` (on the day ``on``, if given).

    Before 25 October 1971 ``CHN`` is the Republic of China, which had no weapons;
    the People's Republic is ``PRC`` then (:mod:`collsec.codes.codes`).

    >>> import datetime as dt
    >>> sorted(nuclear_codes(1965, dt.date(1965, 7, 1)) & {"CHN", "PRC"})
    ['PRC']
    """
    out = frozenset(c for c in NUCLEAR_STATES if is_nuclear(c, year))
    if on is not None and on < ROC_SEAT_END:
        out = out - {"CHN"}
    return out

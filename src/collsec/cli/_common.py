"""Shared pieces of the command line: output formats, the data-dir option, errors.

Every command that prints results takes ``--format text|json``. JSON output is a
stable contract (see ``docs/json.md``); text output is for people.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Callable
from enum import StrEnum
from typing import Annotated, Any

import typer

from collsec import limits
from collsec.errors import InputError

__all__ = ["DataDirOpt", "Format", "FormatOpt", "emit", "parse_date"]


class Format(StrEnum):
    text = "text"
    json = "json"
    table = "table"  # the same as text: tables for people


FormatOpt = Annotated[
    Format, typer.Option("--format", help="Output format: text (or table) or json.")
]
DataDirOpt = Annotated[
    str | None,
    typer.Option(
        "--data-dir",
        help="Read-only data directory (default: $COLLSEC_DATA_DIR).",
        show_default=False,
    ),
]


def emit(payload: dict[str, Any], fmt: Format, text: Callable[[dict[str, Any]], None]) -> None:
    """Print ``payload`` as JSON, or call ``text(payload)`` to render it for people."""
    if fmt is Format.json:
        json.dump(payload, sys.stdout, indent=2, ensure_ascii=False, default=str)
        sys.stdout.write("\n")
    else:
        text(payload)


def parse_date(date: str | None, year: int | None) -> dt.date:
    """``--date`` or ``--year Y`` (1 July of Y), not both; neither means today."""
    if date is not None and year is not None:
        raise InputError("give --year or --date, not both", source="--date")
    if date is not None:
        try:
            return dt.date.fromisoformat(date)
        except ValueError:
            raise InputError(f"'{date}' is not a date like 1950-06-25", source="--date") from None
    if year is not None:
        if not 1800 <= year <= 2200:
            raise InputError(f"year {year} is out of range", source="--year")
        return dt.date(year, 7, 1)
    return dt.date.today()


def check_rate_run(crises: int, seed: int, what: str) -> None:
    """``--crises`` and ``--seed`` of a command that measures rates over generated
    crises: at least 1000 crises, then the bounds of ``collsec.limits``."""
    if crises < 1000:
        raise InputError(f"must be >= 1000 ({what})", source="--crises")
    limits.check("crises", crises, source="--crises")
    limits.check("seed", seed, source="--seed")

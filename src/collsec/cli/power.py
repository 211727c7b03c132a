"""``collsec power``: exact voting power of a body or of a weighted game."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from collsec.cli._common import Format, FormatOpt, emit, parse_date
from collsec.cli._progress import progress
from collsec.errors import InputError
from collsec.institutions import load_body
from collsec.institutions.power import body_game_and_seats, game_power
from collsec.power import Game

console = Console()


class Index(StrEnum):
    all = "all"
    shapley_shubik = "shapley-shubik"
    banzhaf = "banzhaf"


def read_weights(path: Path) -> list[int]:
    """One non-negative integer weight per line; blank lines and # comments skipped."""
    source = str(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(f"cannot read file ({e.__class__.__name__})", source=source) from None
    weights = []
    for i, line in enumerate(lines, start=1):
        text = line.split("#", 1)[0].strip()
        if not text:
            continue
        try:
            w = int(text)
        except ValueError:
            raise InputError(
                f"'{text}' is not an integer weight", source=source, field=f"line {i}"
            ) from None
        if w < 0:
            raise InputError(f"negative weight {w}", source=source, field=f"line {i}")
        weights.append(w)
    if not weights:
        raise InputError("no weights in file", source=source)
    return weights


def power(
    body: Annotated[str | None, typer.Argument(help="Body id, charter id or .toml file.")] = None,
    year: Annotated[int | None, typer.Option(help="Year (1 July of that year).")] = None,
    date: Annotated[str | None, typer.Option(help="Date, YYYY-MM-DD.")] = None,
    rule: Annotated[
        str | None, typer.Option(help="Rule name (default: the body's default).")
    ] = None,
    # a short metavar: the choices in typer's type column would be folded mid-word at
    # 80 columns ("banzha" / "f>"); in the help text they wrap between words
    index: Annotated[
        Index,
        typer.Option(
            metavar="INDEX", help="Which index to compute: all, shapley-shubik or banzhaf."
        ),
    ] = Index.all,
    quota: Annotated[int | None, typer.Option(help="Quota of a plain weighted game.")] = None,
    weights_file: Annotated[
        Path | None, typer.Option(help="File with one integer weight per line.")
    ] = None,
    fmt: FormatOpt = Format.text,
) -> None:
    """Exact Shapley-Shubik and Banzhaf indices, as fractions."""
    seats: dict[str, str] = {}
    if weights_file is not None or quota is not None:
        if body is not None:
            raise InputError("give a BODY or --quota with --weights-file, not both", source="power")
        if weights_file is None or quota is None:
            raise InputError("--quota and --weights-file go together", source="power")
        for given, flag in ((year, "--year"), (date, "--date"), (rule, "--rule")):
            if given is not None:
                raise InputError("is for a BODY, not for --quota and --weights-file", source=flag)
        weights = read_weights(weights_file)
        total = sum(weights)
        if quota > total:
            raise InputError(
                f"quota {quota} exceeds the total weight {total}",
                source=str(weights_file),
                field="--quota",
            )
        if quota <= 0:
            raise InputError(f"quota {quota} must be positive", source="--quota")
        players = [f"P{i + 1}" for i in range(len(weights))]
        game = Game.weighted(quota, weights, players=players, name=f"weighted[{quota}]")
    else:
        if body is None:
            raise InputError(
                "give a BODY (see `collsec bodies`) or --quota and --weights-file", source="power"
            )
        council = load_body(body, on=parse_date(date, year))
        game, seats = body_game_and_seats(council, rule)
    # a large weighted game (hundreds of players, millions of votes) takes seconds to
    # minutes: its counts say how far they are on stderr (nothing in the first seconds)
    with progress(f"power {game.name}") as bar:
        result = game_power(game, index.value, seats, progress=bar.report)

    def text(p: dict[str, Any]) -> None:
        t = Table(title=f"Voting power: {p['body']}")
        t.add_column("member")
        t.add_column("seat")
        keys = [
            k
            for k in ("shapley_shubik", "banzhaf", "banzhaf_absolute", "swings")
            if k in p["members"][0]
        ]
        for k in keys:
            t.add_column(k.replace("_", " "), justify="right")
        for r in p["members"]:
            cells = []
            for k in keys:
                v = r[k]
                f = r.get(f"{k}_float")
                cells.append(f"{v}" if f is None else f"{v} ({f:.4f})")
            t.add_row(r["member"], r.get("seat", ""), *cells)
        console.print(t)
        if "coleman_power_to_act" in p:
            console.print(
                f"Coleman's power of the collectivity to act: {p['coleman_power_to_act']}"
                f" ({p.get('coleman_power_to_act_float', 0):.6f})"
            )
        for n in p.get("notes", []):
            console.print(f"note: {n}")

    emit(result, fmt, text)


def register(app: typer.Typer) -> None:
    app.command("power")(power)

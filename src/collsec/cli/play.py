"""``collsec play``: a case played from a seat, move by move, as the lab plays it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from collsec import limits
from collsec.cli._common import Format, FormatOpt, emit
from collsec.errors import InputError

console = Console()

#: the largest moves file read (a play of 500 moves is far smaller)
MAX_MOVES_BYTES = 1 << 20


def read_moves(path: Path) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The moves of a play from a JSON file: a list of objects, or a lab transcript
    (its ``moves``, with its ``seats`` and ``seed`` returned beside them; docs/lab.md)."""
    src = str(path)
    try:
        if path.stat().st_size > MAX_MOVES_BYTES:
            raise InputError(f"larger than {MAX_MOVES_BYTES:,} bytes", source=src)
        moves = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as e:
        raise InputError(f"not a JSON file of moves ({e.__class__.__name__})", source=src) from None
    extra: dict[str, Any] = {}
    if isinstance(moves, dict) and "moves" in moves:  # a transcript of the lab
        seats, seed = moves.get("seats", {}), moves.get("seed", 0)
        if not isinstance(seats, dict) or not isinstance(seed, int) or isinstance(seed, bool):
            raise InputError(
                "a transcript's seats must be an object, its seed a number", source=src
            )
        extra = {"seats": list(seats), "seed": seed}
        moves = moves["moves"]
    if not isinstance(moves, list) or not all(isinstance(m, dict) for m in moves):
        raise InputError("must be a JSON list of moves (objects) or a transcript", source=src)
    if moves:
        limits.check("moves", len(moves), source=src, field="moves")
    return moves, extra


def play_command(
    case: Annotated[str, typer.Argument(help="Case id of the library (see `collsec cases`).")],
    seat: Annotated[
        list[str] | None,
        typer.Option("--seat", help="A seat a player holds (repeat for several)."),
    ] = None,
    moves: Annotated[
        Path | None, typer.Option("--moves", help="JSON file of moves (docs/lab.md).")
    ] = None,
    seed: Annotated[
        int | None,
        typer.Option("--seed", help="Seed of the kernel's run at the end (a transcript's, or 0)."),
    ] = None,
    fmt: FormatOpt = Format.text,
) -> None:
    """Play a case from a seat: the Council at the trigger, the model's votes, the outcome."""
    # lazy: the case library, the fit and the kernel only when a command runs
    from collsec.cases.play import load_game

    if seed is not None:
        limits.check("seed", seed, source="--seed")
    game = load_game(case)
    seats = list(seat or [])
    for s in seats:
        if s not in game.seats:
            raise InputError(
                f"{s!r} does not sit on the Council on {game.date.isoformat()} "
                f"(seats: {', '.join(game.seats)})",
                source="--seat",
            )
    out = game.situation(seats[0] if seats else None)
    if moves is not None:
        mv, extra = read_moves(moves)
        held = extra.get("seats") or [m["seat"] for m in mv if isinstance(m.get("seat"), str)]
        humans = (set(seats) | set(held)) & set(game.seats)
        seed = seed if seed is not None else extra.get("seed", 0)
        limits.check("seed", seed, source=str(moves), field="seed")
        out["play"] = game.state(mv, humans, seed=seed)
    emit(out, fmt, _text)


def _ballot_table(b: dict[str, Any], title: str) -> Table:
    t = Table(title=title)
    for c in ("member", "vote", "p yes", "p no", "p abstain", "why"):
        t.add_column(c, justify="right" if c.startswith("p ") else "left")
    for m, v in b["votes"].items():
        vote = v["vote"] + (" (player)" if v.get("by") == "player" else "")
        t.add_row(
            m, vote, f"{v['p_yes']:.2f}", f"{v['p_no']:.2f}", f"{v['p_abstain']:.2f}", v["why"]
        )
    return t


def _text(p: dict[str, Any]) -> None:
    tr = p["trigger"]
    console.print(f"[bold]{p['case']['title']}[/bold] ({tr['date']}): {tr['description']}")
    console.print(_ballot_table(p["expected"], f"Expected votes on: {p['expected']['words']}"))
    console.print(f"The model expects: {p['expected']['reason']}")
    play = p.get("play")
    if not play:
        return
    for i, b in enumerate(play["ballots"], start=1):
        console.print(f"{i}. {b['forum']}: {b['words']} -> {b['reason']}")
    if play.get("outcome"):
        o = play["outcome"]
        console.print(
            f"Outcome: {o['responder']} ({o['measure']}), {o['institution']}; "
            f"{'succeeded' if o['success'] else 'failed'} (p = {o['p_success']:.2f} over the "
            f"kernel's runs); credibility {o['credibility_before']} -> {o['credibility_after']}"
        )
        console.print(
            f"Record: {p['play']['record']['institution']}: {play['record']['explanation']}"
        )


def register(app: typer.Typer) -> None:
    app.command("play")(play_command)

"""``collsec bodies`` and ``collsec vote``."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from collsec.cli._common import Format, FormatOpt, emit, parse_date
from collsec.codes.codes import resolve_member
from collsec.errors import InputError
from collsec.institutions import Ballot, bodies_summary, load_body
from collsec.institutions.charter import Body

console = Console()

ListOpt = Annotated[list[str] | None, typer.Option(help="Comma-separated member codes.")]


def member_tokens(body: Body, values: list[str] | None, source: str) -> list[str]:
    """Resolve CLI member tokens: ISO3, cow:NNN, or a placeholder seat of the body."""
    out: list[str] = []
    for value in values or []:
        for part in value.split(","):
            token = part.strip()
            if not token:
                continue
            if token.upper() in body.seats:
                out.append(token.upper())
            else:
                out.append(resolve_member(token, body.on, source=source))
    return out


def bodies(fmt: FormatOpt = Format.text) -> None:
    """List the built-in decision bodies and their versions."""
    rows = bodies_summary()

    def text(p: dict[str, Any]) -> None:
        # ids, body names, dates and rule names are typed next: never cut (no_wrap);
        # the title wraps, and the rules go under it, whole words on each line
        t = Table(title="Built-in bodies (charter files)", expand=True)
        t.add_column("id (body)", no_wrap=True)
        t.add_column("in force", no_wrap=True)
        t.add_column("title; rules", ratio=1, overflow="fold")
        for r in p["bodies"]:
            name = r["id"] if r["body"] == r["id"] else f"{r['id']}\n({r['body']})"
            span = f"{r['valid_from']} to\n{r['valid_to'] or 'today'}"
            title = r["title"] + (" [variant]" if r["variant"] else "")
            if not r["practice"]["obligatory_abstention"]:
                title += " [as practised: parties vote]"
            rules = ", ".join(r["rules"])
            t.add_row(
                name, span, Text(f"{title}\nrules: {rules}")
            )  # Text: "[variant]" is no markup
        console.print(t)

    emit({"bodies": rows}, fmt, text)


def vote(
    body: Annotated[
        str, typer.Argument(help="Body id (unsc), charter id (unsc-1966) or a .toml file.")
    ],
    year: Annotated[
        int | None, typer.Option(help="Year of the vote (1 July of that year).")
    ] = None,
    date: Annotated[str | None, typer.Option(help="Date of the vote, YYYY-MM-DD.")] = None,
    yes: ListOpt = None,
    no: ListOpt = None,
    abstain: ListOpt = None,
    absent: ListOpt = None,
    procedural: Annotated[bool, typer.Option(help="A procedural question (no veto).")] = False,
    question: Annotated[
        str | None, typer.Option(help="Rule name, e.g. important, art15_report.")
    ] = None,
    chapter: Annotated[
        str | None, typer.Option(help="Chapter of the Charter: VI, VII or 52(3).")
    ] = None,
    party: ListOpt = None,
    target: Annotated[
        str | None, typer.Option(help="The state concerned (OSCE consensus-minus-one).")
    ] = None,
    fmt: FormatOpt = Format.text,
) -> None:
    """Adjudicate a ballot: adopted or not, and why."""
    if procedural and question is not None:
        raise InputError(
            "give --procedural or --question, not both (a named rule decides alone)",
            source="--procedural",
        )
    on = parse_date(date, year)
    council = load_body(body, on=on)
    if chapter is not None and chapter.upper() not in ("VI", "VII", "52(3)"):
        raise InputError(f"unknown chapter '{chapter}' (use VI, VII or 52(3))", source="--chapter")
    ballot = Ballot.from_lists(
        yes=member_tokens(council, yes, "--yes"),
        no=member_tokens(council, no, "--no"),
        abstain=member_tokens(council, abstain, "--abstain"),
        absent=member_tokens(council, absent, "--absent"),
        question=question,
        chapter=chapter.upper() if chapter else None,
        parties=member_tokens(council, party, "--party"),
        target=member_tokens(council, [target], "--target")[0] if target else None,
    )
    decision = council.adjudicate(ballot, procedural=procedural)

    def text(p: dict[str, Any]) -> None:
        verdict = "[green]ADOPTED[/green]" if p["adopted"] else "[red]NOT ADOPTED[/red]"
        console.print(f"{verdict}  {p['body']} ({p['rule']}), {p['date']}")
        console.print(f"  {p['reason']}")
        for key in ("yes", "no", "abstain", "absent", "not_participating"):
            if p[key]:
                console.print(f"  {key.replace('_', ' ')} ({len(p[key])}): {', '.join(p[key])}")
        for note in p["notes"]:
            console.print(f"  note: {note}")

    emit(decision.to_dict(), fmt, text)


def register(app: typer.Typer) -> None:
    app.command("bodies")(bodies)
    app.command("vote")(vote)


__all__ = ["register"]

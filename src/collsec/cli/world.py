"""``collsec world`` and ``collsec dyads``: the international system of a year or a day."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from collsec.cli._common import DataDirOpt, Format, FormatOpt, emit
from collsec.data.export import check_export_path, write_table
from collsec.errors import InputError

if TYPE_CHECKING:
    from collsec.world.world import World

console = Console()

WhenArg = Annotated[str, typer.Argument(help="A year (1990) or a date (1990-08-02).")]
ExportOpt = Annotated[
    str | None, typer.Option("--export", help="Write the table to a .parquet or .csv file.")
]


def world_for(when: str, data_dir: str | None) -> World:
    """``YYYY`` builds the year's world; ``YYYY-MM-DD`` the world of that day."""
    # lazy: pandas, pyarrow and the loaders only when a world is built (`collsec --help`
    # imports this module)
    from collsec.world.world import World

    text = when.strip()
    if text.isdigit():
        return World.from_year(int(text), data_dir=data_dir)
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise InputError(
            f"'{when}' is neither a year (1990) nor a date (1990-08-02)", source="world"
        ) from None
    return World.at(day, data_dir=data_dir)


def world(
    when: WhenArg,
    export: ExportOpt = None,
    data_dir: DataDirOpt = None,
    fmt: FormatOpt = Format.text,
) -> None:
    """The states of a year (or a day): capability, ideal point, region, memberships."""
    if export:
        check_export_path(export)
    w = world_for(when, data_dir)
    if export:
        write_table(w.to_frame(), export)
    payload = w.to_dict()

    def text(p: dict[str, Any]) -> None:
        title = f"The international system, {p.get('date') or p.get('year')} ({len(p['states'])} states)"
        # codes, numbers, regions and memberships never cut; the name wraps, with
        # "major power" and the data's flags under it
        t = Table(title=title, expand=True)
        t.add_column("ccode", justify="right", no_wrap=True)
        t.add_column("iso3", no_wrap=True)
        t.add_column("name; notes", ratio=1, overflow="fold")
        t.add_column("cinc", justify="right", no_wrap=True)
        t.add_column("ideal", justify="right", no_wrap=True)
        t.add_column("region", no_wrap=True)
        t.add_column("member\nof", no_wrap=True)
        for s in p["states"]:
            notes = (["major power"] if s["major_power"] else []) + s["flags"]
            ideal = "" if s["ideal_point"] is None else f"{s['ideal_point']:+.2f}"
            t.add_row(
                str(s["ccode"]), s["iso3"], Text("\n".join([s["name"], *notes])),
                f"{s['cinc']:.4f}", ideal, s["region"],
                "\n".join(s["memberships"]),
            )  # fmt: skip
        console.print(t)
        console.print(f"Sources: {', '.join(p['sources'])} (cite with `collsec data cite`)")
        if export:
            console.print(f"Written: {export}")

    emit(payload, fmt, text)


def dyads(
    when: WhenArg,
    export: ExportOpt = None,
    data_dir: DataDirOpt = None,
    fmt: FormatOpt = Format.text,
) -> None:
    """Directed dyads of a year: contiguity, distance, alliance, similarity, capability ratio."""
    if export:
        check_export_path(export)
    w = world_for(when, data_dir)
    df = w.dyads()
    if export:
        write_table(df, export)
    payload = {
        "year": w.year,
        "dyads": len(df),
        "columns": list(df.columns),
        "export": export,
        "sources": list(w.sources),
    }

    def text(p: dict[str, Any]) -> None:
        console.print(
            f"{p['dyads']} directed dyads in {p['year']}; columns: {', '.join(p['columns'])}"
        )
        console.print(df.head(10).to_string(index=False))
        if export:
            console.print(f"Written: {export}")

    emit(payload, fmt, text)


def register(app: typer.Typer) -> None:
    app.command("world")(world)
    app.command("dyads")(dyads)

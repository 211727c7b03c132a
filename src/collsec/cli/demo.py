"""``collsec demo``: a tour of the charters on built-in data (no downloads)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from collsec.cases.curated import adjudicate_named, named_votes
from collsec.cli._common import Format, FormatOpt, emit
from collsec.institutions import article5_applies, load_body
from collsec.institutions.power import body_game
from collsec.power import power_indices

console = Console()


def _council_power(body: str, on: dt.date) -> dict[str, Any]:
    council = load_body(body, on=on)
    res = power_indices(body_game(council), index="all").to_dict()
    rows = {r["member"]: r for r in res["members"]}
    perm = next(m for m, s in council.seats.items() if s == "permanent")
    other = next(m for m, s in council.seats.items() if s != "permanent")
    return {
        "body": council.charter.id,
        "permanent": rows[perm]["shapley_shubik"],
        "elected": rows[other]["shapley_shubik"],
        "permanent_banzhaf": rows[perm]["banzhaf"],
        "elected_banzhaf": rows[other]["banzhaf"],
    }


def demo(fmt: FormatOpt = Format.text) -> None:
    """Replay landmark Council votes, compute exact voting power, try a reform."""
    votes = []
    # only complete votes: every member named, or every non-yes named and the rest yes
    # (a partial record names some votes only and cannot be adjudicated)
    for v in named_votes():
        if v.status not in ("named", "derived"):
            continue
        d = adjudicate_named(v)
        recorded = v.outcome == "adopted"
        votes.append(
            {
                "symbol": v.symbol,
                "date": v.date.isoformat(),
                "topic": v.topic,
                "tally": v.tally,
                "recorded": v.outcome,
                "adjudicated": "adopted" if d.adopted else "not adopted",
                "agrees": d.adopted == recorded,
                "reason": d.reason,
                "notes": d.notes,
            }
        )
    power = [
        _council_power("unsc", dt.date(1950, 1, 1)),
        _council_power("unsc", dt.date(2020, 1, 1)),
        _council_power("unsc-no-veto", dt.date(2020, 1, 1)),
        _council_power("unsc-two-vetoes", dt.date(2020, 1, 1)),
    ]
    eec = power_indices(body_game(load_body("eec-council-1958", on=dt.date(1960, 1, 1)))).to_dict()
    nato = [
        {
            "case": "9/11, New York",
            **dict(
                zip(
                    ("applies", "reason"),
                    article5_applies("USA", on=dt.date(2001, 9, 11), region="north_america"),
                    strict=True,
                )
            ),
        },
        {
            "case": "Falklands 1982",
            **dict(
                zip(
                    ("applies", "reason"),
                    article5_applies(
                        "GBR", on=dt.date(1982, 4, 2), region="elsewhere", latitude=-51.7
                    ),
                    strict=True,
                )
            ),
        },
    ]
    payload = {
        "votes": votes,
        "agree": sum(1 for x in votes if x["agrees"]),
        "power": power,
        "eec_1958": eec,
        "nato_article5": nato,
    }

    def text(p: dict[str, Any]) -> None:
        console.rule(
            "Votes with every member known and sourced, adjudicated by the charter of the day"
        )
        for r in p["votes"]:
            mark = "[green]agrees[/green]" if r["agrees"] else "[red]DISAGREES[/red]"
            console.print(
                f"[bold]{r['symbol']}[/bold] {r['date']} ({r['tally']}), recorded {r['recorded']}: {mark}"
            )
            console.print(f"    {r['reason']}", highlight=False)
            for note in r["notes"]:
                console.print(f"    note: {note}", highlight=False)
        console.print(f"{p['agree']} of {len(p['votes'])} agree with the recorded outcome.")
        console.rule("Exact Shapley-Shubik power of one seat (normalised Banzhaf in brackets)")
        t = Table()
        for col in ("body", "permanent member", "elected member"):
            t.add_column(col)
        for r in p["power"]:
            t.add_row(
                r["body"],
                f"{r['permanent']} ({r['permanent_banzhaf']})",
                f"{r['elected']} ({r['elected_banzhaf']})",
            )
        console.print(t)
        lux = next(r for r in p["eec_1958"]["members"] if r["member"] == "LUX")
        console.print(
            "EEC Council 1958, weights [12; 4,4,4,2,2,1]: Luxembourg's power is "
            f"{lux['shapley_shubik']} (Shapley-Shubik) and {lux['banzhaf']} (Banzhaf)."
        )
        console.rule("NATO Article 5 and the treaty area of Article 6")
        for r in p["nato_article5"]:
            verdict = "applies" if r["applies"] else "does not apply"
            console.print(f"{r['case']}: {verdict} ({r['reason']})")
        console.print(
            "\nNext: collsec bodies | collsec vote unsc --year 1950 --yes ... | "
            "collsec power unsc | collsec audit unsc --data-dir DIR"
        )

    emit(payload, fmt, text)


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)

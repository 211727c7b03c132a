"""``collsec facts``: stylised facts of the alliance literature, measured on the model."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from collsec import limits
from collsec.behavior.parameters import Parameters
from collsec.cli._common import DataDirOpt, Format, FormatOpt, check_rate_run, emit
from collsec.cli._progress import progress
from collsec.cli.simulate import CouncilOpt, ParamsOpt, StatesOpt, _inputs

console = Console()


def facts_command(
    world: Annotated[
        str,
        typer.Option(
            "--world",
            help="A year (2000) or a date for a world from the datasets, or 'synthetic'.",
        ),
    ] = "2000",
    states: StatesOpt = None,
    crises: Annotated[int, typer.Option("--crises", help="Generated crises to run.")] = 40_000,
    vetoes: Annotated[
        bool,
        typer.Option(
            "--vetoes/--no-vetoes",
            help="Also compare vetoed drafts per decade with the record (worlds from data).",
        ),
    ] = True,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the crises.")] = 0,
    params: ParamsOpt = None,
    council: CouncilOpt = None,
    data_dir: DataDirOpt = None,
    fmt: FormatOpt = Format.text,
) -> None:
    """Measure three findings of the alliance literature on the model's crises."""

    # lazy: the facts and the kernel (scipy.stats, pandas) only when this command runs
    from collsec.crisis import Stage
    from collsec.validation.facts import DECADES, stylised_facts, vetoes_by_decade

    check_rate_run(crises, seed, "the facts are rates")

    def cost(n: int, p: Parameters, data: bool) -> limits.Cost:
        return limits.facts_cost(states=n, crises=crises, data=data)

    w, p, sc = _inputs(
        world, states, 7, params, council, False, False, data_dir, cost=cost, cost_source="facts"
    )
    stage = Stage.build(w, p, sc)
    with progress("facts", unit="crises", total=crises) as bar:
        r = stylised_facts(stage, crises=crises, seed=seed, progress=bar.advance)
    r["world"] = world if world != "synthetic" else f"synthetic({w.n}, seed=7)"
    if vetoes and world != "synthetic":
        n = max(1000, crises // 4)
        with progress("facts: vetoes per decade", unit="decades", total=len(DECADES)) as bar:
            r["vetoes_by_decade"] = vetoes_by_decade(
                p, crises=n, seed=seed, data_dir=data_dir, progress=bar.advance
            )
    emit(r, fmt, _text)


def _text(r: dict[str, Any]) -> None:
    t = Table(
        title=f"Stylised facts on {r['crises']:,} crises, world {r['world']}, seed {r['seed']}",
        title_justify="left",
    )
    for c in ("fact", "model", "published", "holds"):
        t.add_column(c, justify="right" if c in ("model", "published") else "left")
    for f in r["facts"]:
        model = "-" if f["model"] is None else f"{f['model']:.3f}"
        if f.get("ci_low") is not None:
            model += f" [{f['ci_low']:.3f}, {f['ci_high']:.3f}]"
        pub = "-" if f["published"] is None else f"{f['published']:.3f}"
        t.add_row(f["id"], model, pub, "yes" if f["holds"] else "NO")
    console.print(t)
    for f in r["facts"]:
        console.print(f"[bold]{f['id']}[/bold]: {f['claim']} ({f['source']}).")
        console.print(f"  measured: {f['note']}.")
        if f["id"] == "alliance_reliability" and f["model"] is not None:
            console.print(
                f"  under self-defence {f['self_defence']}, under a collective response "
                f"{f['collective']} ({f['pairs']:,} ally pairs)."
            )
        if f["id"] == "defence_pacts_deter" and f["model"] is not None:
            console.print(
                f"  attack rate against allied targets {f['attack_rate_allied']}, "
                f"{f['attack_rate_allied_without_pacts']} on the same "
                f"{f['opportunities_allied']:,} opportunities with the pacts removed; "
                f"observational ratio (allied against other targets) "
                f"{f.get('observational_ratio', '-')}."
            )
        console.print(f"  built into the model: {f['built_in']}.")
    console.print(f"{r['holds']} of {len(r['facts'])} facts hold.")
    v = r.get("vetoes_by_decade")
    if v:
        t = Table(
            title=f"Vetoed drafts per decade: the record and the model "
            f"({v['crises_per_decade']:,} crises per decade)",
            title_justify="left",
        )
        for c in ("decade", "record", "share", "model", "share", "hidden"):
            t.add_column(c, justify="left" if c == "decade" else "right")
        for d in v["decades"]:
            rec = f"{d['record_vetoed']}/{d['record_decisions']}"
            mod = f"{d['model_vetoed']}/{d['model_tabled']}"

            def pct(x: float | None) -> str:
                return "-" if x is None else f"{100 * x:.1f}%"

            t.add_row(
                d["decade"],
                rec,
                pct(d["record_share"]),
                mod,
                pct(d["model_share"]),
                f"{d['model_hidden_vetoes']:,}",
            )
        console.print(t)
        console.print(
            f"record: {v['record']['vetoed']} vetoed drafts of {v['record']['decisions']:,} "
            "decisions (Dag Hammarskjold Library); model: vetoed of tabled drafts, and drafts "
            "withheld because a veto was foreseen (hidden)."
        )


def register(app: typer.Typer) -> None:
    app.command("facts")(facts_command)

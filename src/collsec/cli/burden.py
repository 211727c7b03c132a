"""``collsec burden``: who carries the response, scored against the record."""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from collsec.behavior.parameters import Parameters
from collsec.cli._common import DataDirOpt, Format, FormatOpt, check_rate_run, emit
from collsec.cli._progress import progress
from collsec.cli.simulate import ParamsOpt

console = Console()


def burden_command(
    crises: Annotated[
        int,
        typer.Option("--crises", help="Crises for allies' reliability, at least 1000."),
    ] = 20_000,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the free runs and crises.")] = 0,
    plot: Annotated[
        str | None,
        typer.Option(
            "--plot",
            help="Also draw the model's shares against the record into this file "
            "(.png, .svg or .pdf).",
            show_default=False,
        ),
    ] = None,
    params: ParamsOpt = None,
    data_dir: DataDirOpt = None,
    fmt: FormatOpt = Format.text,
) -> None:
    """Score the contribution rule: coalitions (Korea, the Gulf), peacekeeping, allies."""
    # lazy: the scoring (scipy, pandas, the kernel, the case library) only when it runs
    from collsec.validation.burden import burden_report, check_figure_path, write_figure

    check_rate_run(crises, seed, "reliability is a rate")
    if plot is not None:
        check_figure_path(plot)
    p = Parameters.from_file(params) if params else Parameters.default()
    with progress("burden") as bar:
        r = burden_report(p, data_dir=data_dir, seed=seed, crises=crises, progress=bar.step)
    emit(r, fmt, _text)
    if plot is not None:
        print(f"collsec: wrote {write_figure(r, plot)}", file=sys.stderr)


def _text(r: dict[str, Any]) -> None:
    base = r["baselines"]
    t = Table(title="Coalitions: fitted on the other one, scored here", title_justify="left")
    for c in ("coalition", "spearman", "cinc", "milex", "lead top", "formed", "states"):
        t.add_column(c, justify="left" if c == "coalition" else "right")
    for name, s in r["coalitions"].items():
        t.add_row(
            name,
            f"{s['spearman']:.3f}",
            f"{base['cinc']['coalitions'][name]['spearman']:.3f}",
            f"{base['milex']['coalitions'][name]['spearman']:.3f}",
            f"{s['lead_top_share']:.0%}",
            f"{s['formed']:.0%}",
            str(s["n"]),
        )
    console.print(t)
    for name, s in r["coalitions"].items():
        top = list(s["shares"].items())[:6]
        shares = ", ".join(f"{k} {v['model']:.0%} ({v['recorded']:.0%})" for k, v in top)
        console.print(f"  {name}: largest expected shares (recorded): {shares}")
    t = Table(
        title="Peacekeeping: fitted on two decades, scored on the third", title_justify="left"
    )
    for c in ("decade", "spearman", "cinc", "milex", "states", "missions"):
        t.add_column(c, justify="left" if c == "decade" else "right")
    for dec, s in r["peacekeeping"]["by_decade"].items():
        t.add_row(
            dec,
            f"{s['spearman']:.3f}",
            f"{base['cinc']['peacekeeping'][dec]['spearman']:.3f}",
            f"{base['milex']['peacekeeping'][dec]['spearman']:.3f}",
            str(s["n"]),
            str(s["missions"]),
        )
    console.print(t)
    rel = r["reliability"]
    console.print(
        f"Allies' reliability over all attacks: {r['reliability_collective']} "
        f"(Leeds, Long & Mitchell 2000: 0.745); under self-defence {rel['self_defence']}, "
        f"under a collective response {rel['collective']} ({rel['pairs']:,} pairs, world "
        f"{rel['world']}, {rel['crises']:,} crises)."
    )
    oz = r["olson_zeckhauser"]
    rec = ", ".join(f"{k} {v}" for k, v in oz["record"].items())
    console.print(
        f"Olson-Zeckhauser: rank correlation of capability and burden per unit of capability "
        f"{oz['model']} over {oz['states']} contributors in generated crises; on the record "
        f"(military expenditure against troops) {rec}. How much the rule builds in: "
        f"{oz['built_in']} (fitted "
        f"capability weight of effort {oz['size_capability_weight']:.2f})."
    )
    console.print(
        "Baselines: contributions in proportion to CINC and to military expenditure (NMC). "
        "Sources: collsec/validation/coalitions/README.md; IPI Peacekeeping Database "
        "(Perry & Smith 2013)."
    )


def register(app: typer.Typer) -> None:
    app.command("burden")(burden_command)

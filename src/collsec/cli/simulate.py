"""``collsec simulate`` and ``collsec replay-crisis``: the crisis kernel from the shell."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from collsec import limits
from collsec.behavior.parameters import Parameters
from collsec.cli._common import DataDirOpt, Format, FormatOpt, emit
from collsec.cli._progress import progress
from collsec.cli.world import world_for
from collsec.errors import InputError

console = Console()

WorldOpt = Annotated[
    str, typer.Option("--world", help="'synthetic' or a year (1990) or a date (1990-08-02).")
]
StatesOpt = Annotated[
    int | None,
    typer.Option(
        "--states",
        help="States of a synthetic world (16 to 1000; default 193, replay-crisis 60).",
        show_default=False,
    ),
]
SeedOpt = Annotated[int, typer.Option("--seed", help="Seed of the run (and of a synthetic world).")]

#: what a run costs: (states, parameters, world of data?) -> its estimated cost
CostOf = Callable[[int, Parameters, bool], limits.Cost]
PolicyOpt = Annotated[
    str,
    typer.Option(
        "--policy", help="Behaviour policy: utility, realist, norm, or FILE.py:NAME (your own)."
    ),
]
ParamsOpt = Annotated[
    str | None, typer.Option("--params", help="TOML file overriding model parameters.")
]
IntelOpt = Annotated[
    bool,
    typer.Option("--intelligence-sharing", help="Allies share intelligence (faster attribution)."),
]
RegionalOpt = Annotated[
    bool, typer.Option("--regional-first", help="Regional bodies act first (Chapter VIII).")
]
CouncilOpt = Annotated[
    str | None,
    typer.Option(
        "--council", help="Council body or charter (unsc, unsc-no-veto, file.toml); default unsc."
    ),
]
ScenarioOpt = Annotated[
    str | None,
    typer.Option(
        "--scenario",
        help="TOML file of institutional switches (council, intelligence_sharing, "
        "regional_first, uniting_for_peace, nato); options given on the command line win.",
    ),
]


def _inputs(
    world: str,
    states: int | None,
    seed: int,
    params: str | None,
    council: str | None,
    intel: bool,
    regional: bool,
    data_dir: str | None,
    scenario: str | None = None,
    *,
    default_states: int = 193,
    cost: CostOf | None = None,
    cost_source: str = "simulate",
):
    """The world, parameters and scenario the options name.

    Every input is checked before the world is built: ``cost`` (given the
    number of states, the parameters and whether the world is built from data)
    is the run's estimated cost, refused above the bounds of :mod:`collsec.limits`.
    """
    # lazy: the world and the kernel (numpy, pandas) only when a command runs
    from collsec import crisis
    from collsec import world as worlds

    limits.check("seed", seed, source="--seed")
    p = Parameters.from_file(params) if params else Parameters.default()
    base = crisis.Scenario.from_file(scenario) if scenario else crisis.Scenario()
    sc = base.model_copy(
        update={
            "council": council or base.council,
            "intelligence_sharing": intel or base.intelligence_sharing,
            "regional_first": regional or base.regional_first,
        }
    )
    if world == "synthetic":
        n = limits.check("states", default_states if states is None else states, source="--states")
        if cost is not None:
            limits.check_cost(cost(n, p, False), source=cost_source)
        w = worlds.World.synthetic(n, seed=seed)
    else:
        if states is not None:
            raise InputError(
                f"is for --world synthetic, not a world of data ({world!r})", source="--states"
            )
        w = world_for(world, data_dir)
        if cost is not None:
            limits.check_cost(cost(w.n, p, True), source=cost_source)
    return w, p, sc


def simulate(
    world: WorldOpt = "synthetic",
    states: StatesOpt = None,
    crises: Annotated[int, typer.Option("--crises", help="Number of crises.")] = 10_000,
    seed: SeedOpt = 1,
    chunk: Annotated[
        int, typer.Option("--chunk", help="Crises per batch (bounds memory).")
    ] = 20_000,
    policy: PolicyOpt = "utility",
    params: ParamsOpt = None,
    council: CouncilOpt = None,
    intelligence_sharing: IntelOpt = False,
    regional_first: RegionalOpt = False,
    scenario: ScenarioOpt = None,
    log: Annotated[
        bool, typer.Option("--log", help="With --crises 1: print the event log.")
    ] = False,
    threads: Annotated[
        int | None,
        typer.Option(
            "--threads",
            help="Threads sharing each batch (default: the CPUs this process may use); "
            "the same results on any number.",
        ),
    ] = None,
    data_dir: DataDirOpt = None,
    fmt: FormatOpt = Format.text,
) -> None:
    """Run N generated crises through the institutions; print the metrics."""
    limits.check("crises", crises, source="--crises")
    limits.check("chunk", chunk, source="--chunk")
    threads = limits.check(
        "threads", limits.usable_cpus() if threads is None else threads, source="--threads"
    )
    limits.check("seed", seed, source="--seed")
    if log:
        if crises != 1:
            raise InputError("--log needs --crises 1", source="--log")
        replay_crisis(
            world,
            193 if states is None and world == "synthetic" else states,
            seed,
            0,
            policy,
            params,
            council,
            intelligence_sharing,
            regional_first,
            data_dir,
            fmt,
            scenario,
        )
        return
    # lazy: the kernel only when a command runs
    from collsec.crisis import sim_crises

    def cost(n: int, p: Parameters, data: bool) -> limits.Cost:
        window = p.credibility_window
        return limits.simulate_cost(states=n, crises=crises, chunk=chunk, window=window, data=data)

    w, p, sc = _inputs(
        world,
        states,
        seed,
        params,
        council,
        intelligence_sharing,
        regional_first,
        data_dir,
        scenario,
        cost=cost,
    )
    run_args = dict(
        crises=crises,
        scenario=sc,
        parameters=p,
        policy=policy,
        random_seed=seed,
        chunk=chunk,
        threads=threads,
    )
    with progress("simulate", unit="crises", total=crises) as bar:
        result = sim_crises(w, progress=bar.advance, **run_args)
    payload: dict[str, Any] = {
        "crises": result.crises,
        "seconds": result.seconds,
        "metrics": result.metrics,
        "world": world if world != "synthetic" else f"synthetic({w.n}, seed={seed})",
        "seed": seed,
        "threads": threads,
        "policy": result.policy.name,
        "council": result.stage.council_name,
        "credibility": result.credibility,
        "notes": result.stage.notes,
    }

    def text(p: dict[str, Any]) -> None:
        t = Table(
            title=f"{p['crises']} crises, {p['world']}, policy {p['policy']}, "
            f"{p['council']} ({p['seconds']} s)"
        )
        t.add_column("metric")
        t.add_column("value", justify="right")
        for k, v in p["metrics"].items():
            t.add_row(k, "-" if v is None else (f"{v:.4f}" if isinstance(v, float) else str(v)))
        console.print(t)

    emit(payload, fmt, text)


def replay_crisis(
    world: WorldOpt = "synthetic",
    states: StatesOpt = None,
    seed: SeedOpt = 1,
    crisis: Annotated[int, typer.Option("--crisis", help="Which crisis of the run.")] = 0,
    policy: PolicyOpt = "utility",
    params: ParamsOpt = None,
    council: CouncilOpt = None,
    intelligence_sharing: IntelOpt = False,
    regional_first: RegionalOpt = False,
    data_dir: DataDirOpt = None,
    fmt: FormatOpt = Format.text,
    scenario: ScenarioOpt = None,
) -> None:
    """Narrate one generated crisis, vote by vote."""
    limits.check("crisis", crisis, source="--crisis")
    limits.check("seed", seed, source="--seed")

    def cost(n: int, p: Parameters, data: bool) -> limits.Cost:
        return limits.simulate_cost(states=n, crises=1, chunk=1, window=1, data=data)

    w, p, sc = _inputs(
        world,
        states,
        seed,
        params,
        council,
        intelligence_sharing,
        regional_first,
        data_dir,
        scenario,
        default_states=60,
        cost=cost,
        cost_source="replay-crisis",
    )
    # lazy: the kernel only when a command runs
    from collsec.crisis import narrate, sim_crises

    run = sim_crises(
        w,
        crises=1,
        first_crisis=crisis,
        scenario=sc,
        parameters=p,
        policy=policy,
        random_seed=seed,
        log=True,
    )
    events = run.events[0]
    if fmt is Format.json:
        json.dump(
            {"seed": seed, "crisis": crisis, "events": [e.to_dict() for e in events]},
            sys.stdout,
            indent=2,
            default=str,
        )
        sys.stdout.write("\n")
    else:
        print(narrate(events))


def register(app: typer.Typer) -> None:
    app.command("simulate")(simulate)
    app.command("replay-crisis")(replay_crisis)

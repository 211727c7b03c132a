"""``collsec experiment`` and ``collsec sensitivity``: institutional designs compared by Monte Carlo."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from collsec import limits
from collsec.cli._common import DataDirOpt, Format, FormatOpt, emit
from collsec.cli._progress import duration, progress
from collsec.data.export import check_output_path
from collsec.errors import InputError
from collsec.experiments.spec import builtin_experiment_ids, load_experiment

console = Console()

#: metrics shown in the text comparison (JSON has all)
SHOWN = (
    "aggression_attempted",
    "deterrence_rate",
    "authorised_share",
    "paralysis_veto",
    "paralysis_shortfall",
    "time_to_decision",
    "response_success",
    "burden_gini",
    "legitimacy",
    "credibility_final",
)


def experiment_command(
    target: Annotated[str, typer.Argument(help="An experiment file, a built-in id, or 'list'.")],
    workers: Annotated[int, typer.Option("--workers", help="Worker processes.")] = 1,
    backend: Annotated[str, typer.Option("--backend", help="local or ray.")] = "local",
    db: Annotated[
        str | None,
        typer.Option("--db", help="DuckDB file (default: ID.duckdb here).", show_default=False),
    ] = None,
    resume: Annotated[bool, typer.Option("--resume", help="Finish an interrupted run.")] = False,
    fresh_if_changed: Annotated[
        bool,
        typer.Option(
            "--fresh-if-changed",
            help="With --resume: when the run in --db was made with other inputs (a charter, "
            "parameters, code or data changed), start a new run beside it instead of refusing.",
        ),
    ] = False,
    seed: Annotated[int | None, typer.Option("--seed", show_default=False)] = None,
    replications: Annotated[int | None, typer.Option("--replications", show_default=False)] = None,
    years: Annotated[int | None, typer.Option("--years", show_default=False)] = None,
    ray_address: Annotated[
        str | None,
        typer.Option(
            "--ray-address", help="A Ray cluster (default: a local Ray).", show_default=False
        ),
    ] = None,
    fmt: FormatOpt = Format.text,
    data_dir: DataDirOpt = None,
) -> None:
    """Run an experiment: every design on the same simulated history, results into DuckDB."""

    if target == "list":
        exps = [load_experiment(i) for i in builtin_experiment_ids()]
        payload = {
            "experiments": [
                {
                    "id": e.id,
                    "title": e.title,
                    "designs": [d.id for d in e.designs],
                    "replications": e.replications,
                    "years": e.years,
                }
                for e in exps
            ]
        }
        emit(payload, fmt, _list_text)
        return

    exp = load_experiment(target).with_overrides(seed=seed, replications=replications, years=years)
    limits.check("workers", workers, source="--workers")
    if backend not in ("local", "ray"):
        raise InputError(f"unknown backend '{backend}' (local or ray)", source="--backend")
    limits.check_cost(exp.cost(workers=workers), source=exp.source or exp.id)
    # lazy: the runner (duckdb, pandas, workers) only when an experiment runs
    from collsec.experiments.runner import default_db, run_experiment

    path = db or str(default_db(exp))
    if not Path(path).exists():
        check_output_path(path, None, kind="database", field="--db")
    changed: dict[str, Any] | None = None

    def inputs_changed(previous: str, what: list[str]) -> None:
        nonlocal changed
        changed = {"since_run": previous, "changes": what}
        Console(stderr=True).print(
            f"collsec: the inputs changed since run {previous} ({'; '.join(what)}): "
            "starting a new run",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )

    with progress(f"experiment {exp.id}", unit="replications") as bar:

        def chunks_done(done: int, total: int) -> None:  # replications
            bar.update(done, total)

        key = run_experiment(
            exp,
            path,
            workers=workers,
            backend=backend,
            resume=resume,
            data_dir=data_dir,
            ray_address=ray_address,
            progress=chunks_done,
            fresh_if_changed=fresh_if_changed,
            inputs_changed=inputs_changed,
        )
    emit({**comparison(path, key, exp), "inputs_changed": changed}, fmt, _comparison_text)


def comparison(db: str, key: str, exp) -> dict[str, Any]:

    # lazy: the store and the summary (duckdb, pandas, scipy) only when results are read
    from collsec.experiments.store import Store
    from collsec.experiments.summary import summarize

    with Store(db, read_only=True) as store:
        results = store.results(key)
    s = summarize(results, [d.id for d in exp.designs])
    return {
        "experiment": exp.id,
        "title": exp.title,
        "seed": exp.seed,
        "replications": exp.replications,
        "years": exp.years,
        "run_key": key,
        "db": db,
        **s,
    }


def _list_text(p: dict[str, Any]) -> None:
    # ids (of experiments and designs) and numbers never cut; the title wraps
    t = Table(title="Built-in experiments", title_justify="left", expand=True)
    t.add_column("id", no_wrap=True)
    t.add_column("designs", no_wrap=True)
    t.add_column("replications\nx years", no_wrap=True)
    t.add_column("title", ratio=1, overflow="fold")
    for e in p["experiments"]:
        t.add_row(
            e["id"],
            "\n".join(e["designs"]),
            f"{e['replications']} x {e['years']}",
            Text(e["title"]),
        )
    console.print(t)


def _fmt(v: dict[str, Any], sign: bool = False) -> str:
    """``mean ± half-width`` of the (symmetric) t-interval, compact enough for 80 columns."""
    if v["mean"] is None:
        return "-"
    big = max(abs(v["mean"]), abs(v["ci_low"]), abs(v["ci_high"])) >= 10
    f = ("{:+.1f}" if sign else "{:.1f}") if big else ("{:+.3f}" if sign else "{:.3f}")
    half = (v["ci_high"] - v["ci_low"]) / 2
    return f"{f.format(v['mean'])} ±{('{:.1f}' if big else '{:.3f}').format(half)}"


#: width of the metric column and of one design's column in the text tables
METRIC_WIDTH, CELL_WIDTH = 22, 16


def _groups(ids: list[str]) -> list[list[str]]:
    """Designs in groups narrow enough for the console (a table per group, none wrapping)."""
    per = max(1, (console.width - METRIC_WIDTH) // CELL_WIDTH)
    return [ids[i : i + per] for i in range(0, len(ids), per)] or [[]]


def _comparison_text(p: dict[str, Any]) -> None:
    console.print(
        f"[bold]{p['title']}[/bold]\n{p['replications']} replications x {p['years']} years, "
        f"seed {p['seed']}; results in {p['db']} (run {p['run_key']}).\n"
        "Means ± the half-width of their 95% intervals."
    )
    metrics = {d["id"]: d["metrics"] for d in p["designs"]}
    for group in _groups(list(metrics)):
        t = Table(title_justify="left", title="Designs side by side")
        t.add_column("metric", no_wrap=True)
        for d in group:
            t.add_column(d, justify="right", no_wrap=True)
        for m in SHOWN:
            t.add_row(m, *[_fmt(metrics[d][m]) for d in group])
        console.print(t)
    if not p["paired_differences"]:
        return
    ref = p["paired_differences"][0]["versus"]
    by = {(x["design"], x["metric"]): x for x in p["paired_differences"]}
    for group in _groups([d["id"] for d in p["designs"][1:]]):
        t2 = Table(
            title_justify="left",
            title=f"Paired differences from '{ref}' (* = interval excludes 0)",
        )
        t2.add_column("metric", no_wrap=True)
        for d in group:
            t2.add_column(d, justify="right", no_wrap=True)
        for m in SHOWN:
            cells = []
            for d in group:
                x = by.get((d, m))
                if x is None or x["mean"] is None:
                    cells.append("-")
                    continue
                star = "*" if x["ci_low"] > 0 or x["ci_high"] < 0 else " "
                cells.append(_fmt(x, sign=True) + star)
            t2.add_row(m, *cells)
        console.print(t2)


def sensitivity_command(
    target: Annotated[str, typer.Argument(help="An experiment file or built-in id.")],
    samples: Annotated[
        int | None,
        typer.Option("--samples", help="Base samples (power of two).", show_default=False),
    ] = None,
    replications: Annotated[
        int | None,
        typer.Option("--replications", help="Replications per sample.", show_default=False),
    ] = None,
    fmt: FormatOpt = Format.text,
) -> None:
    """Sobol indices of the metric of the experiment's sensitivity table, over its parameters."""

    exp = load_experiment(target)
    # lazy: SALib and the runner only for a sensitivity analysis
    from collsec.experiments.sensitivity import plan, sobol

    limits.check_cost(plan(exp, samples, replications).cost, source=exp.source or exp.id)

    with progress(f"sensitivity {exp.id}", unit="runs") as bar:
        r = sobol(exp, samples=samples, replications=replications, progress=bar.update)
    emit(r, fmt, _sobol_text)


def _sobol_text(r: dict[str, Any]) -> None:
    console.print(
        f"Sobol indices of '{r['metric']}' (design {r['design']}; {r['runs']} runs of "
        f"{r['replications']} replications; mean output {r['output_mean']:.3f})"
    )
    t = Table(title_justify="left")
    for c in ("parameter", "range", "S1", "ST"):
        t.add_column(c, justify="right" if c != "parameter" else "left")
    for k, v in sorted(r["parameters"].items(), key=lambda kv: -kv[1]["ST"]):
        t.add_row(
            k,
            f"{v['range'][0]:g} - {v['range'][1]:g}",
            f"{v['S1']:.3f} ± {v['S1_conf']:.3f}",
            f"{v['ST']:.3f} ± {v['ST_conf']:.3f}",
        )
    console.print(t)
    q = r["precision"]
    console.print(
        f"The 95% intervals are up to ±{q['half_width']:.2f} wide with {r['samples']} "
        "samples; they shrink as 1/sqrt(samples)."
    )
    need = q["samples_for_target"]
    if need is not None and need > r["samples"]:
        per_run = r["seconds"] / r["runs"] if r["runs"] else 0.0
        console.print(
            f"About {need} samples ({q['runs_for_target']} runs, "
            f"~{duration(per_run * q['runs_for_target'])} at this run's pace) would bring "
            f"them under ±{q['target_half_width']}: --samples {need}."
        )


def register(app: typer.Typer) -> None:
    app.command("experiment")(experiment_command)
    app.command("sensitivity")(sensitivity_command)


__all__ = ["comparison", "register"]

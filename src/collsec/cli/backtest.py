"""``collsec backtest icb`` and ``collsec calibrate``: prediction against ICB's record."""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from collsec import limits
from collsec.behavior.policy import get_policy
from collsec.cli._common import DataDirOpt, Format, FormatOpt, emit
from collsec.cli._progress import progress
from collsec.data.export import check_export_path, check_writable, write_table
from collsec.errors import InputError

console = Console()

CrisesOpt = Annotated[
    str | None,
    typer.Option(
        "--crises",
        help="ICB1 crisis-level file (default: the development split in the data directory).",
        show_default=False,
    ),
]
ActorsOpt = Annotated[
    str | None,
    typer.Option(
        "--actors",
        help="ICB2 actor-level file (default: the development split in the data directory).",
        show_default=False,
    ),
]
SeedOpt = Annotated[int, typer.Option("--seed", help="Seed of the kernel's draws and the folds.")]


def _files(crises: str | None, actors: str | None, data_dir: str | None) -> tuple[str, str]:
    # lazy: the backtest (pandas, scikit-learn, the kernel) only when a command runs;
    # `collsec --help` imports this module
    from collsec.backtest.run import dev_files

    if crises is None or actors is None:
        dc, da = dev_files(data_dir)
        crises, actors = crises or str(dc), actors or str(da)
    return crises, actors


def icb_command(
    crises: CrisesOpt = None,
    actors: ActorsOpt = None,
    crisis: Annotated[
        int | None,
        typer.Option("--crisis", help="Narrate the prediction for this crisis number."),
    ] = None,
    plot: Annotated[
        str | None,
        typer.Option(
            "--plot",
            help="Also draw ROC curves and reliability diagrams into this file "
            "(.png, .svg or .pdf).",
            show_default=False,
        ),
    ] = None,
    export: Annotated[
        str | None,
        typer.Option(
            "--export",
            help="Also write every crisis's record and predictions to this file "
            "(.csv or .parquet).",
            show_default=False,
        ),
    ] = None,
    ablation: Annotated[
        bool,
        typer.Option(
            "--ablation",
            help="Also refit without each signal in turn and report the cross-validated AUC "
            "lost (development file only).",
        ),
    ] = False,
    policy: Annotated[
        str,
        typer.Option(
            "--policy",
            help="Behaviour policy the kernel runs (utility, realist, norm, or FILE.py:NAME).",
        ),
    ] = "utility",
    fmt: FormatOpt = Format.text,
    seed: SeedOpt = 0,
    data_dir: DataDirOpt = None,
) -> None:
    """Predict League, UN and regional involvement in every ICB crisis from what was knowable."""
    # lazy: the backtest (pandas, scikit-learn, matplotlib, the kernel) only when it runs
    from collsec.backtest import evaluate, figures, run

    limits.check("seed", seed, source="--seed")
    if ablation and crisis is not None:
        raise InputError("give --ablation or --crisis, not both", source="--ablation")
    if plot is not None:
        figures.check_figure_path(plot)
    if export is not None:
        check_export_path(export)
    crises, actors = _files(crises, actors, data_dir)
    if crisis is not None and crisis not in {c.crisno for c in run.read_inputs(crises, actors)}:
        # before the work, not after it
        raise InputError(f"no crisis {crisis} in this file", source=str(crises), field="--crisis")
    with progress("backtest icb") as bar:
        payload, scores = run.backtest_icb(
            crises,
            actors,
            data_dir=data_dir,
            seed=seed,
            progress=bar.report,
            ablation=ablation and crisis is None,
            policy=get_policy(policy).name,
        )
    if crisis is not None:
        story = run.narrate_crisis(
            crisis, crises, actors, scores, data_dir=data_dir, seed=seed, policy=policy
        )
        emit(story, fmt, partial(_narrate_text, labels=evaluate.FEATURE_LABELS))
    else:
        emit(payload, fmt, partial(_scores_text, targets=evaluate.BINARY_TARGETS))
    if plot is not None:
        print(f"collsec: wrote {figures.write_figure(scores, payload, plot)}", file=sys.stderr)
    if export is not None:
        table = run.predictions_table(scores, crises, actors)
        written = write_table(table, export)
        print(f"collsec: wrote {len(table)} crises to {written}", file=sys.stderr)


def _scores_text(r: dict[str, Any], targets: Sequence[str]) -> None:
    """The scores for people; ``targets``: the binary targets, in the backtest's order."""
    console.print(f"ICB backtest: {r['n']} crises; {r['mode']}.")
    binary = {k: v for k, v in r["targets"].items() if k != "activity"}
    t = Table(title_justify="left", title="Binary targets: AUC (model: [95% bootstrap])")
    for col in ("target", "n", "model", "era", "logistic"):
        t.add_column(col, justify="right" if col != "target" else "left", no_wrap=True)
    for name, v in binary.items():
        m = v["model"]
        t.add_row(
            name,
            str(v["n"]),
            f"{m['auc']:.3f} [{m['auc_ci_low']:.2f}, {m['auc_ci_high']:.2f}]",
            f"{v['baselines']['era']['auc']:.3f}",
            f"{v['baselines']['logistic']['auc']:.3f}",
        )
    console.print(t)
    t1 = Table(title_justify="left", title="Brier score; AUC without gravity (ablation)")
    for col in ("target", "model", "era", "logistic", "model -grav", "logistic -grav"):
        t1.add_column(col, justify="right" if col != "target" else "left", no_wrap=True)
    for name, v in binary.items():
        ab = v["ablation_without_gravity"]
        t1.add_row(
            name,
            f"{v['model']['brier']:.3f}",
            f"{v['baselines']['era']['brier']:.3f}",
            f"{v['baselines']['logistic']['brier']:.3f}",
            f"{ab['model']['auc']:.3f}",
            f"{ab['logistic']['auc']:.3f}",
        )
    console.print(t1)
    a = r["targets"]["activity"]
    t2 = Table(title_justify="left", title="Activity (none / talk / demand / act)")
    for col in ("method", "macro-F1", "Spearman", "accuracy"):
        t2.add_column(col, justify="right" if col != "method" else "left")
    for name, s in (
        ("model", a["model"]),
        ("era", a["baselines"]["era"]),
        ("logistic", a["baselines"]["logistic"]),
    ):
        t2.add_row(name, f"{s['macro_f1']:.3f}", f"{s['spearman']:.3f}", f"{s['accuracy']:.3f}")
    console.print(t2)
    we = r.get("within_era")
    if we:
        names = {"council_action": "council", "effectiveness": "effective"}
        tw = Table(title_justify="left", title="Within each era: AUC (model/logistic)")
        tw.add_column("era", no_wrap=True)
        for target in targets:
            tw.add_column(names.get(target, target), justify="right", no_wrap=True)
        for era, row in we.items():
            tw.add_row(
                era,
                *(
                    f"{row[x]['model']:.3f}/{row[x]['logistic']:.3f}" if x in row else "-"
                    for x in targets
                ),
            )
        console.print(tw)
    fw = r.get("forward_in_time")
    if fw:
        t3 = Table(
            title_justify="left",
            title="Forward in time: fitted on crises before the year, AUC on those after "
            "(model/logistic)",
        )
        t3.add_column("cut")
        t3.add_column("train/test", justify="right")
        names = {"council_action": "council", "effectiveness": "effective"}
        for target in ("involvement", "council_action", "effectiveness", "regional"):
            t3.add_column(names.get(target, target), justify="right", no_wrap=True)
        for cut, row in fw.items():
            cells = [
                f"{row[x]['model']:.3f}/{row[x]['logistic']:.3f}"
                for x in ("involvement", "council_action", "effectiveness", "regional")
            ]
            t3.add_row(cut, f"{row['train']}/{row['test']}", *cells)
        console.print(t3)
    if "signal_ablation" in r:
        _ablation_text(r["signal_ablation"], targets)
    if "datasets" in r:
        console.print(
            f"Data: {', '.join(r['datasets'])} (cite them: collsec data cite NAME, "
            "or the citations in --format json)."
        )


def _ablation_text(ab: dict[str, dict[str, float]], targets: Sequence[str]) -> None:
    names = {"council_action": "council", "effectiveness": "effective"}
    t = Table(
        title_justify="left",
        title="Leaving one signal out: change in cross-validated AUC (negative: the signal helps)",
    )
    t.add_column("signal", no_wrap=True)
    for target in targets:
        t.add_column(names.get(target, target), justify="right", no_wrap=True)
    t.add_row("(full model AUC)", *(f"{ab['full'][x]:.3f}" for x in targets))
    for sig, row in ab.items():
        if sig != "full":
            t.add_row(sig, *(f"{row[x]:+.3f}" for x in targets))
    console.print(t)


def _narrate_text(s: dict[str, Any], labels: Mapping[str, str]) -> None:
    """One crisis for people; ``labels``: the model features' names."""
    th = s["threat"]
    console.print(f"[bold]ICB crisis {s['crisno']}: {s['name']}[/bold] (trigger {s['trigger']})")
    if s["institution"] is None:
        console.print("No global organisation was in being: nothing to predict.")
        return
    console.print(
        f"Bodies that could act: the {s['council']}"
        + (f"; regional: {', '.join(s['regional_bodies'])}" if s["regional_bodies"] else "")
    )
    console.print(
        f"The kernel's threat: {th['kind']}, {th['aggressor']} against {th['target']}, "
        f"severity {th['severity']}"
    )
    sig = s["signals"]
    record = (
        f" The Council had {int(sig['agenda_10y'])} decisions on these parties in the ten "
        f"years before, and had met {int(sig['recourse'])} times on their complaints and "
        "letters."
        if s["institution"] == "un"
        else " (The League Council's own record is not in the data.)"
    )
    console.print(
        f"In {sig['p_seized']:.0%} of draws a member wanted the Council seized; a draft was "
        f"tabled in {sig['p_tabled']:.0%}, adopted in {sig['p_adopted']:.0%}, vetoed (open or "
        f"foreseen) in {sig['p_vetoed']:.0%}.{record}"
    )
    if s["likely_no_votes"]:
        console.print(f"Members likely to vote no: {', '.join(s['likely_no_votes'])}")
    for target, v in s["predictions"].items():
        if v is None:
            continue
        console.print(
            f"  {target}: model {v['model']}, era {v['era']}, logistic {v['logistic']}; "
            f"recorded {v['recorded']}"
        )
    if s.get("drivers"):
        t = Table(
            title_justify="left",
            title="Why: the largest terms of each prediction's log-odds (shipped link), "
            "against the average development crisis of the same institution",
        )
        t.add_column("target", no_wrap=True)
        t.add_column("signal")
        t.add_column("log-odds", justify="right", no_wrap=True)
        for target, d in s["drivers"].items():
            for i, (k, v) in enumerate(d.items()):
                t.add_row(target if i == 0 else "", labels[k], f"{v:+.2f}")
        console.print(t)
    for note in s["notes"]:
        console.print(f"  note: {note}")


def calibrate_command(
    crises: CrisesOpt = None,
    actors: ActorsOpt = None,
    out_dir: Annotated[
        str,
        typer.Option(
            "--out-dir",
            help="Folder for the two files (calibrated.toml, calibration.toml); "
            "tools/update_calibration.py ships them with the package.",
        ),
    ] = "calibration",
    fmt: FormatOpt = Format.text,
    seed: SeedOpt = 0,
    data_dir: DataDirOpt = None,
) -> None:
    """Fit the behaviour model's global parameters on development data and write them."""
    # lazy: the fit (pandas, scikit-learn, the kernel and the case library) only when it runs
    from collsec.backtest import calibrate, evaluate, icb, link
    from collsec.cases.fidelity import fit_library
    from collsec.validation.burden import fit_contribution

    limits.check("seed", seed, source="--seed")
    crises, actors = _files(crises, actors, data_dir)
    link.check_development(crises)  # every input checked before the fit (20 s and more)
    icb.read_inputs(crises, actors)
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise InputError("not a folder", source=str(out), field="--out-dir")
    out.mkdir(parents=True, exist_ok=True)
    check_writable(out)
    with progress("calibrate") as bar:
        bar.step("vote model fitted on the case library")
        params, vote = fit_library()
        bar.step("contribution rule fitted on the coalitions and peacekeeping")
        params, contrib = fit_contribution(params, data_dir=data_dir)
        r = calibrate.calibrate(
            crises,
            actors,
            params=params,
            vote=vote,
            out_dir=out,
            contribution=contrib,
            data_dir=data_dir,
            seed=seed,
            progress=bar.report,
        )
    emit(r, fmt, partial(_calibrate_text, targets=evaluate.BINARY_TARGETS))


def _calibrate_text(r: dict[str, Any], targets: Sequence[str]) -> None:
    v = r["vote_model"]
    console.print(
        f"Vote model fitted on {v['votes_fitted']} sourced votes of {v['cases']} cases "
        f"(log-likelihood {v['log_likelihood']}):"
    )
    console.print("  " + ", ".join(f"{k} {x}" for k, x in r["parameters_fitted"].items()))
    console.print(f"  written to {r['parameters_file']}")
    console.print(f"ICB link fitted on the development split, written to {r['link_file']}")
    _scores_text(
        {
            "n": r["icb_link"]["regional"]["n"],
            "mode": "cross-validated",
            "targets": r["cross_validated"],
        },
        targets,
    )


def register(app: typer.Typer) -> None:
    bt = typer.Typer(name="backtest", help="Backtests against the historical record.")
    bt.command("icb")(icb_command)
    app.add_typer(bt, name="backtest")
    app.command("calibrate")(calibrate_command)


__all__ = ["register"]

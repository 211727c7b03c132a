"""``collsec cases``, ``replay``, ``fidelity`` and ``unravel``: history, replayed and scored."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from collsec import limits
from collsec.behavior.parameters import Parameters
from collsec.cli._common import DataDirOpt, Format, FormatOpt, emit
from collsec.cli._progress import progress
from collsec.data.export import check_writable
from collsec.errors import InputError

console = Console()

SeedOpt = Annotated[int, typer.Option("--seed", help="Seed of the free run.")]
CharterOpt = Annotated[
    str | None,
    typer.Option(
        "--charter",
        help="Replay the recorded drafts under this charter (id or .toml file).",
        show_default=False,
    ),
]
WorldOpt = Annotated[
    str,
    typer.Option(
        "--world",
        help="'case': the case's own actors table (offline); 'data': the full world of the "
        "day built from the datasets.",
    ),
]
ParamsOpt = Annotated[
    str | None,
    typer.Option("--params", help="Parameter file (TOML) over the defaults.", show_default=False),
]


def _params(path: str | None):

    return Parameters.from_file(path) if path else Parameters.default()


def _all_cases():
    # lazy: the case library (and the kernel behind it) only when a command runs
    from collsec.cases import builtin_case_ids, load_case

    return [load_case(c) for c in builtin_case_ids()]


# -- cases -----------------------------------------------------------------------------


def cases_callback(ctx: typer.Context, fmt: FormatOpt = Format.text) -> None:
    """List the case library (or build a case's record and actors: ``cases build``)."""
    if ctx.invoked_subcommand is not None:
        return
    cases = _all_cases()
    payload = {"cases": [c.summary_dict() for c in cases]}

    def text(p: dict[str, Any]) -> None:
        # the id (typed next), dates and counts never cut; the title wraps, with the
        # bodies and the outcome under it (whole words on each line)
        t = Table(title=f"{len(cases)} cases", title_justify="left", expand=True)
        t.add_column("id", no_wrap=True)
        t.add_column("from, to", no_wrap=True)
        t.add_column("title; bodies: decisions; outcome", ratio=1, overflow="fold")
        for c in cases:
            t.add_row(
                c.id,
                f"{c.start.isoformat()}\n{c.end.isoformat()}",
                Text(
                    f"{c.title}\n{', '.join(c.bodies)}: {len(c.record)} "
                    f"decision{'' if len(c.record) == 1 else 's'}\n"
                    f"outcome: {c.outcome.conflict}, {c.outcome.institution}"
                ),
            )
        console.print(t)

    emit(payload, fmt, text)


def cases_build_command(
    case: Annotated[
        list[str] | None, typer.Argument(help="Case ids or files (default: all built-in).")
    ] = None,
    data_dir: DataDirOpt = None,
    out: Annotated[
        str | None, typer.Option("--out", help="Directory to write to (default: beside the case).")
    ] = None,
) -> None:
    """Build each case's record (by rule, from the UN pages and curated votes) and actors table."""

    if out and not Path(out).is_dir():
        raise InputError("directory does not exist", source=out, field="--out")
    if out:
        check_writable(out)  # before the work, not after
    # lazy: the record builder (pandas, lxml) only when building
    from collsec.cases.build import write_case_files

    ids = case or [x.id for x in _all_cases()]
    with progress("cases build", unit="cases", total=len(ids)) as bar:
        for c in ids:
            for path in write_case_files(c, data_dir, Path(out) if out else None):
                print(f"collsec: wrote {path}", file=sys.stderr)
            bar.advance()


# -- replay ----------------------------------------------------------------------------


def replay_command(
    case: Annotated[str, typer.Argument(help="Case id (see `collsec cases`) or a case file.")],
    seed: SeedOpt = 0,
    charter: CharterOpt = None,
    world: WorldOpt = "case",
    data_dir: DataDirOpt = None,
    params: ParamsOpt = None,
    policy: Annotated[
        str,
        typer.Option(
            "--policy",
            help="Behaviour policy of the free run (utility, realist, norm, or FILE.py:NAME).",
        ),
    ] = "utility",
    fmt: FormatOpt = Format.text,
) -> None:
    """Replay a case vote by vote, conditional on its drafts and as a free run; score it."""
    # lazy: the case library, the fit and the kernel only when a command runs
    from collsec import crisis
    from collsec import world as worlds
    from collsec.cases import builtin_case_ids, fidelity, load_case, replay

    limits.check("seed", seed, source="--seed")
    if world not in ("case", "data"):
        raise InputError(f"'{world}' is not 'case' or 'data'", source="--world")
    c = load_case(case)
    p = _params(params)
    w = None
    if world == "data":
        w = worlds.World.at(c.trigger.date, data_dir=data_dir)
    others = [load_case(x) for x in builtin_case_ids() if x != c.id]
    fitted = fidelity.fit_without(others, p)
    pol = crisis.api.resolve_policy(policy, fitted.parameters(p))
    r = replay.replay_case(c, p, fitted, seed=seed, charter=charter, world=w, policy=pol)
    events = r.pop("_free_events")
    r["fitted_on"] = f"{len(others)} other cases (leave-one-case-out)"
    r["score"] = replay.score_replay(c, r)
    emit(r, fmt, lambda payload: _replay_text(c, payload, events))


def _replay_text(case: Any, r: dict[str, Any], events: list) -> None:
    # lazy: the kernel's narrator, with the kernel, only when a replay is printed
    from collsec.crisis import narrate

    tr = r["trigger"]
    print(f"{case.title} ({case.start} to {case.end})")
    print(f"trigger {tr['date']}: {tr['description']}")
    print(
        f"  {tr['kind']}, accused {tr['accused']}"
        + (f", target {tr['target']}" if tr["target"] else "")
        + f", severity {tr['severity']}"
    )
    print(f"\nConditional replay: the model votes on each recorded draft ({r['fitted_on']})")
    for d in r["conditional"]:
        tally = {"yes": 0, "no": 0, "abstain": 0}
        for v in d["votes"].values():
            if v["vote"] in tally:
                tally[v["vote"]] += 1
        head = f"  {d['date']}  {d['symbol']}  [{d['body']}, {d['measure']}]"
        print(head)
        sponsors = ", ".join(d["sponsors"]) or "not recorded"
        print(
            f"    sponsors: {sponsors}; model tally {tally['yes']}-{tally['no']}-{tally['abstain']}: {d['reason']}"
        )
        against = [(m, v) for m, v in d["votes"].items() if v["vote"] in ("no", "abstain")]
        for m, v in against[:6]:
            print(f"      {m:>4} {v['vote']:<8} {v['why']}")
    s = r["score"]
    print(
        f"\nAgainst the record: {s['votes_right']}/{s['votes_scored']} sourced votes and "
        f"{s['decisions_right']}/{s['decisions']} decisions right"
    )
    for miss in s["decisions_missed"][:8]:
        print(f"  missed {miss['symbol']}: record {miss['record']}, model {miss['model']}")
    f = r["free_run"]
    print(f"\nFree run (seed {r['seed']}, {f['council']}): the kernel drafts and decides itself")
    print("\n".join("  " + line for line in narrate(events).splitlines()))
    print(
        f"  institution: {f['institution']} (record: {case.outcome.institution}; "
        f"{case.outcome.conflict.replace('_', ' ')})"
    )
    if f.get("shares"):
        sh = ", ".join(f"{k} {v:.0%}" for k, v in f["shares"].items())
        print(
            f"  over 200 free runs: {sh}; predicted {f['predicted']} "
            f"({'matches' if f['predicted'] == case.outcome.institution else 'differs from'} "
            "the record)"
        )
    print(f"  what happened: {case.outcome.explanation}")
    cf = r.get("counterfactual")
    if cf:
        _counterfactual_text(cf)


def _counterfactual_text(cf: dict[str, Any]) -> None:
    print(f"\nCounterfactual: {cf['title']}")
    print(f"  {cf['changed']} of {len(cf['decisions'])} decisions change outcome")
    for d in cf["decisions"]:
        mark = "CHANGED" if d["changed"] else "same"
        extra = (
            f" (model votes for {', '.join(d['votes_predicted_for'])})"
            if d["votes_predicted_for"]
            else ""
        )
        print(
            f"  {d['date']} {d['symbol']}: recorded {d['recorded']} -> {d['with_recorded_votes']} [{mark}]{extra}"
        )
        if d["changed"]:
            print(f"      why: {d['reason']}")
    for dep in cf.get("deployment", []):
        print(
            f"  {dep['symbol']} authorised {dep['authorised']}: deployed by {dep['deployed_usual']} as usual, "
            f"by {dep['deployed_standing_force']} with a standing force; killing ended {dep['killing_ended']} "
            f"-> in time: usual {dep['in_time_usual']}, standing force {dep['in_time_standing_force']}"
        )


# -- fidelity ----------------------------------------------------------------------------


def fidelity_command(
    fmt: FormatOpt = Format.text,
    loo: Annotated[
        bool, typer.Option("--loo/--no-loo", help="Also score leave-one-case-out.")
    ] = True,
    seed: SeedOpt = 0,
    params: ParamsOpt = None,
) -> None:
    """Score the model against every sourced vote, decision and outcome of the case library.

    A case's outcome is the free run's most frequent institution class over 200 runs,
    with the vote weights fitted without the case.
    """
    # lazy: the case library, the fit and the kernel only when a command runs
    from collsec.cases import fidelity, replay

    limits.check("seed", seed, source="--seed")
    p = _params(params)
    cases = _all_cases()
    with progress("fidelity", unit="cases") as bar:
        bar.step("free runs with the weights fitted without the case", total=len(cases))
        outcomes, shares = replay.predicted_outcomes(
            cases, p, seed=seed, progress=lambda _: bar.advance()
        )
        bar.step("leave-one-case-out refits" if loo else "scores", len(cases) if loo else None)
        r = fidelity.fidelity(
            cases,
            p,
            loo=loo,
            outcomes=outcomes,
            shares=shares,
            progress=lambda _: bar.advance(),
        )
    emit(r, fmt, _fidelity_text)


def _fidelity_text(r: dict[str, Any]) -> None:
    t = Table(title="Fidelity on the case library (sourced votes only)", title_justify="left")
    t.add_column("predictor", no_wrap=True)
    for col in ("votes", "contested\nvotes", "decisions", "LOO\ncontested", "LOO\ndecisions"):
        t.add_column(col, justify="right", no_wrap=True)
    loo = r.get("loo", {})

    def row(name: str, s: dict[str, Any]) -> None:
        lo = loo.get(name, {})
        t.add_row(
            name,
            f"{s['vote_accuracy']:.3f}",
            f"{s['contested_vote_accuracy']:.3f}",
            f"{s['decision_accuracy']:.3f}",
            f"{lo['contested_vote_accuracy']:.3f}" if lo else "-",
            f"{lo['decision_accuracy']:.3f}" if lo else "-",
        )

    row("model", r)
    for b, s in r["baselines"].items():
        row(b, s)
    console.print(t)
    console.print(
        f"{r['votes_scored']} votes scored ({r['contested_votes']} on contested decisions), "
        f"{r['decisions']} decisions"
    )
    om = r.get("outcome_matches")
    if om:
        console.print(
            "free run's most frequent institution class (200 runs) matches the record in "
            f"{om['matches']} of {om['cases']} cases"
        )
    pt = Table(title="Per case (model; all-yes in brackets)", title_justify="left")
    # ids and numbers whole at 80 columns: the all-yes share under the model's, the
    # outcome folded
    pt.add_column("case", no_wrap=True)
    for col in ("votes", "accuracy", "contested", "decisions"):
        pt.add_column(col, justify="right", no_wrap=True)
    ot = Table(
        title="Outcome: the record and the free run's most frequent class", title_justify="left"
    )
    for col in ("case", "record", "free run", "share of runs"):
        ot.add_column(col, no_wrap=True, justify="right" if col == "share of runs" else "left")
    for c in r["cases"]:
        ay = c["baselines"]["all_yes"]

        def f(x: float | None) -> str:
            return "-" if x is None else f"{x:.2f}"

        o = c.get("outcome", {})
        pt.add_row(
            c["id"],
            str(c["votes_scored"]),
            f"{f(c['vote_accuracy'])}\n({f(ay['vote_accuracy'])})",
            f"{f(c['contested_vote_accuracy'])}\n({f(ay['contested_vote_accuracy'])})",
            f"{f(c['decision_accuracy'])}\n({f(ay['decision_accuracy'])})",
        )
        if o:
            share = o["shares"][o["free_run"]] if o.get("shares") else None
            ot.add_row(
                c["id"],
                str(o.get("record")),
                str(o.get("free_run")),
                "-" if share is None else f"{share:.0%}",
            )
    console.print(pt)
    if ot.row_count:
        console.print(ot)
    w = r["parameters_fitted"]["weights"]
    console.print(
        "fitted: "
        + ", ".join(f"{k} {v}" for k, v in w.items())
        + f"; thresholds {r['parameters_fitted']['vote_no']} / {r['parameters_fitted']['vote_yes']}"
    )


# -- unravel -------------------------------------------------------------------------------


def unravel_command(
    charter: CharterOpt = None,
    seed: SeedOpt = 0,
    params: ParamsOpt = None,
    fmt: FormatOpt = Format.text,
) -> None:
    """The League's unravelling: Manchuria, Ethiopia, the Rhineland, credibility carried."""
    # lazy: the case library and the kernel only when a command runs
    from collsec.cases import load_case, replay

    limits.check("seed", seed, source="--seed")
    r = replay.unravel(
        [load_case(c) for c in replay.LEAGUE_SEQUENCE], _params(params), seed=seed, charter=charter
    )

    def text(p: dict[str, Any]) -> None:
        # ids, codes and numbers never cut: headers on several lines, credibility before
        # and after in one column, the model's institution class over the record's
        t = Table(
            title=f"The League's unravelling (Council: {p['charter']})",
            title_justify="left",
            caption="model / record: the institution's response, in the model and on record",
            caption_justify="left",
        )
        t.add_column("case", no_wrap=True)
        t.add_column("accused", no_wrap=True)
        t.add_column("credibility\nbefore → after", justify="right", no_wrap=True)
        t.add_column("expected\ncost of\nattacking", justify="right", no_wrap=True)
        t.add_column("veto\nshield", no_wrap=True)
        t.add_column("model /\nrecord", no_wrap=True)
        for s in p["steps"]:
            t.add_row(
                s["case"],
                s["accused"],
                f"{s['credibility']:.3f} → {s['credibility_after']:.3f}",
                f"{s['expected_cost_of_attacking']:.3f}",
                "yes" if s["shielded_by_veto"] else "no",
                f"{s['institution']} /\n{s['record']}",
            )
        console.print(t)

    emit(r, fmt, text)


def register(app: typer.Typer) -> None:
    cases_app = typer.Typer(name="cases", help="The case library.", invoke_without_command=True)
    cases_app.callback(invoke_without_command=True)(cases_callback)
    cases_app.command("build")(cases_build_command)
    app.add_typer(cases_app, name="cases")
    app.command("replay")(replay_command)
    app.command("fidelity")(fidelity_command)
    app.command("unravel")(unravel_command)


__all__ = ["register"]

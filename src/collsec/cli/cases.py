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
    beside: Annotated[
        bool,
        typer.Option(
            "--beside",
            help="Where a record or actors table was written by hand (no build header), write "
            "the built one beside it (<id>.record.built.toml) instead of refusing.",
        ),
    ] = False,
) -> None:
    """Build each case's record (by rule, from the UN pages and curated votes) and actors table.

    A file the build did not write (a hand-written record, with its own sources) is
    never overwritten: the build refuses, or writes beside it with --beside.
    """

    if out and not Path(out).is_dir():
        raise InputError("directory does not exist", source=out, field="--out")
    if out:
        check_writable(out)  # before the work, not after
    # lazy: the record builder (pandas, lxml) only when building
    from collsec.cases.build import write_case_files

    ids = case or [x.id for x in _all_cases()]
    with progress("cases build", unit="cases", total=len(ids)) as bar:
        for c in ids:
            for path in write_case_files(c, data_dir, Path(out) if out else None, beside=beside):
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
    # a policy's name is resolved by the kernel's entry point, with the fitted weights
    r = replay.replay_case(c, p, fitted, seed=seed, charter=charter, world=w, policy=policy)
    r.pop("_free_events")
    story = r.pop("_free_narrative")
    r["fitted_on"] = f"{len(others)} other cases (leave-one-case-out)"
    r["score"] = replay.score_replay(c, r)
    emit(r, fmt, lambda payload: _replay_text(c, payload, story))


def _replay_text(case: Any, r: dict[str, Any], story: str) -> None:
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
    print("\n".join("  " + line for line in story.splitlines()))
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
    cases_dir: Annotated[
        str | None,
        typer.Option(
            "--cases",
            help="Score the cases of this folder (<id>.toml, <id>.record.toml, <id>.actors.csv) "
            "with the shipped model instead of the library (docs/cases.md).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Score the model and three baselines against the sourced votes and decisions of the
    case library (log-loss, Brier score, accuracies, recall and precision of no, abstain and
    veto), in-sample and leave-one-case-out; or, with --cases, a folder of your own cases.

    A case's outcome is the free run's most frequent institution class over 200 runs,
    with the vote weights fitted without the case.
    """
    # lazy: the case library, the fit and the kernel only when a command runs
    from collsec.cases import fidelity, replay

    limits.check("seed", seed, source="--seed")
    p = _params(params)
    if cases_dir is not None:
        fidelity.case_files(cases_dir)  # a bad folder before any work
        with progress("fidelity", unit="groups") as bar:
            bar.step("scores with the shipped model")
            r = fidelity.fidelity_of_folder(cases_dir, p)
        emit(r, fmt, _folder_text)
        return
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


#: the predictors, in the order of the JSON (collsec.cases.fidelity.PREDICTORS)
_PREDICTORS = ("model", "all_yes", "ideal_point_logit", "great_power")


def _f(x: float | None, places: int = 3) -> str:
    return "-" if x is None else f"{x:.{places}f}"


def _ci(ci: list[float] | None) -> str:
    return "" if not ci else f"[{ci[0]:.3f}, {ci[1]:.3f}]"


def _mark(section: dict[str, Any], name: str, key: str) -> str:
    """A star after the best proper score of a section."""
    return "*" if section.get("best", {}).get(key) == name else ""


def _recall_table(title: str, section: dict[str, Any]) -> Table:
    t = Table(title=title, title_justify="left")
    t.add_column("predictor", no_wrap=True)
    t.add_column("", no_wrap=True)
    for target in ("no", "abstain", "veto"):
        t.add_column(target, justify="right", no_wrap=True)
    for name in _PREDICTORS:
        s = section[name]
        t.add_row(
            name,
            "recall\nprecision",
            *(f"{_f(s['recall'][x])}\n{_f(s['precision'][x])}" for x in ("no", "abstain", "veto")),
        )
    return t


def _winner(section: dict[str, Any], where: str) -> str:
    b = section.get("best", {})
    name = b.get("log_loss")
    if name is None:
        return f"{where}, no predictor has a log-loss (no sourced votes)."
    line = f"{where}, {name} wins on log-loss ({section[name]['log_loss']:.3f})"
    if b.get("runner_up"):
        ci = b.get("log_loss_margin_ci")
        line += f"; {b['runner_up']} is next, {b['log_loss_margin']:.3f} higher" + (
            f" (95% interval {ci[0]:.3f} to {ci[1]:.3f})" if ci else ""
        )
    return line + "."


def _fidelity_text(r: dict[str, Any]) -> None:
    ins, loo = r["in_sample"], r.get("loo")
    t = Table(
        title="Fidelity on the case library (sourced votes only)",
        title_justify="left",
        caption=(
            "each cell: in-sample above, left out (leave-one-case-out) below; "
            if loo
            else "in-sample; "
        )
        + "* the lowest (best) log-loss or Brier score",
        caption_justify="left",
    )
    t.add_column("predictor", no_wrap=True)
    for col in ("log-loss", "Brier", "votes", "contested\nvotes", "decisions"):
        t.add_column(col, justify="right", no_wrap=True)
    keys = ("log_loss", "brier", "vote_accuracy", "contested_vote_accuracy", "decision_accuracy")
    for name in _PREDICTORS:
        cells = []
        for k in keys:
            cell = _f(ins[name][k]) + (_mark(ins, name, k) if k in ("log_loss", "brier") else "")
            if loo:
                cell += (
                    "\n"
                    + _f(loo[name][k])
                    + (_mark(loo, name, k) if k in ("log_loss", "brier") else "")
                )
            cells.append(cell)
        t.add_row(name, *cells)
    console.print(t)
    console.print(
        f"{r['votes_scored']} votes scored ({r['contested_votes']} on contested decisions), "
        f"{r['decisions']} decisions, {r['vetoes_recorded']} recorded vetoes, "
        f"{r['cases_scored']} cases"
    )
    if loo:
        console.print(_interval_table(loo, r["loo"]["bootstrap"], "Left out"))
    console.print(
        _recall_table(
            "Recall and precision of no, abstain and veto ("
            + ("left out)" if loo else "in-sample)"),
            loo or ins,
        )
    )
    console.print(_winner(loo or ins, "Left out" if loo else "In-sample"))
    om = r.get("outcome_matches")
    if om:
        console.print(
            "free run's most frequent institution class (200 runs) matches the record in "
            f"{om['matches']} of {om['cases']} cases"
        )
    which = "loo" if loo else "in_sample"
    pt = Table(
        title="Per case, "
        + ("left out" if loo else "in-sample")
        + ": the model (all_yes in brackets)",
        title_justify="left",
    )
    # ids and numbers whole at 80 columns: the all-yes score under the model's, the
    # outcome in a table of its own
    pt.add_column("case", no_wrap=True)
    for col in ("votes", "log-loss", "decisions", "vetoes\nrecalled"):
        pt.add_column(col, justify="right", no_wrap=True)
    ot = Table(
        title="Outcome: the record and the free run's most frequent class", title_justify="left"
    )
    for col in ("case", "record", "free run", "share of runs"):
        ot.add_column(col, no_wrap=True, justify="right" if col == "share of runs" else "left")
    for c in r["cases"]:
        m, ay = c[which]["model"], c[which]["all_yes"]
        pt.add_row(
            c["id"],
            str(c["votes_scored"]),
            f"{_f(m['log_loss'], 2)}\n({_f(ay['log_loss'], 2)})",
            f"{_f(m['decision_accuracy'], 2)}\n({_f(ay['decision_accuracy'], 2)})",
            _vetoes(m, c["vetoes_recorded"]),
        )
        o = c.get("outcome", {})
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
    _fitted_line(r["fitted"]["model"])


def _vetoes(scores: dict[str, Any], recorded: int) -> str:
    """``2 of 3``: recorded vetoes the predictor recalled."""
    if not recorded:
        return "-"
    return f"{round(scores['recall']['veto'] * recorded)} of {recorded}"


def _fitted_line(fitted: dict[str, Any]) -> None:
    """The model's fitted weights and thresholds, as far as its summary gives them."""
    w = fitted.get("weights")
    parts = []
    if isinstance(w, dict):
        parts.append(", ".join(f"{k} {v}" for k, v in w.items()))
    if "vote_no" in fitted and "vote_yes" in fitted:
        parts.append(f"thresholds {fitted['vote_no']} / {fitted['vote_yes']}")
    if parts:
        console.print("fitted: " + "; ".join(parts))


def _interval_table(section: dict[str, Any], b: dict[str, Any], where: str) -> Table:
    t = Table(
        title=f"{where}, with {b['level']:.0%} case-bootstrap intervals ({b['draws']} draws)",
        title_justify="left",
    )
    t.add_column("predictor", no_wrap=True)
    for col in ("log-loss", "Brier", "decisions"):
        t.add_column(col, justify="right", no_wrap=True)
    for name in _PREDICTORS:
        s = section[name]
        t.add_row(
            name,
            *(
                f"{_f(s[k])}\n{_ci(s[k + '_ci'])}"
                for k in ("log_loss", "brier", "decision_accuracy")
            ),
        )
    return t


def _folder_text(r: dict[str, Any]) -> None:
    s = r["scores"]
    n = r["cases_scored"]
    t = Table(
        title=f"Fidelity of {n} case{'' if n == 1 else 's'} in {r['cases_dir']}: the shipped model",
        title_justify="left",
        caption="* the lowest (best) log-loss or Brier score",
        caption_justify="left",
    )
    t.add_column("predictor", no_wrap=True)
    for col in ("log-loss", "Brier", "votes", "contested\nvotes", "decisions"):
        t.add_column(col, justify="right", no_wrap=True)
    keys = ("log_loss", "brier", "vote_accuracy", "contested_vote_accuracy", "decision_accuracy")
    for name in _PREDICTORS:
        t.add_row(
            name,
            *(
                _f(s[name][k]) + (_mark(s, name, k) if k in ("log_loss", "brier") else "")
                for k in keys
            ),
        )
    console.print(t)
    console.print(
        f"{r['votes_scored']} votes scored ({r['contested_votes']} on contested decisions), "
        f"{r['decisions']} decisions, {r['vetoes_recorded']} recorded vetoes. "
        "The model is the shipped one (calibrated parameters, not refitted); the baselines "
        "are fitted on the case library."
        + (
            " A case that shares decisions with library cases is scored by the model and "
            f"baselines fitted without them: {', '.join(r['refitted'])}."
            if r["refitted"]
            else ""
        )
    )
    if n > 1:
        console.print(_interval_table(s, r["bootstrap"], "On these cases"))
    console.print(_recall_table("Recall and precision of no, abstain and veto", s))
    console.print(_winner(s, "On these cases"))
    pt = Table(title="Per case", title_justify="left")
    pt.add_column("case", no_wrap=True)
    pt.add_column("votes", justify="right", no_wrap=True)
    pt.add_column("model\nlog-loss", justify="right", no_wrap=True)
    pt.add_column("decisions", justify="right", no_wrap=True)
    pt.add_column("scored with; what it lacks", ratio=1, overflow="fold")
    for c in r["cases"]:
        m = c["scores"]["model"]
        lack = "; ".join(
            f"{k}: {len(v)} of {c['decisions']} decisions" for k, v in c["lacks"].items() if v
        )
        pt.add_row(
            c["id"],
            str(c["votes_scored"]),
            _f(m["log_loss"]),
            _f(m["decision_accuracy"]),
            Text(
                c["scored_with"]
                + (f" (without {', '.join(c['trained_without'])})" if c["trained_without"] else "")
                + ("\nlacks " + lack if lack else "")
            ),
        )
    console.print(pt)


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

"""``collsec audit unsc`` and ``collsec vetoes``: the Security Council's record, checked."""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from collsec.cli._common import DataDirOpt, Format, FormatOpt, emit

console = Console()

ExportOpt = Annotated[
    str | None,
    typer.Option(
        "--export",
        help="Also write the adjudicated decisions to PATH (.parquet or .csv).",
        show_default=False,
    ),
]


def _kv_table(title: str, rows: list[tuple[str, Any]]) -> Table:
    t = Table(title=title, show_header=False, title_justify="left")
    t.add_column("what")
    t.add_column("value", justify="right")
    for k, v in rows:
        t.add_row(k, str(v))
    return t


def audit_unsc_command(
    data_dir: DataDirOpt = None,
    fmt: FormatOpt = Format.text,
    export: ExportOpt = None,
) -> None:
    """Check every Security Council decision 1946-2022 against the Charter's voting rule."""
    # lazy: pandas and lxml only when the audit runs; `collsec --help` imports this module
    from collsec.validation.unsc_audit import (
        CHECK_KINDS,
        audit_unsc,
        check_export_path,
        export_decisions,
    )

    if export:
        check_export_path(export)  # fail before the work, not after
    result = audit_unsc(data_dir)
    if export:
        assert result.table is not None
        written = export_decisions(result.table, export)
        print(f"collsec: wrote {len(result.table)} decisions to {written}", file=sys.stderr)
    payload = result.to_dict()

    def text(p: dict[str, Any]) -> None:
        agreeing = p["decisions"] - len(p["disagreements"])
        console.print(
            _kv_table(
                "Security Council decisions 1946-2022, adjudicated under the Charter in force",
                [
                    ("decisions (resolutions and failed drafts)", p["decisions"]),
                    ("adopted resolutions", p["resolutions"]),
                    ("drafts vetoed", p["vetoed_drafts"]),
                    ("drafts not adopted (too few votes)", p["failed_drafts"]),
                    ("presidential statements (not decisions)", result.presidential_statements),
                    (
                        "record and rules agree",
                        f"{agreeing} of {p['decisions']} ({100 * p['agreement']:.2f}%)",
                    ),
                ],
            )
        )
        checked = Table(title="How each decision was checked", title_justify="left")
        checked.add_column("decisions", justify="right")
        checked.add_column("check")
        for key, n in result.checked.items():
            if n:
                checked.add_row(str(n), CHECK_KINDS[key])
        console.print(checked)
        if p["disagreements"]:
            t = Table(
                title="Where the record and the rules disagree",
                title_justify="left",
                show_lines=True,
            )
            t.add_column("decision", no_wrap=True)
            t.add_column("record → rules", no_wrap=True)
            t.add_column("why", ratio=1, overflow="fold")
            for d in p["disagreements"]:
                t.add_row(
                    f"{d['symbol'] or '(no symbol)'}\n{d['date']}",
                    f"{d['recorded'].replace('_', ' ')}\n→ {d['adjudicated'].replace('_', ' ')}",
                    d["reason"],
                )
            console.print(t)
        else:
            console.print("The record and the rules agree on every decision.")
        gaps = ", ".join(map(str, p["missing_resolutions"])) or "none"
        dups = ", ".join(map(str, p["duplicate_resolutions"])) or "none"
        console.print(f"Resolution numbers missing from the pages: {gaps}")
        console.print(f"Resolution numbers listed more than once: {dups}")
        if p["source_errors"]:
            t = Table(title="Errors in the source pages", title_justify="left", show_lines=True)
            t.add_column("entry", no_wrap=True)
            t.add_column("problem", ratio=1, overflow="fold")
            for e in p["source_errors"]:
                where = " ".join(x for x in (e["date"], e["meeting"]) if x)
                t.add_row(f"{e['symbol'] or '(no symbol)'}\n{where}", e["problem"])
            console.print(t)

    emit(payload, fmt, text)


def vetoes_command(data_dir: DataDirOpt = None, fmt: FormatOpt = Format.text) -> None:
    """Vetoes per permanent member: the veto list against the yearly meeting pages."""
    # lazy: pandas and lxml only when this command runs
    from collsec.validation.unsc_audit import vetoes_compare

    payload = vetoes_compare(data_dir)

    def text(p: dict[str, Any]) -> None:
        period = f"{p['period']['start']} to {p['period']['end']}"
        t = Table(title="Vetoes per permanent member", title_justify="left")
        t.add_column("member")
        t.add_column("veto list (all)", justify="right")
        t.add_column(f"yearly pages ({period})", justify="right")
        for member, n in p["counts"].items():
            t.add_row(member, str(n), str(p["pages_counts"][member]))
        t.add_row("total", str(sum(p["counts"].values())), str(sum(p["pages_counts"].values())))
        console.print(t)
        if p["differences"]:
            d = Table(title="Where the two sources differ", title_justify="left", show_lines=True)
            d.add_column("draft", no_wrap=True)
            d.add_column("found in", no_wrap=True)
            d.add_column("explanation", ratio=1, overflow="fold")
            for x in p["differences"]:
                d.add_row(
                    f"{x['symbol'] or ''}\n{x['date']}\n{', '.join(x['members'])}",
                    x["source"],
                    x["explanation"],
                )
            console.print(d)

    emit(payload, fmt, text)


def _audit_app(app: typer.Typer) -> typer.Typer:
    """The ``audit`` sub-app, created once and shared with other audits."""
    for group in app.registered_groups:
        if group.name == "audit" and group.typer_instance is not None:
            return group.typer_instance
    sub = typer.Typer(
        name="audit",
        help="Check recorded decisions against the rules.",
        no_args_is_help=True,
    )
    app.add_typer(sub, name="audit")
    return sub


def register(app: typer.Typer) -> None:
    audit = _audit_app(app)
    if not any(c.name == "unsc" for c in audit.registered_commands):
        audit.command("unsc")(audit_unsc_command)
    if not any(c.name == "vetoes" for c in app.registered_commands):
        app.command("vetoes")(vetoes_command)


__all__ = ["register"]

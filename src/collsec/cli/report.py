"""``collsec report``: a readable HTML report of experiment results stored in DuckDB."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from collsec.cli._common import Format, FormatOpt, emit


def report_command(
    db: Annotated[str, typer.Argument(help="DuckDB file of experiment results.")],
    out: Annotated[
        str | None,
        typer.Option(
            "--out",
            help="HTML file to write (default: the database's path with .html).",
            show_default=False,
        ),
    ] = None,
    run: Annotated[
        str | None,
        typer.Option(
            "--run",
            help="Run key (or a unique prefix) to report (default: the latest run).",
            show_default=False,
        ),
    ] = None,
    fmt: FormatOpt = Format.text,
) -> None:
    """Write one self-contained HTML report of an experiment run: designs side by side,
    paired differences, distributions, parameters, data and citations."""
    # lazy: duckdb, pandas and matplotlib only when a report is written; `collsec --help`
    # imports this module
    from collsec.experiments.report import write_report

    r = write_report(db, out, run=run)

    def text(p: dict[str, Any]) -> None:
        print(f"collsec: wrote {p['out']} (run {p['run_key']}, {p['figures']} figures)")

    emit(r, fmt, text)


def register(app: typer.Typer) -> None:
    app.command("report")(report_command)


__all__ = ["register"]

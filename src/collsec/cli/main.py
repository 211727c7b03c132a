"""The ``collsec`` command: a thin layer that parses arguments and calls the public API.

Each sub-module defines ``register(app)``. Any :class:`collsec.errors.CollsecError`
becomes one line on stderr and exit code 2.
"""

from __future__ import annotations

import sys

import typer

from collsec import __version__
from collsec.cli import (
    backtest,
    cases,
    charters,
    data,
    demo,
    experiment,
    facts,
    power,
    report,
    schema,
    simulate,
    unsc,
    world,
)
from collsec.errors import CollsecError

app = typer.Typer(
    name="collsec",
    help="Collective security systems made executable.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        print(f"collsec {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """Collective security systems made executable."""


_registered: list[bool] = []


def _register_all() -> None:
    if _registered:
        return
    _registered.append(True)
    modules = (
        backtest,
        cases,
        charters,
        data,
        demo,
        experiment,
        facts,
        power,
        report,
        schema,
        simulate,
        unsc,
        world,
    )
    for module in modules:
        module.register(app)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; return the exit code (used by the console script and the tests)."""
    _register_all()
    try:
        rv = app(args=argv, prog_name="collsec", standalone_mode=False)
    except CollsecError as err:
        print(f"collsec: error: {err}", file=sys.stderr)
        return err.exit_code
    except typer.Exit as done:
        return done.exit_code
    except typer.Abort:
        print("collsec: aborted", file=sys.stderr)
        return 130
    except typer.TyperException as err:  # usage errors (typer's own click)
        message = err.format_message() if hasattr(err, "format_message") else str(err)
        print(f"collsec: error: {message}", file=sys.stderr)
        return 2
    # With standalone_mode=False click returns the code of a typer.Exit.
    return rv if isinstance(rv, int) else 0


if __name__ == "__main__":
    sys.exit(main())

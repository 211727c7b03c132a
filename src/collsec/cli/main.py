"""The ``collsec`` command: a thin layer that parses arguments and calls the public API.

Each sub-module defines ``register(app)``. Any :class:`collsec.errors.CollsecError`
becomes one line on stderr and exit code 2.
"""

from __future__ import annotations

import sys

import typer

from collsec.errors import CollsecError

app = typer.Typer(
    name="collsec",
    help="Collective security systems made executable.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _register_all() -> None:
    from collsec.cli import charters, demo, power, unsc

    for module in (charters, demo, power, unsc):
        module.register(app)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; return the exit code (used by the console script and the tests)."""
    _register_all()
    try:
        app(args=argv, prog_name="collsec", standalone_mode=False)
    except CollsecError as err:
        print(f"collsec: error: {err}", file=sys.stderr)
        return err.exit_code
    except typer.Exit as done:
        return done.exit_code
    except Exception as err:  # click usage errors
        import click

        if isinstance(err, click.exceptions.ClickException):
            print(f"collsec: error: {err.format_message()}", file=sys.stderr)
            return 2
        if isinstance(err, click.exceptions.Abort):
            print("collsec: aborted", file=sys.stderr)
            return 130
        raise
    return 0


if __name__ == "__main__":
    sys.exit(main())

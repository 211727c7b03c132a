"""The ``collsec`` command: a thin layer that parses arguments and calls the public API.

Each sub-module defines ``register(app)``. Any :class:`collsec.errors.CollsecError`
becomes one line on stderr and exit code 2.
"""

from __future__ import annotations

import contextlib
import os
import sys

import typer

from collsec import __version__
from collsec.cli import (
    backtest,
    burden,
    cases,
    charters,
    data,
    demo,
    experiment,
    facts,
    lab,
    play,
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
        burden,
        cases,
        charters,
        data,
        demo,
        experiment,
        facts,
        lab,
        play,
        power,
        report,
        schema,
        simulate,
        unsc,
        world,
    )
    for module in modules:
        module.register(app)


def _oneline(text: str) -> str:
    """Control characters shown escaped: a message is one line, whatever the input held."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def os_error_message(err: OSError) -> str:
    """``PATH: problem`` of an operating-system error (no space, no permission...)."""
    problem = err.strerror or str(err) or err.__class__.__name__
    paths = [str(p) for p in (err.filename, err.filename2) if p is not None]
    return _oneline(": ".join([" -> ".join(paths), problem] if paths else [problem]))


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; return the exit code (used by the console script and the tests).

    Every error a user can cause is one line on stderr and exit code 2: collsec's
    own (:class:`~collsec.errors.CollsecError`), the operating system's (a file that
    cannot be written: no permission, a full or read-only disk, a missing folder),
    running out of memory, and usage errors.
    """
    _register_all()
    try:
        rv = app(args=argv, prog_name="collsec", standalone_mode=False)
        sys.stdout.flush()  # a full disk under redirected output fails here, not at exit
    except CollsecError as err:
        print(f"collsec: error: {err}", file=sys.stderr)
        return err.exit_code
    except typer.Exit as done:
        return done.exit_code
    except (typer.Abort, KeyboardInterrupt):
        print("collsec: aborted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # the reader of our output went away (`collsec ... | head`): nothing to say
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except OSError as err:
        print(f"collsec: error: {os_error_message(err)}", file=sys.stderr)
        try:
            sys.stdout.flush()
        except (OSError, ValueError):  # stdout itself failed: drop what it still holds
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115
        return 2
    except MemoryError:
        print(
            "collsec: error: out of memory (see docs/limits.md: COLLSEC_MAX_MEMORY)",
            file=sys.stderr,
        )
        return 2
    except typer.TyperException as err:  # usage errors (typer's own click)
        message = err.format_message() if hasattr(err, "format_message") else str(err)
        print(f"collsec: error: {message}", file=sys.stderr)
        return 2
    # With standalone_mode=False click returns the code of a typer.Exit.
    return rv if isinstance(rv, int) else 0


if __name__ == "__main__":
    sys.exit(main())

"""``collsec lab``: the lab in the browser (needs the ``lab`` extra)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Annotated

import typer

from collsec import limits
from collsec.errors import InputError

#: what the lab needs beyond collsec (the ``lab`` extra of pyproject.toml)
LAB_MODULES = ("starlette", "jinja2", "uvicorn", "multipart")
INSTALL = "pip install 'collsec[lab]'"


def lab_missing() -> list[str]:
    """The lab's modules that are not installed."""
    return [m for m in LAB_MODULES if importlib.util.find_spec(m) is None]


def lab_command(
    host: Annotated[
        str,
        typer.Option(
            help="Address to serve on. The default serves this computer only; "
            "0.0.0.0 serves your network (with a warning: there is no login)."
        ),
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port (0: any free port).")] = 8765,
    no_browser: Annotated[
        bool, typer.Option("--no-browser", help="Do not open a browser.")
    ] = False,
    store: Annotated[
        Path | None,
        typer.Option(help="DuckDB file of the rooms (default: lab.duckdb in the user cache)."),
    ] = None,
) -> None:
    """Play a seat on the Council in the browser, alone or as a class (docs/lab.md).

    Needs the lab's extra: pip install 'collsec\\[lab]'.
    """
    limits.check("port", port, source="--port")
    missing = lab_missing()
    if missing:
        raise InputError(
            f"the lab needs its extra ({', '.join(missing)} missing): {INSTALL}", source="lab"
        )
    # lazy: the web stack (Starlette, uvicorn), absent without the extra, only when it runs
    from collsec.lab.serve import serve

    serve(host, port, store, open_browser=not no_browser)


def register(app: typer.Typer) -> None:
    app.command("lab")(lab_command)

"""``collsec schema NAME``: the JSON Schema of a file type, for editors and checks.

The schema is generated from the pydantic model that validates the file
(:mod:`collsec.validation_style`), so it says what ``collsec`` itself accepts.
TOML dates are strings with ``"format": "date"`` in it, as TOML editors read them.
"""

from __future__ import annotations

import importlib
import json
from typing import Annotated, Any

import typer

from collsec.errors import InputError
from collsec.validation_style import json_schema

#: file type -> (module, model, key that makes every field optional, what the file is)
SCHEMAS: dict[str, tuple[str, str, str | None, str]] = {
    "charter": (
        "collsec.institutions.charter",
        "Charter",
        "extends",
        "a charter file: a decision body, or a reform that extends one",
    ),
    "experiment": ("collsec.experiments.spec", "Experiment", None, "an experiment file"),
    "scenario": (
        "collsec.crisis.scenario",
        "Scenario",
        None,
        "a scenario file (collsec simulate --scenario)",
    ),
    "parameters": (
        "collsec.behavior.parameters",
        "ParameterFile",
        None,
        "a parameter file (--params)",
    ),
    "case": ("collsec.cases.case", "CaseFile", None, "a case file, <id>.toml"),
    "case-record": (
        "collsec.cases.case",
        "RecordFile",
        None,
        "a case's record, <id>.record.toml",
    ),
}


def schema_for(name: str) -> dict[str, Any]:
    """The JSON Schema of the file type ``name`` (a key of :data:`SCHEMAS`)."""
    if name not in SCHEMAS:
        raise InputError(f"unknown file type '{name}' (known: {', '.join(SCHEMAS)})", source="NAME")
    module, model, partial_with, _ = SCHEMAS[name]
    cls = getattr(importlib.import_module(module), model)
    return json_schema(cls, partial_with=partial_with)


_LISTING = "; ".join(f"{k}: {v[3]}" for k, v in SCHEMAS.items())


def schema_command(
    name: Annotated[
        str, typer.Argument(help=f"The file type, one of {', '.join(SCHEMAS)}.", show_default=False)
    ],
) -> None:
    """Print the JSON Schema of a file type (check a file as it is typed)."""
    print(json.dumps(schema_for(name), indent=2, ensure_ascii=False))


schema_command.__doc__ = (
    "Print the JSON Schema of a file type, to check a file in an editor as it is typed. "
    f"File types: {_LISTING}."
)


def register(app: typer.Typer) -> None:
    app.command("schema")(schema_command)


__all__ = ["SCHEMAS", "register", "schema_for"]

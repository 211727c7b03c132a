"""`collsec schema NAME`: each file type's JSON Schema accepts every file of that type
collsec ships (and the README's examples) and refuses what the loader refuses."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import re
import tomllib
from pathlib import Path
from typing import Any

import jsonschema
import pytest

import collsec
from collsec.behavior.parameters import Parameters
from collsec.cases.case import load_case
from collsec.cli.schema import SCHEMAS
from collsec.crisis.scenario import Scenario
from collsec.errors import InputError
from collsec.experiments.spec import load_experiment
from collsec.institutions.charter import load_charter

PKG = Path(collsec.__file__).parent
README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
LIBRARY = PKG / "cases" / "library"

SHIPPED = {
    "charter": sorted((PKG / "institutions" / "charters").rglob("*.toml")),
    "experiment": sorted((PKG / "experiments" / "builtin").glob("*.toml")),
    "parameters": sorted((PKG / "behavior").glob("*.toml")),
    "case": sorted(p for p in LIBRARY.glob("*.toml") if not p.name.endswith(".record.toml")),
    "case-record": sorted(LIBRARY.glob("*.record.toml")),
}


def as_json(value: Any) -> Any:
    """TOML data as a JSON editor sees it: dates are strings."""
    if isinstance(value, dict):
        return {k: as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_json(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


@pytest.fixture(scope="module")
def schemas() -> dict[str, Any]:
    """A validator per file type, of the schema `collsec schema NAME` prints."""
    from collsec.cli.main import main

    out = {}
    for name in SCHEMAS:
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            assert main(["schema", name]) == 0
        schema = json.loads(printed.getvalue())
        cls = jsonschema.validators.validator_for(schema)
        cls.check_schema(schema)
        out[name] = cls(schema, format_checker=cls.FORMAT_CHECKER)
    return out


def test_every_file_type_has_a_schema(run_cli) -> None:
    assert set(SCHEMAS) == {
        "charter",
        "experiment",
        "scenario",
        "parameters",
        "case",
        "case-record",
    }
    code, out, _ = run_cli("schema", "--help")
    assert code == 0 and all(name in out for name in SCHEMAS)


@pytest.mark.parametrize("name", sorted(SHIPPED))
def test_schema_accepts_every_shipped_file(schemas, name: str) -> None:
    assert SHIPPED[name], name
    for path in SHIPPED[name]:
        data = as_json(tomllib.loads(path.read_text(encoding="utf-8")))
        errors = [e.message for e in schemas[name].iter_errors(data)]
        assert not errors, (path.name, errors[:3])


def test_schema_accepts_the_readme_examples_and_a_scenario(schemas) -> None:
    blocks = [tomllib.loads(b) for b in re.findall(r"```toml\n(.*?)```", README, flags=re.S)]
    kinds = ["experiment" if "designs" in b else "charter" for b in blocks]
    assert {"experiment", "charter"} <= set(kinds)
    for kind, block in zip(kinds, blocks, strict=True):
        assert schemas[kind].is_valid(block), (kind, block.get("id"))
    assert schemas["scenario"].is_valid({"council": "unsc-no-veto", "regional_first": True})
    assert schemas["scenario"].is_valid(Scenario().model_dump())
    nested = {"id": "x", "designs": [{"id": "a", "scenario": {"nato": False}}]}
    assert schemas["experiment"].is_valid(nested)


def _experiment(extra: str) -> str:
    return 'id = "x"\n[[designs]]\nid = "a"\n' + extra


#: (file type, text, loader): files the loader refuses; the schema must refuse them too
BROKEN = [
    ("charter", 'id = "x"\nextends = "unsc-1966"\nvalid_form = 1946-01-01\n', load_charter),
    ("charter", 'id = "x"\nbody = "x"\n', load_charter),
    ("experiment", _experiment('nato = "yes"\n'), load_experiment),
    ("experiment", _experiment('policy = "hawk"\n'), load_experiment),
    ("experiment", _experiment("params = { honour = 1.5 }\n"), load_experiment),
    ("experiment", 'id = "x"\nreplications = 0\n[[designs]]\nid = "a"\n', load_experiment),
    ("experiment", 'id = "x"\n', load_experiment),
    ("scenario", 'councill = "unsc"\n', Scenario.from_file),
    ("scenario", "nato = 1\n", Scenario.from_file),
    ("parameters", "honour = 1.5\n", Parameters.from_file),
    ("parameters", "warp_speed = 3\n", Parameters.from_file),
    ("parameters", "[honour]\nsource = 'x'\n", Parameters.from_file),
]


@pytest.mark.parametrize(("name", "text", "load"), BROKEN)
def test_schema_refuses_what_the_loader_refuses(schemas, tmp_path, name, text, load) -> None:
    path = tmp_path / "x.toml"
    path.write_text(text)
    with pytest.raises(InputError):
        load(str(path))
    assert not schemas[name].is_valid(as_json(tomllib.loads(text)))


@pytest.mark.parametrize(
    ("name", "where", "old", "new"),
    [
        ("case", ".toml", 'kind = "aggression"', 'kind = "war"'),
        ("case", ".toml", "severity = 0.9", "severity = 1.5"),
        ("case-record", ".record.toml", 'measure = "chapter_vi"', 'measure = "talk"'),
        ("case-record", ".record.toml", 'tally = "12-2-1"', 'tally = "12/2/1"'),
    ],
)
def test_case_schemas_refuse_what_the_loader_refuses(schemas, tmp_path, name, where, old, new):
    for suffix in (".toml", ".record.toml", ".actors.csv"):
        text = (LIBRARY / f"gulf-1990{suffix}").read_text(encoding="utf-8")
        if suffix == where:
            assert old in text
            text = text.replace(old, new, 1)
            broken = tomllib.loads(text)
        (tmp_path / f"gulf-1990{suffix}").write_text(text, encoding="utf-8")
    with pytest.raises(InputError):
        load_case(tmp_path / "gulf-1990.toml")
    assert not schemas[name].is_valid(as_json(broken))


def test_unknown_file_type_is_one_line_exit_2(run_cli) -> None:
    code, out, err = run_cli("schema", "reform")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "unknown file type 'reform'" in err
    assert "charter" in err and "case-record" in err

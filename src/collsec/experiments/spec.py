"""Experiment files: designs x a world x a threat generator x a horizon x replications x a seed.

An experiment file is TOML::

    id = "veto-variants"
    title = "Veto variants"
    description = "What the experiment asks and how to read it."
    seed = 1
    replications = 1000
    years = 50

    [world]
    kind = "synthetic"      # or "data" with year = 1990 (needs the datasets)
    states = 193
    seed = 7

    [threats]               # every rate here is an assumption unless it says otherwise
    opportunity_scale = 1.0
    initial_peace_years = 10
    atrocity_rate = 0.004   # per state-year
    terrorism_rate = 0.002
    cyber_rate = 0.002
    max_per_year = 64

    [[designs]]
    id = "unsc"
    title = "The Charter as in force"
    policy = "utility"      # the behaviour model: utility, realist, norm or FILE.py:NAME
    council = "unsc"        # a body or charter id, or a charter file
    regional_first = false
    intelligence_sharing = false
    nato = false
    uniting_for_peace = true
    params = { position_taking = 0.5 }   # parameter overrides for this design

    [sensitivity]           # optional: Sobol indices over named parameters
    parameters = { opportunity_scale = [0.5, 2.0], deterrence = [0.2, 1.0] }
    metric = "aggression_attempted"
    design = "unsc"
    samples = 64
    replications = 20

A design holds a :class:`~collsec.crisis.scenario.Scenario` (``council``,
``intelligence_sharing``, ``regional_first``, ``uniting_for_peace``, ``nato``;
the defaults are the scenario's: ``nato = true``, ``uniting_for_peace = true``,
the others off). Its keys are written flat in the design table, as above, or
in a ``[designs.scenario]`` table of their own (not both for the same key).

Every field is validated by the models below (:func:`load_experiment`); a bad
one is a one-line error naming the file, the field and the problem.
"""

from __future__ import annotations

import dataclasses
import math
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationInfo,
    field_validator,
    model_validator,
)

from collsec import limits
from collsec.behavior.parameters import ParameterFile, Parameters
from collsec.behavior.policy import POLICIES, get_policy
from collsec.crisis.metrics import METRICS
from collsec.crisis.scenario import Scenario
from collsec.errors import InputError
from collsec.experiments import chunks
from collsec.institutions.charter import load_charter
from collsec.validation_style import Problem, SchemaExtra, Text, between, read_toml, validate

__all__ = [
    "Design",
    "Experiment",
    "Sensitivity",
    "ThreatSpec",
    "WorldSpec",
    "builtin_experiment_ids",
    "load_experiment",
]

#: the most states a world of data has (for the cost of a run before it is built)
DATA_STATES = 200

#: the threat generator's rates a sensitivity analysis may vary
THREAT_RATES = ("opportunity_scale", "atrocity_rate", "terrorism_rate", "cyber_rate")

_STRICT = ConfigDict(extra="forbid", frozen=True, strict=True)
_STATES, _SEEDS = limits.BOUNDS["states"], limits.BOUNDS["seed"]


class WorldSpec(BaseModel):
    """The world: synthetic (``states``, ``seed``) or built from the data of a ``year``."""

    model_config = _STRICT

    kind: Literal["synthetic", "data"] = "synthetic"
    states: Annotated[int, SchemaExtra(minimum=_STATES.low, maximum=_STATES.high)] = Field(
        193, description="synthetic worlds: the number of states"
    )
    seed: Annotated[int, SchemaExtra(minimum=_SEEDS.low, maximum=_SEEDS.high)] = Field(
        7, description="synthetic worlds: the seed of the world"
    )
    year: between(int, 1816, 2024) | None = Field(
        None, description="worlds of data: the year (needs the datasets)"
    )

    @model_validator(mode="before")
    @classmethod
    def _kind(cls, data: Any) -> Any:
        # a world of data has no size or seed; a synthetic world no year
        if isinstance(data, dict):
            if data.get("kind") == "data":
                return {**data, "states": 0, "seed": 0}
            return {k: v for k, v in data.items() if k != "year"}
        return data

    @model_validator(mode="after")
    def _ranges(self) -> WorldSpec:
        if self.kind == "data":
            if self.year is None:
                raise Problem("a world of data needs a year", at="year")
            return self
        for name in ("states", "seed"):
            bad = limits.problem(name, getattr(self, name))
            if bad is not None:
                raise Problem(bad, at=name)
        return self


class ThreatSpec(BaseModel):
    """The threat generator: MID-hazard opportunities plus per-state rates (assumptions)."""

    model_config = _STRICT

    generator: Literal["mid-hazard"] = "mid-hazard"
    opportunity_scale: between(float, 0, 100) = 1.0
    initial_peace_years: limits.bounded("peace_years") = 10
    atrocity_rate: between(float, 0, 1) = Field(0.004, description="per state-year")
    terrorism_rate: between(float, 0, 1) = Field(0.002, description="per state-year")
    cyber_rate: between(float, 0, 1) = Field(0.002, description="per state-year")
    max_per_year: limits.bounded("max_per_year") = 64


def _no_default(schema: dict[str, Any]) -> None:
    schema.pop("default", None)


def _params_schema(schema: dict[str, Any]) -> None:
    file = ParameterFile.model_json_schema()
    schema.update(properties=file["properties"], additionalProperties=False)


def _policy_schema(schema: dict[str, Any]) -> None:
    schema["anyOf"] = [{"enum": sorted(POLICIES)}, {"pattern": r"\.py:.+$"}]


class Design(BaseModel):
    """One institutional design: a scenario (a council and switches), a policy, parameters."""

    model_config = ConfigDict(**_STRICT, json_schema_extra=lambda s: _flat_schema(s))

    #: keys a design table may hold (the scenario's are written flat or nested)
    file_keys: ClassVar[tuple[str, ...]] = (
        "id",
        "title",
        "scenario",
        "policy",
        "params",
        *Scenario.model_fields,
    )

    id: Text
    title: Text = Field("", description="default: the id", json_schema_extra=_no_default)
    scenario: Scenario = Scenario()
    policy: Text = Field(
        "utility", description="the behaviour model", json_schema_extra=_policy_schema
    )
    params: dict[str, Any] = Field(
        default_factory=dict,
        description="parameter overrides for this design",
        json_schema_extra=_params_schema,
    )

    @model_validator(mode="before")
    @classmethod
    def _flat(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        out = dict(data)
        flat = {k: out.pop(k) for k in Scenario.model_fields if k in out}
        nested = out.get("scenario", {})
        if flat and not isinstance(nested, dict):
            raise Problem("must be a table of the scenario's keys", at="scenario")
        if flat:
            for k in flat:
                if k in nested:
                    raise Problem("given twice (here and in [designs.scenario])", at=k)
            out["scenario"] = {**nested, **flat}
        if "title" not in out and isinstance(out.get("id"), str):
            out["title"] = out["id"]
        return out

    @field_validator("scenario")
    @classmethod
    def _council(cls, sc: Scenario, info: ValidationInfo) -> Scenario:
        src = (info.context or {}).get("source", "")
        council = sc.council
        if council.endswith(".toml") and not Path(council).is_absolute():
            here = Path(src).parent / council  # a charter file beside the experiment file
            if here.is_file():
                council = str(here.resolve())
        _check_council(council)
        return sc if council == sc.council else sc.model_copy(update={"council": council})

    @field_validator("policy")
    @classmethod
    def _policy(cls, v: str) -> str:
        if ".py:" in v:
            get_policy(v)  # a policy file: it loads and names a policy it defines
        elif v not in POLICIES:
            raise ValueError(f"unknown policy '{v}' (known: {', '.join(sorted(POLICIES))})")
        return v

    @field_validator("params")
    @classmethod
    def _params(cls, v: dict[str, Any]) -> dict[str, Any]:
        try:
            Parameters.default().replace(**v)
        except InputError as err:
            raise Problem(
                err.problem, at=(err.field or "").split(".") if err.field else ()
            ) from None
        return dict(v)

    def settings(self) -> dict[str, Any]:
        return self.model_dump(exclude={"id", "title"})


def _flat_schema(schema: dict[str, Any]) -> None:
    """A design table may write the scenario's keys flat (as every built-in does)."""
    props = schema.setdefault("properties", {})
    for name, sub in Scenario.model_json_schema()["properties"].items():
        props.setdefault(name, sub)


def _check_council(council: str) -> None:

    name = "unsc-1966" if council == "unsc" else council
    try:
        load_charter(name)
    except InputError as err:
        raise Problem(f"unknown council {council!r} ({err.problem})", at="council") from None


def _metric_schema(schema: dict[str, Any]) -> None:

    schema["enum"] = list(METRICS)


class Sensitivity(BaseModel):
    """Sobol indices of a metric over named parameters (behaviour or threat rates)."""

    model_config = _STRICT

    parameters: dict[str, tuple[float, float]] = Field(
        description="name = [low, high]", json_schema_extra={"minProperties": 1}
    )
    metric: Text = Field("aggression_attempted", json_schema_extra=_metric_schema)
    design: Text | None = Field(None, description="default: the first design")
    samples: limits.bounded("samples") = Field(64, description="base samples, a power of two")
    replications: limits.bounded("sample_replications") = 20

    @field_validator("parameters", mode="before")
    @classmethod
    def _ranges(cls, v: Any) -> Any:
        if not isinstance(v, dict) or not v:
            raise ValueError("must name at least one parameter")
        known = {f.name for f in dataclasses.fields(Parameters)} - {"sources"}
        out = {}
        for name, rng in v.items():
            if name not in THREAT_RATES and name not in known:
                raise Problem("unknown parameter", at=name)
            ok = isinstance(rng, list | tuple) and len(rng) == 2
            ok = ok and all(isinstance(x, int | float) and not isinstance(x, bool) for x in rng)
            ok = ok and all(math.isfinite(x) for x in rng)
            if not ok or not rng[0] < rng[1]:
                raise Problem("must be [low, high] with low < high", at=name)
            out[name] = (float(rng[0]), float(rng[1]))
        return out

    @field_validator("samples")
    @classmethod
    def _power_of_two(cls, v: int) -> int:
        if v & (v - 1):
            raise ValueError(f"must be a power of two, not {v}")
        return v

    @field_validator("metric")
    @classmethod
    def _metric(cls, v: str) -> str:

        if v not in METRICS:
            raise ValueError(f"unknown metric {v!r}")
        return v


class Experiment(BaseModel):
    """An experiment file: designs x a world x a threat generator x a horizon x replications."""

    model_config = _STRICT

    missing_hints: ClassVar[dict[str, str]] = {
        "designs": "an experiment needs at least one [[designs]] table"
    }

    id: Text
    title: Text = Field("", description="default: the id", json_schema_extra=_no_default)
    description: str = ""
    seed: limits.bounded("seed") = 0
    replications: limits.bounded("replications") = 100
    years: limits.bounded("years") = 50
    world: WorldSpec = WorldSpec()
    threats: ThreatSpec = ThreatSpec()
    designs: tuple[Design, ...] = Field(strict=False, min_length=1)
    sensitivity: Sensitivity | None = None
    _source: str = PrivateAttr("")

    @property
    def source(self) -> str:
        """The file (or built-in) the experiment was read from."""
        return self._source

    @model_validator(mode="before")
    @classmethod
    def _defaults(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        out = dict(data)
        designs = out.get("designs")
        if "title" not in out and isinstance(out.get("id"), str):
            out["title"] = out["id"]
        if isinstance(out.get("description"), str):
            out["description"] = out["description"].strip()
        sens = out.get("sensitivity")
        first = designs[0] if isinstance(designs, list) and designs else None
        if isinstance(sens, dict) and "design" not in sens and isinstance(first, dict):
            out["sensitivity"] = {**sens, "design": first.get("id")}
        return out

    @model_validator(mode="after")
    def _references(self) -> Experiment:
        ids = [d.id for d in self.designs]
        dup = next((x for x in ids if ids.count(x) > 1), None)
        if dup:
            raise Problem(f"design id {dup!r} appears twice", at="designs")
        sens = self.sensitivity
        if sens is not None and sens.design not in ids:
            raise Problem(f"no design {sens.design!r} in this experiment", at="sensitivity.design")
        return self

    def with_overrides(
        self, *, seed: int | None = None, replications: int | None = None, years: int | None = None
    ) -> Experiment:
        """A copy with the command line's quick-run overrides."""
        changes: dict[str, Any] = {}
        for name, value, flag in (
            ("seed", seed, "--seed"),
            ("replications", replications, "--replications"),
            ("years", years, "--years"),
        ):
            if value is not None:
                changes[name] = limits.check(name, value, source=flag)
        return self.model_copy(update=changes)

    def cost(self, *, workers: int = 1) -> limits.Cost:
        """The run's estimated seconds of work and memory (:mod:`collsec.limits`)."""
        data = self.world.kind == "data"
        states = DATA_STATES if data else self.world.states
        return limits.experiment_cost(
            states=states,
            replications=self.replications,
            years=self.years,
            designs=len(self.designs),
            max_per_year=self.threats.max_per_year,
            chunk=chunks.largest(states, self.threats.max_per_year),
            workers=workers,
            data=data,
        )

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump()

    def parameters(self, design: Design, base: Parameters | None = None) -> Parameters:
        return (base or Parameters.default()).replace(**design.params)


# --------------------------------------------------------------------------- reading


def parse_experiment(raw: dict[str, Any], src: str) -> Experiment:
    """Validate an experiment's table (as read from TOML) into an :class:`Experiment`."""
    exp = validate(Experiment, raw, src, context={"source": src})
    exp._source = src
    return exp


def _builtin_dir():
    return resources.files("collsec.experiments").joinpath("builtin")


def builtin_experiment_ids() -> list[str]:
    return sorted(p.name[:-5] for p in _builtin_dir().iterdir() if p.name.endswith(".toml"))


def load_experiment(name_or_path: str) -> Experiment:
    """A built-in experiment by id, or an experiment file."""
    path = Path(name_or_path)
    if path.suffix == ".toml" or path.exists():
        src = str(path)
        raw = read_toml(path, src)
    else:
        if name_or_path not in builtin_experiment_ids():
            known = ", ".join(builtin_experiment_ids())
            raise InputError(
                f"no built-in experiment '{name_or_path}' (known: {known})", source="experiment"
            )
        src = f"{name_or_path} (built-in)"
        raw = read_toml(_builtin_dir().joinpath(f"{name_or_path}.toml"), src)
    return parse_experiment(raw, src)

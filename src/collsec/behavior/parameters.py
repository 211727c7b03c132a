"""The global parameters of the crisis model, with their sources.

Defaults live in ``parameters.toml`` next to this module: each entry has a
``value`` and a ``source`` naming the literature it rests on or saying
plainly "assumption". Every parameter is global: states differ only through
their data. A user file overrides any subset, either as ``name = value`` or
as a ``[name]`` table with ``value`` (and optionally ``source``)::

    vote_noise = 0.5
    [honour]
    value = 0.6
    source = "my reading of Leeds et al."

Errors are one line naming the file, the field and the problem.

>>> p = Parameters.default()
>>> p.honour
0.75
>>> p.replace(honour=0.5).honour
0.5
"""

from __future__ import annotations

import dataclasses
import math
import tomllib
from dataclasses import dataclass, fields
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Annotated, Any, ClassVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    create_model,
    model_validator,
)

from collsec import limits
from collsec.behavior.contribution import FEATURES as CONTRIBUTION_FEATURES
from collsec.errors import InputError
from collsec.validation_style import Problem, SchemaExtra, read_toml, validate

__all__ = ["ParameterFile", "Parameters"]

_PROB = "a probability in [0, 1]"
_POS = "a finite number > 0"
_NONNEG = "a finite number >= 0"
_ANY = "a finite number"


# constraints as data: parameter -> what it must be
CONSTRAINTS: dict[str, str] = {
    "absent": _PROB,
    "position_taking": _PROB,
    "honour": _PROB,
    "credibility_start": _PROB,
    "credibility_rate": _PROB,
    "veto_shield": _PROB,
    "attribution_doubt": _PROB,
    "intelligence_sharing": _PROB,
    "host_consent": _PROB,
    "chapter_vi_efficacy": _PROB,
    "leakage": _PROB,
    "coerce": _PROB,
    "nonstate_haven": _PROB,
    "state_sponsor": _PROB,
    "legitimacy_cost": _PROB,
    "ga_legitimacy": _PROB,
    "ideal_scale": _POS,
    "distance_scale": _POS,
    "csf_exponent": _POS,
    "vote_noise": _NONNEG,
    "misjudgement": _NONNEG,
    "attack_noise": _NONNEG,
    "nonstate_strength": _POS,
    # the vote utility's weights: their signs are the theory's (the fit keeps them >= 0)
    "commitment": _NONNEG,
    "affinity": _NONNEG,
    "alliance_tie": _NONNEG,
    "self_affinity": _NONNEG,
    "cost": _NONNEG,
    "nuclear": _NONNEG,
    "distance": _NONNEG,
    "sovereignty": _NONNEG,
    "sponsor": _NONNEG,
    "accused": _NONNEG,
    "target": _NONNEG,
    "tie": _NONNEG,
    "veto_stake": _NONNEG,
    "statism": _NONNEG,
    "remoteness": _NONNEG,
    "shield": _NONNEG,
    # gains, costs, days, severities and strengths
    "attack_gain": _NONNEG,
    "deterrence": _NONNEG,
    "detection_days": _NONNEG,
    "attribution_days_cyber": _NONNEG,
    "attribution_days_terror": _NONNEG,
    "deliberation_days": _NONNEG,
    "fight_days": _NONNEG,
    "deployment_days": _NONNEG,
    "chapter_vii_severity": _NONNEG,
    "force_severity": _NONNEG,
    "sanctions_efficacy": _NONNEG,
    "peacekeeping_efficacy": _NONNEG,
}


@dataclass(frozen=True)
class Parameters:
    """All parameters of the default behaviour model (see ``parameters.toml``)."""

    commitment: float
    affinity: float
    ideal_scale: float
    alliance_tie: float
    self_affinity: float
    cost: float
    nuclear: float
    distance: float
    distance_scale: float
    sovereignty: float
    nonstate_haven: float
    sponsor: float
    accused: float
    target: float
    tie: float
    agreement: float
    veto_stake: float
    veto: float
    statism: float
    remoteness: float
    shield: float
    tilt_commitment: float
    tilt_affinity: float
    tilt_cost: float
    tilt_distance: float
    tilt_sovereignty: float
    tilt_sponsor: float
    tilt_accused: float
    tilt_target: float
    tilt_tie: float
    tilt_agreement: float
    tilt_veto_stake: float
    tilt_veto: float
    tilt_statism: float
    tilt_remoteness: float
    tilt_shield: float
    vote_yes: float
    vote_no: float
    vote_noise: float
    absent: float
    misjudgement: float
    position_taking: float
    leakage: float
    csf_exponent: float
    coerce: float
    honour: float
    credibility_start: float
    credibility_rate: float
    credibility_window: int
    attack_gain: float
    deterrence: float
    veto_shield: float
    attack_noise: float
    detection_days: float
    attribution_days_cyber: float
    attribution_days_terror: float
    attribution_doubt: float
    intelligence_sharing: float
    deliberation_days: float
    fight_days: float
    deployment_days: float
    chapter_vii_severity: float
    force_severity: float
    host_consent: float
    chapter_vi_efficacy: float
    sanctions_efficacy: float
    peacekeeping_efficacy: float
    unauthorised: float
    legitimacy_cost: float
    ga_legitimacy: float
    nonstate_strength: float
    kind_rates: tuple[float, float, float, float]
    state_sponsor: float
    level_cost: tuple[float, float, float, float]
    level_intrusion: tuple[float, float, float, float]
    #: the contribution rule's weights over collsec.behavior.contribution.FEATURES
    contrib_join: tuple[float, ...]
    contrib_size: tuple[float, ...]
    pk_join: tuple[float, ...]
    pk_size: tuple[float, ...]
    sources: dict[str, str] = dataclasses.field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def default(cls) -> Parameters:
        """The parameters every command runs by default: the prior with the
        calibrated vote weights and thresholds (``calibrated.toml``, written by
        ``collsec calibrate``) laid over it."""
        return _calibrated()

    @classmethod
    def prior(cls) -> Parameters:
        """The uncalibrated prior: ``parameters.toml`` as written, every value
        with its source (the fit's starting point and ridge centre)."""
        return _default()

    @classmethod
    def from_file(cls, path: str | Path) -> Parameters:
        """The defaults overridden by a user TOML file (validated, one-line errors)."""
        src = str(path)
        return _build(read_toml(Path(path), src), src, base=_calibrated())

    def replace(self, **changes: Any) -> Parameters:
        """A copy with some values changed (validated)."""
        return _build(changes, "Parameters.replace", base=self)

    def to_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "sources"}

    def table(self) -> list[dict[str, Any]]:
        """Name, value and source of every parameter (for docs and reports)."""
        return [
            {"name": k, "value": v, "source": self.sources.get(k, "")}
            for k, v in self.to_dict().items()
        ]


def _names() -> dict[str, dataclasses.Field[Any]]:
    return {f.name: f for f in fields(Parameters) if f.name != "sources"}


# --------------------------------------------------------------------------- the file model

_BOUNDS: dict[str, dict[str, float]] = {
    _PROB: {"minimum": 0, "maximum": 1},
    _POS: {"exclusiveMinimum": 0},
    _NONNEG: {"minimum": 0},
    _ANY: {},
}


def _number(rule: str) -> Any:
    """A float that obeys ``rule`` (one of the CONSTRAINTS texts)."""

    def check(v: float) -> float:
        bad = (
            not math.isfinite(v)
            or (rule == _PROB and not 0.0 <= v <= 1.0)
            or (rule == _POS and not v > 0)
            or (rule == _NONNEG and not v >= 0)
        )
        if bad:
            raise ValueError(f"must be {rule}, not {v!r}")
        return float(v)

    return Annotated[float, AfterValidator(check), SchemaExtra(**_BOUNDS[rule])]


def _four(name: str) -> Any:
    """Four numbers >= 0 (a list in a file, a tuple in Python)."""

    def check(v: Any) -> list[float]:
        ok = isinstance(v, list | tuple) and len(v) == 4
        ok = ok and all(
            isinstance(x, int | float) and not isinstance(x, bool) and 0 <= x < math.inf for x in v
        )
        if not ok:
            raise ValueError("must be a list of 4 numbers, each finite and >= 0")
        if name == "kind_rates" and sum(v) <= 0:
            raise ValueError("rates must not all be 0")
        return [float(x) for x in v]

    schema = SchemaExtra(minItems=4, maxItems=4, items={"type": "number", "minimum": 0})
    return Annotated[list[float], BeforeValidator(check), schema]


#: weight vectors of the contribution rule: one finite number (any sign) per feature
WEIGHT_VECTORS = ("contrib_join", "contrib_size", "pk_join", "pk_size")


def _weights(name: str) -> Any:
    """One finite number per feature of the contribution rule (a list in a file)."""
    n = len(CONTRIBUTION_FEATURES)

    def check(v: Any) -> list[float]:
        ok = isinstance(v, list | tuple) and len(v) == n
        ok = ok and all(
            isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x) for x in v
        )
        if not ok:
            raise ValueError(
                f"must be a list of {n} finite numbers, one per feature "
                f"({', '.join(CONTRIBUTION_FEATURES)})"
            )
        return [float(x) for x in v]

    schema = SchemaExtra(minItems=n, maxItems=n, items={"type": "number"})
    return Annotated[list[float], BeforeValidator(check), schema]


def _annotation(name: str, kind: str) -> Any:
    if name in WEIGHT_VECTORS:
        return _weights(name)
    if kind.startswith("tuple"):
        return _four(name)
    if kind == "int":
        return limits.bounded(name)
    return _number(CONSTRAINTS.get(name, _ANY))


class _ParameterTables(BaseModel):
    """Base of :data:`ParameterFile`: ``name = value`` or ``[name]`` with value and source."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    unknown_key: ClassVar[str] = "unknown parameter"

    @model_validator(mode="before")
    @classmethod
    def _tables(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        out = dict(data)
        for key, entry in data.items():
            if not isinstance(entry, dict):
                continue
            for k in entry:
                if k not in ("value", "source"):
                    raise Problem("unknown field (known: source, value)", at=(key, k))
            if "value" not in entry:
                raise Problem("required field is missing", at=(key, "value"))
            src = entry.get("source", "x")
            if not isinstance(src, str) or not src.strip():
                raise Problem("must be a non-empty string", at=(key, "source"))
            out[key] = entry["value"]
        return out


def _entry_schemas(schema: dict[str, Any]) -> None:
    """Each parameter: a value, or a table with the value and its source."""
    defaults = tomllib.loads(
        files("collsec.behavior").joinpath("parameters.toml").read_text("utf-8")
    )
    for name, prop in schema.get("properties", {}).items():
        value = {k: v for k, v in prop.items() if k not in ("title", "default", "description")}
        entry = defaults.get(name, {})
        prop.clear()
        prop["description"] = f"default {entry.get('value')}: {entry.get('source', '')}".strip()
        prop["anyOf"] = [
            value,
            {
                "type": "object",
                "properties": {"value": value, "source": {"type": "string", "minLength": 1}},
                "required": ["value"],
                "additionalProperties": False,
            },
        ]


#: The model of a parameter file: any subset of the parameters, each as
#: ``name = value`` or a ``[name]`` table with ``value`` and ``source``.
ParameterFile: type[BaseModel] = create_model(
    "ParameterFile",
    __base__=_ParameterTables,
    __doc__="Parameters of the crisis model: any subset, each a value or [name] with value and source.",
    **{name: (_annotation(name, str(f.type)), None) for name, f in _names().items()},
)
ParameterFile.model_config["json_schema_extra"] = _entry_schemas


def _build(raw: dict[str, Any], src: str, base: Parameters | None) -> Parameters:
    names = _names()
    model = validate(ParameterFile, raw, src)
    given = {k: getattr(model, k) for k in model.model_fields_set}
    values: dict[str, Any] = base.to_dict() if base is not None else {}
    sources: dict[str, str] = dict(base.sources) if base is not None else {}
    for key, value in given.items():
        entry = raw[key]
        if isinstance(entry, dict) and "source" in entry:
            sources[key] = entry["source"]
        elif base is not None:
            sources[key] = f"user value ({src})"
        values[key] = tuple(value) if isinstance(value, list) else value
    missing = [k for k in names if k not in values]
    if missing:
        raise InputError("missing parameter", source=src, field=missing[0])
    if values["vote_no"] > values["vote_yes"]:
        raise InputError("vote_no must not exceed vote_yes", source=src, field="vote_no")
    if values["chapter_vii_severity"] > values["force_severity"]:
        raise InputError(
            "chapter_vii_severity must not exceed force_severity",
            source=src,
            field="chapter_vii_severity",
        )
    return Parameters(**values, sources=sources)


#: the calibrated values, shipped next to this module
CALIBRATED_FILE = "calibrated.toml"


@cache
def _calibrated() -> Parameters:
    path = files("collsec.behavior").joinpath(CALIBRATED_FILE)
    if not path.is_file():
        return _default()
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    p = _build(raw, f"collsec/behavior/{CALIBRATED_FILE}", base=_default())
    prior = _default().sources
    note = "calibrated: maximum likelihood on the case library's sourced votes (collsec calibrate)"
    burden = "calibrated: fitted on the coalitions of Korea and the Gulf and the IPI peacekeeping record (collsec calibrate; collsec burden scores it)"
    sources = {
        **p.sources,
        **{k: f"{burden if k in WEIGHT_VECTORS else note}; prior: {prior[k]}" for k in raw},
    }
    return dataclasses.replace(p, sources=sources)


@cache
def _default() -> Parameters:
    path = files("collsec.behavior").joinpath("parameters.toml")
    src = "collsec/behavior/parameters.toml"
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    for key, entry in raw.items():
        if not isinstance(entry, dict) or not str(entry.get("source", "")).strip():
            raise InputError("every default needs a 'source'", source=src, field=key)
    return _build(raw, src, base=None)

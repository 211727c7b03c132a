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

Every field is validated; a bad one is a one-line error naming the file, the
field and the problem.
"""

from __future__ import annotations

import dataclasses
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from collsec.behavior.parameters import Parameters
from collsec.errors import InputError

__all__ = [
    "Design",
    "Experiment",
    "Sensitivity",
    "ThreatSpec",
    "WorldSpec",
    "builtin_experiment_ids",
    "load_experiment",
]


@dataclass(frozen=True)
class WorldSpec:
    kind: str = "synthetic"
    states: int = 193
    seed: int = 7
    year: int | None = None


@dataclass(frozen=True)
class ThreatSpec:
    """The threat generator: MID-hazard opportunities plus per-state rates (assumptions)."""

    generator: str = "mid-hazard"
    opportunity_scale: float = 1.0
    initial_peace_years: int = 10
    atrocity_rate: float = 0.004
    terrorism_rate: float = 0.002
    cyber_rate: float = 0.002
    max_per_year: int = 64


@dataclass(frozen=True)
class Design:
    id: str
    title: str
    council: str = "unsc"
    regional_first: bool = False
    intelligence_sharing: bool = False
    nato: bool = False
    uniting_for_peace: bool = True
    params: dict[str, Any] = field(default_factory=dict)

    def settings(self) -> dict[str, Any]:
        d = dataclasses.asdict(self)
        d.pop("id")
        d.pop("title")
        return d


@dataclass(frozen=True)
class Sensitivity:
    parameters: dict[str, tuple[float, float]]
    metric: str = "aggression_attempted"
    design: str | None = None
    samples: int = 64
    replications: int = 20


@dataclass(frozen=True)
class Experiment:
    id: str
    title: str
    description: str
    seed: int
    replications: int
    years: int
    world: WorldSpec
    threats: ThreatSpec
    designs: tuple[Design, ...]
    sensitivity: Sensitivity | None = None
    source: str = ""

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
            if value is None:
                continue
            if value < (0 if name == "seed" else 1):
                raise InputError(f"must be {'>= 0' if name == 'seed' else '>= 1'}", source=flag)
            changes[name] = value
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        d = dataclasses.asdict(self)
        d.pop("source")
        return d

    def parameters(self, design: Design, base: Parameters | None = None) -> Parameters:
        return (base or Parameters.default()).replace(**design.params)


# --------------------------------------------------------------------------- reading

_TOP = {
    "id",
    "title",
    "description",
    "seed",
    "replications",
    "years",
    "world",
    "threats",
    "designs",
    "sensitivity",
}


def _fail(src: str, fld: str, problem: str) -> InputError:
    return InputError(problem, source=src, field=fld)


def _int(raw: dict, key: str, src: str, prefix: str, lo: int, hi: int, default=None) -> int:
    v = raw.get(key, default)
    if isinstance(v, bool) or not isinstance(v, int):
        raise _fail(src, prefix + key, f"must be a whole number, not {v!r}")
    if not lo <= v <= hi:
        raise _fail(src, prefix + key, f"must be between {lo} and {hi}, not {v}")
    return v


def _num(raw: dict, key: str, src: str, prefix: str, lo: float, hi: float, default) -> float:
    v = raw.get(key, default)
    if isinstance(v, bool) or not isinstance(v, int | float):
        raise _fail(src, prefix + key, f"must be a number, not {v!r}")
    if not lo <= v <= hi:
        raise _fail(src, prefix + key, f"must be between {lo} and {hi}, not {v}")
    return float(v)


def _str(raw: dict, key: str, src: str, prefix: str = "", default: str | None = None) -> str:
    v = raw.get(key, default)
    if not isinstance(v, str) or not v.strip():
        raise _fail(src, prefix + key, "must be a non-empty string")
    return v


def _known(raw: dict, allowed: set[str], src: str, prefix: str) -> None:
    for k in raw:
        if k not in allowed:
            raise _fail(src, prefix + k, f"unknown field (known: {', '.join(sorted(allowed))})")


def _world(raw: Any, src: str) -> WorldSpec:
    if raw is None:
        return WorldSpec()
    if not isinstance(raw, dict):
        raise _fail(src, "world", "must be a table")
    _known(raw, {"kind", "states", "seed", "year"}, src, "world.")
    kind = raw.get("kind", "synthetic")
    if kind not in ("synthetic", "data"):
        raise _fail(src, "world.kind", f"must be 'synthetic' or 'data', not {kind!r}")
    if kind == "data":
        year = _int(raw, "year", src, "world.", 1816, 2024)
        return WorldSpec(kind="data", year=year, states=0, seed=0)
    return WorldSpec(
        kind="synthetic",
        states=_int(raw, "states", src, "world.", 3, 400, 193),
        seed=_int(raw, "seed", src, "world.", 0, 2**63 - 1, 7),
    )


def _threats(raw: Any, src: str) -> ThreatSpec:
    if raw is None:
        return ThreatSpec()
    if not isinstance(raw, dict):
        raise _fail(src, "threats", "must be a table")
    names = {f.name for f in dataclasses.fields(ThreatSpec)}
    _known(raw, names, src, "threats.")
    gen = raw.get("generator", "mid-hazard")
    if gen != "mid-hazard":
        raise _fail(src, "threats.generator", f"unknown generator {gen!r} (known: mid-hazard)")
    d = ThreatSpec()
    return ThreatSpec(
        generator=gen,
        opportunity_scale=_num(
            raw, "opportunity_scale", src, "threats.", 0, 100, d.opportunity_scale
        ),
        initial_peace_years=_int(
            raw, "initial_peace_years", src, "threats.", 0, 500, d.initial_peace_years
        ),
        atrocity_rate=_num(raw, "atrocity_rate", src, "threats.", 0, 1, d.atrocity_rate),
        terrorism_rate=_num(raw, "terrorism_rate", src, "threats.", 0, 1, d.terrorism_rate),
        cyber_rate=_num(raw, "cyber_rate", src, "threats.", 0, 1, d.cyber_rate),
        max_per_year=_int(raw, "max_per_year", src, "threats.", 1, 4096, d.max_per_year),
    )


def _design(raw: Any, i: int, src: str, base: Parameters) -> Design:
    prefix = f"designs[{i}]."
    if not isinstance(raw, dict):
        raise _fail(src, f"designs[{i}]", "must be a table")
    names = {f.name for f in dataclasses.fields(Design)}
    _known(raw, names, src, prefix)
    for flag in ("regional_first", "intelligence_sharing", "nato", "uniting_for_peace"):
        if flag in raw and not isinstance(raw[flag], bool):
            raise _fail(src, prefix + flag, "must be true or false")
    params = raw.get("params", {})
    if not isinstance(params, dict):
        raise _fail(src, prefix + "params", "must be a table of parameter values")
    try:
        base.replace(**params)
    except InputError as err:
        raise _fail(src, prefix + "params", err.problem) from None
    council = _str(raw, "council", src, prefix, "unsc")
    if council.endswith(".toml") and not Path(council).is_absolute():
        here = Path(src).parent / council  # a charter file beside the experiment file
        if here.is_file():
            council = str(here.resolve())
    _check_council(council, src, prefix + "council")
    return Design(
        id=_str(raw, "id", src, prefix),
        title=_str(raw, "title", src, prefix, raw.get("id")),
        council=council,
        regional_first=raw.get("regional_first", False),
        intelligence_sharing=raw.get("intelligence_sharing", False),
        nato=raw.get("nato", False),
        uniting_for_peace=raw.get("uniting_for_peace", True),
        params=dict(params),
    )


def _check_council(council: str, src: str, fld: str) -> None:
    from collsec.institutions.charter import load_charter

    name = "unsc-1966" if council == "unsc" else council
    try:
        load_charter(name)
    except InputError as err:
        raise _fail(src, fld, f"unknown council {council!r} ({err.problem})") from None


def _sensitivity(raw: Any, src: str, designs: tuple[Design, ...], base: Parameters):
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise _fail(src, "sensitivity", "must be a table")
    _known(raw, {"parameters", "metric", "design", "samples", "replications"}, src, "sensitivity.")
    from collsec.experiments.store import METRICS

    params = raw.get("parameters")
    if not isinstance(params, dict) or not params:
        raise _fail(src, "sensitivity.parameters", "must name at least one parameter")
    threat_names = {
        f.name
        for f in dataclasses.fields(ThreatSpec)
        if f.type in ("float", float) and f.name != "generator"
    }
    out = {}
    for name, rng in params.items():
        fld = f"sensitivity.parameters.{name}"
        if name not in threat_names and not hasattr(base, name):
            raise _fail(src, fld, "unknown parameter")
        ok = isinstance(rng, list) and len(rng) == 2
        ok = ok and all(isinstance(x, int | float) and not isinstance(x, bool) for x in rng)
        if not ok or not rng[0] < rng[1]:
            raise _fail(src, fld, "must be [low, high] with low < high")
        out[name] = (float(rng[0]), float(rng[1]))
    metric = raw.get("metric", "aggression_attempted")
    if metric not in METRICS:
        raise _fail(src, "sensitivity.metric", f"unknown metric {metric!r}")
    design = raw.get("design", designs[0].id)
    if design not in {d.id for d in designs}:
        raise _fail(src, "sensitivity.design", f"no design {design!r} in this experiment")
    return Sensitivity(
        parameters=out,
        metric=metric,
        design=design,
        samples=_int(raw, "samples", src, "sensitivity.", 2, 65536, 64),
        replications=_int(raw, "replications", src, "sensitivity.", 1, 100000, 20),
    )


def parse_experiment(raw: dict[str, Any], src: str) -> Experiment:
    _known(raw, _TOP, src, "")
    base = Parameters.default()
    designs_raw = raw.get("designs")
    if not isinstance(designs_raw, list) or not designs_raw:
        raise _fail(src, "designs", "an experiment needs at least one [[designs]] table")
    designs = tuple(_design(d, i, src, base) for i, d in enumerate(designs_raw))
    ids = [d.id for d in designs]
    dup = next((x for x in ids if ids.count(x) > 1), None)
    if dup:
        raise _fail(src, "designs", f"design id {dup!r} appears twice")
    return Experiment(
        id=_str(raw, "id", src),
        title=_str(raw, "title", src, "", raw.get("id")),
        description=str(raw.get("description", "")).strip(),
        seed=_int(raw, "seed", src, "", 0, 2**63 - 1, 0),
        replications=_int(raw, "replications", src, "", 1, 10_000_000, 100),
        years=_int(raw, "years", src, "", 1, 1000, 50),
        world=_world(raw.get("world"), src),
        threats=_threats(raw.get("threats"), src),
        designs=designs,
        sensitivity=_sensitivity(raw.get("sensitivity"), src, designs, base),
        source=src,
    )


def _builtin_dir():
    return resources.files("collsec.experiments").joinpath("builtin")


def builtin_experiment_ids() -> list[str]:
    return sorted(p.name[:-5] for p in _builtin_dir().iterdir() if p.name.endswith(".toml"))


def load_experiment(name_or_path: str) -> Experiment:
    """A built-in experiment by id, or an experiment file."""
    path = Path(name_or_path)
    if path.suffix == ".toml" or path.exists():
        src = str(path)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise InputError("no such file", source=src) from None
        except (OSError, UnicodeDecodeError) as err:
            raise InputError(f"cannot read file ({err.__class__.__name__})", source=src) from None
    else:
        if name_or_path not in builtin_experiment_ids():
            known = ", ".join(builtin_experiment_ids())
            raise InputError(
                f"no built-in experiment '{name_or_path}' (known: {known})", source="experiment"
            )
        src = f"{name_or_path} (built-in)"
        text = _builtin_dir().joinpath(f"{name_or_path}.toml").read_text(encoding="utf-8")
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise InputError(f"not valid TOML ({err})", source=src) from None
    return parse_experiment(raw, src)

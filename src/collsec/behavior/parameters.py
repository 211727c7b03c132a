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
import tomllib
from dataclasses import dataclass, fields
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

from collsec.errors import InputError

__all__ = ["Parameters"]

_PROB = "a probability in [0, 1]"
_POS = "a number > 0"
_NONNEG = "a number >= 0"
_ANY = "a number"


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
    "free_riding": _POS,
    "vote_noise": _NONNEG,
    "misjudgement": _NONNEG,
    "attack_noise": _NONNEG,
    "nonstate_strength": _POS,
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
    vote_yes: float
    vote_no: float
    vote_noise: float
    absent: float
    misjudgement: float
    position_taking: float
    contribute: float
    free_riding: float
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
        try:
            with open(path, "rb") as fh:
                raw = tomllib.load(fh)
        except FileNotFoundError:
            raise InputError("no such file", source=src) from None
        except tomllib.TOMLDecodeError as err:
            raise InputError(f"not valid TOML ({err})", source=src) from None
        return _build(raw, src, base=_calibrated())

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


def _coerce(name: str, value: Any, src: str) -> Any:
    f = _names()[name]
    kind = str(f.type)
    if isinstance(value, bool):
        raise InputError(f"expected a number, got {value!r}", source=src, field=name)
    if kind.startswith("tuple"):
        if not isinstance(value, (list, tuple)) or len(value) != 4:
            raise InputError("expected a list of 4 numbers", source=src, field=name)
        out = []
        for v in value:
            if isinstance(v, bool) or not isinstance(v, (int, float)) or v < 0:
                raise InputError(f"expected numbers >= 0, got {v!r}", source=src, field=name)
            out.append(float(v))
        if name == "kind_rates" and sum(out) <= 0:
            raise InputError("rates must not all be 0", source=src, field=name)
        return tuple(out)
    if kind == "int":
        if not isinstance(value, int) or value < 1:
            raise InputError(f"expected an integer >= 1, got {value!r}", source=src, field=name)
        return value
    if not isinstance(value, (int, float)):
        raise InputError(f"expected a number, got {value!r}", source=src, field=name)
    v = float(value)
    rule = CONSTRAINTS.get(name, _ANY)
    bad = (
        (rule == _PROB and not 0.0 <= v <= 1.0)
        or (rule == _POS and not v > 0)
        or (rule == _NONNEG and not v >= 0)
        or v != v
    )
    if bad:
        raise InputError(f"must be {rule}, got {value!r}", source=src, field=name)
    return v


def _build(raw: dict[str, Any], src: str, base: Parameters | None) -> Parameters:
    names = _names()
    values: dict[str, Any] = base.to_dict() if base is not None else {}
    sources: dict[str, str] = dict(base.sources) if base is not None else {}
    for key, entry in raw.items():
        if key not in names:
            raise InputError("unknown parameter", source=src, field=key)
        if isinstance(entry, dict):
            extra = set(entry) - {"value", "source"}
            if extra:
                raise InputError(
                    f"unknown key '{sorted(extra)[0]}' (expected value, source)",
                    source=src,
                    field=key,
                )
            if "value" not in entry:
                raise InputError("missing 'value'", source=src, field=key)
            value = entry["value"]
            if "source" in entry:
                if not isinstance(entry["source"], str) or not entry["source"].strip():
                    raise InputError("'source' must be a non-empty string", source=src, field=key)
                sources[key] = entry["source"]
            elif base is not None:
                sources[key] = f"user value ({src})"
        else:
            value = entry
            if base is not None:
                sources[key] = f"user value ({src})"
        values[key] = _coerce(key, value, src)
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
    sources = {**p.sources, **{k: f"{note}; prior: {prior[k]}" for k in raw}}
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

"""Crises: threats, the batch kernel, the one entry point, event logs, and the reference.

>>> from collsec.crisis import sim_crises
>>> from collsec.world import World
>>> run = sim_crises(World.synthetic(30, seed=1), crises=200, random_seed=1)
>>> sorted(run.metrics)[:3]
['aggression_attempted', 'aggression_deterred', 'authorised_share']
>>> one = sim_crises(World.synthetic(30, seed=1), crises=1, random_seed=1, log=True)
>>> one.events[0][0].type
'threat'

The names below are loaded when first used (PEP 562), so that importing a light
module of the package (``collsec.crisis.scenario``, ``collsec.crisis.run``'s
metric names) does not load the kernel, the world builder and pandas: the
command line starts faster.
"""

import importlib

_EXPORTS = {
    "CrisisRun": "api",
    "sim_crises": "api",
    "Event": "events",
    "narrate": "events",
    "LEVELS": "kernel",
    "RESPONDERS": "kernel",
    "BatchResult": "kernel",
    "run_batch": "kernel",
    "Noise": "noise",
    "draw_noise": "noise",
    "run_reference": "reference",
    "METRICS": "metrics",
    "CrisisLoop": "run",
    "Scenario": "scenario",
    "Stage": "stage",
    "KINDS": "threats",
    "Threat": "threats",
    "ThreatTables": "threats",
    "draw_threats": "threats",
    "BatchDecision": "voting",
    "CompiledRule": "voting",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module 'collsec.crisis' has no attribute '{name}'")
    value = getattr(importlib.import_module(f"collsec.crisis.{_EXPORTS[name]}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])

"""Crises: threats, the batch kernel, replays with event logs, and the reference.

>>> from collsec.world import World
>>> from collsec.behavior import get_policy
>>> stage = Stage.build(World.synthetic(30, seed=1))
>>> out = simulate(stage, get_policy("utility"), crises=200, seed=1)
>>> sorted(out["metrics"])[:3]
['aggression_attempted', 'aggression_deterred', 'authorised_responses']
>>> events, _ = replay(stage, get_policy("utility"), seed=1, crisis=0)
>>> events[0].type
'threat'
"""

from collsec.crisis.events import Event, narrate, replay
from collsec.crisis.kernel import LEVELS, RESPONDERS, BatchResult, run_batch
from collsec.crisis.noise import Noise, draw_noise
from collsec.crisis.reference import run_reference
from collsec.crisis.run import simulate
from collsec.crisis.stage import Scenario, Stage
from collsec.crisis.threats import KINDS, Threat, ThreatTables, draw_threats
from collsec.crisis.voting import BatchDecision, CompiledRule

__all__ = [
    "KINDS",
    "LEVELS",
    "RESPONDERS",
    "BatchDecision",
    "BatchResult",
    "CompiledRule",
    "Event",
    "Noise",
    "Scenario",
    "Stage",
    "Threat",
    "ThreatTables",
    "draw_noise",
    "draw_threats",
    "narrate",
    "replay",
    "run_batch",
    "run_reference",
    "simulate",
]

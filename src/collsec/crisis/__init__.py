"""Crises: threats, the batch kernel, the one entry point, event logs, and the reference.

>>> from collsec.world import World
>>> run = sim_crises(World.synthetic(30, seed=1), crises=200, random_seed=1)
>>> sorted(run.metrics)[:3]
['aggression_attempted', 'aggression_deterred', 'authorised_share']
>>> one = sim_crises(World.synthetic(30, seed=1), crises=1, random_seed=1, log=True)
>>> one.events[0][0].type
'threat'
"""

from collsec.crisis.api import CrisisRun, sim_crises
from collsec.crisis.events import Event, narrate
from collsec.crisis.kernel import LEVELS, RESPONDERS, BatchResult, run_batch
from collsec.crisis.noise import Noise, draw_noise
from collsec.crisis.reference import run_reference
from collsec.crisis.run import METRICS, CrisisLoop
from collsec.crisis.stage import Scenario, Stage
from collsec.crisis.threats import KINDS, Threat, ThreatTables, draw_threats
from collsec.crisis.voting import BatchDecision, CompiledRule

__all__ = [
    "KINDS",
    "LEVELS",
    "METRICS",
    "RESPONDERS",
    "BatchDecision",
    "BatchResult",
    "CompiledRule",
    "CrisisLoop",
    "CrisisRun",
    "Event",
    "Noise",
    "Scenario",
    "Stage",
    "Threat",
    "ThreatTables",
    "draw_noise",
    "draw_threats",
    "narrate",
    "run_batch",
    "run_reference",
    "sim_crises",
]

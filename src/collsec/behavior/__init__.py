"""Behaviour of states: global parameters and pluggable policies."""

from collsec.behavior.nuclear import is_nuclear, nuclear_codes
from collsec.behavior.parameters import Parameters
from collsec.behavior.policy import (
    POLICIES,
    NormPolicy,
    Policy,
    RealistPolicy,
    UtilityPolicy,
    get_policy,
)

__all__ = [
    "POLICIES",
    "NormPolicy",
    "Parameters",
    "Policy",
    "RealistPolicy",
    "UtilityPolicy",
    "get_policy",
    "is_nuclear",
    "nuclear_codes",
]

"""Exact voting power: Shapley-Shubik, Banzhaf (Penrose) and Coleman indices.

Build a :class:`Game` (weighted, quota with veto, double majority,
unanimity, or any intersection/union of weighted criteria) and ask for its
indices; every result is an exact :class:`fractions.Fraction`.

Examples
--------
>>> from collsec.power import Game, shapley_shubik
>>> shapley_shubik(Game.quota_with_veto(15, 9, range(5)))[:1]
[Fraction(421, 2145)]
"""

from collsec.power.game import Game
from collsec.power.indices import (
    METHODS,
    MemberPower,
    PowerResult,
    banzhaf,
    banzhaf_absolute,
    coleman_power_to_act,
    power_indices,
    shapley_shubik,
    swings,
)

__all__ = [
    "METHODS",
    "Game",
    "MemberPower",
    "PowerResult",
    "banzhaf",
    "banzhaf_absolute",
    "coleman_power_to_act",
    "power_indices",
    "shapley_shubik",
    "swings",
]

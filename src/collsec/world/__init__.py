"""The world: states and the international system of any year or day."""

from collsec.world.similarity import cohen_kappa, ideal_point_distance, s_score, scott_pi
from collsec.world.world import State, World

__all__ = [
    "State",
    "World",
    "cohen_kappa",
    "ideal_point_distance",
    "s_score",
    "scott_pi",
]

"""The world: states, their codes, and the international system of any year or day."""

from collsec.world.codes import member_name, resolve_member
from collsec.world.crosswalk import code_on
from collsec.world.similarity import cohen_kappa, ideal_point_distance, s_score, scott_pi
from collsec.world.world import State, World

__all__ = [
    "State",
    "World",
    "code_on",
    "cohen_kappa",
    "ideal_point_distance",
    "member_name",
    "resolve_member",
    "s_score",
    "scott_pi",
]

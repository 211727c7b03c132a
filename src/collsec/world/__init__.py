"""The world: states, their codes, and (in later releases) the world of any day."""

from collsec.world.codes import member_name, resolve_member

__all__ = ["member_name", "resolve_member"]

"""The exact counts every algorithm returns and the indices are made from."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Counts"]


@dataclass(frozen=True)
class Counts:
    """Exact coalition counts of an ``n``-player game.

    Attributes
    ----------
    swings : list of int
        ``swings[i]`` is the number of coalitions ``S`` not containing ``i``
        that lose while ``S | {i}`` wins.
    swing_sizes : list of list of int or None
        ``swing_sizes[i][s]`` counts those coalitions ``S`` with ``|S| = s``
        (``s = 0 .. n-1``); ``None`` when sizes were not asked for.
    winning : int
        Number of winning coalitions among all ``2**n``.
    method : str
        Which algorithm produced the counts.
    """

    swings: list[int]
    swing_sizes: list[list[int]] | None
    winning: int
    method: str

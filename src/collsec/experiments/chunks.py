"""How an experiment's replications are cut into chunks, the unit of work of a worker.

A chunk is a range of replications ``[rep_from, rep_to)``: its rows and its
completion mark go into the database together, and the range is its identity
(the ``chunk`` column holds ``rep_from``). The cut never changes a number (see
:mod:`collsec.experiments.history`), so it can be chosen for speed alone, and a
run resumed with another cut (another number of workers, another memory bound)
runs exactly the replications no chunk recorded: nothing lost, nothing twice.

The cut is *guided self-scheduling* (Polychronopoulos, C. D. and D. J. Kuck, 1987,
"Guided Self-Scheduling: A Practical Scheduling Scheme for Parallel Supercomputers",
IEEE Transactions on Computers 36(12): 1425-1439, doi:10.1109/TC.1987.5009495;
reference as listed at https://hal.inria.fr/hal-01551352v1/html_references): with ``W``
workers each new chunk takes at most ``1/W`` of the replications still to run,
and at most :func:`largest` of them, so the chunks shrink towards the end and the
workers finish together instead of one of them running a long last chunk alone;
never fewer than :data:`MIN_CHUNK` (a chunk has a fixed cost: every year and
design of it is one pass of the crisis kernel). One worker runs chunks of
:func:`largest`. For 200 replications on two workers: seven chunks of 25, then 13,
6 and 6; on one worker, eight of 25. Chunks of 50 save a little of the fixed cost
when the machine is otherwise idle (measured: 2.4 against 2.7 s of CPU for 50
replications of 4 designs x 50 years at 193 states) but run slower when another
process shares the caches (3.1 against 2.4 s), as on a shared 2-core machine.
"""

from __future__ import annotations

from collections.abc import Iterable

from collsec import limits

__all__ = ["MAX_CHUNK", "MIN_CHUNK", "largest", "plan", "todo"]

#: replications of the largest chunk (fewer where memory is short: :func:`largest`)
MAX_CHUNK = 25
#: replications of the smallest chunk a plan cuts (a range's remainder may be smaller)
MIN_CHUNK = 5


def largest(states: int, max_per_year: int) -> int:
    """The largest chunk: :data:`MAX_CHUNK`, halved while one chunk would need more than
    a quarter of the memory bound (``COLLSEC_MAX_MEMORY``; :mod:`collsec.limits`)."""
    size = MAX_CHUNK
    share = limits.max_memory() / 4
    while size > 1 and limits.history_memory(size, states, max_per_year) > share:
        size //= 2
    return size


def todo(replications: int, done: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """The ranges of ``range(replications)`` that no range of ``done`` covers, in order."""
    out, at = [], 0
    for lo, hi in sorted(done):
        if lo > at:
            out.append((at, min(lo, replications)))
        at = max(at, hi)
    if at < replications:
        out.append((at, replications))
    return [(lo, hi) for lo, hi in out if hi > lo]


def plan(ranges: list[tuple[int, int]], workers: int, biggest: int) -> list[tuple[int, int]]:
    """Chunks ``(rep_from, rep_to)`` covering ``ranges`` in order (guided self-scheduling:
    the module docstring), none larger than ``biggest``."""
    workers, biggest = max(1, workers), max(1, biggest)
    small = min(MIN_CHUNK, biggest)
    left = sum(hi - lo for lo, hi in ranges)
    out = []
    for lo, hi in ranges:
        while lo < hi:
            size = min(biggest, max(small, -(-left // workers)), hi - lo)
            rest = hi - lo - size
            if 0 < rest < small:  # no sliver after this chunk
                size = hi - lo if hi - lo <= biggest else -(-(hi - lo) // 2)
            out.append((lo, lo + size))
            lo += size
            left -= size
    return out

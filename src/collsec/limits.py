"""Bounds on every size a user can ask for, and the cost of a run, in one place.

Every size collsec takes from the command line or from a file (states,
crises, replications, years, samples, chunks, workers, seeds...) is checked
here, with the same range and the same one-line message wherever it comes
from. The ranges are written once, in :data:`BOUNDS`; ``docs/limits.md``
shows them as a table (a test checks that the two agree).

Beyond each size, a run's cost is estimated from its sizes before anything is
allocated (:func:`check_cost`): its seconds of work and its memory. The
defaults keep every run within about :data:`DEFAULT_SECONDS` seconds and
:data:`DEFAULT_MEMORY` bytes (2 GiB); a larger run is refused with a message
that says what it would cost and how to allow it. Every bound can be raised
with an environment variable:

``COLLSEC_MAX_SECONDS``
    seconds of work a command may take (default 10);
``COLLSEC_MAX_MEMORY``
    memory a command may use, in bytes or with a unit (``8G``, ``512M``;
    default 2G);
``COLLSEC_MAX_<SIZE>``
    the highest value of a size (``COLLSEC_MAX_STATES=2000``).

The estimates are rough (measured on a laptop-class core) and err on the
generous side of cost; they are there to refuse ``--crises 1e12`` in a
second, not to promise a duration.

>>> check("states", 193, source="--states")
193
>>> try:
...     check("states", 1_000_000_000, source="--states")
... except InputError as err:
...     print(err)
--states: must be between 16 and 1000, not 1000000000 (set COLLSEC_MAX_STATES to allow more)
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import AfterValidator

from collsec.errors import InputError
from collsec.validation_style import SchemaExtra

__all__ = [
    "BOUNDS",
    "DEFAULT_MEMORY",
    "DEFAULT_SECONDS",
    "Bound",
    "Cost",
    "batch_memory",
    "bounded",
    "check",
    "check_cost",
    "check_memory",
    "experiment_cost",
    "facts_cost",
    "high",
    "history_memory",
    "max_memory",
    "max_seconds",
    "problem",
    "sensitivity_cost",
    "simulate_cost",
    "world_memory",
]

SEED_MAX = 2**63 - 1
MiB = 1 << 20
GiB = 1 << 30

#: the default bounds of a command's cost
DEFAULT_SECONDS = 10.0
DEFAULT_MEMORY = 2 * GiB


@dataclass(frozen=True)
class Bound:
    """The range of one size: ``low <= value <= high`` (``high`` may be raised)."""

    name: str
    low: int
    high: int
    what: str
    where: str
    #: whether ``COLLSEC_MAX_<NAME>`` may raise ``high`` (not for seeds: 64-bit)
    raisable: bool = True

    @property
    def env(self) -> str:
        return f"COLLSEC_MAX_{self.name.upper()}"


#: every size, once; docs/limits.md lists them (checked by tests/test_fuzz.py)
BOUNDS: dict[str, Bound] = {
    b.name: b
    for b in (
        Bound(
            "states", 16, 1000, "states of a synthetic world",
            "simulate, replay-crisis, facts --states; experiment [world] states",
        ),
        Bound(
            "crises", 1, 10_000_000, "generated crises of one run",
            "simulate --crises, facts --crises (at least 1000)",
        ),
        Bound("chunk", 1, 1_000_000, "crises per batch", "simulate --chunk"),
        Bound("threads", 1, 64, "threads sharing a batch of crises", "simulate --threads"),
        Bound(
            "seed", 0, SEED_MAX, "a seed",
            "--seed of every command; experiment seed, [world] seed",
            raisable=False,
        ),
        Bound(
            "crisis", 0, SEED_MAX, "the number of a crisis in a run",
            "replay-crisis --crisis", raisable=False,
        ),
        Bound(
            "replications", 1, 10_000_000, "replications of an experiment",
            "experiment --replications; experiment replications",
        ),
        Bound(
            "years", 1, 1000, "simulated years of a replication",
            "experiment --years; experiment years",
        ),
        Bound("workers", 1, 64, "worker processes", "experiment --workers"),
        Bound(
            "samples", 2, 65536, "Sobol base samples (a power of two)",
            "sensitivity --samples; [sensitivity] samples",
        ),
        Bound(
            "sample_replications", 1, 100_000, "replications per Sobol sample",
            "sensitivity --replications; [sensitivity] replications",
        ),
        Bound(
            "max_per_year", 1, 4096, "threats a year of a replication",
            "experiment [threats] max_per_year",
        ),
        Bound(
            "peace_years", 0, 500, "peace years before the first year",
            "experiment [threats] initial_peace_years",
        ),
        Bound(
            "credibility_window", 1, 1_000_000, "crises per record window",
            "parameter credibility_window (--params, design params)",
        ),
        Bound(
            "icb_crises", 1, 10_000, "crises in an ICB file",
            "backtest icb, calibrate --crises",
        ),
        Bound("case_files", 1, 200, "case files in a folder", "fidelity --cases"),
        Bound("moves", 1, 500, "moves of a play", "play --moves; a room of the lab"),
        Bound("port", 0, 65535, "a TCP port (0: any free one)", "lab --port", raisable=False),
    )
}  # fmt: skip


def _env_number(name: str, default: float, *, unit: bool = False) -> float:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    text = raw.strip()
    scale = 1.0
    if unit:
        m = re.fullmatch(r"([0-9.eE+]+)\s*([KMGT]i?B?)?", text, flags=re.IGNORECASE)
        if m and m.group(2):
            scale = float(1 << (10 * ("KMGT".index(m.group(2)[0].upper()) + 1)))
            text = m.group(1)
    try:
        value = float(text) * scale
    except ValueError:
        value = float("nan")
    if not math.isfinite(value) or value <= 0:
        raise InputError(f"must be a positive number, not {raw!r}", source=name)
    return value


def high(name: str) -> int:
    """The highest value of size ``name``: its bound, or ``$COLLSEC_MAX_<NAME>``."""
    b = BOUNDS[name]
    if not b.raisable:
        return b.high
    return max(b.low, int(_env_number(b.env, b.high)))


def max_seconds() -> float:
    """Seconds of work a command may take: ``$COLLSEC_MAX_SECONDS``, default 10."""
    return _env_number("COLLSEC_MAX_SECONDS", DEFAULT_SECONDS)


def max_memory() -> float:
    """Bytes a command may use: ``$COLLSEC_MAX_MEMORY`` (``8G``...), default 2 GiB."""
    return _env_number("COLLSEC_MAX_MEMORY", DEFAULT_MEMORY, unit=True)


def problem(name: str, value: Any) -> str | None:
    """What is wrong with ``value`` as size ``name`` (None: nothing)."""
    b = BOUNDS[name]
    if isinstance(value, bool) or not isinstance(value, int):
        return f"must be a whole number, not {value!r}"
    hi = high(name)
    if b.low <= value <= hi:
        return None
    hint = f" (set {b.env} to allow more)" if value > hi and b.raisable else ""
    return f"must be between {b.low} and {hi}, not {value}{hint}"


def check(name: str, value: int, *, source: str, field: str | None = None) -> int:
    """``value`` if it is a valid size ``name``, else a one-line :class:`InputError`."""
    bad = problem(name, value)
    if bad is not None:
        raise InputError(bad, source=source, field=field)
    return value


def bounded(name: str) -> Any:
    """The pydantic type of size ``name`` in a file (the same range and message)."""

    def valid(v: int) -> int:
        bad = problem(name, v)
        if bad is not None:
            raise ValueError(bad)
        return v

    b = BOUNDS[name]
    return Annotated[int, AfterValidator(valid), SchemaExtra(minimum=b.low, maximum=b.high)]


# --------------------------------------------------------------------------- costs

#: what an idle collsec process holds (Python, numpy, pandas, the charters)
_BASE = 300 * MiB
#: a worker process on top of the main one
_WORKER = 100 * MiB
#: a synthetic world: its state-by-state tables (distance, pacts, similarity...)
_WORLD_PAIR = 160
#: a world built from the datasets (the tables read, the world of a year)
_DATA_WORLD = 400 * MiB
#: the kernel: bytes per crisis and state of a batch
_BATCH_PAIR = 100
#: a replication-year of an experiment: bytes per replication and pair of states
_HISTORY_PAIR = 16
#: seconds: start-up, a pair of states (a synthetic world), a crisis and state (the
#: kernel), a replication-year and pair of states (opportunities), a replication-year,
#: state and design (its crises), a world of data
_START, _T_PAIR, _T_CRISIS = 1.0, 4e-7, 6e-8
_T_HISTORY, _T_DESIGN, _T_DATA = 3e-8, 8e-7, 3.0


def world_memory(states: int) -> float:
    """Bytes of a synthetic world's state-by-state tables."""
    return float(_WORLD_PAIR) * states * states


def batch_memory(crises: int, states: int) -> float:
    """Bytes of one batch of the crisis kernel."""
    return float(_BATCH_PAIR) * crises * states


def history_memory(replications: int, states: int, max_per_year: int) -> float:
    """Bytes of one chunk of simulated history (a year's opportunities and crises)."""
    return float(_HISTORY_PAIR) * replications * states * states + batch_memory(
        replications * max_per_year, states
    )


@dataclass(frozen=True)
class Cost:
    """A run's estimated seconds of work and bytes of memory, and what drives them."""

    seconds: float
    memory: float
    what: str


def simulate_cost(
    *, states: int, crises: int, chunk: int, window: int, data: bool = False, runs: int = 1
) -> Cost:
    """``crises`` generated crises in batches of ``min(chunk, window)`` on ``states`` states."""
    batch = min(chunk, window, crises)
    world = _DATA_WORLD if data else world_memory(states)
    return Cost(
        seconds=_START + (_T_DATA if data else _T_PAIR * states**2)
        + runs * _T_CRISIS * crises * states,
        memory=_BASE + world + runs * batch_memory(batch, states),
        what=f"{crises:,} crises x {states:,} states",
    )  # fmt: skip


def facts_cost(*, states: int, crises: int, data: bool) -> Cost:
    """The stylised facts: every batch of 10,000 crises twice (with and without pacts)."""
    c = simulate_cost(states=states, crises=crises, chunk=10_000, window=10_000, data=data, runs=2)
    return Cost(c.seconds, c.memory, c.what)


def usable_cpus() -> int:
    """The CPUs this process may run on (its affinity where the system tells it), at
    most the bound on threads."""
    try:
        n = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # no affinity on this system
        n = os.cpu_count() or 1
    return max(1, min(n, BOUNDS["threads"].high))


def experiment_cost(
    *,
    states: int,
    replications: int,
    years: int,
    designs: int,
    max_per_year: int,
    chunk: int = 25,
    workers: int = 1,
    data: bool = False,
) -> Cost:
    """An experiment: ``replications`` x ``years`` of history, every design, in chunks."""
    per_chunk = min(chunk, replications)
    world = _DATA_WORLD if data else world_memory(states)
    process = world + history_memory(per_chunk, states, max_per_year)
    memory = _BASE + process + (0 if workers <= 1 else workers * (_WORKER + process))
    rep_years = replications * years
    work = rep_years * (_T_HISTORY * states**2 + _T_DESIGN * designs * states)
    seconds = _START + (_T_DATA if data else 0) + work / max(1, min(workers, os.cpu_count() or 1))
    return Cost(
        seconds, memory, f"{replications:,} replications x {years:,} years x {designs} designs"
    )


def sensitivity_cost(
    *,
    states: int,
    samples: int,
    parameters: int,
    replications: int,
    years: int,
    max_per_year: int,
    data: bool = False,
) -> Cost:
    """Sobol indices: ``samples x (parameters + 2)`` runs of one design."""
    runs = samples * (parameters + 2)
    one = experiment_cost(
        states=states,
        replications=replications,
        years=years,
        designs=1,
        max_per_year=max_per_year,
        chunk=replications,
        data=data,
    )
    matrix = 8 * runs * parameters * 2
    return Cost(
        seconds=_START + runs * (one.seconds - _START + 0.03),
        memory=one.memory + matrix,
        what=f"{runs:,} runs of {replications:,} replications x {years:,} years",
    )


def _seconds(s: float) -> str:
    if s < 120:
        return f"{s:.0f} s"
    if s < 7200:
        return f"{s / 60:.0f} min"
    if s < 2 * 86400:
        return f"{s / 3600:.0f} h"
    return f"{s / 86400:,.0f} days"


def _bytes(b: float) -> str:
    return f"{b / GiB:,.1f} GiB" if b >= GiB else f"{b / MiB:,.0f} MiB"


def check_memory(nbytes: float, *, what: str, source: str) -> None:
    """Refuse to allocate about ``nbytes`` (with the process's own) above the memory bound."""
    check_cost(Cost(0.0, _BASE + nbytes, what), source=source, time=False)


def check_cost(cost: Cost, *, source: str, time: bool = True) -> Cost:
    """Refuse a run whose estimated work or memory is above the bounds (before it starts).

    ``time=False`` checks the memory only (the library's own guards: the command
    line checks the work).
    """
    limit_b = max_memory()
    if cost.memory > limit_b:
        raise InputError(
            f"{cost.what} needs about {_bytes(cost.memory)} of memory, above the limit of "
            f"{_bytes(limit_b)} (set COLLSEC_MAX_MEMORY to allow more; see docs/limits.md)",
            source=source,
        )
    limit_s = max_seconds()
    if time and cost.seconds > limit_s:
        raise InputError(
            f"{cost.what} is about {_seconds(cost.seconds)} of work, above the limit of "
            f"{_seconds(limit_s)} (set COLLSEC_MAX_SECONDS={math.ceil(cost.seconds * 1.5)} "
            "to run it; see docs/limits.md)",
            source=source,
        )
    return cost

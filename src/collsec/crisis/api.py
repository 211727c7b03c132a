"""The one entry point of the crisis model: :func:`sim_crises`.

Every caller -- ``collsec simulate`` and ``replay-crisis``, the case replays,
the experiments' histories, the ICB backtest, the stylised facts, the lab --
runs crises through this function (or, for decades of history, through the
same :class:`collsec.crisis.run.CrisisLoop` it uses). A replay is a batch of
one with the log on; an experiment is a million crises with the log off.

>>> from collsec.world import World
>>> run = sim_crises(World.synthetic(30, seed=1), crises=200, random_seed=1)
>>> run.crises, run.seed, sorted(run.metrics)[:2]
(200, 1, ['aggression_attempted', 'aggression_deterred'])
>>> one = sim_crises(World.synthetic(30, seed=1), crises=1, random_seed=1, log=True)
>>> one.events[0][0].type
'threat'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from collsec import limits
from collsec.behavior.parameters import Parameters
from collsec.behavior.policy import UtilityPolicy, get_policy
from collsec.crisis.events import Event
from collsec.crisis.kernel import BatchResult, Decided, run_batch
from collsec.crisis.noise import draw_noise
from collsec.crisis.run import CrisisLoop, simulate
from collsec.crisis.stage import Scenario, Stage
from collsec.crisis.threats import Threat
from collsec.errors import InputError
from collsec.world.world import World

__all__ = ["CrisisRun", "resolve_policy", "sim_crises"]


@dataclass
class CrisisRun:
    """What :func:`sim_crises` returns.

    ``metrics`` are the run's metrics (:data:`collsec.crisis.run.METRICS`);
    ``result`` the kernel's arrays when the crises ran as one batch (always
    for given threats);
    ``events`` each crisis's event log when ``log`` was on.
    """

    seed: int
    crises: int
    stage: Stage
    policy: UtilityPolicy
    metrics: dict[str, Any]
    credibility: float
    counts: dict[str, int]
    seconds: float = 0.0
    result: BatchResult | None = None
    events: list[list[Event]] | None = None


def resolve_policy(policy: str | UtilityPolicy, params: Parameters) -> UtilityPolicy:
    """A policy object from a registered name (or the object itself)."""
    if isinstance(policy, str):
        return get_policy(policy, params)
    return policy


def sim_crises(
    world: World | Stage,
    threats: Threat | None = None,
    *,
    crises: int | None = None,
    scenario: Scenario | None = None,
    policy: str | UtilityPolicy = "utility",
    parameters: Parameters | None = None,
    random_seed: int | None = None,
    log: bool = False,
    credibility: float | np.ndarray | None = None,
    occurred: bool = False,
    first_crisis: int = 0,
    chunk: int = 20_000,
    threads: int = 1,
    progress=None,
    on_batch=None,
    decided: Decided | None = None,
) -> CrisisRun:
    """Run threats through a world under a scenario; the crisis model's one entry point.

    Parameters
    ----------
    world : World or Stage
        The international system; a :class:`Stage` already built from one
        (its scenario and parameters inside) is reused as it is.
    threats : Threat, optional
        Given threats (historical cases, backtests, experiments), run as one
        batch; without them, ``crises`` threats are generated from the world.
    crises : int
        How many generated crises (ignored when ``threats`` are given).
    scenario : Scenario, optional
        The institutional switches (default :class:`Scenario`).
    policy : str or UtilityPolicy
        A registered policy's name (:data:`collsec.behavior.POLICIES`) or a policy.
    parameters : Parameters, optional
        Default :meth:`Parameters.default` (the calibrated parameters).
    random_seed : int, optional
        The seed of every draw; drawn and recorded in ``CrisisRun.seed`` when omitted.
    log : bool
        Write each crisis's event log as the kernel runs it.
    credibility : float or array, optional
        The institution's credibility at the start, default
        ``parameters.credibility_start``; an array gives each crisis its own
        credibility, held fixed (one batch, no record windows).
    occurred : bool
        Given threats happened (historical attacks): skip deterrence.
    decided : Decided, optional
        The crises decided outside the kernel (the lab's players): their
        responder, measure and ballot replace the kernel's forums; with given
        threats only.
    first_crisis : int
        The crisis number of the first threat in the seed's stream: crisis ``k``
        of a run always reads the same draws, whatever the batch.
    threads : int
        Threads that share each batch of generated crises (the kernel's compiled
        loops); the results are the same on any number.
    """
    if isinstance(world, Stage):
        if scenario is not None or parameters is not None:
            raise InputError("a Stage carries its own scenario and parameters", source="sim_crises")
        stage = world
    else:
        stage = Stage.build(world, parameters or Parameters.default(), scenario or Scenario())
    if random_seed is None:
        random_seed = int(np.random.SeedSequence().entropy % 2**63)
    if random_seed < 0:
        raise InputError("must be >= 0", source="random_seed")
    if first_crisis < 0:
        raise InputError("must be >= 0", source="first_crisis")
    limits.check("threads", threads, source="threads")
    pol = resolve_policy(policy, stage.params)
    p = stage.params
    if threats is None and (crises is None or crises < 0):
        raise InputError("give threats or a number of crises >= 0", source="crises")
    if decided is not None and threats is None:
        raise InputError(
            "a decision taken outside the kernel needs given threats", source="decided"
        )
    if threats is None and np.ndim(credibility) == 0:
        out = simulate(
            stage,
            pol,
            crises=crises,
            seed=random_seed,
            first=first_crisis,
            chunk=chunk,
            threads=threads,
            progress=progress,
            on_batch=on_batch,
            log=log,
        )
        run = CrisisRun(
            seed=random_seed,
            crises=crises,
            stage=stage,
            policy=pol,
            metrics=out["metrics"],
            credibility=out["credibility"],
            counts=out["counts"],
            seconds=out["seconds"],
            events=out.get("events"),
            result=out.get("result"),
        )
        return run
    b = len(threats.kind) if threats is not None else int(crises)
    limits.check_memory(
        limits.batch_memory(b, stage.n),
        what=f"a batch of {b:,} crises x {stage.n:,} states",
        source="sim_crises",
    )
    loop = CrisisLoop(stage, pol, on_batch=on_batch, threads=threads)
    cred0 = p.credibility_start if credibility is None else credibility
    noise = draw_noise(random_seed, first_crisis, b, stage.n, stage.m)
    r = _run_given(loop, noise, threats, cred0, occurred, log, decided)
    run = CrisisRun(
        seed=random_seed,
        crises=b,
        stage=stage,
        policy=pol,
        metrics=loop.metrics(),
        credibility=float(loop.credibility[0]),
        counts={k: int(v[0]) for k, v in loop.tally.counts.items()},
        result=r,
        events=r.events,
    )
    return run


def _run_given(
    loop: CrisisLoop, noise, threats: Threat | None, cred0, occurred: bool, log: bool, decided
):
    """One batch and one record window at credibility ``cred0``; with one
    credibility per crisis, each crisis at its own and no window."""
    if np.ndim(cred0):
        r = run_batch(
            loop.stage,
            loop.policy,
            noise,
            cred0,
            threat=threats,
            occurred=occurred,
            log=log,
            decided=decided,
        )
        loop.tally.add(r)
        return r
    loop.credibility[:] = cred0
    return loop.step(noise, threats, close=True, occurred=occurred, log=log, decided=decided)

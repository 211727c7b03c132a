"""The crisis model as a Mesa model (optional: ``pip install "collsec[mesa]"``).

:class:`CrisisModel` is a :class:`mesa.Model` with one :class:`StateAgent` per
state of a world. Each ``step()`` runs one crisis with
:func:`collsec.crisis.reference.run_crisis`, the per-crisis function of the
object-per-agent reference, on the same pre-drawn noise
(:func:`collsec.crisis.noise.draw_noise`); the Mesa agents are the objects
that cast the votes (they delegate to :class:`collsec.crisis.reference.Agent`).
Crisis ``k`` of a model therefore reaches the same votes, decisions and
outcomes as crisis ``k`` of :func:`collsec.crisis.kernel.run_batch` and of
:func:`collsec.crisis.reference.run_reference` at the same credibility. With
``feedback=True`` (the default) credibility moves between record windows as in
:func:`collsec.crisis.run.simulate`, so the model runs the crises of a
``collsec simulate`` run with the same seed.

A :class:`mesa.DataCollector` (``model.datacollector``) records one row per
crisis (model reporters :data:`CRISIS_COLUMNS`) and one row per state and
crisis (agent reporters :data:`AGENT_COLUMNS`). Step ``s`` of the frames is
crisis ``start + s - 1``. Nothing is collected before the first step.

Mesa is not a dependency of collsec: importing this module without it raises
:class:`MesaMissingError` (an :class:`~collsec.errors.InputError` and an
:class:`ImportError`) with a one-line message.

>>> from collsec.world import World
>>> model = CrisisModel(World.synthetic(30, seed=1), seed=1, crises=20)
>>> model.run_model()
>>> model.steps, len(model.agents)
(20, 30)
>>> frame = model.datacollector.get_model_vars_dataframe()
>>> len(frame), int(frame["crisis"].iloc[-1])
(20, 19)
>>> model.datacollector.get_agent_vars_dataframe().shape  # 20 crises x 30 states
(600, 7)
"""

from __future__ import annotations

from typing import Any

from collsec.behavior.model import next_credibility
from collsec.behavior.parameters import Parameters
from collsec.behavior.policy import UtilityPolicy, get_policy
from collsec.crisis.kernel import COUNCIL, GA, LEVELS, NATO, REGIONAL, RESPONDERS
from collsec.crisis.noise import Noise, draw_noise
from collsec.crisis.reference import Agent, Crisis, Setup, make_agents, run_crisis
from collsec.crisis.stage import Scenario, Stage
from collsec.crisis.threats import KINDS
from collsec.crisis.voting import CODES
from collsec.errors import InputError
from collsec.world import World


class MesaMissingError(InputError, ImportError):
    """Mesa is not installed (it is the optional extra ``collsec[mesa]``)."""


try:
    import mesa
except ImportError:
    raise MesaMissingError(
        'Mesa is not installed; pip install "collsec[mesa]"',
        source="collsec.crisis.mesa_model",
    ) from None

__all__ = [
    "AGENT_COLUMNS",
    "CRISIS_COLUMNS",
    "DRAFTS",
    "CrisisModel",
    "MesaMissingError",
    "StateAgent",
]

#: what a crisis did in the Council (``collsec.crisis.kernel.DRAFT_*``)
DRAFTS = ("none", "hidden_veto", "hidden_shortfall", "tabled")
#: bodies whose decision counts as a collective response (as in ``collsec simulate``)
DECIDING = (NATO, REGIONAL, COUNCIL, GA)
#: crises drawn at a time when the model draws its own noise
BLOCK = 256

#: model reporters: one row per crisis
CRISIS_COLUMNS = (
    "crisis",  # index of the crisis in the run (its noise block)
    "kind",  # threat kind (collsec.crisis.threats.KINDS)
    "aggressor",  # state code
    "target",  # state code
    "severity",
    "credibility",  # credibility the aggressor faced
    "attacked",  # False: deterred
    "art5",  # NATO Art. 5 applied
    "nac_adopted",
    "regional_adopted",
    "draft",  # DRAFTS label
    "draft_level",  # LEVELS label of a tabled draft, or None
    "council_adopted",
    "council_vetoed",  # a tabled draft was vetoed (a hidden veto shows in "draft")
    "ga_adopted",  # Uniting for Peace
    "decided",  # NATO, a regional body, the Council or the Assembly decided
    "responder",  # RESPONDERS label
    "level",  # LEVELS label of the response, or None
    "forums",
    "time_to_decision",  # days
    "strength",  # effective strength of the response
    "p_success",
    "success",
    "fought",
)

#: agent reporters: one row per state and crisis; votes are "yes", "no",
#: "abstain", "absent", or None where the state had no vote in that forum
AGENT_COLUMNS = (
    "code",
    "role",  # "aggressor", "target", "aggressor_target" (an atrocity) or None
    "nac_vote",
    "regional_vote",
    "council_vote",
    "ga_vote",
    "contribution",  # effort given to the response (shares of world military expenditure)
)


def _label(names: tuple[str, ...], i: int) -> str | None:
    return names[i] if i >= 0 else None


def _vote(votes: dict[int, int], i: int) -> str | None:
    v = votes.get(i)
    return None if v is None else CODES[v].value


class StateAgent(mesa.Agent):
    """One state: a view of its attributes, its votes, and its part in the last crisis.

    ``utility`` and ``vote`` delegate to the reference's
    :class:`collsec.crisis.reference.Agent` (``self.state``); the model passes
    the Mesa agents themselves to :func:`collsec.crisis.reference.run_crisis`.
    """

    def __init__(self, model: CrisisModel, state: Agent, seat: int | None = None) -> None:
        super().__init__(model)
        self.state = state
        self.seat = seat  # position among the Council seats, or None
        self.role: str | None = None
        self.nac_vote: str | None = None
        self.regional_vote: str | None = None
        self.council_vote: str | None = None
        self.ga_vote: str | None = None
        self.contribution = 0.0

    # a view of the state's attributes
    @property
    def index(self) -> int:
        """Index of the state in the world (and the stage)."""
        return self.state.index

    @property
    def code(self) -> str:
        return self.state.code

    @property
    def cinc(self) -> float:
        return self.state.cinc

    @property
    def un(self) -> bool:
        return self.state.un

    @property
    def nato(self) -> bool:
        return self.state.nato

    @property
    def region(self) -> int:
        return self.state.region

    def utility(self, policy: UtilityPolicy, crisis: Crisis, level: int) -> float:
        """The state's support for a response of ``level`` (no shock)."""
        return self.state.utility(policy, crisis, level)

    def tilt(self, policy: UtilityPolicy, crisis: Crisis, level: int) -> float:
        """The state's no/abstain tilt for a response of ``level``."""
        return self.state.tilt(policy, crisis, level)

    def vote(self, policy: UtilityPolicy, crisis: Crisis, level: int, uniform: float) -> int:
        """The state's vote code (``collsec.crisis.voting``) drawn with ``uniform``."""
        return self.state.vote(policy, crisis, level, uniform)

    def observe(self, crisis: Crisis) -> None:
        """Record the state's part in ``crisis`` (called by the model after each crisis)."""
        i = self.index
        roles = [
            r for r, j in (("aggressor", crisis.aggressor), ("target", crisis.target)) if j == i
        ]
        self.role = "_".join(roles) or None
        self.nac_vote = _vote(crisis.nac_votes, i)
        self.regional_vote = _vote(crisis.regional_votes, i)
        self.ga_vote = _vote(crisis.ga_votes, i)
        council = crisis.council_votes
        self.council_vote = (
            CODES[council[self.seat]].value if council and self.seat is not None else None
        )
        self.contribution = crisis.contributions[i] if crisis.contributions else 0.0


class CrisisModel(mesa.Model):
    """The crisis model as a Mesa model: one crisis per ``step()``.

    Parameters
    ----------
    world : World or Stage
        The world (built into a :class:`~collsec.crisis.stage.Stage` with
        ``params`` and ``scenario``) or a ready stage.
    policy : str or UtilityPolicy
        A policy name (``collsec.behavior.get_policy``) or a policy object.
    seed : int
        Seed of the run (default 1): the crisis noise (Philox, as in
        ``collsec simulate``) and Mesa's own generators (``model.random``,
        ``model.rng``, seeded through ``mesa.Model(rng=seed)``; the crisis model
        does not use them).
    rng : int, optional
        The same seed under Mesa's name for it, so that
        ``mesa.batch_run(CrisisModel, ..., rng=[...])`` seeds each run, whichever
        of the two names the installed Mesa passes. Give ``seed`` or ``rng``.
    crises : int, optional
        Number of crises after which ``model.running`` turns False (and
        ``run_model()`` returns). Without it, and without ``noise``, the model
        runs until stopped.
    noise : Noise, optional
        Pre-drawn noise to consume, one crisis per step from its first row;
        by default the model draws the noise of crises ``0, 1, ...`` of
        ``seed`` itself.
    credibility : float, optional
        Credibility of the collective response at the start
        (default ``params.credibility_start``).
    feedback : bool
        Update credibility between record windows of
        ``params.credibility_window`` crises, as ``collsec simulate`` does
        (default). False keeps it fixed, as in one ``run_batch`` call.
    params, scenario
        Used only when ``world`` is a :class:`~collsec.world.World`.
    """

    def __init__(
        self,
        world: World | Stage,
        policy: str | UtilityPolicy = "utility",
        *,
        seed: int | None = None,
        rng: int | None = None,
        crises: int | None = None,
        noise: Noise | None = None,
        credibility: float | None = None,
        feedback: bool = True,
        params: Parameters | None = None,
        scenario: Scenario | None = None,
    ) -> None:
        if seed is not None and rng is not None and seed != rng:
            raise InputError(f"seed {seed!r} and rng {rng!r}: give one of them", field="seed")
        seed = seed if seed is not None else rng if rng is not None else 1
        if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
            raise InputError(f"seed must be an integer >= 0, not {seed!r}", field="seed")
        if crises is not None and crises < 0:
            raise InputError(f"crises must be >= 0, not {crises}", field="crises")
        super().__init__(rng=seed)
        if isinstance(world, Stage):
            if params is not None or scenario is not None:
                raise InputError("params and scenario apply to a World, not to a Stage")
            stage = world
        else:
            stage = Stage.build(world, params, scenario)
        self.stage = stage
        self.seed = seed
        self.policy = get_policy(policy, stage.params) if isinstance(policy, str) else policy
        p = stage.params
        self.credibility = p.credibility_start if credibility is None else float(credibility)
        self.feedback = feedback
        if noise is not None:
            if noise.vote_u.shape[1] != stage.n or noise.absent.shape[1] != stage.m:
                raise InputError(
                    f"noise drawn for {noise.vote_u.shape[1]} states and "
                    f"{noise.absent.shape[1]} seats, the stage has {stage.n} and {stage.m}",
                    field="noise",
                )
            if crises is not None and crises > noise.size:
                raise InputError(
                    f"{crises} crises asked, the noise holds {noise.size}", field="crises"
                )
            crises = noise.size if crises is None else crises
        self._given_noise = noise
        self._noise = noise
        self.start = noise.start if noise is not None else 0
        self.crises = crises
        self.done = 0  # crises run so far
        self.crisis: Crisis | None = None  # the last crisis
        self.history: list[Crisis] = []
        self._effective = self._occurred = 0  # record of the current window
        seat_of = {int(i): j for j, i in enumerate(stage.seats)}
        for state in make_agents(stage):
            StateAgent(self, state, seat_of.get(state.index))
        self.states: list[StateAgent] = sorted(self.agents, key=lambda a: a.index)
        self._setup = Setup.build(stage, self.states)
        self.outcome: dict[str, Any] = dict.fromkeys(CRISIS_COLUMNS)
        self.datacollector = mesa.DataCollector(
            model_reporters={k: (lambda m, k=k: m.outcome[k]) for k in CRISIS_COLUMNS},
            agent_reporters={k: k for k in AGENT_COLUMNS},
        )
        self.running = crises is None or crises > 0

    def _noise_of(self, k: int) -> tuple[Noise, int]:
        """The noise batch holding crisis ``k`` and the row of ``k`` in it."""
        nz = self._noise
        if nz is None or not nz.start <= k < nz.start + nz.size:
            if self._given_noise is not None:
                raise InputError(
                    f"the noise holds crises {nz.start}..{nz.start + nz.size - 1}, not {k}",
                    field="noise",
                )
            left = BLOCK if self.crises is None else self.crises - self.done
            nz = draw_noise(self.seed, k, max(1, min(BLOCK, left)), self.stage.n, self.stage.m)
            self._noise = nz
        return nz, k - nz.start

    def step(self) -> None:
        """Run the next crisis, let every state observe it, collect, update credibility."""
        k = self.start + self.done
        noise, row = self._noise_of(k)
        c = run_crisis(self._setup, self.policy, noise, row, self.credibility)
        self.crisis = c
        self.history.append(c)
        self.outcome = self._outcome(k, c)
        self.agents.do("observe", c)
        self.datacollector.collect(self)
        self.done += 1
        if self.feedback:
            p = self.stage.params
            self._effective += int(c.success and c.responder in DECIDING)
            self._occurred += int(c.attacked)
            if (k + 1) % p.credibility_window == 0:
                self.credibility = next_credibility(
                    self.credibility, self._effective, self._occurred, p.credibility_rate
                )
                self._effective = self._occurred = 0
        if self.crises is not None and self.done >= self.crises:
            self.running = False

    def _outcome(self, k: int, c: Crisis) -> dict[str, Any]:
        codes = self.stage.codes
        return {
            "crisis": k,
            "kind": KINDS[c.kind],
            "aggressor": codes[c.aggressor],
            "target": codes[c.target],
            "severity": c.severity,
            "credibility": self.credibility,
            "attacked": c.attacked,
            "art5": c.art5,
            "nac_adopted": c.nac_adopted,
            "regional_adopted": c.regional_adopted,
            "draft": DRAFTS[c.draft],
            "draft_level": _label(LEVELS, c.draft_level),
            "council_adopted": c.council_adopted,
            "council_vetoed": c.council_vetoed,
            "ga_adopted": c.ga_adopted,
            "decided": c.responder in DECIDING,
            "responder": RESPONDERS[c.responder],
            "level": _label(LEVELS, c.level),
            "forums": c.forums,
            "time_to_decision": c.time_to_decision,
            "strength": c.strength,
            "p_success": c.p_success,
            "success": c.success,
            "fought": c.fought,
        }

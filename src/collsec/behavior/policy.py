"""Behaviour policies: how states vote, draft, contribute and decide to attack.

A policy is a small object that describes itself (``name``, ``description``,
``citation``, ``classifier``) and implements the :class:`Policy` protocol.
Every concrete subclass of :class:`UtilityPolicy` registers itself in
:data:`POLICIES` when it is defined (no hand-kept list).

The default :class:`UtilityPolicy` is the vote model of
:mod:`collsec.behavior.model` (DESIGN.md, "The model"): the utility of a yes
vote is linear in six weights (commitment, affinity, cost, distance,
sovereignty, sponsor) over features of the member, the draft and the crisis.
The kernel evaluates it in a factored form, ``utility(benefit, burden, cost,
intrusion, internal, sponsor)``, so that a crisis's benefit and burden are
computed once for every level of the ladder; :meth:`UtilityPolicy.weights`
gives the same model as a weight vector over
:func:`collsec.behavior.model.vote_features` (a test checks the two agree).

Every formula works on NumPy arrays and on Python floats alike, so the batch
kernel and the object-per-agent reference evaluate exactly the same
arithmetic. A new policy is one file: subclass :class:`UtilityPolicy`, give
it a ``name``, ``description``, ``citation`` and ``classifier``; defining it
registers it, and ``simulate``, ``replay``, an experiment design and the
backtest can then choose it by name.

>>> sorted(POLICIES)
['norm', 'realist', 'utility']
>>> get_policy("realist").classifier["uses_commitment"]
False
"""

from __future__ import annotations

import importlib.util
import os
from typing import Any, ClassVar, Protocol, runtime_checkable

import numpy as np

from collsec.behavior.parameters import Parameters
from collsec.errors import InputError

__all__ = [
    "POLICIES",
    "NormPolicy",
    "Policy",
    "RealistPolicy",
    "UtilityPolicy",
    "get_policy",
]

POLICIES: dict[str, type[UtilityPolicy]] = {}


@runtime_checkable
class Policy(Protocol):
    """What the kernel asks of a behaviour model.

    Every method takes NumPy arrays with a leading batch dimension (crises,
    then states) or plain floats, and must do the same arithmetic on both:
    the kernel calls it with arrays, the reference with floats. A vote utility
    is ``utility(benefit(...), burden(...), cost, intrusion, internal)``.
    """

    def benefit(self, q: Any, sev: Any, aff_t: Any, aff_a: Any) -> Any: ...

    def burden(self, risk: Any, prox: Any) -> Any: ...

    def utility(
        self,
        benefit: Any,
        burden: Any,
        cost: Any,
        intrusion: Any,
        internal: Any,
        sponsor: Any = 0.0,
    ) -> Any: ...

    def weights(self) -> np.ndarray: ...

    name: ClassVar[str]
    description: ClassVar[str]
    citation: ClassVar[str]
    classifier: ClassVar[dict[str, Any]]

    def vote_utility(
        self,
        q: Any,
        sev: Any,
        aff_t: Any,
        aff_a: Any,
        risk: Any,
        prox: Any,
        cost: Any,
        intrusion: Any,
        internal: Any,
        sponsor: Any = 0.0,
    ) -> Any: ...

    def choose_draft(self, expected_pass: Any, allowed: Any) -> Any: ...

    def contribution(self, willing: Any, cinc: Any, legitimacy: Any) -> Any: ...

    def attack_value(self, sev: Any, p_win: Any, credibility: Any, shielded: Any) -> Any: ...


class UtilityPolicy:
    """The default utility model (DESIGN.md, "The model", points 4-8)."""

    name: ClassVar[str] = "utility"
    description: ClassVar[str] = (
        "Commitment to act against any aggressor, affinity to target versus aggressor, "
        "cost and risk of the measure, sovereignty concern, attribution confidence."
    )
    citation: ClassVar[str] = (
        "DESIGN.md 'The model'; Signorino & Ritter (1999) for affinity; "
        "Olson & Zeckhauser (1966) for burden sharing; Tullock (1980) for the contest"
    )
    classifier: ClassVar[dict[str, Any]] = {
        "stochastic": True,
        "uses_commitment": True,
        "uses_affinity": True,
        "uses_cost": True,
        "anticipates_vetoes": True,
        "calibrated": False,
    }

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        POLICIES[cls.name] = cls

    def __init__(self, params: Parameters | None = None):
        self.params = params or Parameters.default()
        p = self.params
        self.w_commit = p.commitment
        self.w_aff = p.affinity
        self.w_cost = p.cost
        self.w_dist = p.distance
        self.w_sov = p.sovereignty
        self.w_sponsor = p.sponsor

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"

    # -- votes ------------------------------------------------------------------

    def benefit(self, q, sev, aff_t, aff_a):
        """What acting is worth: attribution confidence x severity x (commitment +
        affinity to the target minus affinity to the aggressor)."""
        return q * sev * (self.w_commit + self.w_aff * (aff_t - aff_a))

    def burden(self, risk, prox):
        """Risk of acting against this aggressor, per unit of measure cost."""
        return self.w_cost * risk + self.w_dist * prox

    def utility(self, benefit, burden, cost, intrusion, internal, sponsor=0.0):
        """Utility of a yes vote on a measure of the given cost and intrusion, for a
        member whose alignment with the draft's sponsors is ``sponsor``."""
        return (
            benefit - cost * burden - self.w_sov * intrusion * internal + (self.w_sponsor * sponsor)
        )

    def vote_utility(
        self, q, sev, aff_t, aff_a, risk, prox, cost, intrusion, internal, sponsor=0.0
    ):
        """Utility of a yes vote (arrays broadcast; floats work too)."""
        return self.utility(
            self.benefit(q, sev, aff_t, aff_a),
            self.burden(risk, prox),
            cost,
            intrusion,
            internal,
            sponsor,
        )

    def weights(self) -> np.ndarray:
        """The weights of :data:`collsec.behavior.model.VOTE_FEATURES`, in order:
        ``vote_utility(...) == vote_features(...) @ weights()``."""
        return np.array(
            [self.w_commit, self.w_aff, self.w_cost, self.w_dist, self.w_sov, self.w_sponsor]
        )

    # -- drafting ---------------------------------------------------------------

    def choose_draft(self, expected_pass, allowed):
        """Index of the strongest allowed level expected to pass, or -1 (per crisis).

        ``expected_pass`` and ``allowed`` are sequences over the ladder (weakest
        first) of bools or bool arrays.
        """
        ok = np.asarray(expected_pass) & np.asarray(allowed)
        n = ok.shape[0]
        idx = np.where(ok, np.arange(n).reshape((n,) + (1,) * (ok.ndim - 1)), -1)
        return idx.max(axis=0)

    # -- acting ----------------------------------------------------------------
    def willing(self, u, shock):
        """Contributes to a response: utility plus its shock clears the yes
        threshold by the ``contribute`` margin."""
        p = self.params
        return u + p.vote_noise * shock > p.vote_yes + p.contribute

    def acts_alone(self, u):
        """Acts without authorisation: utility (shock included) clears the yes
        threshold by the ``unauthorised`` margin."""
        p = self.params
        return u > p.vote_yes + p.unauthorised

    # -- burden sharing ---------------------------------------------------------

    def contribution(self, willing, cinc, legitimacy):
        """Effort of a willing state: ``c * c / (c + k)`` (Olson & Zeckhauser 1966)."""
        return willing * (cinc * (cinc / (cinc + self.params.free_riding))) * legitimacy

    # -- deterrence -------------------------------------------------------------

    def attack_value(self, sev, p_win, credibility, shielded):
        """Expected value of attacking: gain if it wins minus the feared collective
        response, reduced when a veto shields the aggressor."""
        p = self.params
        gain = p.attack_gain * sev * p_win
        fear = p.deterrence * credibility * (1.0 - p.veto_shield * shielded) * (1.0 - p_win)
        return gain - fear


class RealistPolicy(UtilityPolicy):
    """Affinity and cost only: no commitment to collective norms."""

    name: ClassVar[str] = "realist"
    description: ClassVar[str] = "States act on affinity and cost alone; commitment weight 0."
    citation: ClassVar[str] = (
        "Mearsheimer (1994/95), 'The False Promise of International Institutions'"
    )
    classifier: ClassVar[dict[str, Any]] = {**UtilityPolicy.classifier, "uses_commitment": False}

    def __init__(self, params: Parameters | None = None):
        super().__init__(params)
        self.w_commit = 0.0
        self.w_sov = 0.0
        self.w_sponsor = 0.0


class NormPolicy(UtilityPolicy):
    """Commitment dominant: states act against any aggressor, friends matter little."""

    name: ClassVar[str] = "norm"
    description: ClassVar[str] = (
        "Commitment to collective security dominates (three times the prior's weight, "
        "whatever the calibration); affinity weight a quarter of the default."
    )
    citation: ClassVar[str] = "Claude (1962), 'Power and International Relations' (the ideal type)"
    classifier: ClassVar[dict[str, Any]] = {**UtilityPolicy.classifier, "uses_affinity": "weak"}

    def __init__(self, params: Parameters | None = None):
        super().__init__(params)
        # an ideal type, not a fitted one: commitment at three times the prior's weight
        self.w_commit = 3.0 * max(self.params.commitment, Parameters.prior().commitment)
        self.w_aff = 0.25 * self.params.affinity


POLICIES[UtilityPolicy.name] = UtilityPolicy


def get_policy(name: str, params: Parameters | None = None) -> UtilityPolicy:
    """A registered policy by name, or ``FILE.py:NAME``: the policy ``NAME`` that the
    Python file ``FILE.py`` defines (defining a subclass registers it)."""
    if name.endswith(".py") or ".py:" in name:
        path, _, name = name.partition(".py")
        _load_policy_file(path + ".py")
        name = name.lstrip(":") or ""
    if name not in POLICIES:
        raise InputError(
            f"unknown policy '{name}' (known: {', '.join(sorted(POLICIES))})", source="--policy"
        )
    return POLICIES[name](params)


def _load_policy_file(path: str) -> None:
    """Run a policy file once, so that the policies it defines register themselves."""
    if path in _LOADED:
        return
    spec = importlib.util.spec_from_file_location(f"collsec_policy_{len(_LOADED)}", path)
    if spec is None or spec.loader is None or not os.path.isfile(path):
        raise InputError("no such policy file", source=path, field="--policy")
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except Exception as err:  # a user's file: report it in one line
        raise InputError(
            f"the policy file failed to load ({type(err).__name__}: {err})",
            source=path,
            field="--policy",
        ) from None
    _LOADED.append(path)


_LOADED: list[str] = []

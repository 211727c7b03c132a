"""Behaviour policies: how states vote, draft, contribute and decide to attack.

A policy is a small object that describes itself (``name``, ``description``,
``citation``, ``classifier``) and implements the :class:`Policy` protocol.
Every concrete subclass of :class:`UtilityPolicy` registers itself in
:data:`POLICIES` when it is defined (no hand-kept list).

The default :class:`UtilityPolicy` is the vote model of
:mod:`collsec.behavior.model` (DESIGN.md, "The model"; docs/model.md): a
support index and a no/abstain tilt, each linear in the features of the
member, the draft and the crisis, with the parameters' weights. The kernel
evaluates them in factored form (:meth:`UtilityPolicy.parts`, then
:func:`collsec.behavior.model.combine` per draft), so that a crisis's member
terms are gathered once for every level of the ladder; a test checks that
the factored form equals ``vote_features(...) @ weights()``. A state's
willingness to act alone or to contribute reads its support on the same
scale.

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

from collsec.behavior.contribution import MODES
from collsec.behavior.model import VOTE_FEATURES, combine, factor
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
    the kernel calls it with arrays, the reference with floats. A member's
    vote on a draft is ``vote_probabilities(support, tilt, ...)`` with
    ``support = combine(parts(terms)[0], draft)`` and ``tilt`` likewise.
    """

    name: ClassVar[str]
    description: ClassVar[str]
    citation: ClassVar[str]
    classifier: ClassVar[dict[str, Any]]

    def weights(self) -> np.ndarray: ...

    def tilt(self) -> np.ndarray: ...

    def parts(self, member: dict[str, Any]) -> tuple[tuple, tuple]: ...

    def choose_draft(self, expected_pass: Any, allowed: Any) -> Any: ...

    def contribution_weights(self, mode: str) -> tuple[np.ndarray, np.ndarray]: ...

    def attack_value(self, sev: Any, p_win: Any, credibility: Any, shielded: Any) -> Any: ...


class UtilityPolicy:
    """The default model (DESIGN.md, "The model", points 4-8): the vote model of
    :mod:`collsec.behavior.model` with the parameters' weights."""

    name: ClassVar[str] = "utility"
    description: ClassVar[str] = (
        "Commitment to act, affinity to target over aggressor, cost and risk of the measure, "
        "sovereignty concern, the sponsors' camp, self-protection and patronage of the accused "
        "(ATOP ties, UN voting agreement, a permanent member's stake), the draft's content."
    )
    citation: ClassVar[str] = (
        "DESIGN.md 'The model' and docs/model.md; Signorino & Ritter (1999) for affinity; "
        "Voeten (2000) for UN voting alignment; Leeds et al. (2002) for ATOP; "
        "Cragg (1971) for who joins a response and how much, fitted on Korea and the Gulf "
        "(docs/burden.md); Tullock (1980) for the contest"
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
        self._w = np.array([getattr(p, k) for k in VOTE_FEATURES], dtype=float)
        self._v = np.array([getattr(p, f"tilt_{k}") for k in VOTE_FEATURES], dtype=float)

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"

    def _set(self, feature: str, value: float) -> None:
        """Set one support weight (a policy that differs from the fitted model)."""
        self._w[VOTE_FEATURES.index(feature)] = value

    def weight(self, feature: str) -> float:
        return float(self._w[VOTE_FEATURES.index(feature)])

    # -- votes ------------------------------------------------------------------

    def weights(self) -> np.ndarray:
        """The support weights of :data:`collsec.behavior.model.VOTE_FEATURES`, in order."""
        return self._w.copy()

    def tilt(self) -> np.ndarray:
        """The no/abstain tilt's weights, in the same order."""
        return self._v.copy()

    def parts(self, member: dict[str, Any]) -> tuple[tuple, tuple]:
        """The support's and the tilt's parts for member terms ``member``
        (:func:`collsec.behavior.model.factor`), to be combined with each draft."""
        return factor(self._w, member), factor(self._v, member)

    def vote_utility(self, member: dict[str, Any], draft: dict[str, Any]) -> Any:
        """The support of a yes vote (arrays broadcast; floats work too)."""
        return combine(self.parts(member)[0], draft)

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
    def acts_alone(self, u):
        """Acts without authorisation: utility (shock included) clears the yes
        threshold by the ``unauthorised`` margin."""
        p = self.params
        return u > p.vote_yes + p.unauthorised

    # -- burden sharing ---------------------------------------------------------

    def contribution_weights(self, mode: str) -> tuple[np.ndarray, np.ndarray]:
        """The join and size weights of the contribution rule in ``mode``
        (:data:`collsec.behavior.contribution.MODES`)."""
        join, size = MODES[mode]
        return (
            np.asarray(getattr(self.params, join), dtype=float),
            np.asarray(getattr(self.params, size), dtype=float),
        )

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
        for k in ("commitment", "sovereignty", "sponsor"):
            self._set(k, 0.0)


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
        self._set("commitment", 3.0 * max(self.params.commitment, Parameters.prior().commitment))
        self._set("affinity", 0.25 * self.params.affinity)


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

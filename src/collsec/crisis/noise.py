"""Pre-drawn noise: every random number of a crisis, from one counter-based stream.

All draws come from ``numpy.random.Philox(key=seed)``. Crisis ``i`` owns the
fixed block of draws ``[i * K, (i + 1) * K)`` of that stream (``K`` depends only
on the world's size), so a chunk starting at crisis ``start`` sets the Philox
counter to ``start * K / 8`` (Philox4x64 yields four 64-bit words per counter
step, that is eight 32-bit uniforms). Uniforms are single precision (24 bits),
plenty for shocks, and half the cost of doubles. The noise of a crisis is therefore the same whatever
the chunk size, the order of chunks or the number of workers.

Noise arrays are transformed (uniform, logistic, exponential) here, once, and
both the batch kernel and the object-per-agent reference read the same arrays.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["SCALARS", "Noise", "draw_noise", "layout_size"]

#: per-crisis scalar slots, in order
SCALARS = (
    "kind",  # uniform: threat kind
    "aggressor",  # uniform: who
    "target",  # uniform: against whom
    "severity",  # uniform
    "sponsor",  # uniform: state sponsor of a terrorist group
    "attack",  # logistic: shock to the attack decision
    "delay",  # exponential(1): attribution delay
    "doubt",  # uniform: attribution doubt
    "position",  # uniform: position-taking draft
    "consent",  # uniform: host consent to peacekeeping
    "outcome",  # uniform: contest outcome
    "spare",
)
_TINY = np.float32(2.0**-25)
_TOP = np.float32(1.0 - 2.0**-24)


def layout_size(n_states: int, n_seats: int) -> int:
    """Draws per crisis, rounded up to a multiple of 8 (one Philox block gives
    four 64-bit words, eight 32-bit uniforms)."""
    k = len(SCALARS) + 2 * n_seats + 2 * n_states
    return k + (-k) % 8


@dataclass
class Noise:
    """The noise of a batch of crises (leading dimension: crisis).

    Shocks are stored as uniforms and turned into logistic shocks on access,
    element by element, so the kernel transforms only the rows and columns it
    uses and the reference reads exactly the same values.
    """

    start: int
    s: dict[str, np.ndarray]  # scalar slots, (B,)
    absent: np.ndarray  # (B, M) uniform, per Council seat
    misjudge_u: np.ndarray  # (B, M) uniform: sponsor's error per seat
    vote_u: np.ndarray  # (B, N) uniform: each state's shock in this crisis
    contrib_u: np.ndarray  # (B, N) uniform: each state's contribution shock

    @property
    def size(self) -> int:
        return len(self.absent)

    def vote(self, rows, cols=None) -> np.ndarray:
        """Logistic vote shocks of ``rows`` (and ``cols``)."""
        u = self.vote_u[rows] if cols is None else self.vote_u[np.ix_(rows, cols)]
        return _logistic(u)

    def vote_uniform(self, rows, cols=None) -> np.ndarray:
        """The uniforms behind the vote shocks of ``rows`` (and ``cols``), as doubles:
        a vote is drawn from its distribution by their inverse
        (:func:`collsec.behavior.model.draw_votes`)."""
        u = self.vote_u[rows] if cols is None else self.vote_u[np.ix_(rows, cols)]
        return u.astype(np.float64)

    def contrib(self, rows) -> np.ndarray:
        """Logistic contribution shocks of ``rows``."""
        return _logistic(self.contrib_u[rows])

    def misjudge(self, rows) -> np.ndarray:
        """Logistic errors of the sponsor's forecast of each seat, for ``rows``."""
        return _logistic(self.misjudge_u[rows])

    def row(self, k: int) -> Noise:
        """The noise of one crisis of the batch, as a batch of one."""
        sl = slice(k, k + 1)
        return Noise(
            start=self.start + k,
            s={key: v[sl] for key, v in self.s.items()},
            absent=self.absent[sl],
            misjudge_u=self.misjudge_u[sl],
            vote_u=self.vote_u[sl],
            contrib_u=self.contrib_u[sl],
        )


def _logistic(u: np.ndarray) -> np.ndarray:
    return np.log(u / (1.0 - u))


def draw_noise(seed: int, start: int, count: int, n_states: int, n_seats: int) -> Noise:
    """The noise of crises ``start .. start + count - 1`` for run ``seed``."""
    if seed < 0 or start < 0 or count < 0:
        raise ValueError("seed, start and count must be >= 0")
    k = layout_size(n_states, n_seats)
    bitgen = np.random.Philox(key=seed, counter=(start * k) // 8)
    u = np.random.Generator(bitgen).random((count, k), dtype=np.float32)
    u += _TINY  # into (0, 1]: multiples of 2**-24 shifted by half a step
    np.minimum(u, _TOP, out=u)  # the top value rounds to 1.0 in single precision
    ns = len(SCALARS)
    s = {name: u[:, j].astype(np.float64) for j, name in enumerate(SCALARS)}
    s["attack"] = _logistic(s["attack"])
    s["delay"] = -np.log(s["delay"])
    m, n = n_seats, n_states
    return Noise(
        start=start,
        s=s,
        absent=u[:, ns : ns + m],
        misjudge_u=u[:, ns + m : ns + 2 * m],
        vote_u=u[:, ns + 2 * m : ns + 2 * m + n],
        contrib_u=u[:, ns + 2 * m + n : ns + 2 * m + 2 * n],
    )

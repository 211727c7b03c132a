"""The noise of crises: every random number of a crisis, from one counter-based stream.

All draws come from ``numpy.random.Philox(key=seed)`` read as single-precision
uniforms (24 bits, plenty for shocks). Crisis ``i`` owns the fixed block of draws
``[i * K, (i + 1) * K)`` of that stream (``K`` depends only on the world's size;
:func:`layout_size`): its scalar slots, then two per Council seat (absence, the
sponsor's misjudgement), then one vote shock and one contribution shock per
state. The noise of a crisis is therefore the same whatever the chunk size, the
order of chunks or the number of workers.

Philox is counter-based (Salmon et al. 2011), so any draw can be computed from
its position. :func:`draw_noise` draws each crisis's scalars and seat draws at
once, and a state's vote or contribution shock only when the kernel asks for it
(:mod:`collsec.crisis._philox`, compiled, the same bits as NumPy's generator):
a deterred crisis draws no vote shock, a crisis without a response no
contribution shock. Reading :attr:`Noise.vote_u` or :attr:`Noise.contrib_u`
draws (and keeps) the whole array, as the object-per-agent reference does.

Shocks are transformed (uniform, logistic, exponential) here, and the batch
kernel and the reference read the same values.
"""

from __future__ import annotations

import numpy as np

from collsec.crisis import _philox

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


class Noise:
    """The noise of a batch of crises (leading dimension: crisis).

    ``s`` holds the scalar slots (B,), ``absent`` and ``misjudge_u`` the seat
    draws (B, M); the per-state draws (B, N) are drawn when used, from ``seed``,
    the stream position of each row's crisis (``crisis``) and the layout (``k``
    draws per crisis, the vote shocks from ``vote_at``, the contribution shocks
    from ``contrib_at``), or given (``vote_u``, ``contrib_u``). Shocks are stored
    as uniforms and turned into logistic shocks on access, element by element, so
    the kernel transforms only the rows and columns it uses and the reference reads
    exactly the same values.
    """

    def __init__(
        self,
        start: int,
        s: dict[str, np.ndarray],
        absent: np.ndarray,
        misjudge_u: np.ndarray,
        vote_u: np.ndarray | None = None,
        contrib_u: np.ndarray | None = None,
        *,
        seed: int | None = None,
        crisis: np.ndarray | None = None,
        layout: tuple[int, int, int, int] | None = None,
    ) -> None:
        self.start = start
        self.s = s
        self.absent = absent
        self.misjudge_u = misjudge_u
        self._vote_u = vote_u
        self._contrib_u = contrib_u
        self.seed = seed
        self.crisis = crisis
        #: (draws per crisis, offset of the vote shocks, of the contribution shocks, states)
        self.layout = layout
        if (vote_u is None or contrib_u is None) and (seed is None or layout is None):
            raise ValueError("noise without vote_u/contrib_u needs seed, crisis and layout")

    @property
    def size(self) -> int:
        return len(self.absent)

    def _draw(self, offset: int, rows, cols) -> np.ndarray:
        """Uniforms ``offset + cols`` of the crises of ``rows``, as the generator draws them."""
        k, _, _, n = self.layout
        rows = np.atleast_1d(np.arange(self.size)[rows])
        cols = np.arange(n, dtype=np.int64) if cols is None else np.asarray(cols, dtype=np.int64)
        out = np.empty((len(rows), len(cols)), dtype=np.float32)
        _philox.uniforms_at(self.seed, k, self.crisis[rows], offset, cols, out)
        return _shift(out)

    @property
    def vote_u(self) -> np.ndarray:
        """(B, N) uniform: each state's vote shock in each crisis (drawn on first use)."""
        if self._vote_u is None:
            self._vote_u = self._draw(self.layout[1], np.arange(self.size), None)
        return self._vote_u

    @property
    def contrib_u(self) -> np.ndarray:
        """(B, N) uniform: each state's contribution shock (drawn on first use)."""
        if self._contrib_u is None:
            self._contrib_u = self._draw(self.layout[2], np.arange(self.size), None)
        return self._contrib_u

    def _votes(self, rows, cols=None) -> np.ndarray:
        if self._vote_u is not None:
            return self._vote_u[rows] if cols is None else self._vote_u[np.ix_(rows, cols)]
        u = self._draw(self.layout[1], rows, cols)
        return u[0] if _one(rows) else u

    def vote(self, rows, cols=None) -> np.ndarray:
        """Logistic vote shocks of ``rows`` (and ``cols``)."""
        return _logistic(self._votes(rows, cols))

    def vote_uniform(self, rows, cols=None) -> np.ndarray:
        """The uniforms behind the vote shocks of ``rows`` (and ``cols``), as doubles:
        a vote is drawn from its distribution by their inverse
        (:func:`collsec.behavior.model.draw_votes`)."""
        return self._votes(rows, cols).astype(np.float64)

    def contrib(self, rows) -> np.ndarray:
        """Logistic contribution shocks of ``rows``."""
        if self._contrib_u is not None:
            return _logistic(self._contrib_u[rows])
        u = self._draw(self.layout[2], rows, None)
        return _logistic(u[0] if _one(rows) else u)

    def misjudge(self, rows) -> np.ndarray:
        """Logistic errors of the sponsor's forecast of each seat, for ``rows``."""
        return _logistic(self.misjudge_u[rows])

    def _rows(self, sl) -> Noise:
        return Noise(
            start=self.start + (sl.start or 0),
            s={key: v[sl] for key, v in self.s.items()},
            absent=self.absent[sl],
            misjudge_u=self.misjudge_u[sl],
            vote_u=None if self._vote_u is None else self._vote_u[sl],
            contrib_u=None if self._contrib_u is None else self._contrib_u[sl],
            seed=self.seed,
            crisis=None if self.crisis is None else self.crisis[sl],
            layout=self.layout,
        )

    def row(self, k: int) -> Noise:
        """The noise of one crisis of the batch, as a batch of one."""
        return self._rows(slice(k, k + 1))

    def seats(self, m: int) -> Noise:
        """The same noise for a Council of the first ``m`` seats."""
        out = self._rows(slice(0, self.size))
        out.absent, out.misjudge_u = self.absent[:, :m], self.misjudge_u[:, :m]
        return out

    @staticmethod
    def concat(parts: list[Noise]) -> Noise:
        """The noise of several batches, one after another (each row keeps its crisis)."""
        lazy = all(p.crisis is not None for p in parts) and all(
            (p.seed, p.layout) == (parts[0].seed, parts[0].layout) for p in parts
        )

        def cat(get):
            return np.concatenate([get(p) for p in parts])

        return Noise(
            start=0,
            s={k: cat(lambda p, k=k: p.s[k]) for k in parts[0].s},
            absent=cat(lambda p: p.absent),
            misjudge_u=cat(lambda p: p.misjudge_u),
            vote_u=None if lazy else cat(lambda p: p.vote_u),
            contrib_u=None if lazy else cat(lambda p: p.contrib_u),
            seed=parts[0].seed if lazy else None,
            crisis=cat(lambda p: p.crisis) if lazy else None,
            layout=parts[0].layout if lazy else None,
        )


def _one(rows) -> bool:
    """Whether ``rows`` picks one row (an integer), not several (an array or a slice)."""
    return not isinstance(rows, slice) and np.ndim(rows) == 0


def _shift(u: np.ndarray) -> np.ndarray:
    """Uniforms into (0, 1): multiples of 2**-24 shifted by half a step; the top
    value, which rounds to 1.0 in single precision, held below 1."""
    u += _TINY
    np.minimum(u, _TOP, out=u)
    return u


def _logistic(u: np.ndarray) -> np.ndarray:
    return np.log(u / (1.0 - u))


def draw_noise(seed: int, start: int, count: int, n_states: int, n_seats: int) -> Noise:
    """The noise of crises ``start .. start + count - 1`` for run ``seed``: the
    scalars and seat draws now, the per-state shocks when used."""
    if seed < 0 or start < 0 or count < 0:
        raise ValueError("seed, start and count must be >= 0")
    k = layout_size(n_states, n_seats)
    ns, m, n = len(SCALARS), n_seats, n_states
    crisis = np.arange(start, start + count, dtype=np.int64)
    u = np.empty((count, ns + 2 * m), dtype=np.float32)
    _philox.uniforms_at(seed, k, crisis, 0, np.arange(ns + 2 * m, dtype=np.int64), u)
    _shift(u)
    s = {name: u[:, j].astype(np.float64) for j, name in enumerate(SCALARS)}
    s["attack"] = _logistic(s["attack"])
    s["delay"] = -np.log(s["delay"])
    return Noise(
        start=start,
        s=s,
        absent=u[:, ns : ns + m],
        misjudge_u=u[:, ns + m : ns + 2 * m],
        seed=seed,
        crisis=crisis,
        layout=(k, ns + 2 * m, ns + 2 * m + n, n),
    )

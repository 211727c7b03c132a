"""The crisis noise: NumPy's Philox stream, drawn at any position, bit for bit.

The oracle is NumPy's own generator, read in order as the noise's layout says
(crisis ``i`` owns uniforms ``[i K, (i + 1) K)``); the noise draws only what is
used, through the compiled stream of :mod:`collsec.crisis._philox`.
"""

from __future__ import annotations

import numpy as np
import pytest

from collsec.crisis import _philox
from collsec.crisis.noise import SCALARS, Noise, draw_noise, layout_size

TINY = np.float32(2.0**-25)
TOP = np.float32(1.0 - 2.0**-24)


def _oracle(seed: int, start: int, count: int, n: int, m: int) -> np.ndarray:
    """Uniforms of crises ``start ..`` from NumPy's generator, shifted into (0, 1)."""
    k = layout_size(n, m)
    gen = np.random.Generator(np.random.Philox(key=seed, counter=(start * k) // 8))
    u = gen.random((count, k), dtype=np.float32)
    u += TINY
    np.minimum(u, TOP, out=u)
    return u


@pytest.mark.parametrize("seed", [0, 1, 7919, 2**40 + 3])
def test_the_compiled_stream_is_numpys_philox(seed: int) -> None:
    want = np.random.Generator(np.random.Philox(key=seed)).random(4099, dtype=np.float32)

    def stream(start: int, count: int) -> np.ndarray:
        """Positions ``start ..`` of the stream (one draw per crisis, one crisis a row)."""
        out = np.empty((count, 1), dtype=np.float32)
        _philox.uniforms_at(seed, 1, np.arange(start, start + count), 0, np.zeros(1, int), out)
        return out[:, 0]

    assert np.array_equal(stream(0, 4099), want)
    # from any position
    assert np.array_equal(stream(1001, 3098), want[1001:])


@pytest.mark.parametrize(
    ("seed", "start", "count", "n", "m"), [(1, 0, 50, 193, 15), (9, 12345, 40, 30, 25)]
)
def test_noise_is_the_generators_stream_in_its_layout(seed, start, count, n, m) -> None:
    u = _oracle(seed, start, count, n, m)
    ns = len(SCALARS)
    noise = draw_noise(seed, start, count, n, m)
    assert np.array_equal(noise.absent, u[:, ns : ns + m])
    assert np.array_equal(noise.misjudge_u, u[:, ns + m : ns + 2 * m])
    vote, contrib = u[:, ns + 2 * m : ns + 2 * m + n], u[:, ns + 2 * m + n : ns + 2 * m + 2 * n]
    assert np.array_equal(noise.s["severity"], u[:, SCALARS.index("severity")].astype(float))
    # drawn when used: some rows and columns, then everything
    rows, cols = np.array([3, 0, 17]), np.array([5, 0, n - 1])
    lazy = draw_noise(seed, start, count, n, m)
    assert np.array_equal(lazy.vote_uniform(rows, cols), vote[np.ix_(rows, cols)].astype(float))
    assert np.array_equal(lazy.vote(rows), np.log(vote[rows] / (1.0 - vote[rows])))
    assert np.array_equal(lazy.contrib(rows), np.log(contrib[rows] / (1.0 - contrib[rows])))
    assert np.array_equal(lazy.contrib(4), np.log(contrib[4] / (1.0 - contrib[4])))
    assert np.array_equal(noise.vote_u, vote) and np.array_equal(noise.contrib_u, contrib)


def test_rows_seats_and_concatenation_keep_each_crisis_noise() -> None:
    a, b = draw_noise(3, 100, 5, 20, 15), draw_noise(3, 7, 4, 20, 15)
    both = Noise.concat([a, b])
    assert np.array_equal(both.vote_u, np.concatenate([a.vote_u, b.vote_u]))
    assert np.array_equal(both.row(6).contrib_u, b.contrib_u[1:2])
    five = both.seats(5)
    assert five.absent.shape == (9, 5) and np.array_equal(
        five.vote_uniform([2]), a.vote_uniform([2])
    )
    # given arrays win over the stream (tests set shocks by hand)
    c = draw_noise(3, 0, 2, 20, 15)
    c.vote_u[:] = 0.5
    assert np.all(c.vote_uniform([0, 1], [2, 3]) == 0.5)

"""The metrics' Spearman correlation (``collsec.crisis.run.spearman``) is SciPy's."""

from __future__ import annotations

import warnings

import numpy as np
from scipy.stats import spearmanr

from collsec.crisis.run import spearman


def test_spearman_is_scipys_bit_for_bit():
    """Random samples, ties, constants and NaNs: the same number to the last bit, and
    None where SciPy gives NaN."""
    rng = np.random.default_rng(0)
    for it in range(3000):
        n = int(rng.integers(1, 240))
        x = rng.random(n) if it % 3 else rng.integers(0, 5, n).astype(float)
        y = rng.random(n) if it % 2 else np.round(rng.random(n), 1)
        if it % 50 == 0:
            y = np.zeros(n)
        if it % 97 == 0:
            x[0] = np.nan
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            want = spearmanr(x, y).statistic
        got = spearman(x, y)
        assert got == (None if np.isnan(want) else float(want)), (it, n)

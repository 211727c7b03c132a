"""NumPy's Philox stream, compiled (numba), drawn at any position.

The crisis noise (:mod:`collsec.crisis.noise`) is ``numpy.random.Philox(key=seed)``
read as single-precision uniforms, crisis ``i`` owning uniforms ``[i K, (i + 1) K)``.
NumPy's generator hands them out in order; the kernel needs only some of them
(the vote shocks of the states that vote, the contribution shocks of the
responses that happen), so this module computes any uniform from its position,
as a counter-based generator allows (Salmon et al. 2011, "Parallel random
numbers: as easy as 1, 2, 3", SC'11), with the same bits as NumPy's:

* Philox4x64 with 10 rounds: counter block ``c`` (a 256-bit integer, here below
  2**64) under key ``(seed, 0)`` gives four 64-bit words;
* NumPy's generator set to counter ``c0`` first steps the counter, so the
  stream's word ``w`` is word ``w % 4`` of block ``c0 + 1 + w // 4``;
* a 32-bit draw is the low half of a word, then its high half; a single-precision
  uniform is ``(u32 >> 8) * 2**-24``.

``tests/test_noise.py`` holds it to ``numpy.random.Philox`` draw for draw.
"""

from __future__ import annotations

import numba as nb
import numpy as np
from llvmlite import ir
from numba.core import types
from numba.extending import intrinsic

__all__ = ["uniforms_at"]

_M0 = np.uint64(0xD2E7470EE14C6C93)
_M1 = np.uint64(0xCA5A826395121157)
_W0 = np.uint64(0x9E3779B97F4A7C15)
_W1 = np.uint64(0xBB67AE8584CAA73B)
_ONE = np.uint64(1)
_S8 = np.uint64(8)
_S32 = np.uint64(32)
_LOW = np.uint64(0xFFFFFFFF)
_STEP = np.float32(2.0**-24)


@intrinsic
def _mulhilo(typingctx, a, b):  # pragma: no cover - compiled
    """The high and low 64-bit words of the 128-bit product ``a * b``."""
    sig = types.UniTuple(types.uint64, 2)(types.uint64, types.uint64)

    def codegen(context, builder, signature, args):
        wide = ir.IntType(128)
        p = builder.mul(builder.zext(args[0], wide), builder.zext(args[1], wide))
        lo = builder.trunc(p, ir.IntType(64))
        hi = builder.trunc(builder.lshr(p, ir.Constant(wide, 64)), ir.IntType(64))
        return context.make_tuple(builder, signature.return_type, (hi, lo))

    return sig, codegen


@nb.njit(cache=True, nogil=True, inline="always")
def _block(ctr, key0, key1):  # pragma: no cover - compiled
    """Philox4x64-10 of the counter ``(ctr, 0, 0, 0)`` under key ``(key0, key1)``."""
    c0, c1, c2, c3 = ctr, np.uint64(0), np.uint64(0), np.uint64(0)
    k0, k1 = key0, key1
    for r in range(10):
        if r > 0:
            k0 = k0 + _W0
            k1 = k1 + _W1
        hi0, lo0 = _mulhilo(_M0, c0)
        hi1, lo1 = _mulhilo(_M1, c2)
        c0, c1, c2, c3 = hi1 ^ c1 ^ k0, lo1, hi0 ^ c3 ^ k1, lo0
    return c0, c1, c2, c3


@nb.njit(cache=True, nogil=True)
def uniforms_at(seed, per_crisis, rows, offset, cols, out):  # pragma: no cover - compiled
    """Uniforms ``offset + cols[j]`` of crises ``rows`` (crisis ``i`` owns positions
    ``[i * per_crisis, (i + 1) * per_crisis)``) into ``out[r, j]``, a block of four
    words computed once for each run of eight neighbouring positions."""
    s = np.uint64(seed)
    for r in range(len(rows)):
        first = np.uint64(rows[r]) * np.uint64(per_crisis) + np.uint64(offset)
        last_block = np.uint64(0xFFFFFFFFFFFFFFFF)
        c0 = c1 = c2 = c3 = np.uint64(0)
        for j in range(len(cols)):
            pos = first + np.uint64(cols[j])
            w = pos >> np.uint64(1)
            blk = w >> np.uint64(2)
            if blk != last_block:
                c0, c1, c2, c3 = _block(blk + _ONE, s, np.uint64(0))
                last_block = blk
            k = w & np.uint64(3)
            word = c0 if k == 0 else (c1 if k == 1 else (c2 if k == 2 else c3))
            u32 = (word >> _S32) if (pos & _ONE) else (word & _LOW)
            out[r, j] = np.float32(u32 >> _S8) * _STEP

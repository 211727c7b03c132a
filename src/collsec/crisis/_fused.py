"""Compiled loops of the crisis kernel (numba): the per-state work of a crisis, fused.

:func:`collsec.crisis.kernel.run_batch` calls these loops for the work that
runs over every state of every crisis:

* :func:`vote_index` -- the vote model's member terms
  (:meth:`collsec.crisis.stage.Stage.member_terms`), their factored support
  and tilt (:func:`collsec.behavior.model.factor`) and the draft's terms
  (:func:`collsec.behavior.model.combine`), in one pass for the crises and
  states a step needs;
* :func:`contribution_pass` / :func:`contribution_finish` -- who joins a response
  and with what (:mod:`collsec.behavior.contribution`), the target's own
  defence and the allies that honour their pacts, the total and the sanctions'
  leakage, summed in state order.

Each loop repeats the arithmetic of the NumPy formula it stands for, operation
for operation and in the same order (numba does not contract ``a * b + c`` into
one rounding without ``fastmath``), so the results are the same bits; the
object-per-agent reference (:mod:`collsec.crisis.reference`) checks them crisis
for crisis (``tests/test_kernel.py``). Exponentials are left to NumPy between
passes (:func:`numpy.exp` on this machine is not the C library's ``exp``, and
the reference calls NumPy's). Crises are independent, so the loops run over
crises in parallel (``prange``) and give the same results on any number of
threads.

The first call of a session loads the machine code cached by numba
(``cache=True``: ``__pycache__`` next to this file, or numba's cache folder when
that is not writable), or compiles it once (a few seconds).
"""

from __future__ import annotations

import numba as nb
import numpy as np

__all__ = ["contribution_finish", "contribution_pass", "vote_index"]

_FLAGS = {"cache": True, "nogil": True, "parallel": True}


@nb.njit(**_FLAGS)
def vote_index(
    rows,
    cols,
    level,
    cost,
    intrusion,
    pressure,
    a,
    t,
    qs,
    haven,
    internal,
    coef,
    aff_t,
    aff_mean,
    risk,
    prox_t,
    camp,
    remote_t,
    tie,
    agree_rel_t,
    veto,
    statism,
    agree_t,
):  # pragma: no cover - compiled
    """The support (``[0]``) and the tilt (``[1]``) of states ``cols`` in crises
    ``rows``, each crisis at its ladder ``level`` (draft terms ``cost``,
    ``intrusion``, ``pressure`` by level): ``(2, len(rows), len(cols))``.

    ``coef`` is ``(2, F)``: ``sign * weight`` of each feature of
    :data:`collsec.behavior.model.FEATURES` for the support and the tilt (0: the
    feature adds nothing, as :func:`~collsec.behavior.model.factor` skips it).
    The member terms are :meth:`collsec.crisis.stage.Stage.member_terms`; they are
    summed into one part per draft term in feature order, starting from 0.0, as
    ``factor`` does (a skipped feature would add a zero, which leaves a sum that
    starts at +0.0 unchanged), and the parts combined as
    :func:`~collsec.behavior.model.combine` does.
    """
    out = np.empty((2, len(rows), len(cols)))
    for j in nb.prange(len(rows)):
        k = rows[j]
        lv = level[j]
        dc, di, dp = cost[lv], intrusion[lv], pressure[lv]
        ak, tk = a[k], t[k]
        q, h, it = qs[k], haven[k], internal[k]
        rk = risk[ak] * h
        for s in range(2):
            c = coef[s]
            for x in range(len(cols)):
                i = cols[x]
                aff_a = aff_t[ak, i] * h
                aff_to = aff_mean[i] if it > 0 else aff_t[tk, i]
                acc = 1.0 if i == ak else 0.0
                ti = (1.0 if tie[ak, i] else 0.0) * h
                vt = 1.0 if veto[i] else 0.0
                # the member terms of Stage.member_terms, in MEMBER_TERMS order
                m1 = q * (aff_to - aff_a)
                m3 = prox_t[ak, i] * h
                m10 = agree_rel_t[ak, i] * h
                m11 = vt * (acc if acc >= ti else ti)
                m14 = ti * agree_t[ak, i] * it
                tg = 1.0 if i == tk else 0.0
                # one: commitment, affinity, sponsor, target, veto
                p0 = 0.0
                p0 = p0 + (c[0] * q if c[0] != 0.0 else 0.0)
                p0 = p0 + (c[1] * m1 if c[1] != 0.0 else 0.0)
                p0 = p0 + (c[5] * camp[i] if c[5] != 0.0 else 0.0)
                p0 = p0 + (c[8] * tg if c[8] != 0.0 else 0.0)
                p0 = p0 + (c[12] * vt if c[12] != 0.0 else 0.0)
                # cost: cost (risk), distance (prox)
                p1 = 0.0
                p1 = p1 + (c[2] * rk if c[2] != 0.0 else 0.0)
                p1 = p1 + (c[3] * m3 if c[3] != 0.0 else 0.0)
                # intrusion: sovereignty (internal), statism, shield
                p2 = 0.0
                p2 = p2 + (c[4] * it if c[4] != 0.0 else 0.0)
                p2 = p2 + (c[13] * statism[i] if c[13] != 0.0 else 0.0)
                p2 = p2 + (c[14] * m14 if c[14] != 0.0 else 0.0)
                # pressure: remoteness, accused, tie, agreement, veto_stake
                p3 = 0.0
                p3 = p3 + (c[6] * remote_t[ak, i] if c[6] != 0.0 else 0.0)
                p3 = p3 + (c[7] * acc if c[7] != 0.0 else 0.0)
                p3 = p3 + (c[9] * ti if c[9] != 0.0 else 0.0)
                p3 = p3 + (c[10] * m10 if c[10] != 0.0 else 0.0)
                p3 = p3 + (c[11] * m11 if c[11] != 0.0 else 0.0)
                out[s, j, x] = p0 + p1 * dc + p2 * di + p3 * dp
    return out


@nb.njit(**_FLAGS)
def contribution_pass(
    a,
    t,
    lead,
    mode,
    sd,
    own_rows,
    yes,
    may,
    shock,
    honour_logit,
    join_w,
    size_w,
    capability,
    personnel,
    population,
    dist_feat,
    km_nan,
    km,
    tie,
    agree_rel_t,
    alliance,
    ideal_fill,
    index_out,
    flag_out,
):  # pragma: no cover - compiled
    """Who joins each response and the index of its effort (before ``exp``).

    Row ``r`` is one response: aggressor ``a[r]``, target ``t[r]``, lead
    ``lead[r]`` (-1: none), contribution ``mode[r]`` (0 enforcement, 1
    peacekeeping: rows of ``join_w`` and ``size_w``), ``sd[r]`` self-defence (or
    words with it: no collective contribution), ``own_rows[r]`` the target
    defends itself. ``flag_out``: 0 gives nothing, 1 joins (its effort at the
    row's size weights), 2 its own defence or an honoured pact (the enforcement
    size weights); ``index_out`` the size index ``g . x`` where the flag is not 0.
    """
    n = yes.shape[1]
    nf = join_w.shape[1]
    for r in nb.prange(len(a)):
        ak, tk, ld = a[r], t[r], lead[r]
        md = mode[r]
        x = np.empty(nf)
        for i in range(n):
            is_a = i == ak
            own = own_rows[r] and i == tk and not is_a
            if sd[r] and not own:
                own = alliance[tk, i] and shock[r, i] < honour_logit and not is_a
            joined = not sd[r] and may[r, i] and i == ld
            if not own and (sd[r] or not may[r, i]):
                flag_out[r, i] = 0
                continue
            # the features of collsec.behavior.contribution.terms, in FEATURES order
            x[0] = 1.0
            x[1] = capability[i]
            x[2] = personnel[i]
            x[3] = population[i]
            x[4] = dist_feat[ak, i] if km_nan[tk, i] else dist_feat[tk, i]
            x[5] = 1.0 if km[ak, i] == 0.0 else 0.0
            x[6] = 1.0 if tie[tk, i] else 0.0
            x[7] = agree_rel_t[tk, i]
            if ld >= 0:
                x[8] = 1.0 if alliance[ld, i] else 0.0
                x[9] = -abs(ideal_fill[i] - ideal_fill[ld])
            else:
                x[8] = 0.0
                x[9] = 0.0
            x[10] = 1.0 if yes[r, i] else 0.0
            x[11] = 1.0 if i == ld else 0.0
            if own:
                flag_out[r, i] = 2
                index_out[r, i] = _index(size_w[0], x)
                continue
            if not joined:
                joined = _index(join_w[md], x) + shock[r, i] > 0.0
            if joined:
                flag_out[r, i] = 1
                index_out[r, i] = _index(size_w[md], x)
            else:
                flag_out[r, i] = 0


@nb.njit(inline="always")
def _index(w, x):  # pragma: no cover - compiled
    """``w . x`` summed in feature order, a zero weight adding nothing
    (:func:`collsec.behavior.contribution.index`)."""
    total = 0.0
    for f in range(len(w)):
        if w[f] != 0.0:
            total = total + w[f] * x[f]
    return total


@nb.njit(**_FLAGS)
def contribution_finish(
    flag, effort, legit, sanctions, cinc, prox, a, given, total, leak
):  # pragma: no cover - compiled
    """Each state's contribution (``effort * legit`` where it gives), the total and,
    for sanctions, the leakage through the states that give nothing, both summed
    in state order."""
    n = flag.shape[1]
    for r in nb.prange(flag.shape[0]):
        lg = legit[r]
        tot = 0.0
        lk = 0.0
        ak = a[r]
        for i in range(n):
            g = effort[r, i] * lg if flag[r, i] != 0 else 0.0
            given[r, i] = g
            tot += g
            if sanctions[r]:
                lk = lk + (1.0 if g == 0.0 else 0.0) * cinc[i] * prox[ak, i]
        total[r] = tot
        leak[r] = lk

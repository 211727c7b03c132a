"""Compiled loops of the crisis kernel (numba): the per-state work of a crisis, fused.

:func:`collsec.crisis.kernel.run_batch` calls these loops for the work that
runs over every state of every crisis:

* :func:`vote_index` -- the vote model's member terms
  (:meth:`collsec.crisis.stage.Stage.member_terms`), their factored support
  and tilt (:func:`collsec.behavior.model.factor`) and the draft's terms
  (:func:`collsec.behavior.model.combine`), in one pass for the crises and
  states a step needs;
* :func:`vote_exponents` / :func:`votes_from` -- the vote model's probabilities
  (:func:`collsec.behavior.model.vote_probabilities`), the votes drawn from them
  (:func:`~collsec.behavior.model.draw_votes`) or the most probable vote
  (:func:`~collsec.behavior.model.most_probable`), around one ``exp`` of NumPy's;
* :func:`adjudicate` -- ballots under a charter's rule flattened to arrays
  (:class:`collsec.crisis.voting.CompiledRule`), in integers;
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
the reference calls NumPy's).

Each loop works crisis by crisis, so :func:`across` can run parts of a batch's
crises in threads of a pool: the loops release the GIL (``nogil``) and write
disjoint rows, so the results are the same bits on any number of threads. The
pool is Python's own (:class:`concurrent.futures.ThreadPoolExecutor`), made
afresh in a forked child, rather than numba's parallel loops: those use GNU
OpenMP here, which cannot survive the ``fork`` that starts the experiments'
workers (a test showed the workers killed at once).

The first call of a session loads the machine code cached by numba
(``cache=True``: ``__pycache__`` next to this file, or numba's cache folder when
that is not writable), or compiles it once (a few seconds).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from itertools import pairwise

import numba as nb
import numpy as np

from collsec.institutions.rules import ABSTAIN, NO, NOT_PARTICIPATING, YES

__all__ = [
    "CRITERIA",
    "EXCUSES",
    "QUOTA_OF",
    "across",
    "adjudicate",
    "contribution_finish",
    "contribution_pass",
    "vote_exponents",
    "vote_index",
    "votes_from",
]

_FLAGS = {"cache": True, "nogil": True}

#: criterion types, quota bases and excuses of collsec.institutions.rules, as codes
CRITERIA = ("quota", "veto", "no_objection", "max_against", "abstention_cap")
QUOTA_OF = ("members", "eligible", "present", "present_and_voting")
EXCUSES = ("none", "target", "parties")
_QUOTA, _VETO, _NO_OBJECTION, _MAX_AGAINST = 0, 1, 2, 3
_OF_MEMBERS, _OF_ELIGIBLE, _OF_PRESENT = 0, 1, 2
_EXCUSE_TARGET, _EXCUSE_PARTIES = 1, 2

#: the fewest cells (crises x states x levels) worth a thread of their own: below it,
#: handing the work over costs more than it saves
MIN_CELLS = 4096

#: one pool per process and size (a forked child starts with none: the parent's
#: threads do not exist there)
_pools: dict[int, ThreadPoolExecutor] = {}
os.register_at_fork(after_in_child=_pools.clear)


def across(threads: int, rows: int, cells: int, call: Callable[[int, int], None]) -> None:
    """``call(lo, hi)`` on consecutive parts of ``range(rows)``, at most ``threads``
    of them at once, each of at least :data:`MIN_CELLS` cells (``cells`` per row):
    the first part in this thread, the others in a pool's threads. ``call`` must
    write rows ``lo .. hi - 1`` alone, as the compiled loops do."""
    parts = max(1, min(threads, rows * cells // MIN_CELLS, rows))
    if parts == 1:
        call(0, rows)
        return
    cuts = [rows * k // parts for k in range(parts + 1)]
    pool = _pools.get(parts - 1)
    if pool is None:
        pool = _pools[parts - 1] = ThreadPoolExecutor(parts - 1, "collsec-kernel")
    futures = [pool.submit(call, lo, hi) for lo, hi in pairwise(cuts[1:])]
    try:
        call(cuts[0], cuts[1])
    finally:
        for f in futures:
            f.result()


@nb.njit(inline="always")
def _add(total, w, x):  # pragma: no cover - compiled
    """``total + w * x``, or ``total`` itself where the weight is 0 (a feature whose
    weight is 0 adds nothing, as :func:`~collsec.behavior.model.factor` and
    :func:`~collsec.behavior.contribution.index` skip it)."""
    return total + w * x if w != 0.0 else total


@nb.njit(**_FLAGS)
def vote_index(
    rows,
    lo,
    hi,
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
    out,
):  # pragma: no cover - compiled
    """The support (``[0]``) and the tilt (``[1]``) of states ``cols`` in crises
    ``rows[lo:hi]``, each crisis at its ladder levels ``level`` (``(len(rows), L)``;
    draft terms ``cost``, ``intrusion``, ``pressure`` by level), into ``out``,
    ``(2, L, len(rows), len(cols))`` (whole arrays and a range of rows: one compiled
    version serves every part).

    ``coef`` is ``(2, F)``: ``sign * weight`` of each feature of
    :data:`collsec.behavior.model.FEATURES` for the support and the tilt (0: the
    feature adds nothing, as :func:`~collsec.behavior.model.factor` skips it).
    The member terms are :meth:`collsec.crisis.stage.Stage.member_terms`; they are
    summed into one part per draft term in feature order, starting from 0.0, as
    ``factor`` does, and the parts combined as
    :func:`~collsec.behavior.model.combine` does.
    """
    nl = level.shape[1]
    for j in range(lo, hi):
        k = rows[j]
        ak, tk = a[k], t[k]
        q, h, it = qs[k], haven[k], internal[k]
        rk = risk[ak] * h
        for x in range(len(cols)):
            i = cols[x]
            aff_a = aff_t[ak, i] * h
            aff_to = aff_mean[i] if it > 0 else aff_t[tk, i]
            acc = 1.0 if i == ak else 0.0
            ti = (1.0 if tie[ak, i] else 0.0) * h
            vt = 1.0 if veto[i] else 0.0
            # the member terms of Stage.member_terms (MEMBER_TERMS order: qs, affinity,
            # risk, prox, internal, sponsor, remote, accused, target, tie, agreement,
            # veto_stake, veto, statism, shield)
            m1 = q * (aff_to - aff_a)
            m3 = prox_t[ak, i] * h
            m5 = camp[i]
            m6 = remote_t[ak, i]
            m8 = 1.0 if i == tk else 0.0
            m10 = agree_rel_t[ak, i] * h
            m11 = vt * (acc if acc >= ti else ti)
            m13 = statism[i]
            m14 = ti * agree_t[ak, i] * it
            for s in range(2):
                c = coef[s]
                # one: commitment, affinity, sponsor, target, veto
                p0 = 0.0
                p0 = _add(p0, c[0], q)
                p0 = _add(p0, c[1], m1)
                p0 = _add(p0, c[5], m5)
                p0 = _add(p0, c[8], m8)
                p0 = _add(p0, c[12], vt)
                # cost: cost (risk), distance (prox)
                p1 = 0.0
                p1 = _add(p1, c[2], rk)
                p1 = _add(p1, c[3], m3)
                # intrusion: sovereignty (internal), statism, shield
                p2 = 0.0
                p2 = _add(p2, c[4], it)
                p2 = _add(p2, c[13], m13)
                p2 = _add(p2, c[14], m14)
                # pressure: remoteness, accused, tie, agreement, veto_stake
                p3 = 0.0
                p3 = _add(p3, c[6], m6)
                p3 = _add(p3, c[7], acc)
                p3 = _add(p3, c[9], ti)
                p3 = _add(p3, c[10], m10)
                p3 = _add(p3, c[11], m11)
                for g in range(nl):
                    lv = level[j, g]
                    out[s, g, j, x] = p0 + p1 * cost[lv] + p2 * intrusion[lv] + p3 * pressure[lv]


@nb.njit(**_FLAGS)
def vote_exponents(u, tilt, vote_no, vote_yes, scale, out):  # pragma: no cover - compiled
    """The exponents of :func:`~collsec.behavior.model.vote_probabilities` (``scale``
    above 0) into ``out`` (``(3, len(u))``: yes, no, abstain), each less the largest
    and 0, for one ``exp`` over the whole array."""
    for i in range(len(u)):
        e_yes = (u[i] - vote_yes) / scale
        e_no = (vote_no - u[i]) / scale + tilt[i]
        # np.maximum(np.maximum(e_yes, e_no), 0.0): the first where it is >= (no NaN here)
        top = e_yes if e_yes >= e_no else e_no
        top = top if top >= 0.0 else 0.0
        out[0, i] = e_yes - top
        out[1, i] = e_no - top
        out[2, i] = -top


@nb.njit(**_FLAGS)
def votes_from(e, uniform, draw, out):  # pragma: no cover - compiled
    """Votes from the exponentials ``e`` of :func:`vote_exponents`: drawn with one
    ``uniform`` each (``draw``: :func:`~collsec.behavior.model.draw_votes`), or the
    most probable (:func:`~collsec.behavior.model.most_probable`); the probabilities
    divided as ``vote_probabilities`` divides them."""
    for i in range(e.shape[1]):
        py, pn, pa = e[0, i], e[1, i], e[2, i]
        total = py + pn + pa
        p_no, p_ab = pn / total, pa / total
        if draw:
            x = uniform[i]
            out[i] = NO if x < p_no else (ABSTAIN if x < p_no + p_ab else YES)
        else:
            p_yes = py / total
            if p_yes >= p_ab and p_yes >= p_no:
                out[i] = YES
            else:
                out[i] = ABSTAIN if p_ab >= p_no else NO


@nb.njit(**_FLAGS)
def adjudicate(
    votes,
    present,
    parties,
    exclude,
    target,
    starts,
    kind,
    pool,
    weight,
    has_count,
    count,
    num,
    den,
    strict,
    of,
    blockers,
    excuse,
    min_yes,
    adopted,
    vetoed,
    yes,
):  # pragma: no cover - compiled
    """Ballots ``votes`` (B, M) under a rule of clauses (criteria ``starts[c] ..
    starts[c + 1] - 1``; their ``kind`` in :data:`CRITERIA`, ``pool`` and ``weight``
    by member, quota base ``of`` in :data:`QUOTA_OF`, ``excuse`` in :data:`EXCUSES`),
    as :meth:`collsec.crisis.voting.CompiledRule.adjudicate` describes: ``adopted``
    when every criterion of some clause is met; ``vetoed`` when a veto of the first
    clause failed, its other criteria were met and nothing was adopted; ``yes`` the
    yes votes of the members present. A party is excluded (does not participate)
    where ``exclude`` holds for its ballot. (A veto is a holder's no that alone blocks
    a draft otherwise carried: in UN practice a permanent member's no on a draft short
    of the votes is not counted as a veto.)"""
    b, m = votes.shape
    for r in range(b):
        ex = exclude[r]
        n_yes = 0
        for j in range(m):
            if present[r, j] and votes[r, j] == YES and not (ex and parties[r, j]):
                n_yes += 1
        yes[r] = n_yes
        done = False
        first_blocked = False
        for cl in range(len(starts) - 1):
            ok = True
            veto_failed = False
            others_met = True
            for c in range(starts[cl], starts[cl + 1]):
                k = kind[c]
                got = 0  # weight (or count) of the criterion's votes
                total = 0  # weight of its base (quota), of its abstentions (cap)
                n_pool = 0
                w_pool = 0
                objecting = False
                for j in range(m):
                    if not (pool[c, j] and present[r, j]):
                        continue
                    excluded = ex and parties[r, j]
                    code = NOT_PARTICIPATING if excluded else votes[r, j]
                    w = weight[c, j]
                    if k == _QUOTA:
                        if code == YES:
                            got += w
                        o = of[c]
                        if o == _OF_MEMBERS:
                            total += w
                        elif o == _OF_ELIGIBLE:
                            total += 0 if excluded else w
                        elif o == _OF_PRESENT:
                            total += w if code in (YES, NO, ABSTAIN) else 0
                        else:
                            total += w if code in (YES, NO) else 0
                    elif k == _VETO:
                        got += 1 if code == NO else 0
                    elif k == _NO_OBJECTION:
                        if code == NO:
                            e = excuse[c]
                            if not (
                                (e == _EXCUSE_TARGET and target[r, j])
                                or (e == _EXCUSE_PARTIES and parties[r, j])
                            ):
                                objecting = True
                        got += 1 if code == YES else 0
                    elif k == _MAX_AGAINST:
                        got += 1 if (code != YES and not excluded) else 0
                    else:  # abstention cap: abstentions by count and by weight
                        if code == ABSTAIN:
                            got += 1
                            total += w
                        n_pool += 1
                        w_pool += w
                if k == _QUOTA:
                    if has_count[c]:
                        req = count[c]
                    else:
                        prod = total * num[c]
                        req = prod // den[c] + 1 if strict[c] else -((-prod) // den[c])
                    met = got >= req
                elif k == _VETO:
                    met = got < blockers[c]
                elif k == _NO_OBJECTION:
                    met = not objecting and got >= min_yes[c]
                elif k == _MAX_AGAINST:
                    met = got <= (count[c] if has_count[c] else 0)
                else:  # over when both shares reach the fraction
                    n_pool = n_pool if n_pool > 1 else 1
                    w_pool = w_pool if w_pool > 1 else 1
                    met = not (
                        got * den[c] >= num[c] * n_pool and total * den[c] >= num[c] * w_pool
                    )
                ok = ok and met
                if k == _VETO:
                    veto_failed = veto_failed or not met
                else:
                    others_met = others_met and met
            done = done or ok
            if cl == 0:
                first_blocked = veto_failed and others_met
        adopted[r] = done
        vetoed[r] = first_blocked and not done


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
    # each state's first four terms (1, capability, personnel, population), the same
    # for every row: summed once, in order, for each weight row
    head_j = np.empty((join_w.shape[0], n))
    head_s = np.empty((size_w.shape[0], n))
    for i in range(n):
        cap, per, pop = capability[i], personnel[i], population[i]
        for k in range(join_w.shape[0]):
            head_j[k, i] = _head(join_w[k], cap, per, pop)
        for k in range(size_w.shape[0]):
            head_s[k, i] = _head(size_w[k], cap, per, pop)
    for r in range(len(a)):
        ak, tk, ld = a[r], t[r], lead[r]
        md = mode[r]
        sdr, own_r = sd[r], own_rows[r]
        jw, sw, ew = join_w[md], size_w[md], size_w[0]
        hj, hs, he = head_j[md], head_s[md], head_s[0]
        for i in range(n):
            is_a = i == ak
            own = own_r and i == tk and not is_a
            if sdr and not own:
                own = alliance[tk, i] and shock[r, i] < honour_logit and not is_a
            if not own and (sdr or not may[r, i]):
                flag_out[r, i] = 0
                continue
            # the features of collsec.behavior.contribution.terms, in FEATURES order
            x4 = dist_feat[ak, i] if km_nan[tk, i] else dist_feat[tk, i]
            x5 = 1.0 if km[ak, i] == 0.0 else 0.0
            x6 = 1.0 if tie[tk, i] else 0.0
            x7 = agree_rel_t[tk, i]
            x8 = 0.0
            x9 = 0.0
            if ld >= 0:
                x8 = 1.0 if alliance[ld, i] else 0.0
                x9 = -abs(ideal_fill[i] - ideal_fill[ld])
            x10 = 1.0 if yes[r, i] else 0.0
            x11 = 1.0 if i == ld else 0.0
            if own:
                flag_out[r, i] = 2
                index_out[r, i] = _tail(he[i], ew, x4, x5, x6, x7, x8, x9, x10, x11)
                continue
            joined = i == ld
            if not joined:
                eta = _tail(hj[i], jw, x4, x5, x6, x7, x8, x9, x10, x11)
                joined = eta + shock[r, i] > 0.0
            if joined:
                flag_out[r, i] = 1
                index_out[r, i] = _tail(hs[i], sw, x4, x5, x6, x7, x8, x9, x10, x11)
            else:
                flag_out[r, i] = 0


@nb.njit(inline="always")
def _head(w, x1, x2, x3):  # pragma: no cover - compiled
    """The first four terms of ``w . x`` over the contribution features (``x0`` = 1),
    summed in their order, a zero weight adding nothing
    (:func:`collsec.behavior.contribution.index`)."""
    total = 0.0
    total = _add(total, w[0], 1.0)
    total = _add(total, w[1], x1)
    total = _add(total, w[2], x2)
    return _add(total, w[3], x3)


@nb.njit(inline="always")
def _tail(total, w, x4, x5, x6, x7, x8, x9, x10, x11):  # pragma: no cover - compiled
    """``w . x``: the terms after the first four added to their sum ``total``, in order."""
    total = _add(total, w[4], x4)
    total = _add(total, w[5], x5)
    total = _add(total, w[6], x6)
    total = _add(total, w[7], x7)
    total = _add(total, w[8], x8)
    total = _add(total, w[9], x9)
    total = _add(total, w[10], x10)
    return _add(total, w[11], x11)


@nb.njit(**_FLAGS)
def contribution_finish(
    flag, effort, legit, sanctions, cinc, prox, a, given, total, leak
):  # pragma: no cover - compiled
    """Each state's contribution (``effort * legit`` where it gives), the total and,
    for sanctions, the leakage through the states that give nothing, both summed
    in state order."""
    n = flag.shape[1]
    for r in range(flag.shape[0]):
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

"""The crisis kernel: one implementation over arrays, a batch of crises at a time.

A crisis runs through these steps (DESIGN.md, "The model"):

1. **Threat** -- kind, aggressor, target, severity (:mod:`collsec.crisis.threats`).
2. **Deterrence** -- a state aggressor (aggression, cyber) attacks only when
   the policy's attack value plus a shock is positive: the gain weighed by its
   contest odds against the target's defended strength (allies honour pacts
   with probability ``honour``: Leeds, Long & Mitchell 2000; Johnson & Leeds
   2011) minus the collective response it fears, scaled by the institution's
   credibility and shrunk when it holds or is allied to a veto.
3. **Detection and attribution** -- immediate for interstate attacks and
   atrocities; for cyber and terrorist attacks an exponential delay and a loss
   of confidence, both shortened by intelligence sharing.
4. **Forums through the legal gates** -- NATO's Art. 5 for an armed attack on
   an ally in the treaty area by a non-ally (the NAC decides by consensus); a
   regional body first if the scenario says so (Chapter VIII; up to
   sanctions); the Security Council; Uniting for Peace in the General Assembly
   after a veto (2/3 of members present and voting, recommendations only);
   Art. 51 self-defence for an armed attack otherwise; else action without
   authorisation by the strongest willing state, at a legitimacy cost.
5. **Drafting** -- the sponsor forecasts every member's vote with a
   misjudgement shock and tables the strongest measure of the ladder (Chapter
   VI, Art. 41, peacekeeping with host consent, Art. 42) it expects to pass;
   when it expects a veto it tables a doomed draft with probability
   ``position_taking``, otherwise nothing (the hidden veto).
6. **Votes and adjudication** -- utility plus shock to yes / no / abstain,
   absences, parties excluded under Chapter VI where the rule says so, and
   the body's rule from its charter file, vectorised (:mod:`collsec.crisis.voting`).
7. **Burden sharing and outcome** -- willing states contribute ``c*c/(c+k)``
   (Olson & Zeckhauser 1966); sanctions leak through non-participants near the
   aggressor; the ratio-form contest success function (Tullock 1980;
   Hirshleifer 1989) gives the odds; success above ``coerce`` needs no fighting.
8. **Credibility** -- updated between record windows of
   ``credibility_window`` crises from the share of crises met by a successful
   collective response; it feeds step 2 of the next window.

All randomness comes from :mod:`collsec.crisis.noise`; sums over states are
taken in state order so that :mod:`collsec.crisis.reference` reproduces them
bit for bit.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from collsec.behavior import contribution
from collsec.behavior.model import (
    FEATURES,
    LEVEL_PRESSURE,
    combine,
    draft_terms,
    draw_votes,
    most_probable,
    next_credibility,
    vote_features,
    vote_probabilities,
    vote_reason,
)
from collsec.behavior.policy import UtilityPolicy
from collsec.crisis import _fused
from collsec.crisis.events import Event
from collsec.crisis.noise import Noise
from collsec.crisis.threats import (
    AGGRESSION,
    ATROCITY,
    CYBER,
    KINDS,
    TERRORISM,
    Threat,
    draw_threats,
)
from collsec.crisis.voting import ABSENT, CODES
from collsec.institutions.rules import YES, Ballot, adjudicate_votes

__all__ = ["LEVELS", "RESPONDERS", "BatchResult", "Decided", "responder_in", "run_batch"]

LEVELS = ("chapter_vi", "art41", "peacekeeping", "art42")
RESPONDERS = ("none", "nato", "regional", "council", "ga", "self_defence", "unauthorised")
NONE, NATO, REGIONAL, COUNCIL, GA, SELF_DEFENCE, UNAUTHORISED = range(7)


def responder_in(responder: np.ndarray, *who: int) -> np.ndarray:
    """Whether each ``responder`` is one of ``who`` (``np.isin`` by a table lookup: the
    codes are small)."""
    table = np.zeros(len(RESPONDERS), dtype=bool)
    table[list(who)] = True
    return table[responder]


#: what a draft did in the Council
DRAFT_NONE, DRAFT_HIDDEN_VETO, DRAFT_HIDDEN_SHORTFALL, DRAFT_TABLED = 0, 1, 2, 3


@dataclass(frozen=True)
class Decided:
    """How the crises were decided, when people decided them (the lab's players).

    The kernel then skips its own forums (sections 4-6) and runs the rest of the
    crisis -- who carries the response, its outcome, the record -- on this
    decision, exactly as it would on one of its own. One row per crisis:

    ``responder``: index into :data:`RESPONDERS`; ``level``: index into
    :data:`LEVELS` (-1: no measure); ``ballot``: ``(B, N)`` each state's vote on
    the decision behind the response (:data:`collsec.institutions.rules.YES`...,
    -1: did not vote; for ``unauthorised`` a yes marks a state acting alone);
    ``forums``: how many bodies deliberated; ``vetoed``: whether a Council draft
    was vetoed on the way.
    """

    responder: np.ndarray
    level: np.ndarray
    ballot: np.ndarray
    forums: np.ndarray
    vetoed: np.ndarray


@dataclass
class BatchResult:
    """Per-crisis results of a batch (leading dimension: crisis)."""

    kind: np.ndarray
    aggressor: np.ndarray
    target: np.ndarray
    severity: np.ndarray
    sponsored: np.ndarray
    attacked: np.ndarray
    delay: np.ndarray
    confidence: np.ndarray
    art5: np.ndarray
    nac_votes: np.ndarray  # (B, N) int8, -1 = no vote
    nac_adopted: np.ndarray
    regional_votes: np.ndarray  # (B, N) int8
    regional_adopted: np.ndarray
    draft: np.ndarray  # DRAFT_* code
    draft_level: np.ndarray  # -1 or index into LEVELS
    expected_pass: np.ndarray  # (B, 4) sponsor's forecast
    council_votes: np.ndarray  # (B, M) int8, -1 = no vote
    council_adopted: np.ndarray
    council_vetoed: np.ndarray
    ga_votes: np.ndarray  # (B, N) int8
    ga_adopted: np.ndarray
    responder: np.ndarray  # index into RESPONDERS
    level: np.ndarray  # -1 or index into LEVELS
    forums: np.ndarray  # number of bodies that deliberated
    contributions: np.ndarray  # (B, N)
    strength: np.ndarray  # coalition's effective strength
    p_success: np.ndarray
    success: np.ndarray
    fought: np.ndarray
    time_to_decision: np.ndarray
    duration: np.ndarray
    cost: np.ndarray
    credibility: float | np.ndarray
    #: the lead state of each response (-1: none; :func:`collsec.behavior.contribution.choose_lead`)
    lead: np.ndarray | None = None
    #: with ``log=True``: each crisis's event log, written as the kernel ran it
    events: list[list[Event]] | None = None
    extra: dict[str, np.ndarray] = field(default_factory=dict)


#: the draft term (0-3: one, cost, intrusion, pressure) of each vote feature, as
#: collsec.crisis._fused.vote_index adds them up (a test holds it to FEATURES)
PART_OF = (0, 0, 1, 1, 2, 0, 3, 3, 0, 3, 3, 3, 0, 2, 2)


def _coefficients(policy: UtilityPolicy) -> np.ndarray:
    """``sign * weight`` of each vote feature for the support (row 0) and the tilt
    (row 1); 0 where the weight is 0 (:func:`collsec.behavior.model.factor` skips it)."""
    out = np.zeros((2, len(FEATURES)))
    for row, w in enumerate((policy.weights(), policy.tilt())):
        for k, (_, _, sign, _) in enumerate(FEATURES.values()):
            wk = float(w[k])
            if wk != 0.0:
                out[row, k] = sign * wk
    return out


def _contribution_weights(policy: UtilityPolicy) -> tuple[np.ndarray, np.ndarray]:
    """The join and size weights of each contribution mode (rows: enforcement,
    peacekeeping)."""
    join, size = zip(
        *(policy.contribution_weights(m) for m in ("enforcement", "peacekeeping")), strict=True
    )
    return np.ascontiguousarray(np.stack(join)), np.ascontiguousarray(np.stack(size))


def _vote_index(stage, policy, sel, cols, levels, drafts, a, t, qs, hf, internal) -> np.ndarray:
    """Support and tilt, ``(2, L, len(sel), len(cols))``, from the vote model's NumPy
    formulas (:meth:`Stage.member_terms`, the policy's ``parts``,
    :func:`collsec.behavior.model.combine`): the path of a policy with parts of its own.
    ``drafts``: each ladder level's cost, intrusion and pressure."""
    terms = stage.member_terms(a[sel], t[sel], qs[sel], hf[sel], internal[sel], cols)
    pw, pv = policy.parts(terms)
    lc, li, lp = drafts
    out = np.empty((2, levels.shape[1], len(sel), len(cols)))
    for g in range(levels.shape[1]):
        lv = levels[:, g]
        d = draft_terms(lc[lv][:, None], li[lv][:, None], lp[lv][:, None])
        out[0, g] = combine(pw, d)
        out[1, g] = combine(pv, d)
    return out


def run_batch(
    stage,
    policy: UtilityPolicy,
    noise: Noise,
    credibility: float | np.ndarray,
    threat: Threat | None = None,
    *,
    occurred: bool = False,
    log: bool = False,
    decided: Decided | None = None,
    force_numpy: bool = False,
    threads: int = 1,
) -> BatchResult:
    """Run a batch of crises whose noise is ``noise`` under ``credibility``.

    ``credibility`` is one value or one per crisis; ``threat`` replaces the
    generated threats (historical cases, experiments); ``occurred`` skips the
    deterrence step (a historical attack that happened); ``log`` makes the
    kernel write each crisis's event log as it runs (``BatchResult.events``);
    ``decided`` replaces the kernel's forums by a decision taken outside it
    (:class:`Decided`, given threats only). The vote model's support and tilt come
    from the compiled loops (:func:`collsec.crisis._fused.vote_index`) unless the
    policy computes its parts its own way (or ``force_numpy``: tests hold the two
    equal bit for bit): then from :meth:`Stage.member_terms` and the policy's
    ``parts``. ``threads``: the compiled loops run parts of the batch's crises in
    up to that many threads (:func:`collsec.crisis._fused.across`); the results are
    the same bits on any number.
    Most callers go through :func:`collsec.crisis.api.sim_crises`.
    """
    p = stage.params
    sc = stage.scenario
    s = noise.s
    b = noise.size
    n, m = stage.n, stage.m
    rows = np.arange(b)
    th = draw_threats(stage.threats, s, p) if threat is None else threat
    kind, a, t, sev = th.kind, th.aggressor, th.target, th.severity
    internal = (kind == ATROCITY).astype(float)
    hf = np.where(th.sponsored, 1.0, p.nonstate_haven)
    cred = np.broadcast_to(np.asarray(credibility, dtype=float), (b,))
    book = _Logbook(stage, policy, th, b) if log else None

    # 2. deterrence ----------------------------------------------------------------
    pw = stage.p_win[a, t]
    value = policy.attack_value(sev, pw, cred, stage.shielded[a])
    choosing = (kind == AGGRESSION) | (kind == CYBER)
    attacked = ~choosing | (value + p.attack_noise * s["attack"] > 0.0) | occurred

    # 3. attribution -------------------------------------------------------------
    slow = (kind == CYBER) | (kind == TERRORISM)
    share = p.intelligence_sharing if sc.intelligence_sharing else 1.0
    mean_days = np.where(kind == CYBER, p.attribution_days_cyber, p.attribution_days_terror)
    delay = np.where(slow, mean_days * share * s["delay"], p.detection_days)
    conf = np.where(slow, 1.0 - p.attribution_doubt * share * s["doubt"], 1.0)
    if book is not None:
        book.start(attacked, choosing, cred, delay, conf)

    # the vote model's support and tilt, for the crises and states each step needs
    # (compiled: collsec.crisis._fused.vote_index, the arithmetic of
    # Stage.member_terms and collsec.behavior.model.factor and combine)
    coef = _coefficients(policy)
    # a policy of one's own may compute the parts its own way (Policy.parts)
    compiled = type(policy).parts is UtilityPolicy.parts and not force_numpy
    qs = conf * sev
    all_states = np.arange(n)
    lc_arr, li_arr = np.array(p.level_cost), np.array(p.level_intrusion)
    lp_arr = np.array(LEVEL_PRESSURE)
    if book is not None:
        book.inputs = (conf, hf)

    def index(sel, level, cols=None) -> np.ndarray:
        """Support ``[0]`` and tilt ``[1]`` of every state (or of ``cols``) for crises
        ``sel`` at ``level`` (one level, one per crisis, or ``(len(sel), L)`` levels:
        then ``(2, L, len(sel), states)``)."""
        lv = np.asarray(level, dtype=np.int64)
        many = lv.ndim == 2
        # (a fresh, writable copy: numba compiles again for a read-only array)
        lv = np.array(lv if many else np.broadcast_to(lv, np.shape(sel))[:, None], order="C")
        c = all_states if cols is None else np.asarray(cols, dtype=np.int64)
        if not compiled:
            drafts = (lc_arr, li_arr, lp_arr)
            out = _vote_index(stage, policy, sel, c, lv, drafts, a, t, qs, hf, internal)
            return out if many else out[:, 0]
        out = np.empty((2, lv.shape[1], len(sel), len(c)))

        def part(lo: int, hi: int) -> None:
            _fused.vote_index(
                sel,
                lo,
                hi,
                c,
                lv,
                lc_arr,
                li_arr,
                lp_arr,
                a,
                t,
                qs,
                hf,
                internal,
                coef,
                stage.aff_t,
                stage.aff_mean,
                stage.risk,
                stage.prox_t,
                stage.camp,
                stage.remote_t,
                stage.tie,
                stage.agree_rel_t,
                stage.veto,
                stage.statism,
                stage.agree_t,
                out,
            )

        _fused.across(threads, len(sel), len(c) * lv.shape[1], part)
        return out if many else out[:, 0]

    def cast(u, tl, uniform=None) -> np.ndarray:
        """Votes drawn from the vote model at support ``u`` and tilt ``tl`` with one
        ``uniform`` each, or (without) each member's most probable vote (compiled:
        collsec.crisis._fused.votes_from, the arithmetic of vote_probabilities,
        draw_votes and most_probable)."""
        if not compiled or p.vote_noise <= 0:
            pr = vote_probabilities(u, tl, p.vote_no, p.vote_yes, p.vote_noise)
            return (draw_votes(pr, uniform) if uniform is not None else most_probable(pr)).astype(
                np.int8
            )
        shape = np.shape(u)
        e = np.empty((3, u.size))
        _fused.vote_exponents(u.ravel(), tl.ravel(), p.vote_no, p.vote_yes, p.vote_noise, e)
        np.exp(e, out=e)
        votes = np.empty(u.size, dtype=np.int8)
        draw = uniform is not None
        _fused.votes_from(e, uniform.ravel() if draw else e[0], draw, votes)
        return votes.reshape(shape)

    # a decision taken outside the kernel: no forum of the kernel's own meets
    live = attacked.copy() if decided is None else np.zeros(b, dtype=bool)
    responder = np.zeros(b, dtype=np.int64)
    level = np.full(b, -1, dtype=np.int64)
    forums = np.zeros(b, dtype=np.int64)
    parties_n = np.zeros((b, n), dtype=bool)
    parties_n[rows, a] = True
    parties_n[rows, t] = True

    def member_forum(compiled, present, sel, votes_out, adopted_out, who, lvl, body) -> None:
        """One vote of a whole-membership forum (NAC, regional body, Assembly) on ``sel``."""
        u, tl = index(sel, lvl)
        v = cast(u, tl, noise.vote_uniform(sel))
        d = compiled.adjudicate(
            v,
            parties=parties_n[sel],
            exclude_parties=compiled.rule.excludes_parties(None),
            present=present,
        )
        votes_out[sel] = np.where(present, v, -1)
        adopted_out[sel] = d.adopted
        forums[sel] += 1
        done = sel[d.adopted]
        responder[done], level[done] = who, lvl[d.adopted] if np.ndim(lvl) else lvl
        live[done] = False
        if book is not None:
            lv = np.broadcast_to(lvl, sel.shape)
            for j, k in enumerate(sel):
                members = np.flatnonzero(present[j])
                book.ballot(k, body, compiled, members, votes_out[k][members], int(lv[j]), None)

    # 4a. NATO Art. 5 ------------------------------------------------------------
    art5 = live & (kind == AGGRESSION) & stage.nato[t] & stage.treaty_area[t] & ~stage.nato[a]
    nac_votes = np.full((b, n), -1, dtype=np.int8)
    nac_adopted = np.zeros(b, dtype=bool)
    sel = np.flatnonzero(art5)
    if len(sel):
        if book is not None:
            book.forum(sel, "nato-nac", ART5_GATE)
        present = np.broadcast_to(stage.nato, (len(sel), n))
        member_forum(stage.nac, present, sel, nac_votes, nac_adopted, NATO, 3, "nato-nac")

    # 4b. regional body first (Chapter VIII) ----------------------------------------
    regional_votes = np.full((b, n), -1, dtype=np.int8)
    regional_adopted = np.zeros(b, dtype=bool)
    allowed = np.zeros((b, 4), dtype=bool)
    allowed[:, 0] = True
    allowed[:, 1] = sev >= p.chapter_vii_severity
    allowed[:, 2] = (internal > 0) & (s["consent"] < p.host_consent) & allowed[:, 1]
    allowed[:, 3] = sev >= p.force_severity
    if sc.regional_first:
        sel = np.flatnonzero(live)
        if len(sel):
            if book is not None:
                book.forum(sel, "regional", "Chapter VIII: regional arrangement first")
            lvl = np.where(allowed[sel, 1], 1, 0)
            present = stage.region[None, :] == stage.region[t[sel]][:, None]
            member_forum(
                stage.regional,
                present,
                sel,
                regional_votes,
                regional_adopted,
                REGIONAL,
                lvl,
                "regional",
            )

    # 5-6. the Security Council ------------------------------------------------------
    seats = stage.seats
    draft = np.zeros(b, dtype=np.int64)
    draft_level = np.full(b, -1, dtype=np.int64)
    expected = np.zeros((b, 4), dtype=bool)
    council_votes = np.full((b, m), -1, dtype=np.int8)
    council_adopted = np.zeros(b, dtype=bool)
    council_vetoed = np.zeros(b, dtype=bool)
    sel = np.flatnonzero(live)
    rule = stage.council.rule
    atrocity_rule = getattr(stage, "council_atrocity", None)

    def council_decide(v, parties, ex, kinds):
        """The Council's decision; atrocity crises under the charter's atrocity rule, if any."""
        d = stage.council.adjudicate(v, parties=parties, exclude_parties=ex)
        if atrocity_rule is not None:
            rows = np.flatnonzero(kinds == ATROCITY)
            if len(rows):
                ex_r = ex[rows] if np.ndim(ex) else ex
                d2 = atrocity_rule.adjudicate(v[rows], parties=parties[rows], exclude_parties=ex_r)
                d.adopted[rows] = d2.adopted
                d.vetoed[rows] = d2.vetoed
        return d

    ex_vi = rule.excludes_parties("VI")
    ex_vii = rule.excludes_parties("VII")
    if len(sel) and m:
        parties_m = parties_n[np.ix_(sel, seats)]
        # the kernel's drafts name no sponsors: their sponsor term is 0
        # the seats' support and tilt at every level of the ladder, in one pass
        base, tilts = index(sel, np.broadcast_to(np.arange(4), (len(sel), 4)), seats)
        error = p.misjudgement * noise.misjudge(sel)
        forecast = base + error[None]  # (level, crisis, seat)
        demand = forecast[0].max(axis=1) > p.vote_yes
        # the sponsor foresees each member's most probable vote, misjudged, at every
        # level of the ladder; the four ballots of each crisis adjudicated together
        v = cast(forecast, tilts)
        ns = len(sel)
        d = council_decide(
            v.reshape(4 * ns, m),
            np.tile(parties_m, (4, 1)),
            np.repeat(np.array([ex_vi, ex_vii, ex_vii, ex_vii], dtype=bool), ns),
            np.tile(kind[sel], 4),
        )
        expected[sel] = d.adopted.reshape(4, ns).T
        vetoed0 = d.vetoed[:ns]
        choice = policy.choose_draft(expected[sel].T, allowed[sel].T)
        top = allowed[sel].shape[1] - 1 - np.argmax(allowed[sel][:, ::-1], axis=1)
        position = (choice < 0) & vetoed0 & (s["position"][sel] < p.position_taking)
        tabled = demand & ((choice >= 0) | position)
        chosen = np.where(choice >= 0, choice, top)
        draft[sel] = np.where(
            ~demand,
            DRAFT_NONE,
            np.where(
                tabled, DRAFT_TABLED, np.where(vetoed0, DRAFT_HIDDEN_VETO, DRAFT_HIDDEN_SHORTFALL)
            ),
        )
        forums[sel] += demand
        tsel = sel[tabled]
        lvl = chosen[tabled]
        draft_level[tsel] = lvl
        if book is not None:
            book.drafts(sel, draft, chosen, expected)
        if len(tsel):
            j_t = np.flatnonzero(tabled)
            v = cast(base[lvl, j_t], tilts[lvl, j_t], noise.vote_uniform(tsel, seats))
            v = np.where(noise.absent[tsel] < p.absent, ABSENT, v).astype(np.int8)
            ex = np.where(lvl == 0, ex_vi, ex_vii)
            d = council_decide(v, parties_m[tabled], ex, kind[tsel])
            council_votes[tsel] = v
            council_adopted[tsel] = d.adopted
            council_vetoed[tsel] = d.vetoed
            done = tsel[d.adopted]
            responder[done], level[done] = COUNCIL, lvl[d.adopted]
            live[done] = False
            if book is not None:
                for j, k in enumerate(tsel):
                    rule_k = (
                        atrocity_rule
                        if (atrocity_rule is not None and kind[k] == ATROCITY)
                        else stage.council
                    )
                    book.ballot(
                        k,
                        stage.council_name,
                        rule_k,
                        seats,
                        v[j],
                        int(lvl[j]),
                        "VI" if lvl[j] == 0 else "VII",
                        council=True,
                    )

    # 4c. Uniting for Peace ------------------------------------------------------------
    ga_votes = np.full((b, n), -1, dtype=np.int8)
    ga_adopted = np.zeros(b, dtype=bool)
    if sc.uniting_for_peace:
        sel = np.flatnonzero(live & council_vetoed)
        if len(sel):
            if book is not None:
                book.forum(sel, "unga", "Uniting for Peace (GA res. 377 A (V)) after a veto")
            lvl = draft_level[sel]
            present = np.broadcast_to(stage.un, (len(sel), n))
            member_forum(stage.ga, present, sel, ga_votes, ga_adopted, GA, lvl, "unga")

    # 4d. Art. 51 or action without authorisation -----------------------------------------
    armed = live & (kind == AGGRESSION)
    responder[armed], level[armed] = SELF_DEFENCE, 3
    sel = np.flatnonzero(live & ~armed)
    alone = np.zeros((b, n), dtype=bool)
    if len(sel):
        u = index(sel, 3)[0] + p.vote_noise * noise.vote(sel)
        willing = policy.acts_alone(u) & ~parties_n[sel]
        alone[sel] = willing
        go = willing.any(axis=1)
        done = sel[go]
        responder[done], level[done] = UNAUTHORISED, 3
    live[:] = False
    if decided is not None:  # the decision taken outside the kernel, written into its arrays
        responder[:] = np.where(attacked, np.asarray(decided.responder, dtype=np.int64), NONE)
        level[:] = np.where(attacked, decided.level, -1)
        forums[:] = decided.forums
        bal = np.asarray(decided.ballot, dtype=np.int8)
        for who, votes_out, adopted_out in (
            (NATO, nac_votes, nac_adopted),
            (REGIONAL, regional_votes, regional_adopted),
            (GA, ga_votes, ga_adopted),
        ):
            r = responder == who
            votes_out[r], adopted_out[r] = bal[r], True
        r = np.flatnonzero(responder == COUNCIL)
        council_votes[r] = bal[np.ix_(r, seats)]
        council_adopted[r] = True
        council_vetoed[:] = np.asarray(decided.vetoed, dtype=bool) & attacked
        r = responder == UNAUTHORISED
        alone[r] = bal[r] == YES

    # 7. who carries the response (collsec.behavior.contribution) and the outcome --------
    contributions = np.zeros((b, n))
    lead = np.full(b, -1, dtype=np.int64)
    legit = np.select(
        [responder == GA, responder == UNAUTHORISED], [p.ga_legitimacy, p.legitimacy_cost], 1.0
    )
    # an armed attack met with words alone (Chapter VI) leaves self-defence in place:
    # Art. 51 holds "until the Security Council has taken measures necessary"
    words = attacked & (kind == AGGRESSION) & (level == 0)
    sel = np.flatnonzero((level >= 1) | words)
    if len(sel):
        lvl = level[sel]
        resp = responder[sel]
        # each state's vote on the decision behind the response (-1: did not vote)
        ballot = np.full((len(sel), n), -1, dtype=np.int8)
        for who, votes in ((NATO, nac_votes), (REGIONAL, regional_votes), (GA, ga_votes)):
            r = np.flatnonzero(resp == who)
            ballot[r] = votes[sel[r]]
        r = np.flatnonzero(resp == COUNCIL)
        if len(r):
            ballot[np.ix_(r, seats)] = council_votes[sel[r]]
        shock = noise.contrib(sel)
        aa, tt = a[sel], t[sel]
        rows_s = np.arange(len(sel))
        is_a = np.zeros((len(sel), n), dtype=bool)
        is_a[rows_s, aa] = True
        is_t = np.zeros((len(sel), n), dtype=bool)
        is_t[rows_s, tt] = True
        # a peacekeeping mission serves a host that consents: ties to it do not bar
        tied = stage.tie[aa] & (lvl != 2)[:, None]
        may = contribution.eligible(
            aggressor=is_a,
            voted_against=(ballot >= 0) & (ballot != YES),
            tied_to_aggressor=tied,
            # (a tie to the target offsets one to the aggressor only when they differ)
            tied_to_target=stage.tie[tt] & (tt != aa)[:, None],
            outside=responder_in(resp, COUNCIL, GA)[:, None] & ~stage.un[None, :],
        )
        may &= ~is_t
        yes = ballot == YES
        # the lead: a state whose most probable vote is yes (not one carried there by
        # its shock in this draw) that voted for the response, or acted alone
        # (evaluated only where a yes vote can make a lead: the Council's seats, or every
        # member of another body; never under self-defence or in peacekeeping)
        sd = (resp == SELF_DEFENCE) | words[sel]
        voted_for = np.zeros((len(sel), n), dtype=bool)
        voted_for[resp == UNAUTHORISED] = alone[sel[resp == UNAUTHORISED]]
        voting = ~sd & (lvl != 2) & (resp != UNAUTHORISED)
        for cols, rows in (
            (seats, np.flatnonzero(voting & (resp == COUNCIL))),
            (None, np.flatnonzero(voting & (resp != COUNCIL))),
        ):
            if not len(rows):
                continue
            u, tl = index(sel[rows], lvl[rows], cols)
            steady = cast(u, tl) == YES
            c = np.arange(n) if cols is None else cols
            voted_for[np.ix_(rows, c)] = yes[np.ix_(rows, c)] & steady
        lead_sel = contribution.choose_lead(stage.capability, may & voted_for)
        lead_sel[sd | (lvl == 2)] = -1  # a peacekeeping mission has no lead state
        lead[sel] = lead_sel
        # who joins, with what (compiled: collsec.crisis._fused, the arithmetic of
        # collsec.behavior.contribution); the target defends itself against force, and
        # under Art. 51 its allies honour their pacts at the Leeds, Long & Mitchell
        # (2000) rate
        sd_rows = np.ascontiguousarray(sd)
        own_rows = np.ascontiguousarray((lvl == 3) | words[sel])
        size_index = np.zeros((len(sel), n))
        flag = np.zeros((len(sel), n), dtype=np.int8)
        join_w, size_w = _contribution_weights(policy)
        dist_feat, km_nan = stage.distance_feature()
        mode = (lvl == 2).astype(np.int64)
        # compared in single precision, as NumPy compares the float32 shocks
        honour = np.float32(stage.honour_logit)
        legit_sel = np.ascontiguousarray(legit[sel])
        sanctions = np.ascontiguousarray(lvl == 1)
        effort = np.empty((len(sel), n))
        given = np.empty((len(sel), n))
        total_sel = np.empty(len(sel))
        leak = np.empty(len(sel))

        def carry(lo: int, hi: int) -> None:
            r = slice(lo, hi)
            _fused.contribution_pass(
                aa[r],
                tt[r],
                lead_sel[r],
                mode[r],
                sd_rows[r],
                own_rows[r],
                yes[r],
                may[r],
                shock[r],
                honour,
                join_w,
                size_w,
                stage.capability,
                stage.personnel,
                stage.population,
                dist_feat,
                km_nan,
                stage.km,
                stage.tie,
                stage.agree_rel_t,
                stage.alliance,
                stage.ideal_fill,
                size_index[r],
                flag[r],
            )
            # (exp of every index of the part: those who give nothing have index 0 and
            # are not read)
            np.exp(size_index[r], out=effort[r])
            _fused.contribution_finish(
                flag[r],
                effort[r],
                legit_sel[r],
                sanctions[r],
                stage.cinc,
                stage.prox,
                aa[r],
                given[r],
                total_sel[r],
                leak[r],
            )

        _fused.across(threads, len(sel), n, carry)
        contributions[sel] = given
    total = np.zeros(b)
    eff = np.zeros(b)
    if len(sel):
        total[sel] = total_sel
        eff[sel] = total_sel
        sanc = np.flatnonzero(lvl == 1)
        if len(sanc):
            rows = sel[sanc]
            ts = total_sel[sanc]
            lk = leak[sanc]
            eff[rows] = ts * p.sanctions_efficacy * (1.0 - p.leakage * lk / (lk + ts + 1e-12))
        pk = sel[lvl == 2]
        eff[pk] = total[pk] * p.peacekeeping_efficacy
    resist = np.where(th.sponsored, stage.strength[a], p.nonstate_strength * sev)
    mexp = p.csf_exponent
    em = np.power(eff, mexp)
    p_fight = em / (em + np.power(resist, mexp))
    p_words = p.chapter_vi_efficacy * (1.0 - sev)
    p_success = np.where(level >= 1, p_fight, 0.0)
    # words alone, or words and the victim's self-defence (either can end it)
    p_success = np.where(
        level == 0, np.where(words, p_words + (1.0 - p_words) * p_fight, p_words), p_success
    )
    p_success = np.where(attacked, p_success, 0.0)
    success = attacked & (level >= 0) & (s["outcome"] < p_success)
    fought = ((level >= 1) | words) & attacked & ~(success & (p_success >= p.coerce))
    time_to_decision = np.where(attacked, delay + p.deliberation_days * forums, 0.0)
    duration = time_to_decision + np.where(fought, p.fight_days, 0.0)
    cost = total * np.where(fought, 1.0, 0.1)
    if book is not None:
        book.finish(
            responder, level, contributions, lead, success, p_success, fought, duration, cost
        )
        book.credibility(cred, success & responder_in(responder, NATO, REGIONAL, COUNCIL, GA))
    return BatchResult(
        kind=kind,
        aggressor=a,
        target=t,
        severity=sev,
        sponsored=th.sponsored,
        attacked=attacked,
        delay=delay,
        confidence=conf,
        art5=art5,
        nac_votes=nac_votes,
        nac_adopted=nac_adopted,
        regional_votes=regional_votes,
        regional_adopted=regional_adopted,
        draft=draft,
        draft_level=draft_level,
        expected_pass=expected,
        council_votes=council_votes,
        council_adopted=council_adopted,
        council_vetoed=council_vetoed,
        ga_votes=ga_votes,
        ga_adopted=ga_adopted,
        responder=responder,
        level=level,
        forums=forums,
        contributions=contributions,
        strength=eff,
        p_success=p_success,
        success=success,
        fought=fought,
        time_to_decision=time_to_decision,
        duration=duration,
        cost=cost,
        credibility=credibility,
        lead=lead,
        events=book.events if book is not None else None,
    )


ART5_GATE = "North Atlantic Treaty Art. 5: armed attack on an ally in the treaty area"

BASIS = {
    NATO: "collective defence (North Atlantic Treaty Art. 5; UN Charter Art. 51)",
    REGIONAL: "regional action (UN Charter Chapter VIII)",
    COUNCIL: "Security Council decision",
    GA: "General Assembly recommendation (not binding)",
    SELF_DEFENCE: "self-defence (UN Charter Art. 51) until the Council acts",
    UNAUTHORISED: "action without authorisation, at a legitimacy cost",
}


class _Logbook:
    """The event logs the kernel writes as it runs (``run_batch(..., log=True)``).

    Each crisis has its own list and its own clock (days since the trigger);
    every entry is written at the step that decides it, from the values the
    kernel used. A ballot's reason is the scalar adjudication of the same
    votes (:func:`collsec.institutions.rules.adjudicate_votes`), and each
    member's reason the weighted term of the vote model that pulled most that
    way (:func:`collsec.behavior.model.vote_reason`).
    """

    def __init__(self, stage, policy: UtilityPolicy, th: Threat, b: int) -> None:
        self.stage, self.policy, self.th = stage, policy, th
        self.events: list[list[Event]] = [[] for _ in range(b)]
        self.day = np.zeros(b)
        self.inputs: tuple[np.ndarray, np.ndarray] | None = None
        self.weights = policy.weights()
        self.tilt = policy.tilt()

    def _add(self, k: int, kind: str, data: dict) -> None:
        self.events[k].append(Event(kind, float(self.day[k]), data))

    def start(self, attacked, choosing, cred, delay, conf) -> None:
        st, th = self.stage, self.th
        codes = st.codes
        for k in range(len(self.events)):
            a, t = int(th.aggressor[k]), int(th.target[k])
            self._add(
                k,
                "threat",
                {
                    "kind": KINDS[int(th.kind[k])],
                    "aggressor": codes[a],
                    "target": codes[t],
                    "severity": round(float(th.severity[k]), 3),
                    "state_sponsor": bool(th.sponsored[k]),
                },
            )
            if choosing[k]:
                self._add(
                    k,
                    "deterrence",
                    {
                        "attacked": bool(attacked[k]),
                        "credibility": round(float(cred[k]), 3),
                        "shielded_by_veto": bool(st.shielded[a]),
                        "p_win": round(float(st.p_win[a, t]), 3),
                    },
                )
            if attacked[k]:
                self.day[k] = float(delay[k])
                self._add(
                    k,
                    "attribution",
                    {"confidence": round(float(conf[k]), 3), "days": round(float(delay[k]), 1)},
                )

    def forum(self, sel: np.ndarray, body: str, gate: str) -> None:
        for k in sel:
            self.day[k] += self.stage.params.deliberation_days
            self._add(int(k), "forum", {"body": body, "gate": gate})

    def drafts(self, sel, draft, chosen, expected) -> None:
        p = self.stage.params
        for j, k in enumerate(sel):
            k = int(k)
            exp = {LEVELS[x]: bool(expected[k, x]) for x in range(4)}
            if draft[k] == DRAFT_NONE:
                self._add(k, "draft", {"tabled": False, "why": "no Council member wants action"})
                continue
            self.day[k] += p.deliberation_days
            if draft[k] in (DRAFT_HIDDEN_VETO, DRAFT_HIDDEN_SHORTFALL):
                why = (
                    "a veto is expected (hidden veto)"
                    if draft[k] == DRAFT_HIDDEN_VETO
                    else "too few votes expected"
                )
                self._add(k, "draft", {"tabled": False, "why": why, "expected_to_pass": exp})
                continue
            lvl = int(chosen[j])
            self._add(k, "forum", {"body": self.stage.council_name, "gate": "Security Council"})
            self._add(
                k,
                "draft",
                {
                    "tabled": True,
                    "level": LEVELS[lvl],
                    "position_taking": not bool(expected[k, lvl]),
                    "expected_to_pass": exp,
                },
            )

    def _terms(self, k: int, i: int, level: int) -> np.ndarray:
        """The vote model's features for member ``i`` in crisis ``k`` (as the kernel used)."""
        st, th = self.stage, self.th
        conf, hf = self.inputs
        a, t = int(th.aggressor[k]), int(th.target[k])
        internal = 1.0 if int(th.kind[k]) == ATROCITY else 0.0
        p = st.params
        m = st.member_terms(
            np.array([a]),
            np.array([t]),
            np.array([float(conf[k]) * float(th.severity[k])]),
            np.array([float(hf[k])]),
            np.array([internal]),
            np.array([i]),
        )
        d = draft_terms(p.level_cost[level], p.level_intrusion[level], LEVEL_PRESSURE[level])
        return vote_features(m, d).reshape(-1)

    def ballot(self, k, body, compiled, members, votes, level, chapter, council=False) -> None:
        st, th = self.stage, self.th
        codes = st.codes
        k = int(k)
        a, t = int(th.aggressor[k]), int(th.target[k])
        listed = []
        for i, v in zip(members, votes, strict=True):
            i, v = int(i), int(v)
            if i == a and i == t:
                why = "the state concerned"
            elif i == a:
                why = "the aggressor"
            elif i == t:
                why = "the target"
            elif v == ABSENT:
                why = "absent"
            else:
                p = st.params
                terms = self._terms(k, i, level)
                why = vote_reason(terms, self.weights, v, p.vote_no, p.vote_yes, self.tilt)
            listed.append({"member": codes[i], "vote": CODES[v].value, "reason": why})
        self._add(k, "vote", {"body": body, "level": LEVELS[level], "votes": listed})
        parties = tuple(dict.fromkeys((codes[a], codes[t])))
        ballot = Ballot(
            votes={codes[int(i)]: CODES[int(v)] for i, v in zip(members, votes, strict=True)},
            chapter=chapter,
            parties=parties,
        )
        d = adjudicate_votes(
            compiled.rule,
            ballot,
            members=[codes[int(i)] for i in members],
            groups=st.council_groups if council else {},
            weights=st.council_weights if council else {},
            body=body,
        )
        self._add(
            k,
            "decision",
            {"body": body, "adopted": d.adopted, "reason": d.reason, "vetoed_by": d.vetoed_by},
        )

    def credibility(self, cred: np.ndarray, effective: np.ndarray) -> None:
        """What each crisis alone does to credibility (a record window of one)."""
        rate = self.stage.params.credibility_rate
        for k, ev in enumerate(self.events):
            if any(e.type == "outcome" for e in ev):
                after = next_credibility(float(cred[k]), int(effective[k]), 1, rate)
                self._add(
                    k, "credibility", {"before": round(float(cred[k]), 3), "after": round(after, 3)}
                )

    def finish(self, responder, level, contributions, lead, success, p_success, fought, dur, cost):
        codes = self.stage.codes
        for k, ev in enumerate(self.events):
            if not any(e.type == "attribution" for e in ev):
                continue  # deterred: nothing more happened
            resp, lvl = int(responder[k]), int(level[k])
            self._add(
                k,
                "measure",
                {
                    "responder": RESPONDERS[resp],
                    "measure": LEVELS[lvl] if lvl >= 0 else None,
                    "basis": BASIS.get(resp, "no response"),
                },
            )
            c = contributions[k]
            tot = float(c.sum())
            if tot > 0:
                order = np.argsort(-c, kind="stable")
                tk, ak = int(self.th.target[k]), int(self.th.aggressor[k])
                top = [
                    {
                        "state": codes[i],
                        "share": round(float(c[i] / tot), 3),
                        # the target's own defence, not a share of a collective burden
                        "own_defence": bool(i == tk and tk != ak),
                    }
                    for i in order[:5]
                    if c[i] > 0
                ]
                self._add(
                    k,
                    "contribution",
                    {
                        "contributors": int((c > 0).sum()),
                        "lead": codes[lead[k]] if lead[k] >= 0 else None,
                        "largest": top,
                        "total": tot,
                    },
                )
            self.day[k] = float(dur[k])
            self._add(
                k,
                "outcome",
                {
                    "success": bool(success[k]),
                    "responded": lvl >= 0,
                    "p_success": round(float(p_success[k]), 3),
                    "fought": bool(fought[k]),
                    "duration_days": round(float(dur[k]), 1),
                    "cost": float(cost[k]),
                },
            )

"""Turn a body's voting rule into a simple game for voting-power analysis.

Power indices assume every member votes yes or no (no abstention, absence or
excluded parties). Under that assumption every criterion of a rule becomes a
weighted threshold on one weight dimension:

* ``quota`` -- yes-weight on the criterion's weights >= the quota computed on
  the full membership (fractions rounded up, or floor + 1 when strict);
* ``veto`` with ``blockers`` b over h holders -- at least h - b + 1 holders yes;
* ``no_objection`` -- every member of the pool votes yes;
* ``max_against`` k -- at least n - k members vote yes;
* ``abstention_cap`` -- always met (no one abstains).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from collsec.errors import InputError
from collsec.institutions.charter import Body
from collsec.institutions.rules import Criterion, VotingRule
from collsec.power.game import Game
from collsec.power.indices import power_indices

__all__ = ["body_game", "body_game_and_seats", "game_power"]


def body_game(body: Body, rule: VotingRule | None = None) -> Game:
    """The simple game of ``body`` under ``rule`` (default: the body's default rule).

    Examples
    --------
    >>> import datetime as dt
    >>> from collsec.institutions import load_body
    >>> g = body_game(load_body("unsc", on=dt.date(1950, 1, 1)))
    >>> g.n, g.clauses
    (11, (((0, 7), (1, 5)),))
    """
    body.check_quotas()
    rule = rule or body.rule()
    members = body.members
    if body.seated is not None:
        members = [f"seat{i + 1}" for i in range(body.seated)]
    n = len(members)
    groups = body.groups
    weights_tables = body.weights
    columns: list[tuple[int, ...]] = []

    def column(values: list[int]) -> int:
        key = tuple(values)
        if key not in columns:
            columns.append(key)
        return columns.index(key)

    def indicator(group: str | None) -> list[int]:
        if group is None or body.seated is not None:
            return [1] * n
        return [1 if m in groups[group] else 0 for m in members]

    def threshold(c: Criterion) -> tuple[int, int] | None:
        ind = indicator(c.among)
        if c.type == "quota":
            if c.weight is not None:
                table = weights_tables[c.weight]
                missing = [m for m in members if m not in table]
                if missing:
                    raise InputError(
                        f"no '{c.weight}' weight for {', '.join(missing)} on {body.on.isoformat()}",
                        source=body.charter.weights[c.weight],
                    )
                w = [table[m] * i for m, i in zip(members, ind, strict=True)]
            else:
                w = ind
            if c.count is not None:
                return column(w), c.count
            f = c.frac
            assert f is not None
            exact = f * sum(w)
            return column(w), (math.floor(exact) + 1 if c.strict else math.ceil(exact))
        if c.type == "veto":
            holders = indicator(c.holders)
            h = sum(holders)
            if h == 0 or c.blockers > h:
                return None
            return column(holders), h - c.blockers + 1
        if c.type == "no_objection":
            return column(ind), sum(ind)
        if c.type == "max_against":
            return column([1] * n), n - (c.count or 0)
        return None  # abstention_cap: inert when everyone votes

    clauses = []
    for clause in rule.clauses:
        pairs = [t for t in (threshold(c) for c in clause) if t is not None]
        if not pairs:
            raise InputError(
                f"rule '{rule.name}' has a clause that no yes/no vote can fail, so it has no "
                "voting game",
                source=body.charter.id,
                field=f"rules.{rule.name}",
            )
        clauses.append(tuple(pairs))
    weights = np.array(columns, dtype=np.int64).T.reshape(n, len(columns))
    return Game(
        players=tuple(members),
        weights=weights,
        clauses=tuple(clauses),
        name=f"{body.charter.id}:{rule.name}",
    )


def body_game_and_seats(body: Body, rule: str | None = None) -> tuple[Game, dict[str, str]]:
    """The game of ``body`` under the rule named ``rule`` (default: the body's default
    rule) and its members' seats (none for a body of unnamed seats).

    Examples
    --------
    >>> import datetime as dt
    >>> from collsec.institutions import load_body
    >>> game, seats = body_game_and_seats(load_body("unsc", on=dt.date(2024, 7, 1)))
    >>> game.n, seats["FRA"]
    (15, 'permanent')
    """
    game = body_game(body, body.rule(rule))
    return game, (dict(body.seats) if body.seated is None else {})


def game_power(
    game: Game,
    index: str = "all",
    seats: dict[str, str] | None = None,
    *,
    progress: Callable[[str, int, int | None], None] | None = None,
) -> dict:
    """What ``collsec power --format json`` prints for ``game``; the lab's power page
    shows the same dictionary.

    ``index`` is ``all``, ``shapley-shubik`` or ``banzhaf``; ``seats`` maps members to
    their seat (``permanent``, ``elected``...), and without it every row's seat is
    ``"seat"``. ``progress(step, done, total)`` is called as the counts of a large
    weighted game are computed.

    Examples
    --------
    >>> r = game_power(Game.quota_with_veto(15, 9, range(5)))
    >>> r["members"][0]["shapley_shubik"], r["members"][0]["seat"], r["coleman_power_to_act"]
    ('421/2145', 'seat', '53/2048')
    """
    result = power_indices(game, index=index, progress=progress).to_dict()
    seats = seats or {}
    for row in result["members"]:
        row["seat"] = seats.get(row["member"], "seat" if not seats else "")
    notes = result.setdefault("notes", [])
    if index != "banzhaf" and game.n > 170:
        notes.append(
            "the powerindex package overflows above about 170 players; collsec computes exactly"
        )
    return result

"""Adjudicating a decision known only by its tally.

The UN's records give tallies (``9-1-0``) and name the vetoing members, but not
who else voted how. :func:`adjudicate_tally` builds the one ballot the record
implies -- named vetoers vote no, other negative votes are cast by elected
members, the remaining seats vote yes, abstain, or were absent -- and
adjudicates it under the charter in force on the date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from collsec.errors import InputError
from collsec.institutions.charter import load_body
from collsec.institutions.rules import Ballot, Decision

__all__ = ["adjudicate_tally"]


def adjudicate_tally(
    body: str,
    *,
    on: dt.date,
    yes: int,
    no: int,
    abstain: int,
    vetoed_by: Sequence[str] = (),
    procedural: bool = False,
) -> Decision:
    """Adjudicate a recorded tally under the charter in force on ``on``.

    Parameters
    ----------
    body : str
        A body id such as ``"unsc"`` (its version is chosen by date).
    on : datetime.date
        Date of the vote.
    yes, no, abstain : int
        The recorded tally; members not counted were absent or did not participate.
    vetoed_by : sequence of str
        Member codes the record names as casting a veto (negative votes).
    procedural : bool
        Adjudicate under the procedural rule (no veto).

    Examples
    --------
    >>> import datetime as dt
    >>> d = adjudicate_tally("unsc", on=dt.date(1950, 11, 30), yes=9, no=1, abstain=0,
    ...                      vetoed_by=["SUN"])
    >>> d.adopted, d.reason
    (False, 'vetoed by the USSR')
    >>> adjudicate_tally("unsc", on=dt.date(2022, 2, 27), yes=11, no=1, abstain=3,
    ...                  procedural=True).adopted
    True
    """
    council = load_body(body, on=on)
    members = council.members
    source = f"tally {yes}-{no}-{abstain} on {on.isoformat()}"
    if min(yes, no, abstain) < 0:
        raise InputError("negative count", source=source)
    if yes + no + abstain > len(members):
        raise InputError(f"{yes + no + abstain} votes for {len(members)} seats", source=source)
    vetoers = list(dict.fromkeys(vetoed_by))
    if len(vetoers) > no:
        raise InputError(f"{len(vetoers)} vetoers but only {no} negative votes", source=source)
    permanent = council.groups.get("permanent", frozenset())
    for v in vetoers:
        if v not in permanent:
            raise InputError(f"{v} is not a permanent member on {on.isoformat()}", source=source)
    # Unnamed negative votes go to elected members; remaining seats vote yes,
    # abstain, or are absent in roster order (permanent seats first for yes).
    others = [m for m in members if m not in vetoers]
    elected = [m for m in others if m not in permanent]
    extra_no = no - len(vetoers)
    if extra_no > len(elected):
        raise InputError(
            f"{extra_no} unnamed negative votes exceed the elected seats", source=source
        )
    no_list = vetoers + elected[:extra_no]
    rest = [m for m in others if m not in no_list]
    yes_list = rest[:yes]
    abstain_list = rest[yes : yes + abstain]
    absent_list = rest[yes + abstain :]
    ballot = Ballot.from_lists(yes=yes_list, no=no_list, abstain=abstain_list, absent=absent_list)
    return council.adjudicate(ballot, procedural=procedural)

"""Institutions: charters as data, voting rules, adjudication and legal gates.

>>> import datetime as dt
>>> from collsec.institutions import Ballot, load_body
>>> council = load_body("unsc", on=dt.date(1950, 6, 27))
>>> ballot = Ballot.from_lists(yes=["USA", "GBR", "FRA", "CHN", "CUB", "ECU", "NOR"],
...                            no=["YUG"], not_participating=["EGY", "IND"], absent=["SUN"])
>>> print(council.adjudicate(ballot).reason)
adopted: 7 affirmative votes of the 7 required; no permanent member voted no (the USSR absent)
"""

from collsec.institutions.charter import (
    Body,
    Charter,
    bodies_summary,
    builtin_charters,
    load_body,
    load_charter,
    membership_table,
)
from collsec.institutions.gates import (
    article5_applies,
    withdrawal_effective,
)
from collsec.institutions.rules import Ballot, Criterion, Decision, Vote, VotingRule
from collsec.institutions.tally import adjudicate_tally

__all__ = [
    "Ballot",
    "Body",
    "Charter",
    "Criterion",
    "Decision",
    "Vote",
    "VotingRule",
    "adjudicate_tally",
    "article5_applies",
    "bodies_summary",
    "builtin_charters",
    "load_body",
    "load_charter",
    "membership_table",
    "withdrawal_effective",
]

"""The project's own hand-sourced records (package data in ``collsec/data/curated``).

``unsc_named_votes.toml`` holds Security Council votes with every member's
vote and its source, chosen to exercise each voting rule: Korea 1950 with the
USSR absent, Uniting for Peace calls carried over permanent members' no,
vetoed drafts with permanent abstentions, Art. 27(3) abstentions of parties.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from collsec.institutions import Ballot, Decision, load_body

__all__ = ["NamedVote", "adjudicate_named", "named_votes"]


@dataclass(frozen=True)
class NamedVote:
    """One recorded Council vote with each member's vote and its sources."""

    symbol: str
    date: dt.date
    meeting: str
    topic: str
    question: str
    chapter: str
    parties: tuple[str, ...]
    outcome: str
    vetoed_by: tuple[str, ...]
    tally: str
    yes: tuple[str, ...]
    no: tuple[str, ...]
    abstain: tuple[str, ...]
    absent: tuple[str, ...]
    not_participating: tuple[str, ...]
    status: str
    sources: tuple[str, ...]
    note: str

    def ballot(self) -> Ballot:
        return Ballot.from_lists(
            yes=self.yes,
            no=self.no,
            abstain=self.abstain,
            absent=self.absent,
            not_participating=self.not_participating,
            chapter=self.chapter or None,
            parties=self.parties,
            source=self.symbol,
        )


@cache
def named_votes() -> tuple[NamedVote, ...]:
    """All hand-sourced Security Council votes, in date order."""
    text = files("collsec.data").joinpath("curated", "unsc_named_votes.toml").read_text("utf-8")
    out = []
    for d in tomllib.loads(text)["decision"]:
        tuples = {k: tuple(v) for k, v in d.items() if isinstance(v, list)}
        out.append(NamedVote(**{**d, **tuples}))
    return tuple(sorted(out, key=lambda v: v.date))


def adjudicate_named(vote: NamedVote, *, procedural: bool | None = None) -> Decision:
    """Adjudicate a named vote under the charter in force on its date.

    ``procedural`` overrides the recorded kind of question (for counterfactuals).
    """
    council = load_body("unsc", on=vote.date)
    proc = vote.question == "procedural" if procedural is None else procedural
    return council.adjudicate(vote.ballot(), procedural=proc)

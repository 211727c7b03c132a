"""The project's own hand-sourced records (package data in ``collsec/cases/curated``).

``unsc_named_votes.toml`` holds Security Council votes with every member's
vote and its source, chosen to exercise each voting rule: Korea 1950 with the
USSR absent, Uniting for Peace calls carried over permanent members' no,
vetoed drafts with permanent abstentions, Art. 27(3) abstentions of parties.
The records live with the case library, which builds its records from them
(:mod:`collsec.cases.build`), above the institutions whose rules adjudicate them.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from collsec.errors import InputError
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
    body: str = "unsc"
    target: str = ""
    sponsors: tuple[str, ...] = ()
    measure: str = ""
    file: str = ""

    @property
    def complete(self) -> bool:
        """Whether every member's vote is known (status ``named`` or ``derived``).

        A ``partial`` decision lists only the members whose votes its sources
        name (for example the vetoing members of a draft known by its tally).
        """
        return self.status in ("named", "derived")

    def ballot(self) -> Ballot:
        return Ballot.from_lists(
            yes=self.yes,
            no=self.no,
            abstain=self.abstain,
            absent=self.absent,
            not_participating=self.not_participating,
            chapter=self.chapter or None,
            parties=self.parties,
            question=None if self.question in ("substantive", "procedural") else self.question,
            target=self.target or None,
            source=self.symbol,
        )


@cache
def named_votes() -> tuple[NamedVote, ...]:
    """All hand-sourced votes (every ``*votes*.toml`` in ``curated/``), in date order.

    Each ``[[decision]]`` names its ``body`` (default ``unsc``); a malformed
    entry is a one-line error naming the file and the decision.
    """
    out = []
    for entry in sorted(files("collsec.cases").joinpath("curated").iterdir(), key=lambda e: e.name):
        if not (entry.name.endswith(".toml") and "votes" in entry.name):
            continue
        for i, d in enumerate(tomllib.loads(entry.read_text("utf-8")).get("decision", [])):
            tuples = {k: tuple(v) for k, v in d.items() if isinstance(v, list)}
            try:
                out.append(NamedVote(**{**d, **tuples, "file": entry.name}))
            except TypeError as e:
                raise InputError(
                    str(e).replace("NamedVote.__init__() ", ""),
                    source=f"curated/{entry.name}",
                    field=f"decision {i + 1} ({d.get('symbol', '?')})",
                ) from None
    return tuple(sorted(out, key=lambda v: (v.date, v.symbol)))


def adjudicate_named(vote: NamedVote, *, procedural: bool | None = None) -> Decision:
    """Adjudicate a named vote under the charter in force on its date.

    ``procedural`` overrides the recorded kind of question (for counterfactuals).
    """
    council = load_body(vote.body, on=vote.date)
    proc = vote.question == "procedural" if procedural is None else procedural
    return council.adjudicate(vote.ballot(), procedural=proc)

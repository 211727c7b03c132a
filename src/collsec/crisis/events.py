"""The event log of a crisis, and a narrator that only formats it.

The kernel writes the log as it runs (:func:`collsec.crisis.kernel.run_batch`
with ``log=True``; a replay is a batch of one through
:func:`collsec.crisis.api.sim_crises` with ``log=True``). Event types:
``threat``, ``deterrence``, ``attribution``, ``forum``, ``draft``, ``vote``,
``decision``, ``measure``, ``contribution``, ``outcome``, ``credibility``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

__all__ = ["Event", "EventType", "narrate"]

EventType = Literal[
    "threat",
    "deterrence",
    "attribution",
    "forum",
    "draft",
    "vote",
    "decision",
    "measure",
    "contribution",
    "outcome",
    "credibility",
]


@dataclass
class Event:
    """One step of a crisis: its type, the day it happened, and its data."""

    type: EventType
    day: float
    data: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def narrate(events: list[Event]) -> str:
    """Readable text of an event log."""
    lines = []
    for e in events:
        d = e.data
        head = f"day {e.day:6.1f}  "
        if e.type == "threat":
            sp = (
                ""
                if d["state_sponsor"] or d["kind"] != "terrorism"
                else " (a group without state sponsor, based in it)"
            )
            if d["kind"] == "atrocity":
                lines.append(
                    f"{head}atrocity or civil war in {d['target']}, severity {d['severity']}"
                )
            else:
                lines.append(
                    f"{head}{d['kind']}: {d['aggressor']}{sp} against {d['target']}, "
                    f"severity {d['severity']}"
                )
        elif e.type == "deterrence":
            what = "attacks" if d["attacked"] else "is deterred"
            lines.append(
                f"{head}the aggressor {what} (odds {d['p_win']}, credibility {d['credibility']}"
                + (", shielded by a veto" if d["shielded_by_veto"] else "")
                + ")"
            )
        elif e.type == "attribution":
            lines.append(f"{head}attributed with confidence {d['confidence']}")
        elif e.type == "forum":
            lines.append(f"{head}{d['body']}: {d['gate']}")
        elif e.type == "draft":
            if d["tabled"]:
                extra = " to take a position (a veto is expected)" if d["position_taking"] else ""
                lines.append(f"{head}a draft under {d['level']} is tabled{extra}")
            else:
                lines.append(f"{head}no draft is tabled: {d['why']}")
        elif e.type == "vote":
            lines.append(f"{head}{d['body']} votes on {d['level']}:")
            for v in d["votes"]:
                lines.append(f"{'':14}{v['member']:>6} {v['vote']:<8} {v['reason']}")
        elif e.type == "decision":
            lines.append(f"{head}{d['body']}: {d['reason']}")
        elif e.type == "measure":
            lines.append(
                f"{head}response: {d['basis']}" + (f", {d['measure']}" if d["measure"] else "")
            )
        elif e.type == "contribution":
            big = ", ".join(
                f"{x['state']} {x['share']:.0%}"
                + (" (defending itself)" if x.get("own_defence") else "")
                for x in d["largest"]
            )
            n = d["contributors"]
            who = "1 state contributes" if n == 1 else f"{n} states contribute"
            led = f", led by {d['lead']}" if d.get("lead") else ""
            lines.append(f"{head}{who}{led}; largest shares: {big}")
        elif e.type == "outcome":
            if not d.get("responded", True):
                lines.append(f"{head}no response: the aggressor prevails")
                continue
            res = "succeeds" if d["success"] else "fails"
            how = (
                " after fighting" if d["fought"] else (" without fighting" if d["success"] else "")
            )
            lines.append(
                f"{head}the response {res}{how} (p = {d['p_success']}), {d['duration_days']} days"
            )
        elif e.type == "credibility":
            lines.append(f"{head}credibility {d['before']} -> {d['after']}")
    return "\n".join(lines)

"""The metrics of every run of the model: ``collsec simulate`` and each replication of an
experiment report these, under these names, computed by
:meth:`collsec.crisis.run.Tally.metrics`. Kept apart so that reading the names loads
nothing heavy."""

from __future__ import annotations

__all__ = ["METRICS", "METRIC_INFO"]

#: Every run's metrics: name -> (description, unit, higher is better?).
METRIC_INFO: dict[str, tuple[str, str, bool | None]] = {
    "aggression_attempted": ("aggressions attempted (attacks launched)", "count", False),
    "aggression_deterred": ("would-be aggressions deterred", "count", True),
    "deterrence_rate": ("share of would-be aggressions deterred", "share", True),
    "authorised_share": ("share of aggressions met by an authorised response", "share", True),
    "paralysis_veto": (
        "crises with the Council blocked by a veto (open or foreseen)",
        "count",
        False,
    ),
    "paralysis_shortfall": ("crises with the Council short of votes", "count", False),
    "time_to_decision": ("mean days from the attack to a collective decision", "days", False),
    "response_success": ("share of responses that succeeded", "share", True),
    "burden_gini": ("Gini of contributions across states", "index", None),
    "free_riding": (
        "1 - burden share / capability share of states outside the top five",
        "index",
        False,
    ),
    "oz_rank_correlation": (
        "Spearman rank correlation of capability and burden share",
        "rho",
        None,
    ),
    "legitimacy": ("share of responses that were authorised", "share", True),
    "costs": ("total cost of responses (CINC-share units)", "cost", False),
    "credibility_final": ("the institution's credibility at the end of the horizon", "share", True),
    "veto_rate": ("share of tabled Council drafts that were vetoed", "share", False),
}
METRICS: tuple[str, ...] = tuple(METRIC_INFO)

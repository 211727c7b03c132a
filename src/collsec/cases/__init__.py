"""The case library: historical crises replayed vote by vote and scored against the record."""

from collsec.cases.case import (
    CONFLICT_OUTCOMES,
    INSTITUTION_OUTCOMES,
    Case,
    Draft,
    RecordedDecision,
    builtin_case_ids,
    load_case,
)

__all__ = [
    "CONFLICT_OUTCOMES",
    "INSTITUTION_OUTCOMES",
    "Case",
    "Draft",
    "RecordedDecision",
    "builtin_case_ids",
    "load_case",
]
